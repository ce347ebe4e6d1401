"""The words every kind of result shares: KPI names, estimates with their intervals, goals.

In the current language; no more digits than the data support.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sim.i18n import _, interval, name, number, percent, plain, significant
from sim.results.intervals import SHARES
from sim.results.metrics import KPIS

RATES = SHARES & frozenset(KPIS)
"""KPIs that are shares, said in percent (their differences in points)."""
COLUMNS = KPIS[:4]
"""The KPIs a text table has a column for (the lines lost to cancellations are said apart)."""


def kpi_name(kpi: str) -> str:
    """A KPI's name in words of the current language."""
    return {
        "quota_miss_rate": _("quota miss rate"),
        "fill_rate": _("fill rate"),
        "mean_shortfall": _("mean shortfall"),
        "longest_miss_run": _("longest miss run"),
        "lost_to_cancellation": _("lines lost to cancellation"),
    }.get(kpi, kpi.replace("_", " "))


def policy_name(policy: str) -> str:
    """A policy as it is said: the scenario's label for it; the baseline in words."""
    return _("baseline") if policy == "baseline" else name(policy)


def setting_value(value: Any) -> str:
    """A value a lever or an uncertainty takes, as a reader takes it, in the current language.

    A number with its marks (``2.000.000.000``), a mapping's entries by their names, nothing
    as "none".
    """
    if value is None:
        return _("none")
    if isinstance(value, Mapping):
        said = [f"{name(k)} {setting_value(v)}" for k, v in value.items()]
        return ", ".join(said) or _("none")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return number(value) if float(value).is_integer() else significant(value)


def range_words(spec: Mapping[str, Any]) -> str:
    """An uncertainty's or a lever's range: ``1.000 to 3.000`` or ``one of: a; b; c``."""
    if spec.get("values") is not None:
        values = [setting_value(v) for v in spec["values"]]
        return _("one of: {values}").format(values="; ".join(values))
    return _("{low} to {high}").format(
        low=setting_value(spec["low"]), high=setting_value(spec["high"])
    )


def kpi_headings() -> tuple[str, ...]:
    """The KPIs' short names, as column headings (in ``COLUMNS`` order)."""
    return (_("miss rate"), _("fill rate"), _("mean shortfall"), _("longest miss run"))


def product_field(field: str) -> str:
    """A product total's name (``sold_locally``) in words of the current language."""
    words = {
        "initial_stock": _("initial stock"),
        "made": _("made"),
        "sold_locally": _("sold locally"),
        "unpaid": _("unpaid"),
        "rejected": _("rejected"),
        "overflow": _("overflow"),
        "shipped": _("shipped"),
        "spoiled": _("spoiled"),
        "cleared": _("cleared"),
        "on_hand_end": _("on hand end"),
        "undelivered_end": _("undelivered end"),
    }
    return words.get(field, field.replace("_", " "))


def one_decimal(x: float) -> str:
    """``1.5`` / ``1,5``."""
    return number(x, 1)


def kpi_format(kpi: str) -> tuple[Callable[[float], str], float, str]:
    """How a KPI's estimate is shown, the scale of its difference, and the difference's unit."""
    formats: dict[str, tuple[Callable[[float], str], float, str]] = {
        "quota_miss_rate": (percent, 100, " " + _("pts")),
        "fill_rate": (percent, 100, " " + _("pts")),
        "mean_shortfall": (number, 1, " " + _("packs")),
        "longest_miss_run": (lambda x: number(x, 2), 1, ""),
        "lost_to_cancellation": (percent, 100, " " + _("pts")),
    }
    return formats[kpi]


def kpi_value(kpi: str, x: float) -> str:
    """A KPI's value: a rate in percent, anything else to three significant digits."""
    return percent(x) if kpi in RATES else significant(x)


def plus_minus(stat: Mapping[str, Any], show: Callable[[float], str]) -> str:
    """``mean ± half-width`` of a ``{"mean", "ci95"}`` estimate; ``[lo, hi]`` when lopsided.

    An interval of a share near 0 or 1 is not symmetric: it is shown whole, ``0.0% [0.0%,
    1.8%]``. An end that cannot be known (every replication gave 0) is a ``?``.
    """
    mean = stat["mean"]
    lo, hi = stat["ci95"]
    if mean is None:
        return _("n/a")
    if lo is None:
        return show(mean)
    if hi is None:
        return f"{show(mean)} {interval(show(lo), '?')}"
    if show(hi - mean) != show(mean - lo):
        return f"{show(mean)} {interval(show(lo), show(hi))}"
    return f"{show(mean)} ± {show((hi - lo) / 2)}"


def kpi_cells(stats: Mapping[str, Any]) -> list[str]:
    """Each KPI of a scope as ``mean ± half-width``."""
    formats: dict[str, Callable[[float], str]] = {
        "quota_miss_rate": percent,
        "fill_rate": percent,
        "mean_shortfall": number,
        "longest_miss_run": one_decimal,
    }
    return [plus_minus(stats[kpi], formats[kpi]) for kpi in COLUMNS]


def row(label: str, cells: Any, width: int = 20) -> str:
    """A text-table row: the label, then right-aligned cells at least one space apart."""
    return f"{label:<28}" + "".join(f" {cell:>{width - 1}}" for cell in cells).rstrip()


def bracketed(lo: float | None, hi: float | None, show: Callable[[float], str]) -> str:
    """``[lo, hi]`` in the current language; ``?`` for an end that cannot be known.

    Empty where neither end is known (a single replication).
    """
    ends = [None if v is None or math.isnan(v) else v for v in (lo, hi)]
    if ends == [None, None]:
        return ""
    return interval(*("?" if v is None else show(v) for v in ends))


def with_ci(stat: Mapping[str, Any], show: Callable[[float], str], unit: str = "") -> str:
    """``23% (95% CI 21-25%)``: an estimate, and its interval where the digits tell them apart."""
    mean, (lo, hi) = stat["mean"], stat["ci95"]
    if mean is None:
        return _("not known")
    if lo is None or (hi is not None and show(lo) == show(hi)):  # narrower than its digits
        return f"{show(mean)}{unit}"
    ci, high = _("95% CI"), "?" if hi is None else show(hi)
    return f"{show(mean)}{unit} ({ci} {show(lo)}\N{EN DASH}{high}{unit})"


def rate_with_ci(stat: Mapping[str, Any]) -> str:
    """A rate in whole percent, with its interval: ``23% (95% CI 21-25%)``."""
    return with_ci(stat, lambda x: number(100 * x), "%")


def estimate(row: Mapping[str, Any]) -> dict[str, Any]:
    """A table row's ``mean``, ``ci_lo``, ``ci_hi`` as an estimate ``{"mean", "ci95"}``."""
    return {"mean": row["mean"], "ci95": [row["ci_lo"], row["ci_hi"]]}


def goal_words(goal: Mapping[str, Any]) -> str:
    """A target's goal (``TargetResult.goal`` as a dict) in words."""
    scope = ", ".join(x for x in (goal["buyer"], goal["product"]) if x) or _("all buyers")
    way = (_("at most {x}") if goal["at_most"] else _("at least {x}")).format(
        x=plain(goal["bound"])
    )
    strict = " " + _("(whole 95% CI)") if goal["conservative"] else ""
    return f"{goal['metric']} ({scope}) {way}{strict}"


def criterion_words(criterion: Mapping[str, Any]) -> str:
    """A criterion (``Criterion`` as a dict) in words: ``fill rate (zurich) >= 90%``.

    The KPI by its name, the buyer by its label, a rate's bound in percent.
    """
    kpi, bound = criterion["kpi"], criterion["bound"]
    scope = _("all buyers") if criterion["buyer"] == "all" else name(criterion["buyer"])
    said = _percent_as_typed(bound) if kpi in RATES else plain(bound)
    return f"{kpi_name(kpi)} ({scope}) {criterion['op']} {said}"


def _percent_as_typed(share: float) -> str:
    """A share in percent with the digits it was given: 0.15 -> 15%, 0.025 -> 2.5%."""
    digits = -int(Decimal(repr(float(share))).as_tuple().exponent)
    return percent(share, max(digits - 2, 0))


def precision_words(report: Mapping[str, Any] | None) -> str:
    """How a precision target went, in a sentence (empty when none was set)."""
    if report is None:
        return ""
    got = report["half_width"]
    said = (
        _("precision ±{target} reached (±{got}) with {n} replications")
        if report["reached"]
        else _(
            "precision ±{target} NOT reached: ±{got} after {n} replications (the "
            "--max-replications cap)"
        )
    )
    return said.format(
        target=significant(report["target_half_width"], 6),
        got=_("n/a") if got is None else significant(got, 4),
        n=report["replications"],
    )


def with_precision(text: str, document: Mapping[str, Any]) -> str:
    """``text``, and under it how a precision target went, if one was set."""
    said = precision_words(document.get("precision"))
    return f"{text}\n\n{said}" if said else text


def listed(names: list[str]) -> str:
    """``a and b`` / ``a, b, c``."""
    return _(" and ").join(names) if len(names) <= 2 else ", ".join(names)  # noqa: PLR2004


def three_digits(amount: float) -> float:
    """Three significant digits: the costs are estimates too."""
    return float(f"{amount:.3g}")


def rupiah_cell(amount: float) -> str:
    """Rupiah to three significant digits, without the symbol (a table's column says Rp)."""
    return number(three_digits(amount))

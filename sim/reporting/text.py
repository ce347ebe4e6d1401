"""Results as text tables for a terminal: each estimate with its 95% CI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from sim.experiments.compare import Comparison
from sim.experiments.explore import Exploration
from sim.experiments.sensitivity import Sensitivity
from sim.experiments.sweep import SweepResult
from sim.i18n import _, interval, number, percent, plain, signed, significant
from sim.results.metrics import KPIS


def _kpi_headings() -> tuple[str, ...]:
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


def format_summary(summary: dict[str, Any]) -> str:
    """Return the summary document as a text table for a terminal (in the current language)."""
    title = _("{scenario}: {replications} replications, seed {seed}, {days} days").format(
        scenario=summary["scenario"],
        replications=number(summary["replications"]),
        seed=summary["seed"],
        days=number(summary["horizon_days"]),
    )
    out = [
        f"{title} (umkm-sim {summary['version']})",
        _("Each figure: mean across replications ± half-width of its 95% confidence interval."),
        "",
        _row(_("Quota (per shipment line)"), _kpi_headings()),
        _row(_("all buyers"), _kpi_cells(summary)),
    ]
    for buyer, stats in summary["buyers"].items():
        out.append(_row(buyer, _kpi_cells(stats)))
        out.extend(
            _row(f"  {product}", _kpi_cells(line)) for product, line in stats["products"].items()
        )
    out += _buyer_notes(summary["buyers"])
    products = summary["products"]
    out += ["", _row(_("Packs per replication"), list(products), width=22)]
    for field in next(iter(products.values())):
        cells = [_estimate(products[p][field], number) for p in products]
        out.append(_row(product_field(field), cells, width=22))
    if "cash" in summary:
        cash = summary["cash"]
        out += [
            "",
            _(
                "Cash (Rp): lowest {lowest}, at the end {end}; days turning output away for "
                "lack of it: {away}"
            ).format(
                lowest=_estimate(cash["min"], number),
                end=_estimate(cash["end"], number),
                away=_estimate(cash["days_turning_output_away"], _one_decimal),
            ),
        ]
    return "\n".join(out)


def _one_decimal(x: float) -> str:
    return number(x, 1)


def _buyer_notes(buyers: dict[str, Any]) -> list[str]:
    notes = []
    for name, stats in buyers.items():
        parts = []
        delay = stats["mean_delay_days"]
        if delay["mean"]:
            days = _estimate(delay, lambda x: number(x, 2))
            parts.append(_("mean port delay {days} days").format(days=days))
        if "on_time_rate" in stats:
            share = _estimate(stats["on_time_rate"], percent)
            parts.append(_("arrives on time {share}").format(share=share))
        if "contract" in stats:
            contract = stats["contract"]
            share = _estimate(contract["survival"], percent)
            text = _("contract survives the horizon {share}").format(share=share)
            if contract["cancellations"]:
                day = number(contract["cancelled_day"]["p50"])
                text += _(", ends on day {day} (median) if it ends").format(day=day)
            parts.append(text)
        if parts:
            notes.append(f"{name}: " + "; ".join(parts))
    return ["", *notes] if notes else []


def _kpi_cells(stats: dict[str, Any]) -> list[str]:
    formats: dict[str, Callable[[float], str]] = {
        "quota_miss_rate": percent,
        "fill_rate": percent,
        "mean_shortfall": number,
        "longest_miss_run": _one_decimal,
    }
    return [_estimate(stats[kpi], formats[kpi]) for kpi in KPIS]


def _estimate(stat: dict[str, Any], fmt: str | Callable[[float], str]) -> str:
    """``mean ± half-width``, formatted by a format string or a function."""
    show = fmt.format if isinstance(fmt, str) else fmt
    mean = stat["mean"]
    lo, hi = stat["ci95"]
    if mean is None:
        return _("n/a")
    if lo is None:
        return show(mean)
    half = (hi - lo) / 2
    return f"{show(mean)} ± {show(half)}"


def _row(label: str, cells: Any, width: int = 20) -> str:
    # At least one space between cells, however long a heading runs in another language.
    return f"{label:<28}" + "".join(f" {cell:>{width - 1}}" for cell in cells).rstrip()


def _kpi_format(kpi: str) -> tuple[Callable[[float], str], float, str]:
    """How a KPI's estimate is shown, the scale of its difference, and the difference's unit."""
    formats: dict[str, tuple[Callable[[float], str], float, str]] = {
        "quota_miss_rate": (percent, 100, " " + _("pts")),
        "fill_rate": (percent, 100, " " + _("pts")),
        "mean_shortfall": (number, 1, " " + _("packs")),
        "longest_miss_run": (lambda x: number(x, 2), 1, ""),
    }
    return formats[kpi]


def kpi_name(kpi: str) -> str:
    """A KPI's name in words of the current language."""
    return {
        "quota_miss_rate": _("quota miss rate"),
        "fill_rate": _("fill rate"),
        "mean_shortfall": _("mean shortfall"),
        "longest_miss_run": _("longest miss run"),
    }.get(kpi, kpi.replace("_", " "))


def format_comparison(comparison: Comparison) -> str:
    """Return a policy comparison as a text table: estimates, paired differences, markers."""
    table = comparison.table
    first = comparison.results["baseline"].provenance
    title = _(
        "{scenario}: {policies} policies against the baseline, {replications} replications "
        "each, seed {seed}"
    ).format(
        scenario=first["scenario"],
        policies=len(comparison.results) - 1,
        replications=number(comparison.replications),
        seed=first["seed"],
    )
    out = [
        f"{title} (umkm-sim {first['version']})",
        _("Common random numbers: replication r of every policy sees the same random draws."),
        _("Estimates: mean [95% CI]. * marks a difference whose 95% CI excludes zero."),
    ]
    scopes = [(kpi, "all") for kpi in KPIS]
    scopes += [("quota_miss_rate", b.name) for b in comparison.scenario.buyers]
    estimate, difference = _("estimate"), _("difference from baseline")
    everyone = _("all buyers")
    for kpi, buyer in scopes:
        rows = table[(table.kpi == kpi) & (table.buyer == buyer) & (table["product"] == "all")]
        label = f"{kpi_name(kpi)}, {everyone if buyer == 'all' else buyer}"
        out += ["", f"{label:<33} {estimate:<28}{difference}"]
        out.extend(_comparison_row(row, kpi) for row in rows.itertuples())
    return "\n".join(out)


def _comparison_row(row: Any, kpi: str) -> str:
    show, scale, unit = _kpi_format(kpi)
    estimate = f"{show(row.mean)} {_interval(row.ci_lo, row.ci_hi, show)}"
    line = f"  {row.policy:<32}{estimate:<28}"
    if row.policy != "baseline":
        diff = [signed(row.diff * scale, 2), signed(row.diff_lo * scale, 2)]
        line += f"{diff[0]} {interval(diff[1], signed(row.diff_hi * scale, 2))}{unit}"
        line += " *" if row.significant else ""
    return line.rstrip()


def _interval(lo: float | None, hi: float | None, show: Callable[[float], str]) -> str:
    if lo is None or hi is None or lo != lo:  # noqa: PLR0124 (NaN: a single replication)
        return ""
    return interval(show(lo), show(hi))


def format_sweep(result: SweepResult) -> str:
    """Return a sweep's headline KPI per design point as a text table."""
    head = result.headline()
    width = max(len(p) for p in result.levers) + 2
    title = _(
        "{scenario}: sweep of {points} points, {replications} replications each, seed {seed} "
        "(common random numbers)"
    ).format(
        scenario=result.scenario.name,
        points=len(result.points),
        replications=number(result.results[0].replications),
        seed=result.seed,
    )
    column = _("quota miss rate [95% CI]")
    lines = [title, "", "".join(f"{p:>{width}}" for p in result.levers) + f"   {column}"]
    for row in head.to_dict("records"):
        values = "".join(f"{_show(row[p]):>{width}}" for p in result.levers)
        low, high = percent(row["ci_lo"]), percent(row["ci_hi"])
        ci = "" if pd.isna(row["ci_lo"]) else f" {interval(low, high)}"
        lines.append(f"{values}   {percent(row['mean'])}{ci}")
    return "\n".join(lines)


def _show(value: Any) -> str:
    if isinstance(value, float):
        text = f"{value:.4g}"
        return text if "e" in text else plain(float(text))
    return str(value)


def format_sensitivity(result: Sensitivity) -> str:
    """Return the levers ranked by their effect on the KPI, as a text table."""
    pct = result.kpi in {"quota_miss_rate", "fill_rate"}
    scale, unit = (100, " " + _("pts")) if pct else (1, "")
    width = max(len(p) for p in result.levers) + 2
    comparison = result.comparison
    change = percent(result.change, 0)
    title = _(
        "{scenario}: {kpi} when each lever moves -{change} / +{change}, {replications} "
        "replications each, seed {seed} (common random numbers)"
    ).format(
        scenario=comparison.scenario.name,
        kpi=result.kpi,
        change=change,
        replications=number(comparison.replications),
        seed=comparison.seed,
    )
    lever, value = _("lever"), _("value")
    lines = [title, "", f"{lever:<{width}}{value:>14}{'-' + change:>16}{'+' + change:>16}"]
    for row in result.table.to_dict("records"):
        down = f"{signed(float(row['diff_down']) * scale, 2)}{unit}"
        up = f"{signed(float(row['diff_up']) * scale, 2)}{unit}"
        shown = plain(float(f"{float(row['value']):.6g}"))
        lines.append(f"{row['lever']!s:<{width}}{shown:>14}{down:>16}{up:>16}")
    return "\n".join(lines)


def format_exploration(exploration: Exploration) -> str:
    """Return each policy's robustness across the futures, ranked, and the verdict."""
    c = exploration.criterion
    pct = c.kpi in {"quota_miss_rate", "fill_rate"}

    def show(x: float) -> str:
        return percent(x) if pct else significant(x)

    e = exploration
    title = _(
        "{scenario}: {futures} futures ({sampler}) x {policies} policies x {replications} "
        "replications, seed {seed} (common random numbers)"
    ).format(
        scenario=e.scenario.name,
        futures=len(e.futures),
        sampler=e.sampler,
        policies=len(e.policies),
        replications=e.replications,
        seed=e.seed,
    )
    said = _("acceptable: {target}; 95% CIs from a bootstrap over futures and replications")
    columns = (
        _("policy"),
        _("acceptable in"),
        c.kpi + " p10 / p50 / p90",
        _("regret p90 [95% CI]"),
    )
    lines = [
        title,
        said.format(target=c.describe()),
        "",
        f"{columns[0]:<22}{columns[1]:<26}{columns[2]:<34}{columns[3]}",
    ]
    for row in exploration.ranked.to_dict("records"):
        share = percent(row["share"], 0) + " "
        share += interval(percent(row["share_lo"], 0), percent(row["share_hi"], 0))
        spread = " / ".join(show(row[q]) for q in ("p10", "p50", "p90"))
        regret = show(row["regret_p90"]) + " "
        regret += interval(show(row["regret_p90_lo"]), show(row["regret_p90_hi"]))
        lines.append(f"  {row['policy']!s:<20}{share:<26}{spread:<34}{regret}")
    return "\n".join([*lines, "", exploration.verdict()])

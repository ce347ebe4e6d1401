"""An exploration: every policy in many uncertain futures, and which is most robust."""

from __future__ import annotations

from typing import Any

from sim.experiments.explore import Exploration
from sim.i18n import _, number, percent, signed, significant
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, figure, json_file, text_file
from sim.reporting.words import (
    RATES,
    bracketed,
    criterion_words,
    kpi_name,
    policy_name,
    range_words,
)
from sim.scenario.yamlio import to_yaml


def text(exploration: Exploration) -> str:
    """Each policy's robustness across the futures, ranked, and the verdict."""
    e = exploration
    document = e.document()
    said = words(document)
    kpi = e.criterion.kpi

    def show(x: float) -> str:
        return percent(x) if kpi in RATES else significant(x)

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
    acceptable = _(
        "acceptable: {target}; 95% CIs with the futures taken as independent draws "
        "(exact for mc, conservative for lhs)"
    )
    columns = (
        _("policy"),
        _("acceptable in"),
        kpi_name(kpi) + " p10 / p50 / p90",
        _("regret p90 [95% CI]"),
    )
    lines = [
        title,
        acceptable.format(target=said["target"]),
        "",
        f"{columns[0]:<22}{columns[1]:<26}{columns[2]:<34}{columns[3]}",
    ]
    for row in e.ranked.to_dict("records"):
        share = percent(row["share"], 0) + " "
        share += bracketed(row["share_lo"], row["share_hi"], lambda x: percent(x, 0))
        spread = " / ".join(show(row[q]) for q in ("p10", "p50", "p90"))
        regret = show(row["regret_p90"]) + " "
        regret += bracketed(row["regret_p90_lo"], row["regret_p90_hi"], show)
        lines.append(f"  {policy_name(row['policy']):<20}{share:<26}{spread:<34}{regret}")
    return "\n".join([*lines, "", said["verdict"]])


def words(document: dict[str, Any]) -> dict[str, Any]:
    """What counts as acceptable, and the verdict: which policy is most robust, if any."""
    target = criterion_words(document["criterion"])
    return {"target": target, "verdict": _verdict(document, target)}


def _amount(value: float, kpi: str) -> str:
    """A KPI gap in its units: percentage points for rates."""
    if kpi in RATES:
        return _("{n} points").format(n=number(100 * value, 1))
    return significant(value)


def _points(x: float | None) -> str:
    """``+3`` points, or ``?`` where it cannot be known (a single future)."""
    return "?" if x is None or x != x else signed(round(100 * x))  # noqa: PLR0124 (NaN)


def _verdict(document: dict[str, Any], target: str) -> str:
    decision = document["decision"]
    first = document["robustness"][0]
    share = _("{share} of futures (95% CI {low}-{high})").format(
        share=percent(first["share"], 0),
        low=percent(first["share_lo"], 0),
        high=percent(first["share_hi"], 0),
    )
    if decision["second"] is None:
        return _("{policy} meets {target} in {share}.").format(
            policy=policy_name(first["policy"]), target=target, share=share
        )
    second = document["robustness"][1]
    gap, lo, hi = decision["gap"], decision["gap_lo"], decision["gap_hi"]
    if not decision["decided"]:
        return _(
            "The data cannot tell {first} and {second} apart: they meet {target} in {a} and {b} "
            "of futures (difference {gap} points, 95% CI {low} to {high}); more futures or "
            "replications may tell them apart."
        ).format(
            first=policy_name(first["policy"]),
            second=policy_name(second["policy"]),
            target=target,
            a=percent(first["share"], 0),
            b=percent(second["share"], 0),
            gap=signed(round(100 * gap)),
            low=_points(lo),
            high=_points(hi),
        )
    return _(
        "{first} is the most robust: it meets {target} in {share}, {gap} points more than "
        "{second}, the next (95% CI {low} to {high}); in the worst 10% of futures it falls "
        "{regret} short of the best policy there."
    ).format(
        first=policy_name(first["policy"]),
        target=target,
        share=share,
        gap=number(100 * gap),
        second=policy_name(second["policy"]),
        low=signed(round(100 * lo)),
        high=signed(round(100 * hi)),
        regret=_amount(first["regret_p90"], document["criterion"]["kpi"]),
    )


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: the setting, the verdict, each policy's robustness, the ranges."""
    said = words(document)
    samplers = {
        "lhs": _("Latin hypercube"),
        "sobol": _("Sobol sequence"),
        "mc": _("Monte Carlo"),
    }
    setting = _(
        "Every policy was run in {futures} futures drawn from the uncertainties below "
        "({sampler}), {replications} replications each with common random numbers. A future is "
        "acceptable when {target}."
    ).format(
        futures=len(document["futures"]),
        sampler=samplers[document["sampler"]],
        replications=document["replications"],
        target=said["target"],
    )
    rate = document["criterion"]["kpi"] in RATES

    def say(x: float) -> str:
        return percent(x) if rate else significant(x)

    table = [
        [
            r["policy"],
            f"{percent(r['share'], 0)} ({percent(r['share_lo'], 0)}-{percent(r['share_hi'], 0)})",
            f"{say(r['p50'])} ({say(r['p10'])}-{say(r['p90'])})",
            f"{say(r['regret_p90'])} ({say(r['regret_p90_lo'])}-{say(r['regret_p90_hi'])})",
        ]
        for r in document["robustness"]
    ]
    uncertain = [[path, range_words(spec)] for path, spec in document["uncertainties"].items()]
    header = [
        _("policy"),
        _("acceptable in (95% CI)"),
        _("KPI median (10th-90th percentile of futures)"),
        _("regret, 90th percentile (95% CI)"),
    ]
    return [
        paragraph([setting, said["verdict"]]),
        html_table(header, table),
        html_table([_("uncertainty"), _("range")], uncertain),
    ]


KIND: Kind = Kind(
    name="explore",
    result=Exploration,
    document="experiments.json",
    files={
        "experiments.csv": lambda e: csv_file(e.table),
        "robustness.csv": lambda e: csv_file(e.ranked),
        "experiments.json": lambda e: json_file(KIND.published(e)),
        "futures.png": lambda e: figure("futures_plots", "plot_futures", e),
        "scenario.yaml": lambda e: text_file(to_yaml(e.scenario)),
    },
    text=text,
    section=section,
    words=words,
    captions={
        "futures.png": lambda: _(
            "Each box spans the middle half of the futures; the most robust policy is at the top, "
            "its box furthest on the good side of the dashed target."
        )
    },
    summary=lambda: _("every policy in many uncertain futures: which is robust"),
    description=lambda: _(
        "Run the baseline and every policy in many plausible futures; say which is most "
        "robust. The futures are drawn from the scenario's uncertainties: section. Prints, "
        "per policy, the share of futures where it is acceptable (--target), the KPI across "
        "futures and its regret, with 95% CIs; --out writes experiments.csv, robustness.csv "
        "and experiments.json."
    ),
    question=lambda: _(
        "Which policy holds up across many possible futures, not only the one the scenario assumes?"
    ),
)

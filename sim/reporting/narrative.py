"""The report's words: each kind of result said in sentences and small tables, as HTML fragments.

Written for the people who decide: every estimate with its confidence interval, no more digits
than the data support.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sim.experiments.target import said_answer
from sim.i18n import _, number, percent, plain, signed, significant
from sim.reporting.decision_sections import (
    cheapest_section,
    explore_section,
    gsa_section,
    select_section,
)
from sim.reporting.fragments import bullet_list, html_table, paragraph
from sim.reporting.text import kpi_name, product_field


def _pct(stat: dict[str, Any]) -> str:
    """``23% (95% CI 21-25%)`` for a rate."""
    return _say(stat, lambda x: number(100 * x), "%")


def _num(stat: dict[str, Any], unit: str = "") -> str:
    return _say(stat, number, unit)


def _say(stat: dict[str, Any], fmt: Callable[[float], str], unit: str) -> str:
    mean, (lo, hi) = stat["mean"], stat["ci95"]
    if mean is None:
        return _("not known")
    if lo is None or fmt(lo) == fmt(hi):
        return f"{fmt(mean)}{unit}"
    ci = _("95% CI")
    return f"{fmt(mean)}{unit} ({ci} {fmt(lo)}\N{EN DASH}{fmt(hi)}{unit})"


def _run_section(summary: dict[str, Any]) -> list[str]:
    lines = [
        _(
            "Across all buyers, {missed} of shipment lines miss their quota, and {filled} of the "
            "contracted packs are shipped."
        ).format(missed=_pct(summary["quota_miss_rate"]), filled=_pct(summary["fill_rate"]))
    ]
    for buyer, block in summary["buyers"].items():
        text = _("The {buyer} buyer's quota is missed in {share} of shipments.").format(
            buyer=buyer.capitalize(), share=_pct(block["quota_miss_rate"])
        )
        if "contract" in block:
            text += " " + _(
                "Its contract lasts the whole period in {share} of the simulated years."
            ).format(share=_pct(block["contract"]["survival"]))
        if "on_time_rate" in block:
            text += " " + _("Its shipments arrive on time in {share} of cases.").format(
                share=_pct(block["on_time_rate"])
            )
        lines.append(text)
    if "cash" in summary:
        days = summary["cash"]["days_turning_output_away"]
        lines.append(
            _(
                "For lack of cash the cooperative turns kitchens' output away on {days} a year."
            ).format(days=_say(days, number, " " + _("days")))
        )
    return [
        bullet_list(lines),
        html_table(
            ["", _("quota miss rate"), _("fill rate"), _("mean shortfall (packs)")],
            [
                [label, _pct(s["quota_miss_rate"]), _pct(s["fill_rate"]), _num(s["mean_shortfall"])]
                for label, s in _scopes(summary)
            ],
        ),
        html_table(
            [_("packs per year"), *summary["products"]],
            [
                [product_field(field), *(_num(p[field]) for p in summary["products"].values())]
                for field in next(iter(summary["products"].values()))
            ],
        ),
    ]


def _scopes(summary: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    yield _("all buyers"), summary
    for buyer, block in summary["buyers"].items():
        yield buyer, block
        for product, line in block["products"].items():
            yield f"{buyer} / {product}", line


def _compare_section(document: dict[str, Any]) -> list[str]:
    rows = [
        r
        for r in document["table"]
        if r["kpi"] == "quota_miss_rate" and r["buyer"] == "all" and r["product"] == "all"
    ]
    base = next(r for r in rows if r["policy"] == "baseline")
    lines = [
        _("As it is, {share} of shipment lines miss their quota.").format(
            share=percent(base["mean"], 0)
        )
    ]
    for r in rows:
        if r["policy"] == "baseline":
            continue
        said = (
            _("Policy {policy} lowers it by {points} percentage points (95% CI {low} to {high})")
            if r["diff"] < 0
            else _(
                "Policy {policy} raises it by {points} percentage points (95% CI {low} to {high})"
            )
        )
        text = said.format(
            policy=r["policy"],
            points=number(abs(100 * r["diff"]), 1),
            low=signed(100 * r["diff_lo"], 1),
            high=signed(100 * r["diff_hi"], 1),
        )
        sure = "" if r["significant"] else " " + _("(not distinguishable from no change)")
        lines.append(f"{text}{sure}.")
    points = _("pts")
    table = [
        [
            r["policy"],
            _pct({"mean": r["mean"], "ci95": [r["ci_lo"], r["ci_hi"]]}),
            "" if r["policy"] == "baseline" else f"{signed(100 * r['diff'], 1)} {points}",
        ]
        for r in rows
    ]
    header = [_("policy"), _("quota miss rate"), _("difference")]
    return [bullet_list(lines), html_table(header, table)]


def _sweep_section(document: dict[str, Any]) -> list[str]:
    levers = list(document["sweep"]["levers"])
    rows = [
        r
        for r in document["table"]
        if r["kpi"] == "quota_miss_rate" and r["buyer"] == "all" and r["product"] == "all"
    ]
    best = min(rows, key=lambda r: r["mean"])
    worst = max(rows, key=lambda r: r["mean"])

    def at(row: dict[str, Any]) -> str:
        return ", ".join(f"{p} = {plain(row[p])}" for p in levers)

    said = _(
        "Across {n} combinations, the quota miss rate runs from {low} (at {best}) to {high} "
        "(at {worst})."
    )
    lines = [
        said.format(
            n=len(rows),
            low=percent(best["mean"], 0),
            best=at(best),
            high=percent(worst["mean"], 0),
            worst=at(worst),
        )
    ]
    table = [
        [
            *(plain(r[p]) for p in levers),
            _pct({"mean": r["mean"], "ci95": [r["ci_lo"], r["ci_hi"]]}),
        ]
        for r in rows
    ]
    return [paragraph(lines), html_table([*levers, _("quota miss rate")], table)]


def _target_section(document: dict[str, Any]) -> list[str]:
    lever, goal = document["lever"], document["goal"]
    if document["met"]:
        answer = _(
            "The {seeking} {lever} with {goal} is {answer}: there the estimate is {estimate}. "
            "The interval holds every value whose 95% CI of the metric contains the target: the "
            "answer could be anywhere in it."
        ).format(
            seeking=_("smallest") if document["seeking"] == "smallest" else _("largest"),
            lever=lever,
            goal=goal,
            answer=said_answer(
                document["value"], tuple(document["interval"]), tuple(document["interval_open"])
            )
            if document.get("interval")
            else plain(document["value"]),
            estimate=_say(document["estimate"], significant, ""),
        )
    else:
        answer = _("No value of {lever} between {low} and {high} gives {goal}.").format(
            lever=lever, low=plain(document["low"]), high=plain(document["high"]), goal=goal
        )
    yes, no = _("yes"), _("no")
    table = [
        [
            plain(r["value"]),
            _say({"mean": r["mean"], "ci95": [r["ci_lo"], r["ci_hi"]]}, significant, ""),
            yes if r["meets"] else no,
        ]
        for r in document["evaluations"]
    ]
    header = [lever, document["goal"].split(" (")[0], _("meets the target")]
    return [paragraph([answer]), html_table(header, table)]


def _sensitivity_section(document: dict[str, Any]) -> list[str]:
    rows = document["table"]
    change = percent(document["change"], 0)
    top = ", ".join(r["lever"] for r in rows[:3])
    said = _("Moving each lever by {change} either way, the {kpi} responds most to: {top}.")
    lines = [said.format(change=change, kpi=kpi_name(document["kpi"]), top=top)]
    points = _("pts")
    table = [
        [
            r["lever"],
            plain(r["value"]),
            f"{signed(100 * r['diff_down'], 1)} {points}",
            f"{signed(100 * r['diff_up'], 1)} {points}",
        ]
        for r in rows
    ]
    header = [_("lever"), _("value"), f"-{change}", f"+{change}"]
    return [paragraph(lines), html_table(header, table)]


SECTIONS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "run": _run_section,
    "compare": _compare_section,
    "sweep": _sweep_section,
    "target": _target_section,
    "sensitivity": _sensitivity_section,
    "explore": explore_section,
    "select": select_section,
    "cheapest": cheapest_section,
    "gsa": gsa_section,
}
"""Each kind of result (as ``html.KINDS`` names it) -> its section of the report."""

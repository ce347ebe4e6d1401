"""A target: the lever value at which a KPI just meets a goal, with its 95% CI."""

from __future__ import annotations

import math
from typing import Any

from sim.experiments.target import TargetResult
from sim.i18n import _, interval, plain, significant
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, json_file, text_file
from sim.reporting.words import goal_words, with_ci
from sim.scenario.yamlio import to_yaml


def text(answer: TargetResult) -> str:
    """The answer in sentences, with the estimate at the value and at its neighbour."""
    document = KIND.published(answer)
    bounds = interval(plain(answer.low), plain(answer.high))
    intro = _(
        "{scenario}: {seeking} {lever} in {bounds} with {goal} ({n} replications per value, "
        "seed {seed})"
    ).format(
        scenario=answer.scenario.name,
        seeking=_("smallest") if answer.seeking == "smallest" else _("largest"),
        lever=answer.lever,
        bounds=bounds,
        goal=document["goal"],
        n=_replications(answer),
        seed=answer.seed,
    )
    if answer.value is None:
        closest = answer.low if answer.seeking == "largest" else answer.high
        said = _(
            "NOT MET: no value in {bounds} meets the target; at {closest}: {estimate}. "
            "Widen --low/--high, or ask for less."
        )
        estimate = _estimate(answer.evaluations[closest])
        return f"{intro}\n" + said.format(bounds=bounds, closest=plain(closest), estimate=estimate)
    lines = [
        intro,
        _("answer: {answer}: {estimate}").format(
            answer=document["answer"], estimate=_estimate(answer.evaluations[answer.value])
        ),
    ]
    if answer.neighbour is None:
        lines.append(
            _("(the upper bound itself meets the target: the answer may lie beyond it)")
            if answer.seeking == "largest"
            else _("(the lower bound itself meets the target: the answer may lie beyond it)")
        )
    else:
        lines.append(
            _("neighbour {value} does not: {estimate}").format(
                value=plain(answer.neighbour),
                estimate=_estimate(answer.evaluations[answer.neighbour]),
            )
        )
    return "\n".join(lines)


def _replications(answer: TargetResult) -> str:
    counts = {e["n"] for e in answer.evaluations.values()} or {answer.replications}
    low, high = min(counts), max(counts)
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


def _estimate(estimate: dict[str, Any]) -> str:
    lo, hi = estimate["ci95"]
    mean = significant(estimate["mean"], 4)
    if lo is None:
        return _("estimate {mean}").format(mean=mean)
    return _("estimate {mean} (95% CI {low} to {high})").format(
        mean=mean, low=significant(lo, 4), high=significant(hi, 4)
    )


def said_answer(value: float, bounds: tuple[float, float], open_ends: tuple[bool, bool]) -> str:
    """The answer rounded to about a tenth of its interval's width, with the interval.

    Whole-number levers keep whole numbers. In the current language:
    ``about 1,330 (95% CI 1,215 to 1,500)`` / ``sekitar 1.330 (kisaran 95%: 1.215 sampai 1.500)``.
    """
    lo, hi = bounds
    width = hi - lo
    step = 10 ** math.floor(math.log10(width / 4)) if width > 0 else 0
    if isinstance(value, int) or (float(value).is_integer() and float(lo).is_integer()):
        step = max(1, step)
    shown = round(value / step) * step if step else value
    if lo == hi:  # the neighbour is ruled out too: the answer is known to one step
        return _("{value} (95% CI: {low} only)").format(value=plain(shown), low=plain(lo))
    below, beyond = open_ends
    low = _("at most {x}").format(x=plain(lo)) if below else plain(lo)
    high = _("at least {x}").format(x=plain(hi)) if beyond else plain(hi)
    said = (
        _("about {value} (95% CI {low} to {high})")
        if shown != value
        else _("{value} (95% CI {low} to {high})")
    )
    return said.format(value=plain(shown), low=low, high=high)


def words(document: dict[str, Any]) -> dict[str, Any]:
    """The goal in words, and the answer rounded to the digits its interval supports."""
    value, bounds = document["value"], document["interval"]
    answer = (
        "none"
        if value is None or bounds is None
        else said_answer(value, tuple(bounds), tuple(document["interval_open"]))
    )
    return {"goal": goal_words(document["criterion"]), "answer": answer}


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: the answer and its interval, every value tried."""
    said = words(document)
    lever = document["lever"]
    if document["met"]:
        answer = _(
            "The {seeking} {lever} with {goal} is {answer}: there the estimate is {estimate}. "
            "The interval holds every value whose 95% CI of the metric contains the target: the "
            "answer could be anywhere in it."
        ).format(
            seeking=_("smallest") if document["seeking"] == "smallest" else _("largest"),
            lever=lever,
            goal=said["goal"],
            answer=said["answer"] if document.get("interval") else plain(document["value"]),
            estimate=with_ci(document["estimate"], significant),
        )
    else:
        answer = _("No value of {lever} between {low} and {high} gives {goal}.").format(
            lever=lever, low=plain(document["low"]), high=plain(document["high"]), goal=said["goal"]
        )
    yes, no = _("yes"), _("no")
    table = [
        [
            plain(r["value"]),
            with_ci({"mean": r["mean"], "ci95": [r["ci_lo"], r["ci_hi"]]}, significant),
            yes if r["meets"] else no,
        ]
        for r in document["evaluations"]
    ]
    header = [lever, document["criterion"]["metric"], _("meets the target")]
    return [paragraph([answer]), html_table(header, table)]


KIND: Kind = Kind(
    name="target",
    result=TargetResult,
    document="target.json",
    files={
        "target.json": lambda a: json_file(KIND.published(a)),
        "target.csv": lambda a: csv_file(a.table),
        "scenario.yaml": lambda a: text_file(to_yaml(a.scenario)),
    },
    text=text,
    section=section,
    words=words,
    summary=lambda: _("find the lever value that meets a risk target (bisection)"),
    description=lambda: _(
        "Find the lever value that just meets a target, by bisection with common random "
        "numbers. The smallest value, or (where the metric worsens as the lever grows) the "
        "largest."
    ),
    question=lambda: _(
        "How far can a lever go while the goal still holds: the fewest kitchens, the largest "
        "quota to promise?"
    ),
)

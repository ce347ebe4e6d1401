"""The cheapest candidate that meets a target with a stated confidence, and what ruled out each."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.experiments.cheapest import Cheapest
from sim.i18n import _, number, percent, rupiah
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, json_file, text_file
from sim.reporting.words import (
    RATES,
    criterion_words,
    kpi_value,
    policy_name,
    rupiah_cell,
    three_digits,
)
from sim.scenario.yamlio import to_yaml


def text(answer: Cheapest) -> str:
    """The question, every candidate with its cost, estimate and fate, and the answer."""
    document = answer.document()
    said = words(document)
    head = _(
        "{scenario}: the cheapest candidate with {where} at {confidence} confidence "
        "(one-sided bound; seed {seed}, {n} replications each, common random numbers)"
    ).format(
        scenario=document["scenario"],
        where=said["where"],
        confidence=percent(document["confidence"], 0),
        seed=document["seed"],
        n=number(document["replications"]),
    )
    columns = (_("candidate"), _("cost (Rp)"), _("estimate"), _("outcome"))
    names = [policy_name(row["candidate"]) for row in document["table"]]
    wide = max([20, *map(len, names)])  # a label may be longer than the name it stands for
    lines = [head, "", f"{columns[0]:<{wide + 2}}{columns[1]:>18}  {columns[2]:>9}  {columns[3]}"]
    for row, candidate, why in zip(document["table"], names, said["why"], strict=True):
        value = _value(document, row["mean"])
        lines.append(f"  {candidate:<{wide}}{rupiah_cell(row['cost']):>18}  {value:>9}  {why}")
    return "\n".join([*lines, "", said["sentence"]])


def words(document: dict[str, Any]) -> dict[str, Any]:
    """The constraint, the answer in a sentence, and each candidate's fate."""
    where = criterion_words(document["criterion"])
    why = _reasons(document)
    return {
        "where": where,
        "sentence": _sentence(document, where),
        "why": why,
        "rows": [{"why": reason} for reason in why],
    }


def _sentence(document: dict[str, Any], where: str) -> str:
    confidence = percent(document["confidence"], 0)
    if document["chosen"] is None:
        close = [
            policy_name(r["candidate"]) for r in document["table"] if _meets(document, r["mean"])
        ]
        if close:  # more replications narrow the bound towards an estimate that meets it
            return _(
                "No candidate meets {where} with {confidence} confidence. {candidates} meet it "
                "on average, not surely yet: ask for more replications."
            ).format(where=where, confidence=confidence, candidates=", ".join(close[:3]))
        return _(
            "No candidate meets {where} with {confidence} confidence, nor even on average: "
            "look at costlier policies, or a looser constraint."
        ).format(where=where, confidence=confidence)
    ok = [r for r in document["table"] if r["qualifies"]]
    best = ok[0]
    said = _(
        "{best} is the cheapest candidate that keeps {where} with {confidence} confidence: "
        "{cost} over the horizon"
    ).format(
        best=policy_name(best["candidate"]),
        where=where,
        confidence=confidence,
        cost=rupiah(three_digits(best["cost"])),
    )
    if len(ok) > 1:
        second = ok[1]
        said += "; " + (
            _("the runner-up, {second}, costs the same").format(
                second=policy_name(second["candidate"])
            )
            if second["cost"] == best["cost"]
            else _("the runner-up, {second}, costs {cost}").format(
                second=policy_name(second["candidate"]), cost=rupiah(three_digits(second["cost"]))
            )
        )
    return said + "."


def _meets(document: dict[str, Any], value: float) -> bool:
    """Whether a value meets the constraint (``<=`` or ``>=``, as cheapest takes it)."""
    bound = document["criterion"]["bound"]
    return bool(value <= bound if document["criterion"]["op"] == "<=" else value >= bound)


def _reasons(document: dict[str, Any]) -> list[str]:
    """For each candidate (cheapest first), what ruled it out, or that it was chosen."""
    chosen = document["chosen"]
    first = next((r for r in document["table"] if r["candidate"] == chosen), None)
    said = []
    for row in document["table"]:
        bound = _bound(document, row["bound"])
        outcome = row.get("outcome") or ("not sure" if not row["qualifies"] else "costs more")
        if outcome == "not sure" and row["bound"] is None:
            said.append(_("ruled out: not enough replications to be sure (no spread seen)"))
        elif outcome == "not sure":
            said.append(_("ruled out: not sure to meet it (bound {bound})").format(bound=bound))
        elif row["candidate"] == chosen:
            said.append(_("CHOSEN (bound {bound})").format(bound=bound))
        elif outcome == "costs the same" and first is not None and row["mean"] == first["mean"]:
            more = _("meets it (bound {bound}) at the same cost and estimate as {chosen}")
            said.append(more.format(bound=bound, chosen=policy_name(chosen)))
        elif outcome == "costs the same":
            more = _("meets it (bound {bound}) at the same cost as {chosen}, with a worse estimate")
            said.append(more.format(bound=bound, chosen=policy_name(chosen)))
        else:
            more = _("meets it (bound {bound}), but costs more than {chosen}")
            said.append(more.format(bound=bound, chosen=policy_name(chosen)))
    return said


def _bound(document: dict[str, Any], value: float | None) -> str:
    return "?" if value is None else _value(document, value)


def _value(document: dict[str, Any], value: float) -> str:
    """A value of the constraint's KPI: a rate in percent (as the constraint is said)."""
    kpi = document["criterion"]["kpi"]
    return percent(value, 2 if value < _SMALL else 1) if kpi in RATES else kpi_value(kpi, value)


_SMALL = 0.1  # under 10%, a tenth of a point could round a bound onto the target it misses


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: the question, the answer, what ruled out each candidate."""
    said = words(document)
    question = _(
        "Which is the cheapest way to keep {where}, with {confidence} confidence? Each "
        "candidate counts only if the one-sided confidence bound of its estimate meets the "
        "target, not just the estimate."
    ).format(where=said["where"], confidence=percent(document["confidence"], 0))
    table = [
        [
            policy_name(r["candidate"]),
            rupiah(r["cost"]),
            _value(document, r["mean"]),
            _bound(document, r["bound"]),
            why,
        ]
        for r, why in zip(document["table"], said["why"], strict=True)
    ]
    header = [_("candidate"), _("cost"), _("estimate"), _("bound"), _("outcome")]
    return [paragraph([question, said["sentence"]]), html_table(header, table)]


def _with_reasons(answer: Cheapest) -> pd.DataFrame:
    """The table, with each candidate's fate in words (``why``), in the current language."""
    return answer.table.assign(why=_reasons(answer.document()))


KIND: Kind = Kind(
    name="cheapest",
    result=Cheapest,
    document="cheapest.json",
    files={
        "cheapest.json": lambda a: json_file(KIND.published(a)),
        "cheapest.csv": lambda a: csv_file(_with_reasons(a)),
        "scenario.yaml": lambda a: text_file(to_yaml(a.scenario)),
    },
    text=text,
    section=section,
    words=words,
    summary=lambda: _("the least costly policy that meets a target, surely"),
    description=lambda: _(
        "The least costly candidate whose KPI meets a constraint with a stated confidence. "
        "Prints every candidate's cost, estimate and what ruled it out; --out writes the "
        "table."
    ),
    question=lambda: _(
        "Which is the least costly policy that meets the constraint, with the stated confidence?"
    ),
)

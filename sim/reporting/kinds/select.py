"""Ranking and selection: the best policy (KN), or a subset sure to hold it, and how sure."""

from __future__ import annotations

from typing import Any

from sim.experiments.select import Selection
from sim.i18n import _, name, number, percent, plain, significant
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, json_file, text_file
from sim.reporting.words import RATES, kpi_name, kpi_value, listed, policy_name
from sim.results.metrics import HIGHER_IS_BETTER
from sim.scenario.yamlio import to_yaml


def text(selection: Selection) -> str:
    """The question, each policy's fate, and the answer in a sentence a decider can repeat."""
    document = selection.document()
    return f"{_heading(document)}\n\n{_table(document)}\n\n{words(document)['sentence']}"


def _heading(document: dict[str, Any]) -> str:
    scope = ", ".join(name(x) for x in (document["buyer"], document["product"]) if x)
    scope = scope or _("all buyers")
    how = (
        _("KN (Kim & Nelson 2001), indifference zone {zone}").format(zone=_zone(document))
        if document["procedure"] == "best"
        else _("subset selection (Nelson et al. 2001)")
    )
    question = (
        _("{scenario}: which policy has the highest {kpi} ({scope})?")
        if document["kpi"] in HIGHER_IS_BETTER
        else _("{scenario}: which policy has the lowest {kpi} ({scope})?")
    )
    settings = _("{how}, {confidence} confidence, common random numbers, seed {seed}")
    confidence = percent(1 - document["alpha"], 0)
    return (
        question.format(scenario=document["scenario"], kpi=kpi_name(document["kpi"]), scope=scope)
        + " "
        + settings.format(how=how, confidence=confidence, seed=document["seed"])
    )


def _table(document: dict[str, Any]) -> str:
    """One line per policy: its estimate, its replications, and its fate."""
    kpi = document["kpi"]
    policy, replications, outcome = _("policy"), _("replications"), _("outcome")
    lines = [f"{policy:<22}{kpi_name(kpi):<18}{replications:>13}  {outcome}"]
    for row in document["table"]:
        value, count = kpi_value(kpi, row["mean"]), number(row["replications"])
        said = policy_name(row["policy"])
        lines.append(f"  {said:<20}{value:<18}{count:>13}  {_fate(document, row)}")
    return "\n".join(lines)


def _fate(document: dict[str, Any], row: dict[str, Any]) -> str:
    if row["kept"]:
        return _("selected") if row["policy"] == document["chosen"][0] else _("kept")
    if row.get("within_delta"):
        return _("within {zone} of the best").format(zone=_zone(document))
    return _("eliminated after {n}").format(n=number(row["replications"]))


def _zone(document: dict[str, Any]) -> str:
    if document["kpi"] not in RATES:
        return significant(document["delta"])
    points = float(f"{document['delta'] * 100:.3g}")
    return (_("{n} point") if points == 1 else _("{n} points")).format(n=plain(points))


def words(document: dict[str, Any]) -> dict[str, Any]:
    """The answer as one sentence."""
    return {"sentence": _sentence(document)}


def _sentence(document: dict[str, Any]) -> str:
    confidence = percent(1 - document["alpha"], 0)
    chosen = [policy_name(p) for p in document["chosen"]]
    if document["procedure"] == "subset":
        if len(chosen) == 1:
            return _("{names} is the best with {confidence} confidence.").format(
                names=listed(chosen), confidence=confidence
            )
        return _(
            "The best is one of {names}, with {confidence} confidence; the others are ruled "
            "out (run --select best to tell these apart)."
        ).format(names=listed(chosen), confidence=confidence)
    best = chosen[0]
    rest = chosen[1:] + [
        policy_name(r["policy"]) for r in document["table"] if r.get("within_delta")
    ]
    zone = _zone(document)
    if document.get("capped"):
        return _(
            "Not decided: {names} were still in contention at the cap of {n} replications "
            "({best} has the best estimate); allow more replications, or a wider "
            "indifference zone."
        ).format(
            names=", ".join(chosen),
            n=number(max(r["replications"] for r in document["table"])),
            best=best,
        )
    claim = _(
        "{best} is best with {confidence} confidence whenever the best is at least {zone} "
        "better than the rest"
    ).format(best=best, confidence=confidence, zone=zone)
    if not rest:
        return f"{claim}."
    within = (
        _("{names} is within {zone} of the best")
        if len(rest) == 1
        else _("{names} are within {zone} of the best")
    )
    return f"{within.format(names=listed(rest), zone=zone)}; {claim}."


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: the procedure, its sentence, each policy's fate."""
    how = (
        _(
            "the fully sequential procedure of Kim and Nelson, which adds replications only to "
            "the policies still in contention"
        )
        if document["procedure"] == "best"
        else _(
            "subset selection (Nelson and colleagues), which keeps every policy that could be "
            "the best"
        )
    )
    lines = [
        _("Which policy is best? Chosen by {how}, with common random numbers:").format(how=how),
        words(document)["sentence"],
    ]
    kept, within, out = _("kept"), _("within the zone"), _("ruled out")
    table = [
        [
            policy_name(r["policy"]),
            percent(r["mean"]) if document["kpi"] in RATES else significant(r["mean"]),
            number(r["replications"]),
            kept if r["kept"] else (within if r.get("within_delta") else out),
        ]
        for r in document["table"]
    ]
    header = [_("policy"), kpi_name(document["kpi"]), _("replications"), _("outcome")]
    return [paragraph(lines), html_table(header, table)]


KIND: Kind = Kind(
    name="select",
    result=Selection,
    document="selection.json",
    files={
        "selection.json": lambda s: json_file(KIND.published(s)),
        "selection.csv": lambda s: csv_file(s.table),
        "scenario.yaml": lambda s: text_file(to_yaml(s.scenario)),
    },
    text=text,
    section=section,
    words=words,
    question=lambda: _(
        "Which policy is the best, with a stated confidence that it is (or which few are sure "
        "to hold the best)?"
    ),
)

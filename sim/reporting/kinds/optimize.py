"""A search of the levers: the cheapest setting that surely meets a constraint, or a front."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.experiments.optimize import Optimization
from sim.i18n import _, interval, number, percent, rupiah
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, figure, json_file, text_file
from sim.reporting.words import (
    criterion_words,
    kpi_name,
    kpi_value,
    rupiah_cell,
    setting_value,
    three_digits,
)
from sim.scenario.yamlio import to_yaml

SHOWN = 12
"""Settings a terminal shows at most; candidates.csv has every one."""


def text(answer: Optimization) -> str:
    """The question, the settings that matter with their fate, the answer and its levers."""
    document = answer.document()
    said = words(document)
    kpis = _kpis(document)
    head = [
        _("{scenario}: {question}").format(
            scenario=document["scenario"], question=said["question"]
        ),
        said["how"],
        "",
    ]
    columns = (_("setting"), _("cost (Rp)"), _("estimate"), _("replications"), _("outcome"))
    lines = [f"{columns[0]:<10}{columns[1]:>16}  {columns[2]:>24}  {columns[3]:>12}  {columns[4]}"]
    shown = _shown(document)
    for k in shown:
        row = document["table"][k]
        value = " / ".join(_estimate(kpi, row) for kpi in kpis)
        reps = number(row["replications"])
        cost = rupiah_cell(row["cost"])
        lines.append(
            f"  {row['candidate']:<8}{cost:>16}  {value:>24}  {reps:>12}  {said['why'][k]}"
        )
    rest = len(document["table"]) - len(shown)
    if rest:
        lines.append("  " + _("... and {n} more settings in candidates.csv").format(n=rest))
    return "\n".join([*head, *lines, "", said["sentence"], *_levers_lines(document)])


def words(document: dict[str, Any]) -> dict[str, Any]:
    """The question, how it was answered, the answer in a sentence, and each setting's fate."""
    why = [_fate(document, row) for row in document["table"]]
    return {
        "question": _question(document),
        "how": _how(document),
        "sentence": _sentence(document),
        "why": why,
        "rows": [{"why": reason} for reason in why],
    }


def _kpis(document: Mapping[str, Any]) -> list[str]:
    if document["mode"] == "constrained":
        return [document["criterion"]["kpi"]]
    return [o for o in document["objectives"] if o != "cost"]


def _question(document: Mapping[str, Any]) -> str:
    levers = len(document["levers"])
    if document["mode"] == "constrained":
        return _(
            "the cheapest setting of {levers} levers with {where}, at {confidence} confidence"
        ).format(
            levers=levers,
            where=criterion_words(document["criterion"]),
            confidence=percent(document["confidence"], 0),
        )
    return _("the trade-offs between {objectives} over {levers} levers").format(
        objectives=", ".join(document["objectives"]), levers=levers
    )


def _how(document: Mapping[str, Any]) -> str:
    return _(
        "{n} settings searched, {first} replications each to start, seed {seed}; every setting "
        "on the same simulated years (common random numbers)"
    ).format(
        n=number(document["evaluations"]), first=document["replications"], seed=document["seed"]
    )


def _sentence(document: Mapping[str, Any]) -> str:
    if document["mode"] == "front":
        return _front_sentence(document)
    confidence = percent(document["confidence"], 0)
    where = criterion_words(document["criterion"])
    chosen = document["chosen"]
    if chosen is None:
        near = [
            r["candidate"]
            for r in document["table"]
            if r["outcome"] in ("not sure", "not confirmed")
        ]
        if near:
            return _(
                "No setting found meets {where} with {confidence} confidence; {settings} may, "
                "not surely yet: ask for more --max-replications or --evaluations."
            ).format(where=where, confidence=confidence, settings=", ".join(near[:3]))
        return _(
            "No setting found meets {where} with {confidence} confidence: widen the levers, "
            "or loosen the constraint."
        ).format(where=where, confidence=confidence)
    check = next(c for c in document["checks"] if c["passed"])
    kpi = document["criterion"]["kpi"]
    return _(
        "{setting} is the cheapest setting found that keeps {where} with {confidence} "
        "confidence: {cost} over the horizon. Checked on {n} fresh replications: {kpi} "
        "{estimate}, one-sided bound {bound}."
    ).format(
        setting=chosen["candidate"],
        where=where,
        confidence=confidence,
        cost=rupiah(three_digits(chosen["cost"])),
        n=number(check["replications"]),
        kpi=kpi_name(kpi),
        estimate=_with_ci(kpi, chosen["kpis"][kpi]),
        bound=kpi_value(kpi, check["bound"]),
    )


def _front_sentence(document: Mapping[str, Any]) -> str:
    kept = len(document["front"])
    return _(
        "{kept} settings form the front: none is surely beaten in every objective by another "
        "(95% CIs of paired differences); {dropped} more were on it by estimate only."
    ).format(
        kept=kept,
        dropped=sum(r["outcome"] == "not surely better" for r in document["table"]),
    )


def _fate(document: Mapping[str, Any], row: Mapping[str, Any]) -> str:
    outcome = row["outcome"]
    if document["mode"] == "front":
        return {
            "front": _("on the front"),
            "not surely better": _("dropped: not surely better than another point in anything"),
            "dominated": _("dominated"),
        }[outcome]
    kpi = document["criterion"]["kpi"]
    bound = "?" if row["bound"] is None else kpi_value(kpi, row["bound"])
    check = next((c for c in document["checks"] if c["candidate"] == row["candidate"]), None)
    fresh = "?" if check is None or check["bound"] is None else kpi_value(kpi, check["bound"])
    return {
        "chosen": _("CHOSEN (bound {bound}; on fresh replications {fresh})"),
        "not confirmed": _("met it (bound {bound}), not on fresh replications ({fresh})"),
        "qualifies": _("meets it (bound {bound}), but costs more"),
        "not sure": _("not sure to meet it (bound {bound})"),
        "fails": _("fails it surely"),
    }[outcome].format(bound=bound, fresh=fresh)


def _shown(document: Mapping[str, Any]) -> list[int]:
    """The rows worth a terminal line, cheapest first, at most ``SHOWN``.

    Those not ruled out; where every one is, the cheapest.
    """
    table = document["table"]
    order = sorted(range(len(table)), key=lambda k: (table[k]["cost"], table[k]["candidate"]))
    dull = "dominated" if document["mode"] == "front" else "fails"
    return ([k for k in order if table[k]["outcome"] != dull] or order)[:SHOWN]


def _estimate(kpi: str, row: Mapping[str, Any]) -> str:
    return _with_ci(kpi, {"mean": row[kpi], "ci95": [row[f"{kpi}_lo"], row[f"{kpi}_hi"]]})


def _with_ci(kpi: str, stat: Mapping[str, Any]) -> str:
    lo, hi = stat["ci95"]
    ends = interval(*("?" if x is None else kpi_value(kpi, x) for x in (lo, hi)))
    return f"{kpi_value(kpi, stat['mean'])} {ends}"


def _levers_lines(document: Mapping[str, Any]) -> list[str]:
    points = [document["chosen"]] if document["mode"] == "constrained" else document["front"]
    lines = []
    for point in (p for p in points if p is not None):
        lines += ["", _("{setting} sets:").format(setting=point["candidate"])]
        lines += [f"  {path} = {setting_value(v)}" for path, v in point["levers"].items()]
    return lines


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: the question, the answer, its levers, the settings that matter."""
    said = words(document)
    kpis = _kpis(document)
    parts = [
        paragraph(
            [
                said["question"][:1].upper() + said["question"][1:] + ".",
                said["how"] + ".",
                said["sentence"],
            ]
        )
    ]
    points = [document["chosen"]] if document["mode"] == "constrained" else document["front"]
    points = [p for p in points if p is not None]
    if points:
        paths = list(points[0]["levers"])
        header = [_("lever"), *(p["candidate"] for p in points)]
        parts.append(
            html_table(
                header,
                [[path, *(setting_value(p["levers"][path]) for p in points)] for path in paths],
            )
        )
    rows = [
        [
            document["table"][k]["candidate"],
            rupiah(three_digits(document["table"][k]["cost"])),
            " / ".join(_estimate(kpi, document["table"][k]) for kpi in kpis),
            number(document["table"][k]["replications"]),
            said["why"][k],
        ]
        for k in _shown(document)
    ]
    header = [_("setting"), _("cost"), _("estimate"), _("replications"), _("outcome")]
    return [*parts, html_table(header, rows)]


KIND: Kind = Kind(
    name="optimize",
    result=Optimization,
    document="optimize.json",
    files={
        "optimize.json": lambda a: json_file(KIND.published(a)),
        "candidates.csv": lambda a: csv_file(a.table.assign(why=words(a.document())["why"])),
        "tradeoff.png": lambda a: figure("optimize_plots", "plot_settings", a),
        "scenario.yaml": lambda a: text_file(to_yaml(a.scenario)),
    },
    text=text,
    section=section,
    words=words,
    captions={
        "tradeoff.png": lambda: _(
            "Each setting measured: what it costs against what it achieves, with its 95% CI; in "
            "black what the search keeps (the setting chosen under the dashed constraint, or the "
            "front of trade-offs)."
        )
    },
    summary=lambda: _("design a policy: search the levers for the cheapest sure setting"),
    description=lambda: _(
        "Search the scenario's levers: the cheapest setting whose KPI meets --where with a "
        "stated confidence (checked on fresh replications), or the trade-offs between "
        "--objectives (a front, with what is not surely better dropped). Needs "
        "pip install 'umkm-sim[optimize]'."
    ),
    question=lambda: _(
        "Which setting of the levers is the cheapest that surely keeps the quota, or what are "
        "the trade-offs?"
    ),
    heading=lambda: _("Which policy to design?"),
)

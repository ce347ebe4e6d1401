"""The report's sections for decisions, in the current language.

Which policy is best, the cheapest, what matters most, which holds across uncertain futures.
"""

from __future__ import annotations

from typing import Any

from sim.experiments.gsa import NOISY
from sim.i18n import _, current, number, percent, rupiah, significant
from sim.reporting.fragments import html_table, paragraph
from sim.reporting.text import kpi_name


def select_section(document: dict[str, Any]) -> list[str]:
    """Ranking and selection: the procedure, its sentence, each policy's fate."""
    rate = document["kpi"] in ("quota_miss_rate", "fill_rate")
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
        _("Which policy is best? Chosen by {how}, with common random numbers:").format(how=how)
    ]
    lines.append(_said(document)["sentence"])
    kept, within, out = _("kept"), _("within the zone"), _("ruled out")
    table = [
        [
            r["policy"],
            percent(r["mean"]) if rate else significant(r["mean"]),
            number(r["replications"]),
            kept if r["kept"] else (within if r.get("within_delta") else out),
        ]
        for r in document["table"]
    ]
    header = [_("policy"), kpi_name(document["kpi"]), _("replications"), _("outcome")]
    return [paragraph(lines), html_table(header, table)]


def cheapest_section(document: dict[str, Any]) -> list[str]:
    """The cheapest policy: the question, the answer, what ruled out each candidate."""
    said = _said(document)
    question = _(
        "Which is the cheapest way to keep {where}, with {confidence} confidence? Each "
        "candidate counts only if the one-sided confidence bound of its estimate meets the "
        "target, not just the estimate."
    ).format(where=said["where"], confidence=percent(document["confidence"], 0))
    lines = [question, said["sentence"]]
    why = said.get("why") or []
    if len(why) != len(document["table"]):  # a folder from before, or an edited one
        why = [r.get("why", "") for r in document["table"]]
    table = [
        [
            r["candidate"],
            rupiah(r["cost"]),
            significant(r["mean"]),
            significant(r["bound"]),
            reason,
        ]
        for r, reason in zip(document["table"], why, strict=True)
    ]
    header = [_("candidate"), _("cost"), _("estimate"), _("bound"), _("outcome")]
    return [paragraph(lines), html_table(header, table)]


def gsa_section(document: dict[str, Any]) -> list[str]:
    """Global sensitivity: what matters most, the noise share, the indices with CIs."""
    main = "ST" if document["method"] == "sobol" else "mu_star"
    rows = sorted((r for r in document["table"] if r["index"] == main), key=lambda r: -r["value"])
    how = (
        _(
            "Sobol' indices: the share of the variance of the result each uncertainty explains, "
            "with all its interactions (ST)"
        )
        if main == "ST"
        else _(
            "Morris elementary effects: how much the result moves when each uncertainty does (mu*)"
        )
    )
    idle = [r["factor"] for r in rows if r["ci_lo"] <= 0]
    noise = document["noise_share"]
    first = _(
        "Which uncertainties drive {kpi}? {how}, each with a 95% confidence interval. {top} "
        "matters most."
    ).format(kpi=kpi_name(document["kpi"]), how=how, top=rows[0]["factor"])
    trust = (
        _(
            "Replication noise is {share} of the variance across the points; more replications "
            "are needed to trust these numbers."
        )
        if noise > NOISY
        else _("Replication noise is {share} of the variance across the points.")
    )
    lines = [first, trust.format(share=percent(noise, 0))]
    if idle:
        lines.append(_("No detectable effect: {factors}.").format(factors=", ".join(idle)))
    table = [
        [
            r["factor"],
            number(r["value"], 2),
            f"{number(r['ci_lo'], 2)} \N{EN DASH} {number(r['ci_hi'], 2)}",
        ]
        for r in rows
    ]
    return [paragraph(lines), html_table([_("uncertainty"), main, _("95% CI")], table)]


def explore_section(document: dict[str, Any]) -> list[str]:
    """Robustness across futures: the setting, the verdict, each policy, the ranges."""
    said = _said(document)
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
    lines = [setting, said["verdict"]]
    rate = document["target"].split(" ")[0] in {"quota_miss_rate", "fill_rate"}

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
    uncertain = [
        [path, ", ".join(f"{k} {v}" for k, v in spec.items())]
        for path, spec in document["uncertainties"].items()
    ]
    header = [
        _("policy"),
        _("acceptable in (95% CI)"),
        _("KPI median (10th-90th percentile of futures)"),
        _("regret, 90th percentile (95% CI)"),
    ]
    return [
        paragraph(lines),
        html_table(header, table),
        html_table([_("uncertainty"), _("range")], uncertain),
    ]


def _said(document: dict[str, Any]) -> dict[str, Any]:
    """The document's sentences in the reader's language, where it keeps them in each.

    Older folders hold them only in the language of their run.
    """
    return {**document, **document.get("said", {}).get(current(), {})}

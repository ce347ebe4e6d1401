"""A comparison: each policy against the baseline, paired by common random numbers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.experiments.compare import BASELINE, Comparison
from sim.i18n import _, name, number, percent, signed
from sim.reporting.html_parts import bullet_list, html_table
from sim.reporting.kind import Kind, csv_file, figure, json_file, text_file
from sim.reporting.words import (
    bracketed,
    estimate,
    kpi_format,
    kpi_name,
    policy_name,
    rate_with_ci,
    with_precision,
)
from sim.results.metrics import KPIS
from sim.results.scopes import ALL
from sim.scenario.yamlio import to_yaml


def text(comparison: Comparison) -> str:
    """Each KPI per policy with its 95% CI, and the paired difference from the baseline."""
    table = comparison.table
    document = comparison.document()
    title = _(
        "{scenario}: {policies} policies against the baseline, {replications} replications "
        "each, seed {seed}"
    ).format(
        scenario=document["scenario"],
        policies=len(comparison.results) - 1,
        replications=number(comparison.replications),
        seed=document["seed"],
    )
    out = [
        f"{title} (umkm-sim {document['version']})",
        _("Common random numbers: replication r of every policy sees the same random draws."),
        _("Estimates: mean [95% CI]. * marks a difference whose 95% CI excludes zero."),
    ]
    scopes = [(kpi, ALL) for kpi in KPIS]
    scopes += [("quota_miss_rate", b.name) for b in comparison.scenario.buyers]
    said, difference = _("estimate"), _("difference from baseline")
    everyone = _("all buyers")
    for kpi, buyer in scopes:
        rows = table[(table.kpi == kpi) & (table.buyer == buyer) & (table["product"] == ALL)]
        label = f"{kpi_name(kpi)}, {everyone if buyer == ALL else name(buyer)}"
        columns = f" {said:<28}{difference}"
        fits = len(label) <= _LABEL  # a longer one has a line of its own
        out += ["", f"{label:<{_LABEL}}{columns}"] if fits else ["", label, " " * _LABEL + columns]
        out.extend(_row(r, kpi) for r in rows.itertuples())
    return with_precision("\n".join(out), document)


_LABEL = 33  # characters of a heading's label before its columns


def _row(row: Any, kpi: str) -> str:
    show, scale, unit = kpi_format(kpi)
    said = f"{show(row.mean)} {bracketed(row.ci_lo, row.ci_hi, show)}"
    line = f"  {policy_name(row.policy):<32}{said:<28}"
    if row.policy != BASELINE:
        ends = [row.diff_lo, row.diff_hi]
        said = "?" if pd.isna(ends[0]) else bracketed(ends[0] * scale, ends[1] * scale, _points)
        line += f"{signed(row.diff * scale, 2)} {said}{unit}"
        line += " *" if row.significant else ""
    return line.rstrip()


def _points(x: float) -> str:
    return signed(x, 2)


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: how much each policy moves the miss rate, and how sure that is."""
    rows = [
        r
        for r in document["table"]
        if r["kpi"] == "quota_miss_rate" and r["buyer"] == ALL and r["product"] == ALL
    ]
    base = next(r for r in rows if r["policy"] == BASELINE)
    lines = [
        _("As it is, {share} of shipment lines miss their quota.").format(
            share=percent(base["mean"], 0)
        )
    ]
    for r in rows:
        if r["policy"] == BASELINE:
            continue
        said = (
            _("Policy {policy} lowers it by {points} percentage points (95% CI {low} to {high})")
            if r["diff"] < 0
            else _(
                "Policy {policy} raises it by {points} percentage points (95% CI {low} to {high})"
            )
        )
        line = said.format(
            policy=policy_name(r["policy"]),
            points=number(abs(100 * r["diff"]), 1),
            low=signed(100 * r["diff_lo"], 1),
            high=signed(100 * r["diff_hi"], 1),
        )
        sure = "" if r["significant"] else " " + _("(not distinguishable from no change)")
        lines.append(f"{line}{sure}.")
    points = _("pts")
    table = [
        [
            policy_name(r["policy"]),
            rate_with_ci(estimate(r)),
            "" if r["policy"] == BASELINE else f"{signed(100 * r['diff'], 1)} {points}",
        ]
        for r in rows
    ]
    header = [_("policy"), _("quota miss rate"), _("difference")]
    return [bullet_list(lines), html_table(header, table)]


KIND: Kind = Kind(
    name="compare",
    result=Comparison,
    document="comparison.json",
    files={
        "comparison.json": lambda c: json_file(KIND.published(c)),
        "forest.png": lambda c: figure("plots", "plot_forest", c),
        "comparison.csv": lambda c: csv_file(c.table),
        "shipments.csv": lambda c: csv_file(c.shipments()),
        "scenario.yaml": lambda c: text_file(to_yaml(c.scenario)),
    },
    text=text,
    section=section,
    summary=lambda: _("compare the scenario's policies with the baseline"),
    description=lambda: _(
        "Compare the baseline with every policy of the scenario, with common random "
        "numbers. Prints each KPI with its 95% CI and the paired difference from the baseline."
    ),
    captions={
        "forest.png": lambda: _(
            "Left of the line, fewer misses than the baseline; a filled dot is a change the data "
            "are sure of (its 95% CI excludes zero)."
        )
    },
    question=lambda: _(
        "Which policy makes the kitchens miss fewer quotas than the way they work now (the "
        "baseline), and by how much? Every policy meets the same simulated years."
    ),
)

"""A sweep: the quota miss rate over a grid (or a Latin hypercube) of lever values."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.experiments.sweep import SweepResult
from sim.i18n import _, interval, number, percent, plain
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, figure, json_file, text_file
from sim.reporting.words import estimate, rate_with_ci, setting_value, with_precision
from sim.results.scopes import ALL
from sim.scenario.yamlio import to_yaml


def text(result: SweepResult) -> str:
    """The headline KPI per design point, with its 95% CI."""
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
        values = "".join(f"{_lever_value(row[p]):>{width}}" for p in result.levers)
        low, high = percent(row["ci_lo"]), percent(row["ci_hi"])
        ci = "" if pd.isna(row["ci_lo"]) else f" {interval(low, high)}"
        lines.append(f"{values}   {percent(row['mean'])}{ci}")
    return with_precision("\n".join(lines), result.document())


def _lever_value(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        said = f"{value:.4g}"
        return said if "e" in said else plain(float(said))
    return setting_value(value)  # a whole number with its grouping marks: 1.000.000.000


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: where the miss rate is lowest and highest, every point's rate."""
    levers = list(document["sweep"]["levers"])
    rows = [
        r
        for r in document["table"]
        if r["kpi"] == "quota_miss_rate" and r["buyer"] == ALL and r["product"] == ALL
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
    table = [[*(plain(r[p]) for p in levers), rate_with_ci(estimate(r))] for r in rows]
    return [paragraph(lines), html_table([*levers, _("quota miss rate")], table)]


KIND: Kind = Kind(
    name="sweep",
    result=SweepResult,
    document="sweep.json",
    files={
        "sweep.csv": lambda r: csv_file(r.table),
        "sweep.json": lambda r: json_file(KIND.published(r)),
        "sweep.png": lambda r: figure("plots", "plot_sweep", r),
        "scenario.yaml": lambda r: text_file(to_yaml(r.scenario)),
    },
    text=text,
    section=section,
    captions={
        "sweep.png": lambda: _(
            "The result at each setting of the levers, with its 95% CI: read off the settings "
            "where it meets the rate you need."
        )
    },
    summary=lambda: _("run a grid or sample of lever values"),
    description=lambda: _(
        "Run every point of a sweep (a grid or a Latin hypercube) with common random numbers. "
        "Prints the quota miss rate per point; --out writes the table and a plot."
    ),
    question=lambda: _("How do the quota misses change as the levers of the sweep move?"),
)

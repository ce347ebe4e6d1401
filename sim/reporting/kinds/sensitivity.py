"""One-at-a-time sensitivity: each lever moved down and up, ranked by its effect."""

from __future__ import annotations

from typing import Any

from sim.experiments.sensitivity import Sensitivity
from sim.i18n import _, number, percent, plain, signed
from sim.reporting.html_parts import html_table, paragraph
from sim.reporting.kind import Kind, csv_file, figure, json_file, text_file
from sim.reporting.words import kpi_name
from sim.scenario.yamlio import to_yaml


def text(result: Sensitivity) -> str:
    """The levers ranked by their effect on the KPI, as a text table."""
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
        kpi=kpi_name(result.kpi),
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


def section(document: dict[str, Any]) -> list[str]:
    """The report's section: what the KPI responds to most, each lever's move either way."""
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


KIND: Kind = Kind(
    name="sensitivity",
    result=Sensitivity,
    document="sensitivity.json",
    files={
        "sensitivity.csv": lambda r: csv_file(r.table),
        "sensitivity.json": lambda r: json_file(KIND.published(r)),
        "tornado.png": lambda r: figure("plots", "plot_tornado", r),
        "scenario.yaml": lambda r: text_file(to_yaml(r.comparison.scenario)),
    },
    text=text,
    section=section,
    captions={
        "tornado.png": lambda: _(
            "The longest bars, at the top, are the levers that move the result most; hatched is "
            "the lever moved down, grey moved up."
        )
    },
    summary=lambda: _("move each lever up and down: what matters most"),
    description=lambda: _(
        "Move each lever down and up (one at a time, common random numbers); rank their "
        "effect. Prints the KPI's paired change for each lever; --out writes a table and a "
        "tornado chart."
    ),
    question=lambda: _(
        "Which inputs matter most: how far does the result move when each is changed a little?"
    ),
)

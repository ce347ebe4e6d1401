"""A run: how often each quota is missed, with 95% CIs; the packs, the contracts, the cash."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sim._version import __version__
from sim.i18n import _, name, number, percent
from sim.reporting.html_parts import bullet_list, html_table
from sim.reporting.kind import Kind, Writer, csv_file, figure, json_file, text_file
from sim.reporting.words import (
    kpi_cells,
    kpi_headings,
    one_decimal,
    plus_minus,
    product_field,
    rate_with_ci,
    row,
    with_ci,
    with_precision,
)
from sim.results.tables import Results
from sim.scenario.yamlio import to_yaml

_KPI_WIDTH = 23  # "44.3% [35.0%, 54.0%]" and its space


def text(results: Results) -> str:
    """The summary as a text table for a terminal: each estimate ± the half-width of its CI."""
    summary = results.document()
    title = _("{scenario}: {replications} replications, seed {seed}, {days} days").format(
        scenario=summary["scenario"],
        replications=number(summary["replications"]),
        seed=summary["seed"],
        days=number(summary["horizon_days"]),
    )
    wide = max(_KPI_WIDTH, 2 + max(map(len, kpi_headings())))  # headings never run together
    out = [
        f"{title} (umkm-sim {summary['version']})",
        _(
            "Each figure: mean across replications, and its 95% confidence interval (± half its "
            "width, or [low, high] where it is lopsided)."
        ),
        "",
        row(_("Quota (per shipment line)"), kpi_headings(), width=wide),
        row(_("all buyers"), kpi_cells(summary), width=wide),
    ]
    for buyer, stats in summary["buyers"].items():
        out.append(row(name(buyer), kpi_cells(stats), width=wide))
        out.extend(
            row(f"  {name(product)}", kpi_cells(line), width=wide)
            for product, line in stats["products"].items()
        )
    out += _buyer_notes(summary["buyers"])
    products = summary["products"]
    out += ["", row(_("Packs per replication"), [name(p) for p in products], width=22)]
    for field in next(iter(products.values())):
        cells = [plus_minus(products[p][field], number) for p in products]
        out.append(row(product_field(field), cells, width=22))
    if "cash" in summary:
        cash = summary["cash"]
        out += [
            "",
            _(
                "Cash (Rp): lowest {lowest}, at the end {end}; days turning output away for "
                "lack of it: {away}"
            ).format(
                lowest=plus_minus(cash["min"], number),
                end=plus_minus(cash["end"], number),
                away=plus_minus(cash["days_turning_output_away"], one_decimal),
            ),
        ]
    return with_precision("\n".join(out), summary)


def _buyer_notes(buyers: dict[str, Any]) -> list[str]:
    notes = []
    for buyer, stats in buyers.items():
        parts = []
        delay = stats["mean_delay_days"]
        if delay["mean"]:
            days = plus_minus(delay, lambda x: number(x, 2))
            parts.append(_("mean port delay {days} days").format(days=days))
        if "on_time_rate" in stats:
            share = plus_minus(stats["on_time_rate"], percent)
            parts.append(_("arrives on time {share}").format(share=share))
        if "contract" in stats:
            contract = stats["contract"]
            share = plus_minus(contract["survival"], percent)
            said = _("contract survives the horizon {share}").format(share=share)
            if contract["cancellations"]:
                day = number(contract["cancelled_day"]["p50"])
                said += _(", ends on day {day} (median) if it ends").format(day=day)
                lost = plus_minus(stats["lost_to_cancellation"], percent)
                said += "; " + _("lines lost to it {share} (counted as missed)").format(share=lost)
            parts.append(said)
        if parts:
            notes.append(f"{name(buyer)}: " + "; ".join(parts))
    return ["", *notes] if notes else []


def section(summary: dict[str, Any]) -> list[str]:
    """The report's section: the answers in sentences, the KPIs and the packs in tables."""
    lines = [
        _(
            "Across all buyers, {missed} of shipment lines miss their quota, and {filled} of the "
            "contracted packs are shipped."
        ).format(
            missed=rate_with_ci(summary["quota_miss_rate"]),
            filled=rate_with_ci(summary["fill_rate"]),
        )
    ]
    for buyer, block in summary["buyers"].items():
        said = _("The {buyer} buyer's quota is missed in {share} of shipments.").format(
            buyer=name(buyer).capitalize(), share=rate_with_ci(block["quota_miss_rate"])
        )
        if "contract" in block:
            said += " " + _(
                "Its contract lasts the whole period in {share} of the simulated years."
            ).format(share=rate_with_ci(block["contract"]["survival"]))
            said += " " + _(
                "Counted as missed: the shipments it would have taken after it cancelled, "
                "{share} of them."
            ).format(share=rate_with_ci(block["lost_to_cancellation"]))
        if "on_time_rate" in block:
            said += " " + _("Its shipments arrive on time in {share} of cases.").format(
                share=rate_with_ci(block["on_time_rate"])
            )
        lines.append(said)
    if "cash" in summary:
        days = summary["cash"]["days_turning_output_away"]
        lines.append(
            _(
                "For lack of cash the cooperative turns kitchens' output away on {days} a year."
            ).format(days=with_ci(days, number, " " + _("days")))
        )
    return [
        bullet_list(lines),
        html_table(
            ["", _("quota miss rate"), _("fill rate"), _("mean shortfall (packs)")],
            [
                [
                    label,
                    rate_with_ci(s["quota_miss_rate"]),
                    rate_with_ci(s["fill_rate"]),
                    with_ci(s["mean_shortfall"], number),
                ]
                for label, s in _scopes(summary)
            ],
        ),
        html_table(
            [_("packs per year"), *map(name, summary["products"])],
            [
                [
                    product_field(field),
                    *(with_ci(p[field], number) for p in summary["products"].values()),
                ]
                for field in next(iter(summary["products"].values()))
            ],
        ),
    ]


def _scopes(summary: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    yield _("all buyers"), summary
    for buyer, block in summary["buyers"].items():
        yield name(buyer), block
        for product, line in block["products"].items():
            yield f"{name(buyer)} / {name(product)}", line


def figures(results: Results) -> dict[str, Writer]:
    """The run's figures, by file name (drawn only when written)."""
    return {name: w for name, draw in FIGURES.items() if (w := draw(results)) is not None}


def _cancels(results: Results) -> bool:
    return any(b.cancel_after_misses is not None for b in results.scenario.buyers)


FIGURES: dict[str, Callable[[Results], Writer | None]] = {
    "stock.png": lambda r: figure("plots", "plot_stock", r),
    "miss_rates.png": lambda r: figure("plots", "plot_miss_rates", r),
    "shortfall.png": lambda r: figure("plots", "plot_shortfall", r),
    "survival.png": lambda r: figure("plots", "plot_survival", r) if _cancels(r) else None,
    "cash.png": lambda r: figure("plots", "plot_cash", r) if r.scenario.finance else None,
}


def resolved_scenario(results: Results) -> str:
    """The scenario as run, with this run's seed and replications, as YAML to run again."""
    resolved = results.scenario.model_copy(
        update={"seed": results.seed, "replications": results.replications}
    )
    header = (
        f"# Resolved scenario written by umkm-sim {__version__}"
        f" from {results.scenario.source or 'a Python object'}.\n"
        f"# Re-run it with: umkm-sim run scenario.yaml\n"
    )
    return header + to_yaml(resolved)


KIND: Kind = Kind(
    name="run",
    result=Results,
    document="summary.json",
    files={
        "summary.json": lambda r: json_file(KIND.published(r)),
        "shipments.csv": lambda r: csv_file(r.shipments),
        # Flat, tidy tables beside the nested summary.json: the estimates, and what they come
        # from, replication by replication (a spreadsheet or R reads them as they are).
        "estimates.csv": lambda r: csv_file(r.table),
        "kpis.csv": lambda r: csv_file(r.kpis(["buyer", "product"]).reset_index()),
        "products.csv": lambda r: csv_file(r.products),
        "scenario.yaml": lambda r: text_file(resolved_scenario(r)),
        **FIGURES,
    },
    text=text,
    section=section,
    summary=lambda: _("run a scenario and summarise quota misses"),
    description=lambda: _(
        "Run replications of a scenario and print a summary of quota misses with 95% CIs."
    ),
    captions={
        "stock.png": lambda: _(
            "The line is the median simulated year, the bands hold half and nine in ten of them; "
            "where the bands fall below a quota marker, that shipment goes short."
        ),
        "miss_rates.png": lambda: _(
            "Further right, more often missed; a bar is the 95% CI. Hollow dots are one product of "
            "a buyer."
        ),
        "shortfall.png": lambda: _(
            "When a shipment falls short, by how many packs: bars further right are larger gaps "
            "for the buyer to absorb."
        ),
        "survival.png": lambda: _(
            "A drop is a buyer cancelling after repeated misses; the lower the line at the end, "
            "the more years lose that buyer."
        ),
        "cash.png": lambda: _(
            "Where the cash nears zero, the cooperative turns kitchens' output away: a bigger fund "
            "or faster payment lifts the low points."
        ),
    },
)

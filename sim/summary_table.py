"""The summary as a readable text table: each statistic as mean ± half-width of its 95% CI."""

from __future__ import annotations

from typing import Any

from sim.metrics import KPIS

_KPI_HEADINGS = ("miss rate", "fill rate", "mean shortfall", "longest miss run")
_PRODUCT_HEADINGS = ("made", "shipped", "spoiled", "overflow", "cleared", "on hand at end")


def format_summary(summary: dict[str, Any]) -> str:
    """Return the summary document as a text table for a terminal."""
    title = (
        f"{summary['scenario']}: {summary['replications']} replications, "
        f"seed {summary['seed']}, {summary['horizon_days']} days (umkm-sim {summary['version']})"
    )
    out = [
        title,
        "Each figure: mean across replications ± half-width of its 95% confidence interval.",
        "",
        _row("Quota (per shipment line)", _KPI_HEADINGS),
        _row("all buyers", _kpi_cells(summary)),
    ]
    for buyer, stats in summary["buyers"].items():
        out.append(_row(buyer, _kpi_cells(stats)))
        out.extend(
            _row(f"  {product}", _kpi_cells(line)) for product, line in stats["products"].items()
        )
    out += ["", _row("Packs per replication", _PRODUCT_HEADINGS)]
    for product, stats in summary["products"].items():
        out.append(_row(product, [_estimate(s, "{:,.0f}") for s in stats.values()]))
    return "\n".join(out)


def _kpi_cells(stats: dict[str, Any]) -> list[str]:
    formats = {
        "quota_miss_rate": "{:.1%}",
        "fill_rate": "{:.1%}",
        "mean_shortfall": "{:,.0f}",
        "longest_miss_run": "{:.1f}",
    }
    return [_estimate(stats[kpi], formats[kpi]) for kpi in KPIS]


def _estimate(stat: dict[str, Any], fmt: str) -> str:
    mean = stat["mean"]
    lo, hi = stat["ci95"]
    if lo is None:
        return fmt.format(mean)
    half = (hi - lo) / 2
    return f"{fmt.format(mean)} ± {fmt.format(half)}"


def _row(label: str, cells: Any) -> str:
    return f"{label:<28}" + "".join(f"{cell:>20}" for cell in cells).rstrip()

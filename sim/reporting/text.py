"""Results as text tables for a terminal: each estimate with its 95% CI."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.experiments.compare import Comparison
from sim.experiments.explore import Exploration
from sim.experiments.sensitivity import Sensitivity
from sim.experiments.sweep import SweepResult
from sim.results.metrics import KPIS

_KPI_HEADINGS = ("miss rate", "fill rate", "mean shortfall", "longest miss run")


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
    out += _buyer_notes(summary["buyers"])
    products = summary["products"]
    out += ["", _row("Packs per replication", list(products), width=22)]
    for field in next(iter(products.values())):
        cells = [_estimate(products[p][field], "{:,.0f}") for p in products]
        out.append(_row(field.replace("_", " "), cells, width=22))
    if "cash" in summary:
        cash = summary["cash"]
        away = _estimate(cash["days_turning_output_away"], "{:.1f}")
        lowest, end = _estimate(cash["min"], "{:,.0f}"), _estimate(cash["end"], "{:,.0f}")
        out += [
            "",
            (
                f"Cash (Rp): lowest {lowest}, at the end {end}; "
                f"days turning output away for lack of it: {away}"
            ),
        ]
    return "\n".join(out)


def _buyer_notes(buyers: dict[str, Any]) -> list[str]:
    notes = []
    for name, stats in buyers.items():
        parts = []
        delay = stats["mean_delay_days"]
        if delay["mean"]:
            parts.append(f"mean port delay {_estimate(delay, '{:.2f}')} days")
        if "on_time_rate" in stats:
            parts.append(f"arrives on time {_estimate(stats['on_time_rate'], '{:.1%}')}")
        if "contract" in stats:
            contract = stats["contract"]
            text = f"contract survives the horizon {_estimate(contract['survival'], '{:.1%}')}"
            if contract["cancellations"]:
                text += f", ends on day {contract['cancelled_day']['p50']:.0f} (median) if it ends"
            parts.append(text)
        if parts:
            notes.append(f"{name}: " + "; ".join(parts))
    return ["", *notes] if notes else []


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
    if mean is None:
        return "n/a"
    if lo is None:
        return fmt.format(mean)
    half = (hi - lo) / 2
    return f"{fmt.format(mean)} ± {fmt.format(half)}"


def _row(label: str, cells: Any, width: int = 20) -> str:
    return f"{label:<28}" + "".join(f"{cell:>{width}}" for cell in cells).rstrip()


_FORMATS = {
    "quota_miss_rate": ("{:.1%}", 100, " pts"),
    "fill_rate": ("{:.1%}", 100, " pts"),
    "mean_shortfall": ("{:,.0f}", 1, " packs"),
    "longest_miss_run": ("{:.2f}", 1, ""),
}


def format_comparison(comparison: Comparison) -> str:
    """Return a policy comparison as a text table: estimates, paired differences, markers."""
    table = comparison.table
    first = comparison.results["baseline"].provenance
    title = (
        f"{first['scenario']}: {len(comparison.results) - 1} policies against the baseline, "
        f"{comparison.replications} replications each, seed {first['seed']} "
        f"(umkm-sim {first['version']})"
    )
    out = [
        title,
        "Common random numbers: replication r of every policy sees the same random draws.",
        "Estimates: mean [95% CI]. * marks a difference whose 95% CI excludes zero.",
    ]
    scopes = [(kpi, "all") for kpi in KPIS]
    scopes += [("quota_miss_rate", b.name) for b in comparison.scenario.buyers]
    for kpi, buyer in scopes:
        rows = table[(table.kpi == kpi) & (table.buyer == buyer) & (table["product"] == "all")]
        label = f"{kpi.replace('_', ' ')}, {'all buyers' if buyer == 'all' else buyer}"
        out += ["", f"{label:<34}{'estimate':<28}difference from baseline"]
        out.extend(_comparison_row(row, kpi) for row in rows.itertuples())
    return "\n".join(out)


def _comparison_row(row: Any, kpi: str) -> str:
    fmt, scale, unit = _FORMATS[kpi]
    estimate = f"{fmt.format(row.mean)} {_interval(row.ci_lo, row.ci_hi, fmt)}"
    line = f"  {row.policy:<32}{estimate:<28}"
    if row.policy != "baseline":
        diff = [row.diff * scale, row.diff_lo * scale, row.diff_hi * scale]
        line += f"{diff[0]:+.2f} [{diff[1]:+.2f}, {diff[2]:+.2f}]{unit}"
        line += " *" if row.significant else ""
    return line.rstrip()


def _interval(lo: float | None, hi: float | None, fmt: str) -> str:
    if lo is None or lo != lo:  # noqa: PLR0124 (NaN: a single replication)
        return ""
    return f"[{fmt.format(lo)}, {fmt.format(hi)}]"


def format_sweep(result: SweepResult) -> str:
    """Return a sweep's headline KPI per design point as a text table."""
    head = result.headline()
    width = max(len(p) for p in result.levers) + 2
    title = (
        f"{result.scenario.name}: sweep of {len(result.points)} points, "
        f"{result.results[0].replications} replications each, seed {result.seed} "
        "(common random numbers)"
    )
    lines = [
        title,
        "",
        "".join(f"{p:>{width}}" for p in result.levers) + "   quota miss rate [95% CI]",
    ]
    for row in head.to_dict("records"):
        values = "".join(f"{_show(row[p]):>{width}}" for p in result.levers)
        ci = "" if pd.isna(row["ci_lo"]) else f" [{row['ci_lo']:.1%}, {row['ci_hi']:.1%}]"
        lines.append(f"{values}   {row['mean']:.1%}{ci}")
    return "\n".join(lines)


def _show(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def format_sensitivity(result: Sensitivity) -> str:
    """Return the levers ranked by their effect on the KPI, as a text table."""
    pct = result.kpi in {"quota_miss_rate", "fill_rate"}
    scale, unit = (100, " pts") if pct else (1, "")
    width = max(len(p) for p in result.levers) + 2
    comparison = result.comparison
    lines = [
        (
            f"{comparison.scenario.name}: {result.kpi} when each lever moves "
            f"-{result.change:.0%} / +{result.change:.0%}, {comparison.replications} "
            f"replications each, seed {comparison.seed} (common random numbers)"
        ),
        "",
        (
            f"{'lever':<{width}}{'value':>14}{'-' + format(result.change, '.0%'):>16}"
            f"{'+' + format(result.change, '.0%'):>16}"
        ),
    ]
    for row in result.table.to_dict("records"):
        down = f"{float(row['diff_down']) * scale:+.2f}{unit}"
        up = f"{float(row['diff_up']) * scale:+.2f}{unit}"
        value = float(row["value"])
        lines.append(f"{row['lever']!s:<{width}}{value:>14,g}{down:>16}{up:>16}")
    return "\n".join(lines)


def format_exploration(exploration: Exploration) -> str:
    """Return each policy's robustness across the futures, ranked, and the verdict."""
    c = exploration.criterion
    pct = c.kpi in {"quota_miss_rate", "fill_rate"}
    fmt = "{:.1%}" if pct else "{:,.3g}"
    e = exploration
    lines = [
        (
            f"{e.scenario.name}: {len(e.futures)} futures ({e.sampler}) x {len(e.policies)} "
            f"policies x {e.replications} replications, seed {e.seed} (common random numbers)"
        ),
        f"acceptable: {c.describe()}; 95% CIs from a bootstrap over futures and replications",
        "",
        f"{'policy':<22}{'acceptable in':<26}{c.kpi + ' p10 / p50 / p90':<34}regret p90 [95% CI]",
    ]
    for row in exploration.ranked.itertuples():
        share = f"{row.share:.0%} [{row.share_lo:.0%}, {row.share_hi:.0%}]"
        spread = " / ".join(fmt.format(v) for v in (row.p10, row.p50, row.p90))
        regret = f"{fmt.format(row.regret_p90)} [{fmt.format(row.regret_p90_lo)}, "
        regret += f"{fmt.format(row.regret_p90_hi)}]"
        lines.append(f"  {row.policy!s:<20}{share:<26}{spread:<34}{regret}")
    return "\n".join([*lines, "", exploration.verdict()])

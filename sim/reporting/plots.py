"""Figures from results, in one style that prints well in black and white.

Every figure has a title and units on its axes, and a footnote of what produced it. Series are
told apart by grey level, line style and marker, never by colour alone. Each function returns a
``matplotlib.figure.Figure`` built without pyplot (so it needs no display and leaves the user's
backend alone): a notebook shows it, the command line saves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.i18n import _, name, percent, plain, significant
from sim.reporting.fit_plots import plot_profiles, plot_rootogram, plot_transit
from sim.reporting.futures_plots import plot_box, plot_futures, plot_tradeoff
from sim.reporting.gsa_plots import plot_convergence, plot_gsa
from sim.reporting.optimize_plots import plot_settings
from sim.reporting.style import LINES, MARKERS, footnote, styled
from sim.reporting.words import RATES, kpi_name

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.experiments.compare import Comparison
    from sim.experiments.sensitivity import Sensitivity
    from sim.experiments.sweep import SweepResult
    from sim.results.tables import Results


__all__ = [  # sim.plots: every figure, those of explorations too
    "plot_box",
    "plot_cash",
    "plot_convergence",
    "plot_forest",
    "plot_futures",
    "plot_gsa",
    "plot_miss_rates",
    "plot_profiles",
    "plot_rootogram",
    "plot_settings",
    "plot_shortfall",
    "plot_stock",
    "plot_survival",
    "plot_sweep",
    "plot_tornado",
    "plot_tradeoff",
    "plot_transit",
]


def _provenance(results: Results) -> str:
    return _("{scenario}: {replications} replications, seed {seed}").format(
        scenario=results.scenario.name, replications=results.replications, seed=results.seed
    )


def _fan(ax: Axes, x: np.ndarray, runs: np.ndarray) -> None:
    """Median with 50% and 90% bands across replications (rows of ``runs``)."""
    q5, q25, q50, q75, q95 = np.percentile(runs, [5, 25, 50, 75, 95], axis=0)
    ax.fill_between(
        x, q5, q95, step="post", color="0.85", linewidth=0, label=_("90% of replications")
    )
    ax.fill_between(
        x, q25, q75, step="post", color="0.65", linewidth=0, label=_("50% of replications")
    )
    ax.step(x, q50, where="post", color="black", linewidth=1.1, label=_("median"))


def _legend_beside(ax: Axes) -> None:
    """The legend right of the axes: bands fill the whole plot, so no corner of it is free."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)


@styled
def plot_stock(results: Results) -> Figure:
    """Warehouse stock per product over time: median, 50% and 90% bands; quotas marked.

    Each buyer's shipment days are marked at the height of the quota it owes for the product.
    """
    scenario = results.scenario
    names = scenario.product_names
    days = np.arange(scenario.horizon_days + 1)
    fig = Figure(figsize=(9, 2.6 * len(names) + 0.9), layout="constrained")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    for p, (ax, product) in enumerate(zip(axes, names, strict=True)):
        _fan(ax, days, results.stock[:, p, :])
        for b, buyer in enumerate(scenario.buyers):
            if product in buyer.quota:
                ship_days = list(buyer.shipment_days(scenario.horizon_days))
                ax.plot(
                    ship_days,
                    [buyer.quota[product]] * len(ship_days),
                    linestyle="none",
                    color="black",
                    marker=MARKERS[b % len(MARKERS)],
                    markerfacecolor="white",
                    markeredgecolor="black",
                    label=_("{buyer}: shipment day, quota").format(buyer=name(buyer.name)),
                )
        ax.set_title(name(product))
        ax.set_ylabel(_("stock (packs)"))
        ax.set_ylim(bottom=0)
        _legend_beside(ax)
    axes[-1].set_xlabel(_("day"))
    fig.suptitle(_("Warehouse stock at the end of each day"))
    footnote(fig, _provenance(results))
    return fig


@styled
def plot_miss_rates(results: Results) -> Figure:
    """Quota miss rate per buyer and per buyer x product, with 95% CIs."""
    summary = results.document()
    labels, stats = [_("all buyers")], [summary["quota_miss_rate"]]
    for buyer, block in summary["buyers"].items():
        labels.append(name(buyer))
        stats.append(block["quota_miss_rate"])
        for product, line in block["products"].items():
            labels.append(f"   {name(buyer)} / {name(product)}")
            stats.append(line["quota_miss_rate"])
    y = np.arange(len(labels))[::-1]
    fig = Figure(figsize=(7.5, 0.42 * len(labels) + 1.4), layout="constrained")
    ax = fig.subplots()
    for yi, label, stat in zip(y, labels, stats, strict=True):
        _dot(ax, yi, stat, filled=not label.startswith(" "))
    ax.set_yticks(y, labels)
    ax.set_xlabel(_("quota miss rate (share of shipment lines missed)"))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(left=0)
    ax.set_title(_("How often each quota is missed (mean and 95% CI across replications)"))
    footnote(fig, _provenance(results))
    return fig


def _dot(ax: Axes, y: float, stat: dict[str, Any], *, filled: bool = True) -> None:
    mean, (lo, hi) = stat["mean"], stat["ci95"]
    if mean is None:
        return
    if lo is not None:
        ax.errorbar(mean, y, xerr=[[mean - lo], [hi - mean]], fmt="none", color="black", capsize=3)
    ax.plot(mean, y, "o", color="black", markerfacecolor="black" if filled else "white")


@styled
def plot_shortfall(results: Results) -> Figure:
    """Distribution of the shortfall per shipment line (owed - shipped), per buyer x product."""
    lines = results.shipments
    groups = list(lines.groupby(["buyer", "product"], observed=True))
    fig = Figure(figsize=(9, 2.3 * len(groups) + 0.9), layout="constrained")
    axes = fig.subplots(len(groups), 1, squeeze=False)[:, 0]
    for ax, ((buyer, product), block) in zip(axes, groups, strict=True):
        short = block["shortfall"].to_numpy()
        share_met = 1 - block["missed"].mean()  # the headline's definition: lost lines missed
        missed = short[short > 0]
        if missed.size:
            ax.hist(missed, bins=30, color="0.6", edgecolor="black", linewidth=0.4)
        ax.set_title(
            _("{line}: quota met on {share} of the scheduled shipments").format(
                line=f"{name(str(buyer))} / {name(str(product))}", share=percent(share_met, 0)
            )
        )
        ax.set_ylabel(_("shipments"))
        ax.set_xlabel(_("shortfall when short (packs)"))
    fig.suptitle(_("How far short the shipments fall, when they do"))
    footnote(fig, _provenance(results))
    return fig


@styled
def plot_survival(results: Results) -> Figure:
    """Probability that each contract is still alive, day by day (buyers that can cancel)."""
    scenario = results.scenario
    days = np.arange(scenario.horizon_days + 1)
    fig = Figure(figsize=(8, 3.8), layout="constrained")
    ax = fig.subplots()
    contracts = results.contracts
    for b, buyer in enumerate(scenario.buyers):
        if buyer.cancel_after_misses is None:
            continue
        ended = contracts.loc[contracts.buyer == buyer.name, "cancelled_day"].to_numpy()
        alive = np.array([np.mean(~(ended <= t)) for t in days])  # NaN (never ended) stays alive
        se = np.sqrt(alive * (1 - alive) / len(ended))
        ax.fill_between(days, alive - 1.96 * se, alive + 1.96 * se, step="post", color="0.88")
        ax.step(
            days,
            alive,
            where="post",
            color="black",
            linestyle=LINES[b % len(LINES)],
            label=_("{buyer} (cancels after {misses} misses in a row)").format(
                buyer=name(buyer.name), misses=buyer.cancel_after_misses
            ),
        )
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(_("day"))
    ax.set_ylabel(_("contracts still alive"))
    ax.legend(loc="lower left")
    ax.set_title(_("Probability that each contract is still alive (band: 95% CI)"))
    footnote(fig, _provenance(results))
    return fig


@styled
def plot_cash(results: Results) -> Figure:
    """The cooperative's cash over time: median, 50% and 90% bands across replications."""
    cash = results.cash / 1e6  # replication x time, in millions of Rp
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax = fig.subplots()
    _fan(ax, np.arange(cash.shape[1]), cash)
    ax.set_xlabel(_("day"))
    ax.set_ylabel(_("cash (million Rp)"))
    ax.set_ylim(bottom=0)
    _legend_beside(ax)
    ax.set_title(_("The cooperative's cash at the end of each day"))
    footnote(fig, _provenance(results))
    return fig


@styled
def plot_forest(comparison: Comparison, kpi: str = "quota_miss_rate") -> Figure:
    """Each policy's paired difference from the baseline in one KPI, with 95% CIs.

    Filled markers: the CI excludes zero. Overall, and per buyer below it.
    """
    table = comparison.table
    rows = table[(table.kpi == kpi) & (table["product"] == "all") & (table.policy != "baseline")]
    scopes = ["all", *[b.name for b in comparison.scenario.buyers]]
    policies = [v.name for v in comparison.variants[1:]]
    fig = Figure(figsize=(7.5, 0.32 * len(policies) * len(scopes) + 1.6), layout="constrained")
    ax = fig.subplots()
    labels, y = [], 0.0
    scale = 100 if kpi in RATES else 1
    everyone = _("all buyers")
    for scope in reversed(scopes):
        for policy in reversed(policies):
            row = rows[(rows.buyer == scope) & (rows.policy == policy)].iloc[0]
            stat = {
                "mean": row["diff"] * scale,
                "ci95": [row["diff_lo"] * scale, row["diff_hi"] * scale],
            }
            _dot(ax, y, stat, filled=bool(row["significant"]))
            labels.append(f"{name(policy)}  ({everyone if scope == 'all' else name(scope)})")
            y += 1
        y += 0.5
    positions = [i + 0.5 * (i // len(policies)) for i in range(len(labels))]
    ax.set_yticks(positions, labels)
    ax.axvline(0, color="black", linewidth=0.8)
    unit = _("percentage points") if kpi in RATES else (_("packs") if "shortfall" in kpi else "")
    label = _("difference from the baseline in {kpi}").format(kpi=kpi_name(kpi))
    ax.set_xlabel(label + (f" ({unit})" if unit else ""))
    ax.set_title(_("Policies against the baseline: paired differences and 95% CIs"))
    footnote(
        fig,
        _(
            "{scenario}: {replications} replications each, seed {seed}, common random numbers; "
            "filled: CI excludes zero"
        ).format(
            scenario=comparison.scenario.name,
            replications=comparison.replications,
            seed=comparison.seed,
        ),
    )
    return fig


@styled
def plot_sweep(result: SweepResult, kpi: str = "quota_miss_rate") -> Figure:
    """A KPI across a sweep's design points, with 95% CIs.

    One lever: the KPI against it, with its CI as a band (a grid) or error bars (a sample).
    Two levers on a grid: a heatmap of the KPI. Otherwise: one panel per lever.
    """
    head = result.headline(kpi)
    levers = result.levers
    label = kpi_name(kpi)
    on_grid = result.sweep.samples is None
    if len(levers) == 2 and on_grid:  # noqa: PLR2004 (two levers make a map)
        fig = _heatmap(head, levers, label, rate=kpi in RATES)
    else:
        fig = Figure(figsize=(6.5 * min(len(levers), 2), 4.2), layout="constrained")
        axes = fig.subplots(1, len(levers), squeeze=False)[0]
        for ax, lever in zip(axes, levers, strict=True):
            rows = head.sort_values(lever)
            x, y = rows[lever].to_numpy(float), rows["mean"].to_numpy(float)
            lo, hi = rows["ci_lo"].to_numpy(float), rows["ci_hi"].to_numpy(float)
            if on_grid and len(levers) == 1:
                ax.fill_between(x, lo, hi, color="0.8", linewidth=0, label=_("95% CI"))
                ax.plot(x, y, color="black", marker="o", markersize=4, label=_("mean"))
                ax.legend(loc="best")
            else:
                ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", color="black", capsize=2)
            ax.set_xlabel(lever)
            ax.set_ylabel(label)
            if kpi in RATES:
                ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_ylim(bottom=0)
    fig.suptitle(_("{kpi} across the sweep").format(kpi=label.capitalize()))
    footnote(
        fig,
        _(
            "{scenario}: {replications} replications per point, seed {seed}, common random numbers"
        ).format(
            scenario=result.scenario.name,
            replications=result.results[0].replications,
            seed=result.seed,
        ),
    )
    return fig


def _heatmap(head: Any, levers: list[str], label: str, *, rate: bool) -> Figure:
    grid = head.pivot_table(index=levers[1], columns=levers[0], values="mean")
    values = grid.to_numpy()
    fig = Figure(figsize=(7.5, 5.5), layout="constrained")
    ax = fig.subplots()
    ax.grid(visible=False)
    image = ax.imshow(values, origin="lower", aspect="auto", cmap="Greys")
    ax.set_xticks(range(grid.shape[1]), [plain(v) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [plain(v) for v in grid.index])
    ax.set_xlabel(levers[0])
    ax.set_ylabel(levers[1])
    for (i, j), value in np.ndenumerate(values):
        shade = "white" if value > np.nanmax(values) / 2 else "black"
        text = percent(value, 0) if rate else significant(value)
        ax.text(j, i, text, ha="center", va="center", color=shade, fontsize="small")
    bar = fig.colorbar(image, ax=ax, label=label)
    if rate:
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    return fig


@styled
def plot_tornado(sensitivity: Sensitivity) -> Figure:
    """One-at-a-time sensitivity: each lever's effect on the KPI at -X% and +X%, largest first."""
    table = sensitivity.table.sort_values("range", ascending=True)
    scale = 100 if sensitivity.kpi in RATES else 1
    fig = Figure(figsize=(8, 0.34 * len(table) + 1.8), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(table))
    down = table["diff_down"].to_numpy(float) * scale
    up = table["diff_up"].to_numpy(float) * scale
    ax.barh(
        y,
        down,
        color="white",
        edgecolor="black",
        hatch="///",
        label=_("lever -{change}").format(change=percent(sensitivity.change, 0)),
    )
    up_label = _("lever +{change}").format(change=percent(sensitivity.change, 0))
    ax.barh(y, up, color="0.45", edgecolor="black", label=up_label)
    ax.set_yticks(y, table["lever"])
    ax.axvline(0, color="black", linewidth=0.8)
    unit = " (" + _("percentage points") + ")" if sensitivity.kpi in RATES else ""
    name = kpi_name(sensitivity.kpi)
    ax.set_xlabel(_("change in {kpi} from the baseline").format(kpi=name) + unit)
    ax.legend(loc="lower right")
    ax.set_title(_("Which levers move the {kpi} most").format(kpi=name))
    c = sensitivity.comparison
    footnote(
        fig,
        _(
            "{scenario}: {replications} replications each, seed {seed}, common random numbers"
        ).format(scenario=c.scenario.name, replications=c.replications, seed=c.seed),
    )
    return fig

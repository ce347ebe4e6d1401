"""Figures from results (matplotlib, no display needed): the warehouse stock fan chart.

Figures are built with the object-oriented API and returned, so a notebook can show them and
the command line can save them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib as mpl

mpl.use("Agg")  # files only; a notebook's inline backend still shows returned figures
import numpy as np
from matplotlib.figure import Figure

from sim._version import __version__

if TYPE_CHECKING:
    from sim.results import Results
    from sim.sweep import SweepResult

_MARKERS = ("v", "s", "^", "D", "o", "P")


def plot_stock(results: Results) -> Figure:
    """Plot warehouse stock per product over time: median and 5-95% band across replications.

    Each buyer's shipment days are marked at the height of the quota it owes for the product.
    """
    scenario = results.scenario
    names = scenario.product_names
    stock = results.stock  # replication x product x time
    days = np.arange(scenario.horizon_days + 1)
    fig = Figure(figsize=(9, 2.6 * len(names) + 0.8), layout="constrained")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    for p, (ax, product) in enumerate(zip(axes, names, strict=True)):
        low, median, high = np.percentile(stock[:, p, :], [5, 50, 95], axis=0)
        ax.fill_between(days, low, high, step="post", color="0.8", label="5-95% of replications")
        ax.step(days, median, where="post", color="black", linewidth=1.2, label="median")
        for b, buyer in enumerate(scenario.buyers):
            if product in buyer.quota:
                ship_days = list(buyer.shipment_days(scenario.horizon_days))
                ax.plot(
                    ship_days,
                    [buyer.quota[product]] * len(ship_days),
                    linestyle="none",
                    marker=_MARKERS[b % len(_MARKERS)],
                    markerfacecolor="white",
                    markeredgecolor="black",
                    label=f"{buyer.name}: shipment day, quota",
                )
        ax.set_title(product, loc="left", fontsize="medium")
        ax.set_ylabel("stock (packs)")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", fontsize="small", frameon=False)
    axes[-1].set_xlabel("day")
    fig.suptitle(
        f"Warehouse stock at the end of each day - {scenario.name} "
        f"({results.replications} replications, seed {results.seed})"
    )
    fig.text(1, 0, f"umkm-sim {__version__}", ha="right", va="bottom", fontsize="x-small")
    return fig


def plot_cash(results: Results) -> Figure:
    """Plot the cooperative's cash over time: median and 5-95% band across replications."""
    cash = results.cash / 1e6  # replication x time, in millions of Rp
    days = np.arange(cash.shape[1])
    low, median, high = np.percentile(cash, [5, 50, 95], axis=0)
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.fill_between(days, low, high, step="post", color="0.8", label="5-95% of replications")
    ax.step(days, median, where="post", color="black", linewidth=1.2, label="median")
    ax.set_xlabel("day")
    ax.set_ylabel("cash (million Rp)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    fig.suptitle(
        f"Cooperative's cash at the end of each day - {results.scenario.name} "
        f"({results.replications} replications, seed {results.seed})"
    )
    fig.text(1, 0, f"umkm-sim {__version__}", ha="right", va="bottom", fontsize="x-small")
    return fig


def plot_sweep(result: SweepResult, kpi: str = "quota_miss_rate") -> Figure:
    """Plot a KPI across a sweep's design points, with 95% CIs.

    One lever: the KPI against it, with its CI as a band (a grid) or error bars (a sample).
    Two levers on a grid: a heatmap of the KPI. Otherwise: one panel per lever.
    """
    head = result.headline(kpi)
    levers = result.levers
    label = kpi.replace("_", " ")
    on_grid = result.sweep.samples is None
    if len(levers) == 2 and on_grid:  # noqa: PLR2004 (two levers make a map)
        fig = _heatmap(head, levers, label)
    else:
        fig = Figure(figsize=(6.5 * min(len(levers), 2), 4.2), layout="constrained")
        axes = fig.subplots(1, len(levers), squeeze=False)[0]
        for ax, lever in zip(axes, levers, strict=True):
            rows = head.sort_values(lever)
            x, y = rows[lever].to_numpy(float), rows["mean"].to_numpy(float)
            lo, hi = rows["ci_lo"].to_numpy(float), rows["ci_hi"].to_numpy(float)
            if on_grid and len(levers) == 1:
                ax.fill_between(x, lo, hi, color="0.8", label="95% CI")
                ax.plot(x, y, color="black", marker="o", markersize=4, label="mean")
            else:
                ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", color="black", capsize=2)
            ax.set_xlabel(lever)
            ax.set_ylabel(label)
            ax.set_ylim(bottom=0)
    fig.suptitle(
        f"{label} across the sweep - {result.scenario.name} "
        f"({result.results[0].replications} replications per point, seed {result.seed})"
    )
    fig.text(1, 0, f"umkm-sim {__version__}", ha="right", va="bottom", fontsize="x-small")
    return fig


def _heatmap(head: Any, levers: list[str], label: str) -> Figure:
    grid = head.pivot_table(index=levers[1], columns=levers[0], values="mean")
    fig = Figure(figsize=(7.5, 5.5), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="Greys")
    ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(levers[0])
    ax.set_ylabel(levers[1])
    for (i, j), value in np.ndenumerate(grid.to_numpy()):
        shade = "white" if value > np.nanmax(grid.to_numpy()) / 2 else "black"
        ax.text(j, i, f"{value:.2g}", ha="center", va="center", color=shade, fontsize="small")
    fig.colorbar(image, ax=ax, label=label)
    return fig

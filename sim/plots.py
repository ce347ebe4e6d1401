"""Figures from results (matplotlib, no display needed): the warehouse stock fan chart.

Figures are built with the object-oriented API and returned, so a notebook can show them and
the command line can save them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib as mpl

mpl.use("Agg")  # files only; a notebook's inline backend still shows returned figures
import numpy as np
from matplotlib.figure import Figure

from sim._version import __version__

if TYPE_CHECKING:
    from sim.results import Results

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

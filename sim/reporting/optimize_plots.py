"""The figure of a search of the levers: every setting, its cost against its KPI, with 95% CIs.

In the style of ``sim.reporting.plots``: titles, units, greys only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.i18n import _, number
from sim.reporting.style import footnote, styled
from sim.reporting.words import RATES, criterion_words, kpi_name

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from sim.experiments.optimize import Optimization


@styled
def plot_settings(answer: Optimization) -> Figure:
    """Cost (x) against the KPI asked about (y): every setting grey, the answer black.

    The cheapest mode draws the constraint as a line and the chosen setting as a star; the
    front mode its kept points, joined, against the first KPI among the objectives (or the
    first two KPIs, without cost).
    """
    table = answer.table
    kpi = answer.where.kpi if answer.where is not None else _first_kpi(answer)
    objectives = answer.objectives or ("cost",)
    x_column = "cost" if "cost" in objectives else next(o for o in objectives if o != kpi)
    fig = Figure(figsize=(8, 4.8), layout="constrained")
    ax = fig.subplots()
    x = _scaled(table, x_column)
    _errorbars(ax, x, table, kpi, "0.6", "o", 3, _("settings searched"))
    best = table["outcome"].isin(["chosen", "front"])
    if best.any():
        label = _("chosen") if answer.where is not None else _("front (surely not beaten)")
        marker = "*" if answer.where is not None else "D"
        _errorbars(ax, x[best], table[best], kpi, "black", marker, 8, label)
        if answer.where is None:
            order = np.argsort(x[best].to_numpy())
            ax.plot(x[best].to_numpy()[order], table[best][kpi].to_numpy()[order], "k-", lw=0.8)
    if answer.where is not None:
        ax.axhline(answer.where.bound, color="black", linestyle="--", linewidth=0.8)
        ax.annotate(
            criterion_words(vars(answer.where)),
            (0, answer.where.bound),
            xycoords=("axes fraction", "data"),
            va="bottom",
            fontsize="small",
        )
    ax.set_xlabel(
        _("cost over the horizon (million Rp)") if x_column == "cost" else kpi_name(x_column)
    )
    ax.set_ylabel(_("{kpi} (bars: 95% CI)").format(kpi=kpi_name(kpi)))
    if kpi in RATES:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(_("Every setting searched: what it costs, what it achieves"))
    ax.legend(loc="best")
    footnote(
        fig,
        _("{scenario}: {n} settings, seed {seed}, common random numbers").format(
            scenario=answer.scenario.name, n=number(len(table)), seed=answer.seed
        ),
    )
    return fig


def _first_kpi(answer: Optimization) -> str:
    return next(o for o in answer.objectives or () if o != "cost")


def _scaled(table: pd.DataFrame, column: str) -> pd.Series:
    return table[column] / 1e6 if column == "cost" else table[column]


def _errorbars(  # noqa: PLR0917 (one series' look)
    ax: Axes,
    x: pd.Series,
    rows: pd.DataFrame,
    kpi: str,
    color: str,
    marker: str,
    size: float,
    label: str,
) -> None:
    y = rows[kpi].to_numpy(dtype=float)
    lo = rows[f"{kpi}_lo"].to_numpy(dtype=float)
    hi = rows[f"{kpi}_hi"].to_numpy(dtype=float)
    errors = np.vstack([y - np.where(np.isnan(lo), y, lo), np.where(np.isnan(hi), y, hi) - y])
    ax.errorbar(
        x,
        y,
        yerr=np.clip(errors, 0, None),
        fmt=marker,
        color=color,
        markersize=size,
        ecolor=color,
        elinewidth=0.7,
        capsize=2,
        label=label,
        linestyle="none",
    )

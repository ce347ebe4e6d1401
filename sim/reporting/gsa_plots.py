"""Figures of a global sensitivity analysis: the indices, and how they settled as N grew.

In the style of ``sim.reporting.plots`` (which re-exports them): titles, units, greys only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim.i18n import _, number, percent
from sim.reporting.style import LINES, MARKERS, footnote, styled
from sim.reporting.words import kpi_name

if TYPE_CHECKING:
    from sim.experiments.gsa import GlobalSensitivity

_SHADES = ("0.35", "0.75")  # first index dark, second light


@styled
def plot_gsa(result: GlobalSensitivity) -> Figure:
    """Bars of each factor's indices (S1 and ST, or mu* and sigma) with their 95% CIs."""
    ranked = list(result.ranked().factor)
    indices = list(dict.fromkeys(result.table["index"]))
    fig = Figure(figsize=(8, 0.5 * len(ranked) + 1.8), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(ranked))
    height = 0.8 / len(indices)
    for k, (index, shade) in enumerate(zip(indices, _SHADES, strict=False)):
        rows = result.table[result.table["index"] == index].set_index("factor").loc[ranked]
        errors = np.vstack([rows.value - rows.ci_lo, rows.ci_hi - rows.value])
        ax.barh(
            y - 0.4 + (k + 0.5) * height,
            rows.value,
            height=height,
            color=shade,
            edgecolor="black",
            linewidth=0.5,
            xerr=None if np.isnan(errors).all() else errors,
            error_kw={"ecolor": "black", "color": "black", "capsize": 2, "linewidth": 0.8},
            label=index,
        )
    ax.set_yticks(y, ranked)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    what = _("share of the KPI's variance") if result.method == "sobol" else _("elementary effect")
    ax.set_xlabel(_("{kpi}: {what} (bars: 95% CI)").format(kpi=kpi_name(result.kpi), what=what))
    ax.set_title(_("Which uncertainties drive the result: global sensitivity"))
    ax.legend(frameon=False, loc="lower right")
    footnote(fig, _said(result))
    return fig


@styled
def plot_convergence(result: GlobalSensitivity) -> Figure:
    """Each factor's main index against the number of samples, with its 95% CI."""
    index = result.main_index
    rows = result.convergence[result.convergence["index"] == index]
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.subplots()
    for k, factor in enumerate(result.ranked().factor):
        mine = rows[rows.factor == factor].sort_values("n")
        style, marker = LINES[k % len(LINES)], MARKERS[k % len(MARKERS)]
        ax.plot(
            mine.n,
            mine.value,
            linestyle=style,
            marker=marker,
            color="black",
            label=factor,
            linewidth=1,
            markersize=4,
        )
        if mine.ci_lo.notna().all():
            ax.fill_between(mine.n, mine.ci_lo, mine.ci_hi, color="0.85", alpha=0.5, linewidth=0)
    ax.set_xscale("log", base=2)
    ax.set_xlabel(_("base samples (Sobol) or trajectories (Morris)"))
    ax.set_ylabel(_("{index} (band: 95% CI)").format(index=index))
    ax.set_title(
        _("Convergence of {index}: do more samples change the answer?").format(index=index)
    )
    ax.legend(frameon=False, fontsize=7)
    footnote(fig, _said(result))
    return fig


def _said(result: GlobalSensitivity) -> str:
    return _(
        "{scenario}: {method}, N = {n}, {points} points x {replications} replications, seed "
        "{seed}; replication noise {share} of the variance (SALib)"
    ).format(
        scenario=result.scenario.name,
        method=result.method,
        n=result.n,
        points=number(len(result.points)),
        replications=result.replications,
        seed=result.seed,
        share=percent(result.noise_share, 0),
    )

"""Figures of explorations: policies across uncertain futures, and scenario discovery's box.

In the style of ``sim.reporting.plots`` (which re-exports them): titles, units, greys only.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim.i18n import _
from sim.reporting.style import footnote, styled
from sim.reporting.words import RATES, criterion_words, kpi_name, policy_name

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.experiments.discover import Discovery
    from sim.experiments.explore import Exploration


@styled
def plot_futures(exploration: Exploration) -> Figure:
    """Each policy's KPI across the futures (one value per future), against the target."""
    c = exploration.criterion
    ranked = list(exploration.ranked.policy)
    means = exploration.values(c.kpi, c.buyer).mean(axis=2)
    scale = 100 if c.kpi in RATES else 1
    fig = Figure(figsize=(7.5, 0.45 * len(ranked) + 1.6), layout="constrained")
    ax = fig.subplots()
    data = [means[exploration.policies.index(p)] * scale for p in reversed(ranked)]
    ax.boxplot(
        data,
        orientation="horizontal",
        widths=0.5,
        medianprops={"color": "black"},
        flierprops={"marker": "o", "markersize": 3, "markerfacecolor": "0.6"},
    )
    ax.set_yticks(range(1, len(ranked) + 1), [policy_name(p) for p in reversed(ranked)])
    ax.axvline(c.bound * scale, color="black", linestyle="--", linewidth=0.8)
    unit = " (%)" if c.kpi in RATES else ""
    ax.set_xlabel(
        _("{kpi} in each future{unit}; dashed: {target}").format(
            kpi=kpi_name(c.kpi), unit=unit, target=criterion_words(asdict(c))
        )
    )
    ax.set_title(_("Policies across the futures: most robust at the top"))
    e = exploration
    footnote(
        fig,
        _(
            "{scenario}: {futures} futures ({sampler}) x {replications} replications, seed "
            "{seed}, common random numbers"
        ).format(
            scenario=e.scenario.name,
            futures=len(e.futures),
            sampler=e.sampler,
            replications=e.replications,
            seed=e.seed,
        ),
    )
    return fig


@styled
def plot_tradeoff(discovery: Discovery) -> Figure:
    """PRIM's peeling trajectory: coverage against density, the chosen box marked."""
    t = discovery.trajectory
    fig = Figure(figsize=(6, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(t.coverage * 100, t.density * 100, color="0.5", marker="o", markersize=3)
    for _index, row in t.iterrows():
        ax.annotate(
            str(int(row.res_dim)), (row.coverage * 100, row.density * 100), fontsize="small"
        )
    chosen = t.iloc[discovery.box]
    ax.plot(chosen.coverage * 100, chosen.density * 100, "s", color="black", markersize=7)
    ax.set_xlabel(_("coverage: share of all failures inside the box (%)"))
    ax.set_ylabel(_("density: share of the box's futures that fail (%)"))
    ax.set_title(
        _("Scenario discovery: box {box} (square); numbers: dimensions cut").format(
            box=discovery.box
        )
    )
    footnote(
        fig,
        _("{policy}: {where} in {failures} of {futures} futures (PRIM, EMA Workbench)").format(
            policy=policy_name(discovery.policy),
            where=criterion_words(asdict(discovery.where)),
            failures=discovery.failures,
            futures=discovery.futures,
        ),
    )
    return fig


@styled
def plot_box(discovery: Discovery) -> Figure:
    """The chosen box in the futures: a pairs scatter of the dimensions it restricts.

    Failures are black, the other futures light grey; the box's limits are drawn as a dashed
    rectangle (or band, with one restricted dimension) over the range explored.
    """
    dims = list(discovery.limits.index)[:_MAX_PAIRS]
    x, failed = discovery.sample, discovery.failed
    k = max(1, len(dims) - 1)
    fig = Figure(figsize=(max(6.5, 2.6 * k + 1.6), 2.6 * k + 1.2), layout="constrained")
    axes = np.atleast_2d(fig.subplots(k, k, squeeze=False))
    for i in range(k):
        for j in range(k):
            ax = axes[i, j]
            if len(dims) == 1:
                _box_strip(ax, discovery, dims[0])
            elif j > i:
                ax.remove()  # the upper triangle would repeat the lower one
            else:
                _box_pair(ax, discovery, dims[j], dims[i + 1])
    fig.suptitle(
        _("Scenario discovery: box {box} (dashed) in the futures").format(box=discovery.box)
    )
    footnote(
        fig,
        _("{policy}: black where {where} ({failures} of {futures} futures), grey elsewhere").format(
            policy=policy_name(discovery.policy),
            where=criterion_words(asdict(discovery.where)),
            failures=int(failed.sum()),
            futures=len(x),
        ),
    )
    return fig


_MAX_PAIRS = 5  # a box restricting more dimensions shows its first five (a 4 x 4 grid)


def _box_pair(ax: Axes, discovery: Discovery, across: str, up: str) -> None:
    x, failed = discovery.sample, discovery.failed
    ax.scatter(x[across][~failed], x[up][~failed], s=6, color="0.75")
    ax.scatter(x[across][failed], x[up][failed], s=6, color="black")
    (x0, x1), (y0, y1) = (_box_limits(discovery, d) for d in (across, up))
    ax.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], "--", color="black", linewidth=1)
    ax.set_xlabel(across, fontsize=7)
    ax.set_ylabel(up, fontsize=7)


def _box_strip(ax: Axes, discovery: Discovery, dim: str) -> None:
    x, failed = discovery.sample, discovery.failed
    jitter = np.random.default_rng(0).uniform(-0.3, 0.3, len(x))  # only to spread the dots
    ax.scatter(x[dim][~failed], jitter[~failed], s=6, color="0.75")
    ax.scatter(x[dim][failed], 1 + jitter[failed], s=6, color="black")
    lo, hi = _box_limits(discovery, dim)
    for edge in (lo, hi):
        ax.axvline(edge, color="black", linestyle="--", linewidth=1)
    ax.set_yticks([0, 1], [_("elsewhere"), _("failed")])
    ax.set_xlabel(dim)


def _box_limits(discovery: Discovery, dim: str) -> tuple[float, float]:
    """The box's limits on ``dim``: its cut where it has one, else the range explored."""
    low, high = discovery.ranges[dim]
    cut = discovery.limits.loc[dim, ["min", "max"]].to_numpy(dtype=float)
    return max(low, float(cut[0])), min(high, float(cut[1]))

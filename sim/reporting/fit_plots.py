"""Figures of a fit from records: the counts against the candidates, and the calendar profiles.

In the style of ``sim.reporting.plots`` (which re-exports them): titles, units, greys only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim.reporting.style import LINES, footnote, styled

if TYPE_CHECKING:
    from sim.inputs.counts import CountFit
    from sim.inputs.fit import OutputFit

_SHOWN = 3  # candidates drawn, best AIC first


@styled
def plot_rootogram(fit: CountFit, what: str = "packs a day on days worked") -> Figure:
    """A hanging rootogram (Tukey 1977; Kleiber & Zeileis 2016) and a P-P plot of the best fits.

    Left: square roots of the observed frequencies hang as bars from the chosen candidate's
    expected frequencies (a curve), so misfit shows as bars that miss the zero line; the next
    best candidates are dashed. Right: the empirical against each candidate's fitted
    cumulative probability at every count: a good fit lies on the diagonal.
    """
    x = fit.counts
    observed = np.bincount(x, minlength=len(fit.chosen.probabilities)).astype(float)
    # The last cell of each candidate holds its whole upper tail: not drawn.
    observed = observed[: len(fit.chosen.probabilities) - 1]
    support = np.arange(len(observed))
    fig = Figure(figsize=(10, 4), layout="constrained")
    hang, pp = fig.subplots(1, 2, width_ratios=(2, 1))
    expected = np.sqrt(fit.chosen.probabilities[: len(support)] * len(x))
    hang.bar(
        support,
        np.sqrt(observed),
        bottom=expected - np.sqrt(observed),
        width=1.0,
        color="0.8",
        edgecolor="0.5",
        linewidth=0.3,
        label="observed (hanging)",
    )
    hang.axhline(0, color="black", linewidth=0.8)
    shown = fit.candidates[:_SHOWN]
    for c, style in zip(shown, LINES, strict=False):
        curve = np.sqrt(c.probabilities[: len(support)] * len(x))
        width = 1.6 if c is fit.chosen else 1.0
        hang.plot(support, curve, linestyle=style, color="black", linewidth=width, label=c.name)
    hang.set_xlabel(what)
    hang.set_ylabel("sqrt(frequency)")
    hang.set_title(f"Hanging rootogram: {fit.chosen.name} chosen")
    hang.legend(frameon=False, fontsize=8)
    empirical = np.cumsum(observed) / len(x)
    for c, style in zip(shown, LINES, strict=False):
        pp.plot(
            np.cumsum(c.probabilities[: len(support)]),
            empirical,
            linestyle=style,
            color="black",
            linewidth=1,
            label=c.name,
        )
    pp.plot([0, 1], [0, 1], color="0.6", linewidth=0.8)
    pp.set_xlabel("fitted cumulative probability")
    pp.set_ylabel("observed cumulative share")
    pp.set_title("P-P plot")
    footnote(fig, f"{len(x):,} counts; candidates by AIC, maximum likelihood (SciPy)")
    return fig


@styled
def plot_profiles(fit: OutputFit) -> Figure:
    """Share of kitchen-days with a delivery by weekday; output by month relative to the mean."""
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    week, month = fig.subplots(1, 2)
    days = list(fit.weekday_share)
    week.bar(
        days,
        [fit.weekday_share[d] * 100 for d in days],
        color="0.6",
        edgecolor="black",
        linewidth=0.5,
    )
    week.set_ylabel("kitchen-days with a delivery (%)")
    week.set_xlabel("weekday")
    week.set_title(f"Working days: {', '.join(fit.working_days)}")
    month.bar(fit.monthly.month, fit.monthly.factor, color="0.6", edgecolor="black", linewidth=0.5)
    month.axhline(1, color="black", linestyle="--", linewidth=0.8)
    month.set_ylabel("output on days worked / mean")
    month.set_xlabel("month")
    month.set_title(f"Months (ANOVA p = {fit.monthly_p:.2g})")
    footnote(fig, f"{fit.source}: {len(fit.grid.kitchens)} kitchens, {len(fit.grid.days)} days")
    return fig

"""Figures of a fit from records: the counts against the candidates, and the calendar profiles.

In the style of ``sim.reporting.plots`` (which re-exports them): titles, units, greys only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim.i18n import _, number, significant
from sim.reporting.style import LINES, footnote, styled

if TYPE_CHECKING:
    from sim.inputs.counts import CountFit
    from sim.inputs.fit import OutputFit

_SHOWN = 3  # candidates drawn, best AIC first


@styled
def plot_rootogram(fit: CountFit, *, transit: bool = False) -> Figure:
    """A hanging rootogram (Tukey 1977; Kleiber & Zeileis 2016) and a P-P plot of the best fits.

    Left: square roots of the observed frequencies hang as bars from the chosen candidate's
    expected frequencies (a curve), so misfit shows as bars that miss the zero line; the next
    best candidates are dashed. Right: the empirical against each candidate's fitted
    cumulative probability at every count: a good fit lies on the diagonal. Zero-truncated
    counts (days with a delivery) start at 1.
    """
    x = fit.counts
    what = _("days in transit") if transit else _("packs a day on days worked")
    if fit.zero_truncated:
        what = _("packs a day on days with a delivery")
    first = 1 if fit.zero_truncated else 0
    observed = np.bincount(x, minlength=len(fit.chosen.probabilities)).astype(float)
    # The last cell of each candidate holds its whole upper tail: not drawn.
    observed = observed[first : len(fit.chosen.probabilities) - 1]
    support = np.arange(first, first + len(observed))
    fig = Figure(figsize=(10, 4), layout="constrained")
    hang, pp = fig.subplots(1, 2, width_ratios=(2, 1))
    expected = np.sqrt(fit.chosen.probabilities[support] * len(x))
    hang.bar(
        support,
        np.sqrt(observed),
        bottom=expected - np.sqrt(observed),
        width=1.0,
        color="0.8",
        edgecolor="0.5",
        linewidth=0.3,
        label=_("observed (hanging)"),
    )
    hang.axhline(0, color="black", linewidth=0.8)
    shown = fit.candidates[:_SHOWN]
    for c, style in zip(shown, LINES, strict=False):
        curve = np.sqrt(c.probabilities[support] * len(x))
        width = 1.6 if c is fit.chosen else 1.0
        hang.plot(support, curve, linestyle=style, color="black", linewidth=width, label=c.name)
    hang.set_xlabel(what)
    hang.set_ylabel(_("sqrt(frequency)"))
    hang.set_title(_("Hanging rootogram: {name} chosen").format(name=fit.chosen.name))
    hang.legend(frameon=False, fontsize=8)
    empirical = np.cumsum(observed) / len(x)
    for c, style in zip(shown, LINES, strict=False):
        pp.plot(
            np.cumsum(c.probabilities[support]),
            empirical,
            linestyle=style,
            color="black",
            linewidth=1,
            label=c.name,
        )
    pp.plot([0, 1], [0, 1], color="0.6", linewidth=0.8)
    pp.set_xlabel(_("fitted cumulative probability"))
    pp.set_ylabel(_("observed cumulative share"))
    pp.set_title(_("P-P plot"))
    note = (
        _(
            "{counts} days with a delivery (a day with 0 packs has no row); candidates by AIC, "
            "maximum likelihood zero-truncated"
        )
        if fit.zero_truncated
        else _("{counts} counts; candidates by AIC, maximum likelihood (SciPy)")
    )
    footnote(fig, note.format(counts=number(len(x))))
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
    week.set_ylabel(_("kitchen-days with a delivery (%)"))
    week.set_xlabel(_("weekday"))
    week.set_title(_("Working days: {days}").format(days=", ".join(fit.working_days)))
    month.bar(fit.monthly.month, fit.monthly.factor, color="0.6", edgecolor="black", linewidth=0.5)
    month.axhline(1, color="black", linestyle="--", linewidth=0.8)
    month.set_ylabel(_("output on days worked / mean"))
    month.set_xlabel(_("month"))
    month.set_title(_("Months (ANOVA p = {p})").format(p=significant(fit.monthly_p, 2)))
    footnote(
        fig,
        _("{source}: {kitchens} kitchens, {days} days").format(
            source=fit.source, kitchens=len(fit.grid.kitchens), days=len(fit.grid.days)
        ),
    )
    return fig


def plot_transit(fit: CountFit) -> Figure:
    """The rootogram of days in transit (``plot_rootogram`` with its transit labels)."""
    return plot_rootogram(fit, transit=True)

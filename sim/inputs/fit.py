"""From a cooperative's delivery records to a scenario's kitchens: input modelling.

The records give, per kitchen and day, the packs delivered. From them: working weekdays (the
weekdays that carry output), days the whole cooperative was closed (no kitchen has a row on a
working weekday: holidays, Lebaran), the daily output on the days a kitchen worked (its
distribution chosen in ``sim.inputs.counts``), absences as the engine's two-state chain,
month-by-month factors, and whether kitchens differ (``sim.inputs.differ``).

What a missing row means depends on the records (``ZERO_DAYS``). Where a day a kitchen worked
but made nothing has no row ("omitted", the records' usual form), a missing row is an absence
or such a day: the output on days with a row is zero-truncated and fitted so
(``sim.inputs.truncated``), the untruncated distribution's P(0) says how many of the days
without a row were days worked with no output, and absences are what is left. The records
cannot show that split: it rests on the fitted distribution. Where such a day has a row with
0 packs ("recorded"), a missing row is an absence and a 0 is output.

Confidence intervals are bootstraps over kitchens (``sim.inputs.estimates``; Davison & Hinkley
1997, section 3.8): a kitchen's days are not independent of one another, kitchens are. Where the
output is zero-truncated, the chosen family is refitted to each resample (the choice of family
is not made again). With fewer than five kitchens the days are resampled instead (as
independent days, which spells of absence are not: those intervals are too narrow), and the
intervals say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from sim.i18n import Message
from sim.inputs import truncated
from sim.inputs.absence import Transitions
from sim.inputs.counts import LEVEL, CountFit, check_fittable, fit_counts
from sim.inputs.differ import kitchens_differ
from sim.inputs.estimates import (
    MIN_KITCHENS_TO_RESAMPLE,
    Estimate,
    Sample,
    estimate,
    point,
    resample,
    split,
)
from sim.inputs.records import RecordsError
from sim.results.documents import Documented, json_ready, records_provenance
from sim.scenario.fields import WEEKDAYS
from sim.scenario.messages import one_of

ZERO_DAYS = ("omitted", "recorded")
"""Whether a day a kitchen worked and made nothing has a row (with 0 packs) in the records."""
SPLITS = ("recorded", "fitted", "unclear", "none", "negligible")
"""How absences were told from days worked with no output (``OutputFit.split``)."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Grid:
    """The records as kitchens x days: packs (0 where a kitchen has no row), and the rows."""

    kitchens: list[str]
    days: pd.DatetimeIndex
    packs: np.ndarray
    rows: np.ndarray

    @classmethod
    def of(cls, deliveries: pd.DataFrame) -> Grid:
        """Lay the deliveries out from the first day recorded to the last."""
        days = pd.date_range(deliveries.date.min(), deliveries.date.max(), freq="D")
        kitchens = sorted(deliveries.kitchen.unique())
        packs = np.zeros((len(kitchens), len(days)), dtype=np.int64)
        rows = np.zeros((len(kitchens), len(days)), dtype=bool)
        at = (
            pd.Index(kitchens).get_indexer(pd.Index(deliveries.kitchen)),
            days.get_indexer(pd.Index(deliveries.date)),
        )
        packs[at] = deliveries.packs.to_numpy()
        rows[at] = True
        return cls(kitchens, days, packs, rows)


@dataclass
class OutputFit(Documented):
    """Everything fitted from the records of one product's kitchens.

    Attributes:
        zero_days: ``"omitted"`` (a day worked with no output has no row) or ``"recorded"``.
        mean, cv: Of the daily output on days worked, zero days included: where those are
            omitted, of the chosen distribution before truncation (what the engine draws).
        zero_share: P(0), the share of days worked with no output: fitted where such days are
            omitted (``nan`` if the chosen distribution is the empirical one), counted where
            they are recorded.
        missing_share: Share of kitchen-days on working days (not closed) without a row.
        zero_days_expected: Of those, the days worked with no output: expected under the
            fitted distribution where omitted, counted where recorded.
        absence: Share of working days absent: days without a row less the zero days.
        spell: Mean absent spell, from runs of days without a row (zero days taken to fall
            singly and independently of absences: ``sim.inputs.absence.net_of_zero_days``).
        spell_net: Whether ``spell`` is net of zero days; if not, the runs persist more than
            absences net of them could, and ``spell`` is the mean run of days without a row.
        split: How absences were told from zero days (``SPLITS``): ``recorded`` (the records
            show them), ``fitted`` (by the fitted distribution's P(0): an assumption the
            records cannot check), ``unclear`` (so, but the records leave the split wide
            open: the absence share's CI is wider than half the share of days without a row,
            or the spell could not be net of zero days),
            ``none`` (no P(0): the empirical distribution was chosen; zero days are counted as
            absences, and its values hold no 0), ``negligible`` (under one zero day expected).
        kitchens_p: P-value of kitchens being alike (``sim.inputs.differ``).
    """

    source: str
    product: str | None
    grid: Grid
    working_days: list[str]
    weekday_share: dict[str, float]
    closed: list[str]
    output: CountFit
    mean: Estimate
    cv: Estimate
    absence: Estimate
    spell: Estimate
    chain_p: float
    monthly: pd.DataFrame
    monthly_p: float
    kitchens_p: float
    zero_days: str = "omitted"
    zero_share: Estimate = field(default_factory=lambda: Estimate(np.nan, np.nan, np.nan))
    missing_share: float = np.nan
    zero_days_expected: float = 0.0
    split: str = "negligible"
    spell_net: bool = True
    groups: list[dict[str, Any]] = field(default_factory=list)
    resampled: str = "kitchens"
    kind: ClassVar[str] = "fit"

    @property
    def table(self) -> pd.DataFrame:
        """The candidate distributions of daily output, best first, with their goodness of fit."""
        return self.output.table()

    def document(self) -> dict[str, Any]:
        """The fit as a JSON-ready document: the records' provenance, every estimate."""
        estimates = ("mean", "cv", "zero_share", "absence", "spell")
        return json_ready(
            {
                "kind": self.kind,
                "source": self.source,
                **records_provenance(self.source),
                "product": self.product,
                "kitchens": len(self.grid.kitchens),
                "days": len(self.grid.days),
                "first_day": self.grid.days[0].date().isoformat(),
                "last_day": self.grid.days[-1].date().isoformat(),
                "working_days": self.working_days,
                "weekday_share": self.weekday_share,
                "closed_days": self.closed,
                "zero_days": self.zero_days,
                "zero_truncated": self.output.zero_truncated,
                "chosen": self.output.chosen.spec(),
                "overdispersed": self.output.overdispersed,
                "overdispersion_p": self.output.overdispersion_p,
                **{name: vars(getattr(self, name)) for name in estimates},
                "missing_share": self.missing_share,
                "zero_days_expected": self.zero_days_expected,
                "split": self.split,
                "spell_net": self.spell_net,
                "chain_p": self.chain_p,
                "monthly": self.monthly.to_dict("records"),
                "monthly_p": self.monthly_p,
                "kitchens_p": self.kitchens_p,
                "groups": self.groups,
                "resampled": self.resampled,
                "candidates": self.table.to_dict("records"),
            }
        )


def fit_records(
    deliveries: pd.DataFrame,
    source: str,
    product: str | None = None,
    zero_days: str = "omitted",
) -> OutputFit:
    """Fit a kitchen group's inputs to delivery records (``kitchen``, ``date``, ``packs``).

    ``zero_days`` says whether a day a kitchen worked and made nothing has a row with 0 packs
    (``"recorded"``) or none (``"omitted"``: the records' usual form; see the module).

    Raises:
        RecordsError: Too little to fit (fewer than ten days worked, all alike, or no absence
            pattern); ``zero_days`` not one of ``ZERO_DAYS``; rows of 0 packs where zero days
            are said to be omitted.
    """
    if zero_days not in ZERO_DAYS:
        raise RecordsError([one_of("--zero-days", ZERO_DAYS, zero_days)])
    omitted = zero_days == "omitted"
    zeros = int((deliveries.packs == 0).sum())
    if omitted and zeros:
        said = Message(
            "{path}: {rows} rows of 0 packs, so days with no output are recorded: fit with "
            "--zero-days recorded",
            path=source,
            rows=zeros,
        )
        raise RecordsError([said])
    grid = Grid.of(deliveries)
    weekday = grid.days.day_of_week.to_numpy()
    share: dict[str, float] = {
        WEEKDAYS[d]: float(grid.rows[:, weekday == d].mean())
        for d in range(7)
        if (weekday == d).any()
    }
    top = max(share.values())
    working: list[str] = [d for d, s in share.items() if s >= top / 2]
    on_weekday = np.isin(weekday, [WEEKDAYS.index(d) for d in working])
    closed = on_weekday & ~grid.rows.any(axis=0)
    observed = on_weekday & ~closed
    missing = ~grid.rows & observed[None, :]
    worked = grid.rows & observed[None, :]
    output = grid.packs[worked]
    check_fittable(output, source, Message("days with deliveries"))
    counts = fit_counts(output, zero_truncated=omitted)
    per_kitchen = [
        Transitions.count(missing[k : k + 1], observed) for k in range(len(grid.kitchens))
    ]
    pooled = sum(per_kitchen[1:], per_kitchen[0])
    sample = Sample.of(grid.packs, worked, missing, per_kitchen)
    found, refitted = point(counts, output, omitted, sample)
    draws = resample(
        sample,
        counts,
        np.random.default_rng(0),
        omitted=omitted,
        refitted=refitted,
        spell_net=bool(found["spell_net"]),
    )
    missing_share = float(missing.sum() / max(observed.sum() * len(grid.kitchens), 1))
    units = len(grid.kitchens) if len(grid.kitchens) >= MIN_KITCHENS_TO_RESAMPLE else None
    mean, cv, zero, absence, spell = (
        estimate(found[name], draws[name], units)
        for name in ("mean", "cv", "zero", "absence", "spell")
    )
    kitchens_p = kitchens_differ(grid.packs, worked)
    monthly, monthly_p = _monthly(grid, worked, counts, refitted)
    return OutputFit(
        source=source,
        product=product,
        grid=grid,
        working_days=working,
        weekday_share=share,
        closed=[d.date().isoformat() for d in grid.days[closed]],
        output=counts,
        mean=mean,
        cv=cv,
        absence=absence,
        spell=spell,
        chain_p=pooled.chain_test(),
        monthly=monthly,
        monthly_p=monthly_p,
        kitchens_p=kitchens_p,
        zero_days=zero_days,
        zero_share=zero,
        missing_share=missing_share,
        zero_days_expected=found["zero_days"],
        split=split(
            counts,
            absence,
            missing_share,
            omitted=omitted,
            refitted=refitted,
            spell_net=found["spell_net"],
        ),
        spell_net=bool(found["spell_net"]),
        groups=_groups(grid, worked, kitchens_p, zero_truncated=omitted),
        resampled="kitchens" if len(grid.kitchens) >= MIN_KITCHENS_TO_RESAMPLE else "days",
    )


def _monthly(
    grid: Grid, worked: np.ndarray, counts: CountFit, refitted: bool
) -> tuple[pd.DataFrame, float]:
    """Mean output per calendar month relative to the whole mean; a test that months differ.

    Where the output is zero-truncated (and zero days matter), a month's mean is that of the
    chosen family refitted to the month's days: the mean on days with a row would understate
    how output moves (a month with less output also has more days with none). The test is a
    one-way ANOVA of kitchen-month means (on days with a row) across months (kitchens are the
    units).
    """
    from scipy import stats  # noqa: PLC0415 (slow to import)

    month = grid.days.month.to_numpy()
    overall = grid.packs[worked].mean()
    rows, groups, tables = [], [], []
    values = np.unique(grid.packs[worked])
    for m in range(1, 13):
        cells = worked[:, month == m]
        if not cells.any():
            continue
        packs = grid.packs[:, month == m]
        per_kitchen = [packs[k][cells[k]].mean() for k in range(len(packs)) if cells[k].any()]
        groups.append(per_kitchen)
        rows.append({"month": _MONTHS[m - 1], "factor": float(packs[cells].mean() / overall)})
        tables.append((packs[cells][:, None] == values[None, :]).sum(axis=0))
    if refitted and rows:
        name = counts.chosen.name
        start = truncated.theta_of(name, counts.chosen.parameters)
        means, _ = truncated.moments(name, truncated.refit(name, values, np.array(tables), start))
        whole = counts.chosen.parameters["mean"]
        for row, mean in zip(rows, means, strict=True):
            row["factor"] = float(mean / whole)
    enough = [g for g in groups if len(g) >= 2]  # noqa: PLR2004
    p = float(stats.f_oneway(*enough).pvalue) if len(enough) >= 2 else float("nan")  # noqa: PLR2004
    return pd.DataFrame(rows), p


def _groups(
    grid: Grid, worked: np.ndarray, kitchens_p: float, *, zero_truncated: bool
) -> list[dict[str, Any]]:
    """Kitchens split by their mean output into thirds (or halves): each group fitted alone.

    Suggested only when kitchens differ at ``LEVEL`` (``kitchens_p``, ``sim.inputs.differ``).
    """
    if not kitchens_p < LEVEL:
        return []
    means = np.array([grid.packs[k][worked[k]].mean() for k in range(len(grid.kitchens))])
    parts = 3 if len(means) >= 9 else 2  # noqa: PLR2004
    order = np.argsort(means)
    found = []
    for i, members in enumerate(np.array_split(order, parts)):
        output = grid.packs[members][worked[members]]
        if len(output) < 10 or output.min() == output.max():  # noqa: PLR2004
            continue
        name = ("low", "high")[i] if parts == 2 else ("low", "middle", "high")[i]  # noqa: PLR2004
        chosen = fit_counts(output, zero_truncated=zero_truncated).chosen
        found.append(
            {
                "name": name,
                "kitchens": [grid.kitchens[k] for k in members],
                "daily_output": chosen.spec(),
            }
        )
    return found

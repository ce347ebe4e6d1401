"""From a cooperative's delivery records to a scenario's kitchens: input modelling.

The records give, per kitchen and day, the packs delivered (no row: nothing). From them:
working weekdays (the weekdays that carry output), days the whole cooperative was closed (no
kitchen delivered on a working weekday: holidays, Lebaran), absences (a working day without a
delivery) as the engine's two-state chain, the daily output on the days a kitchen worked (its
distribution chosen in ``sim.inputs.counts``), month-by-month factors, and whether kitchens
differ more than the fitted distribution allows.

Confidence intervals are percentile bootstraps over kitchens (Davison & Hinkley 1997, section
3.8): a kitchen's days are not independent of one another, kitchens are. With fewer than five
kitchens the days are resampled instead, and the intervals say so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from sim.inputs.absence import Transitions
from sim.inputs.counts import LEVEL, CountFit, fit_counts
from sim.results.documents import Documented, records_provenance, without_nan
from sim.scenario.fields import WEEKDAYS
from sim.scenario.messages import ScenarioError

BOOTSTRAP = 400
MIN_KITCHENS_TO_RESAMPLE = 5
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class TransitFit(Documented):
    """Days in transit of a buyer's shipments, and the distribution fitted to them."""

    source: str
    fit: CountFit
    kind: ClassVar[str] = "transit"

    @property
    def table(self) -> pd.DataFrame:
        """The candidate distributions, best first, with their goodness of fit."""
        return self.fit.table()

    def document(self) -> dict[str, Any]:
        """The fit as a JSON-ready document: the records' provenance, the candidates."""
        return _json_ready(
            {
                "kind": self.kind,
                **records_provenance(self.source),
                "shipments": len(self.fit.counts),
                "chosen": self.fit.chosen.spec(),
                "candidates": self.table.to_dict("records"),
            }
        )


def fit_transits(days: np.ndarray, source: str) -> TransitFit:
    """Fit the candidates to days in transit (``transit_days`` of a buyer).

    Raises:
        ScenarioError: Fewer than ten shipments, or all took the same days.
    """
    try:
        return TransitFit(source, fit_counts(days))
    except ValueError as exc:
        raise ScenarioError([f"{source}: {exc}: nothing to fit"]) from None


@dataclass(frozen=True)
class Grid:
    """The records as kitchens x days of packs (0 where a kitchen has no row)."""

    kitchens: list[str]
    days: pd.DatetimeIndex
    packs: np.ndarray

    @classmethod
    def of(cls, deliveries: pd.DataFrame) -> Grid:
        """Lay the deliveries out from the first day recorded to the last."""
        days = pd.date_range(deliveries.date.min(), deliveries.date.max(), freq="D")
        kitchens = sorted(deliveries.kitchen.unique())
        packs = np.zeros((len(kitchens), len(days)), dtype=np.int64)
        rows = pd.Index(kitchens).get_indexer(pd.Index(deliveries.kitchen))
        columns = days.get_indexer(pd.Index(deliveries.date))
        packs[rows, columns] = deliveries.packs.to_numpy()
        return cls(kitchens, days, packs)


@dataclass
class Estimate:
    """A number with its 95% confidence interval."""

    value: float
    low: float
    high: float


@dataclass
class OutputFit(Documented):
    """Everything fitted from the records of one product's kitchens."""

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
    ordinary_zeros: float
    monthly: pd.DataFrame
    monthly_p: float
    kitchens_p: float
    groups: list[dict[str, Any]] = field(default_factory=list)
    resampled: str = "kitchens"
    kind: ClassVar[str] = "fit"

    @property
    def table(self) -> pd.DataFrame:
        """The candidate distributions of daily output, best first, with their goodness of fit."""
        return self.output.table()

    def document(self) -> dict[str, Any]:
        """The fit as a JSON-ready document: the records' provenance, every estimate."""
        return _json_ready(
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
                "chosen": self.output.chosen.spec(),
                "overdispersed": self.output.overdispersed,
                "overdispersion_p": self.output.overdispersion_p,
                **{name: vars(getattr(self, name)) for name in ("mean", "cv", "absence", "spell")},
                "chain_p": self.chain_p,
                "ordinary_zeros": self.ordinary_zeros,
                "monthly": self.monthly.to_dict("records"),
                "monthly_p": self.monthly_p,
                "kitchens_p": self.kitchens_p,
                "groups": self.groups,
                "resampled": self.resampled,
                "candidates": self.table.to_dict("records"),
            }
        )


def _json_ready(document: dict[str, Any]) -> dict[str, Any]:
    """Numpy numbers as plain ones, NaN as ``None``."""
    ready: dict[str, Any] = without_nan(json.loads(json.dumps(document, default=float)))
    return ready


def fit_records(deliveries: pd.DataFrame, source: str, product: str | None = None) -> OutputFit:
    """Fit a kitchen group's inputs to delivery records (``kitchen``, ``date``, ``packs``).

    Raises:
        ScenarioError: Too little to fit (fewer than ten days worked, or no absence pattern).
    """
    grid = Grid.of(deliveries)
    weekday = grid.days.day_of_week.to_numpy()
    delivered = grid.packs > 0
    share: dict[str, float] = {
        WEEKDAYS[d]: float(delivered[:, weekday == d].mean())
        for d in range(7)
        if (weekday == d).any()
    }
    top = max(share.values())
    working: list[str] = [d for d, s in share.items() if s >= top / 2]
    on_weekday = np.isin(weekday, [WEEKDAYS.index(d) for d in working])
    closed = on_weekday & ~delivered.any(axis=0)
    observed = on_weekday & ~closed
    absent = ~delivered & observed[None, :]
    worked = delivered & observed[None, :]
    output = grid.packs[worked]
    if len(output) < 10:  # noqa: PLR2004
        raise ScenarioError([f"{source}: fewer than ten days with deliveries: nothing to fit"])
    counts = fit_counts(output)
    per_kitchen = [
        Transitions.count(absent[k : k + 1], observed) for k in range(len(grid.kitchens))
    ]
    pooled = sum(per_kitchen[1:], per_kitchen[0])
    resample = _resampler(grid, worked, per_kitchen)
    estimates = resample(np.random.default_rng(0))
    fraction, spell = pooled.fraction_and_spell()
    p0 = float(counts.chosen.probabilities[0])
    monthly, monthly_p = _monthly(grid, worked)
    return OutputFit(
        source=source,
        product=product,
        grid=grid,
        working_days=working,
        weekday_share=share,
        closed=[d.date().isoformat() for d in grid.days[closed]],
        output=counts,
        mean=_estimate(float(output.mean()), estimates[:, 0]),
        cv=_estimate(float(output.std(ddof=1) / output.mean()), estimates[:, 1]),
        absence=_estimate(fraction, estimates[:, 2]),
        spell=_estimate(spell, estimates[:, 3]),
        chain_p=pooled.chain_test(),
        ordinary_zeros=p0 * int(worked.sum() + absent.sum()),
        monthly=monthly,
        monthly_p=monthly_p,
        kitchens_p=_kitchens_differ(grid, worked),
        groups=_groups(grid, worked),
        resampled="kitchens" if len(grid.kitchens) >= MIN_KITCHENS_TO_RESAMPLE else "days",
    )


def _resampler(grid: Grid, worked: np.ndarray, per_kitchen: list[Transitions]) -> Any:
    """Return a function drawing BOOTSTRAP resamples of (mean, cv, absence share, spell)."""
    n_k = len(grid.kitchens)
    sums = np.array([grid.packs[k][worked[k]].sum() for k in range(n_k)], dtype=float)
    squares = np.array([(grid.packs[k][worked[k]].astype(float) ** 2).sum() for k in range(n_k)])
    days = worked.sum(axis=1).astype(float)
    moves = np.array([[t.pp, t.pa, t.ap, t.aa] for t in per_kitchen], dtype=float)

    def draw(rng: np.random.Generator) -> np.ndarray:
        if n_k >= MIN_KITCHENS_TO_RESAMPLE:
            weights = rng.multinomial(n_k, np.full(n_k, 1 / n_k), size=BOOTSTRAP).astype(float)
        else:  # too few kitchens: resample days within each (a Poisson bootstrap)
            weights = rng.poisson(1.0, size=(BOOTSTRAP, n_k)).astype(float)
        n = weights @ days
        mean = (weights @ sums) / n
        var = ((weights @ squares) - n * mean**2) / (n - 1)
        pp, pa, ap, aa = (weights @ moves).T
        leave, back = pa / (pp + pa), ap / (ap + aa)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.column_stack([mean, np.sqrt(var) / mean, leave / (leave + back), 1 / back])

    return draw


def _estimate(value: float, resampled: np.ndarray) -> Estimate:
    finite = resampled[np.isfinite(resampled)]
    if len(finite) == 0:
        return Estimate(value, np.nan, np.nan)
    low, high = np.percentile(finite, [2.5, 97.5])
    return Estimate(value, float(low), float(high))


def _monthly(grid: Grid, worked: np.ndarray) -> tuple[pd.DataFrame, float]:
    """Mean output per calendar month relative to the whole mean; a test that months differ.

    The test is a one-way ANOVA of kitchen-month means across months (kitchens are the units).
    """
    from scipy import stats  # noqa: PLC0415 (slow to import)

    month = grid.days.month.to_numpy()
    overall = grid.packs[worked].mean()
    rows, groups = [], []
    for m in range(1, 13):
        cells = worked[:, month == m]
        if not cells.any():
            continue
        values = grid.packs[:, month == m]
        per_kitchen = [values[k][cells[k]].mean() for k in range(len(values)) if cells[k].any()]
        groups.append(per_kitchen)
        rows.append({"month": _MONTHS[m - 1], "factor": float(values[cells].mean() / overall)})
    enough = [g for g in groups if len(g) >= 2]  # noqa: PLR2004
    p = float(stats.f_oneway(*enough).pvalue) if len(enough) >= 2 else float("nan")  # noqa: PLR2004
    return pd.DataFrame(rows), p


def _kitchens_differ(grid: Grid, worked: np.ndarray) -> float:
    """P-value of a one-way ANOVA of daily output across kitchens (do their means differ?)."""
    from scipy import stats  # noqa: PLC0415 (slow to import)

    samples = [grid.packs[k][worked[k]] for k in range(len(grid.kitchens)) if worked[k].sum() > 1]
    return float(stats.f_oneway(*samples).pvalue) if len(samples) >= 2 else float("nan")  # noqa: PLR2004


def _groups(grid: Grid, worked: np.ndarray) -> list[dict[str, Any]]:
    """Kitchens split by their mean output into thirds (or halves): each group fitted alone.

    Suggested only when kitchens differ at ``LEVEL`` (see ``OutputFit.kitchens_p``).
    """
    if _kitchens_differ(grid, worked) >= LEVEL:
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
        chosen = fit_counts(output).chosen
        found.append(
            {
                "name": name,
                "kitchens": [grid.kitchens[k] for k in members],
                "daily_output": chosen.spec(),
            }
        )
    return found

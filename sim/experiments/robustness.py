"""Robustness of policies across futures: how often acceptable, how spread, how much regret.

Figures per policy from a KPI's values per policy, future and replication: the share of futures
where the policy is acceptable, the KPI's percentiles across futures, and its regret (the gap to
the best policy in the same future; Savage's minimax regret, as the EMA Workbench reports it).
Each future has streams of its own (``sim.experiments.explore``), so futures are independent, each
with its replication noise inside: resampling the futures alone carries both sources of
uncertainty (resampling replications too would count their noise twice: Davison & Hinkley 1997,
*Bootstrap Methods and their Application*, section 3.8). The share of futures where a policy is
acceptable is a proportion of independent futures: its interval is Clopper-Pearson's, exact
(``sim.results.intervals.proportion_ci``), and the difference of two policies' shares, paired
future by future, Newcombe's (MOVER). The percentiles and regrets get percentile
bootstrap intervals, the same resampled futures for every policy so that common random numbers
carry into their comparison. This takes the futures as drawn independently: exact for Monte
Carlo futures. A Latin
hypercube varies no more than independent draws (its variance is at most N/(N - 1) times theirs:
Owen 1997, "Monte Carlo variance of scrambled net quadrature", SIAM J. Numer. Anal. 34(5)), so
for it the intervals are conservative: wider than they need be, never too narrow; scrambled
Sobol' points usually vary less still, though no bound promises it. Where a stated coverage
matters more than width, sample with ``mc``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.i18n import Message
from sim.results.intervals import SHARES, difference_ci, proportion_ci
from sim.results.metrics import HIGHER_IS_BETTER, KPIS
from sim.results.scopes import ALL
from sim.scenario.messages import ScenarioError, show

DEFAULT_TARGET = "quota_miss_rate<=0.1"
_BOOTSTRAP = 1000
_FEWEST_FUTURES = 5  # below this, resampling futures tells nothing: no interval
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}


@dataclass(frozen=True)
class Criterion:
    """What counts as acceptable: a KPI (overall or one buyer's) against a bound."""

    kpi: str
    op: str
    bound: float
    buyer: str = ALL

    @classmethod
    def parse(cls, text: str, buyer: str | None = None, flag: str = "--target") -> Criterion:
        """Read ``quota_miss_rate<=0.1`` (``<=``, ``>=``, ``<`` or ``>``), given as ``flag``.

        Raises:
            ScenarioError: Not of that form, an unknown KPI, or a bound no such KPI can reach
                (a share outside [0, 1], a negative count).
        """
        match = re.fullmatch(r"\s*(\w+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*", text)
        if match is None:
            said = Message(
                "{flag} {value}: expected KPI<=X, e.g. quota_miss_rate<=0.1",
                flag=flag,
                value=show(text),
            )
            raise ScenarioError([said])
        kpi, op, number = match.groups()
        if kpi not in KPIS:
            said = Message(
                "{flag}: unknown KPI {kpi} (one of: {choices})",
                flag=flag,
                kpi=show(kpi),
                choices=", ".join(KPIS),
            )
            raise ScenarioError([said])
        try:
            bound = float(number)
        except ValueError:
            said = Message("{flag}: {value} is not a number", flag=flag, value=show(number))
            raise ScenarioError([said]) from None
        if not np.isfinite(bound):
            raise ScenarioError([Message("{flag}: the bound must be a finite number", flag=flag)])
        if kpi in SHARES and not 0 <= bound <= 1:
            said = Message(
                "{flag}: {kpi} is a share, from 0 to 1: a bound of {bound} decides nothing",
                flag=flag,
                kpi=kpi,
                bound=show(bound),
            )
            raise ScenarioError([said])
        if bound < 0:
            said = Message(
                "{flag}: {kpi} is never negative: a bound of {bound} decides nothing",
                flag=flag,
                kpi=kpi,
                bound=show(bound),
            )
            raise ScenarioError([said])
        return cls(kpi, op, bound, buyer or ALL)

    def __str__(self) -> str:
        """The criterion as a formula, in the current language: ``fill_rate (zurich) >= 0.9``."""
        scope = Message("all buyers") if self.buyer == ALL else self.buyer
        said = Message(
            "{kpi} ({scope}) {op} {bound:plain}",
            kpi=self.kpi,
            scope=scope,
            op=self.op,
            bound=self.bound,
        )
        return str(said)

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Tell, element by element, whether the KPI's values are acceptable."""
        return np.asarray(_OPS[self.op](values, self.bound))


def _stats(values: np.ndarray, criterion: Criterion) -> dict[str, np.ndarray]:
    """Robustness figures per policy from values (policies x futures x replications)."""
    means = values.mean(axis=2)
    best = means.max(axis=0) if criterion.kpi in HIGHER_IS_BETTER else means.min(axis=0)
    regret = np.abs(means - best)
    return {
        "share": criterion.holds(means).mean(axis=1),
        "mean": means.mean(axis=1),
        "p10": np.percentile(means, 10, axis=1),
        "p50": np.percentile(means, 50, axis=1),
        "p90": np.percentile(means, 90, axis=1),
        "regret_p50": np.percentile(regret, 50, axis=1),
        "regret_p90": np.percentile(regret, 90, axis=1),
        "regret_max": regret.max(axis=1),
    }


def _bootstrap(
    values: np.ndarray, criterion: Criterion, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Resample futures, the same for every policy (see the module)."""
    futures = values.shape[1]
    found: dict[str, list[np.ndarray]] = {}
    for _draw in range(_BOOTSTRAP):
        resampled = values[:, rng.integers(futures, size=futures), :]
        for name, stat in _stats(resampled, criterion).items():
            found.setdefault(name, []).append(stat)
    return {name: np.stack(stats) for name, stats in found.items()}


def _acceptable(values: np.ndarray, criterion: Criterion) -> np.ndarray:
    """Per policy and future: 1 where the policy is acceptable there, else 0."""
    return criterion.holds(values.mean(axis=2)).astype(float)


def rank(
    values: np.ndarray, policies: list[str], criterion: Criterion, rng: np.random.Generator
) -> pd.DataFrame:
    """Return per policy: how often it is acceptable, its KPI and its regret, with 95% CIs.

    ``values`` is the KPI per policy, future and replication. The share of futures where it is
    acceptable, the KPI across futures (mean, 10th, 50th and 90th percentiles), and its regret
    (median, 90th percentile, maximum). Ranked: the largest share first, then the smallest 90th
    percentile of regret.
    """
    point = _stats(values, criterion)
    draws = _bootstrap(values, criterion, rng)
    acceptable = _acceptable(values, criterion)
    rows = []
    for i, policy in enumerate(policies):
        row: dict[str, Any] = {"policy": policy}
        for name, value in point.items():
            lo, hi = np.percentile(draws[name][:, i], [2.5, 97.5])
            if values.shape[1] < _FEWEST_FUTURES:  # too few futures to resample
                lo = hi = np.nan
            if name == "share":
                lo, hi = proportion_ci(acceptable[i])["ci95"]
            row |= {name: value[i], f"{name}_lo": lo, f"{name}_hi": hi}
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.sort_values(["share", "regret_p90"], ascending=[False, True], ignore_index=True)


@dataclass(frozen=True)
class Verdict:
    """Which policy is most robust, and whether the data can tell it from the next.

    Attributes:
        first, second: The two policies ranked first (``second`` is ``None`` with one policy).
        gap, gap_lo, gap_hi: The difference in their shares of acceptable futures, with its
            95% CI (paired future by future; NaN with a single future).
        decided: Whether that CI excludes 0.
    """

    first: str
    second: str | None = None
    gap: float = float("nan")
    gap_lo: float = float("nan")
    gap_hi: float = float("nan")
    decided: bool = True


def verdict(
    values: np.ndarray,
    policies: list[str],
    ranked: pd.DataFrame,
    criterion: Criterion,
) -> Verdict:
    """Tell whether the policy ranked first is more robust than the next, beyond the noise.

    The data cannot tell when the 95% CI of the best two's difference in share, paired future
    by future (Newcombe's, ``sim.results.intervals.difference_ci``), holds 0.
    """
    first = ranked.iloc[0]
    if len(ranked) == 1:
        return Verdict(first.policy)
    second = ranked.iloc[1]
    a, b = policies.index(first.policy), policies.index(second.policy)
    acceptable = _acceptable(values[[a, b]], criterion)
    lo, hi = difference_ci("share", acceptable[0], acceptable[1])["ci95"]
    gap = float(first.share - second.share)
    if lo is None or hi is None:  # a single future: nothing to tell them apart by
        return Verdict(first.policy, second.policy, gap, decided=False)
    return Verdict(first.policy, second.policy, gap, float(lo), float(hi), not lo <= 0 <= hi)

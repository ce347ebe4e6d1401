"""Confidence intervals that hold everywhere: near 0 and 1, for rare events, for every KPI.

One place for every interval umkm-sim states. Replications are independent, and each gives
one value of a KPI; how the interval is made depends on what the KPI is:

- **A share** (of the shipment lines missed, of the packs shipped, of the contracts that last;
  per replication a value in [0, 1] over ``units`` lines): the Clopper-Pearson interval at the
  effective sample size of Korn & Graubard (1998), "Confidence intervals for proportions with
  small expected number of positive counts estimated from survey data", *Survey Methodology*
  24(2), 193-201. Lines of one replication are not independent (a bad month misses several in
  a row), so the information is not that of all the lines: the effective number of lines is
  ``p(1 - p) / Var(mean)``, estimated from the spread across replications, at most every line
  (for a yes-or-no share; a fill rate, each line's a fraction, has no such cap),
  and shrunk by ``(z / t)**2`` for the few replications the variance rests on. Where every
  replication gave 0 (or 1) nothing tells how the lines cluster, so the bound is that of the
  replications themselves, exact whatever the clustering: a replication whose share has mean
  ``p`` is above 0 with probability at least ``p``, so ``P(all R are 0) <= (1 - p)**R`` and the
  upper bound is ``1 - (alpha / 2)**(1 / R)``. A coverage study (``tests/test_coverage.py``,
  README "How we know it is right") chose this over the Student-t interval (below nominal for
  rates under 2% and for misses that come in bursts) and a Wilson interval on the same
  effective size (below nominal for bursts).
- **A count or amount that is 0 unless something went wrong** (the mean shortfall, the longest
  run of misses): the Student-t interval; where every replication gave 0, the upper end is
  unknown (``None``), never 0: no spread was seen, not no spread exists.
- **Anything else** (packs, cash, days): the Student-t interval, cut to the values the
  quantity can take.
- **A difference between two variants' shares**, paired by common random numbers: Newcombe's
  (1998) method for paired proportions, "Improved confidence intervals for the difference
  between binomial proportions based on paired data", *Statistics in Medicine* 17, 2635-2650,
  in the general form of Zou & Donner (2008), "Construction of confidence limits about effect
  measures: a general approach", *Statistics in Medicine* 27, 1693-1702 (MOVER): each share's
  own interval as above, combined with the correlation of their values across replications
  (taken as 0 where it cannot be estimated: wider, never narrower). A difference of other KPIs
  gets the paired Student-t interval.

No interval of a random KPI has zero width.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy.special import betaincinv, ndtri, stdtrit  # scipy.stats is slow to import

SHARES = frozenset(
    {"quota_miss_rate", "fill_rate", "on_time_rate", "lost_to_cancellation", "survival", "share"}
)
"""KPIs that are shares of lines (or of packs, of replications, of futures: ``share``, whose
units are independent and get ``proportion_ci``): in [0, 1]."""
ZERO_UNLESS_MISSED = frozenset({"mean_shortfall", "longest_miss_run"})
"""KPIs that are 0 in a replication where nothing was missed."""

Bounds = tuple[float | None, float | None]
NON_NEGATIVE: Bounds = (0.0, None)


def kpi_ci(kpi: str, values: Iterable[float], units: float = 1.0, level: float = 0.95) -> Estimate:
    """Return ``{"mean", "ci95"}`` of a KPI from its values per replication (see the module).

    ``units``: for a share, the lines (or other units) each replication's value is taken over.
    """
    x = _finite(values)
    if kpi in SHARES:
        return share_ci(x, _units(kpi, units), level)
    if kpi in ZERO_UNLESS_MISSED:
        return zero_unless_missed_ci(x, level)
    return mean_ci(x, level, NON_NEGATIVE)


Estimate = dict[str, Any]


def mean_ci(
    values: Iterable[float], level: float = 0.95, bounds: Bounds = (None, None)
) -> Estimate:
    """Return ``{"mean": m, "ci95": [lo, hi]}``: the Student-t interval of independent values.

    Missing values (NaN) are left out. With a single value the interval is unknown:
    ``[None, None]``; with none, the mean is too (``None``). ``bounds`` are the values the
    quantity can take: the interval is cut to them.
    """
    x = _finite(values)
    n = x.size
    if n == 0:
        return {"mean": None, "ci95": [None, None]}
    mean = float(x.mean())
    if n < 2:  # noqa: PLR2004 (a spread needs two values)
        return {"mean": mean, "ci95": [None, None]}
    half = float(stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(n))
    lo, hi = mean - half, mean + half
    if bounds[0] is not None:
        lo = max(lo, bounds[0])
    if bounds[1] is not None:
        hi = min(hi, bounds[1])
    return {"mean": mean, "ci95": [lo, hi]}


def zero_unless_missed_ci(values: Iterable[float], level: float = 0.95) -> Estimate:
    """The Student-t interval, >= 0, where the values vary; where they do not, ends unknown.

    All zeros give ``[0, None]`` (nothing below 0, nothing known above); all equal to one
    other value, ``[None, None]``: no spread seen, not no spread.
    """
    x = _finite(values)
    found = mean_ci(x, level, NON_NEGATIVE)
    if x.size >= 2 and np.ptp(x) == 0:  # noqa: PLR2004
        found["ci95"] = [0.0, None] if not x.any() else [None, None]
    return found


def share_ci(values: Iterable[float], units: float = 1.0, level: float = 0.95) -> Estimate:
    """Return ``{"mean", "ci95"}`` of a share from its values per replication (see the module).

    Args:
        values: The share in each replication, in [0, 1].
        units: The lines (or packs' lines, or 1 for a replication's own yes or no) each value
            is taken over: the effective sample size is at most ``units`` per replication.
        level: The two-sided confidence.
    """
    x = _finite(values)
    n = x.size
    if n == 0:
        return {"mean": None, "ci95": [None, None]}
    mean = float(x.mean())
    if n < 2:  # noqa: PLR2004
        return {"mean": mean, "ci95": [None, None]}
    each = 1 - (1 - level) / 2  # each end is on the wrong side with half the risk
    low, high = share_bound(x, units, each, upper=False), share_bound(x, units, each, upper=True)
    return {"mean": mean, "ci95": [low, high]}


def share_bound(values: Iterable[float], units: float, confidence: float, *, upper: bool) -> float:
    """A one-sided confidence bound of a share, below (``upper``) or above which it lies.

    With ``confidence``: ``share_bound(x, L, 0.95, upper=True)`` is the 95% upper bound; the
    two bounds at ``1 - alpha / 2`` make the two-sided interval of ``share_ci``.
    """
    x = _finite(values)
    n = x.size
    mean = float(x.mean())
    alpha = 1 - confidence  # the chance the bound is on the wrong side
    if (mean == 0 and not upper) or (mean == 1 and upper):
        return mean
    if mean in (0.0, 1.0):  # every replication at the same end: the replications' own bound
        edge = float(1 - alpha ** (1 / n))
        return edge if upper else 1 - edge
    spread = float(x.var(ddof=1)) / n
    if spread == 0:  # no spread seen: all the lines' worth, or the replications' if unbounded
        size = n * (units if math.isfinite(units) else 1)
    else:
        size = min(n * units, mean * (1 - mean) / spread)
    size *= (ndtri(confidence) / stdtrit(n - 1, confidence)) ** 2  # Korn & Graubard's df
    k = size * mean
    if upper:
        return float(betaincinv(k + 1, size - k, confidence))
    return float(betaincinv(k, size - k + 1, alpha))


def kpi_bound(
    kpi: str,
    values: Iterable[float],
    units: float,
    confidence: float,
    *,
    upper: bool,
    most: float | None = None,
) -> float | None:
    """A one-sided bound of a KPI, below (``upper``) or above which its mean lies.

    With ``confidence``; made as the module says for the KPI. A KPI that is 0 unless something
    was missed and was 0 in every replication is bounded as a share is, scaled by ``most``, the
    largest value it can take: it is above 0 in a replication at least as often as its mean is a
    share of ``most``. ``None``: the bound cannot be known (no spread seen and no ``most``; or a
    single replication).
    """
    x = _finite(values)
    if kpi in SHARES:
        return share_bound(x, _units(kpi, units), confidence, upper=upper)
    if x.size < 2:  # noqa: PLR2004 (a spread needs two values)
        return None
    if kpi in ZERO_UNLESS_MISSED and np.ptp(x) == 0:
        if upper and not x.any() and most is not None:
            return float(most * (1 - (1 - confidence) ** (1 / x.size)))
        return None
    half = float(stdtrit(x.size - 1, confidence) * x.std(ddof=1) / math.sqrt(x.size))
    mean = float(x.mean())
    return mean + half if upper else max(mean - half, 0.0)


def proportion_ci(yes: Iterable[float], level: float = 0.95) -> Estimate:
    """The Clopper-Pearson interval of a proportion of independent yes-or-no units (futures).

    Exact: each end is on the wrong side with at most half the risk (Clopper & Pearson 1934).
    """
    x = _finite(yes)
    n, k = x.size, float(x.sum())
    if n == 0:
        return {"mean": None, "ci95": [None, None]}
    tail = (1 - level) / 2
    low = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, tail))
    high = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1 - tail))
    return {"mean": k / n, "ci95": [low, high]}


def difference_ci(
    kpi: str, values: Iterable[float], base: Iterable[float], units: float = 1.0
) -> Estimate:
    """The difference of a KPI between a variant and a base, paired replication by replication.

    ``{"mean", "ci95"}`` of ``values - base``, made as the module says (MOVER for shares).
    """
    x, y = np.asarray(list(values), dtype=float), np.asarray(list(base), dtype=float)
    both = ~(np.isnan(x) | np.isnan(y))
    x, y = x[both], y[both]
    if kpi not in SHARES or x.size < 2:  # noqa: PLR2004
        found = mean_ci(x - y)
        if kpi in ZERO_UNLESS_MISSED and x.size >= 2 and np.ptp(x - y) == 0:  # noqa: PLR2004
            found["ci95"] = [None, None]  # no spread seen in the differences: not none exists
        return found
    cap = _units(kpi, units)
    each = [proportion_ci(v) if kpi == "share" else share_ci(v, cap) for v in (x, y)]
    (p1, (l1, u1)), (p2, (l2, u2)) = ((e["mean"], e["ci95"]) for e in each)
    rho = _correlation(x, y)
    low = (p1 - l1) ** 2 - 2 * rho * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    high = (u1 - p1) ** 2 - 2 * rho * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2
    d = p1 - p2
    return {"mean": d, "ci95": [d - math.sqrt(max(low, 0.0)), d + math.sqrt(max(high, 0.0))]}


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's correlation of the paired values; 0 where a side never varied."""
    if x.std() == 0 or y.std() == 0:
        return 0.0
    return float(np.clip(np.corrcoef(x, y)[0, 1], -1.0, 1.0))


def _units(kpi: str, units: float) -> float:
    """The units a share is over, as a cap on its effective sample size.

    Each line is missed or not: the lines of a replication cannot tell more than that many
    independent yes-or-no answers. A fill rate is a share of packs, each line's a fraction
    that varies far less than a yes or no: no such cap (``inf``).
    """
    return math.inf if kpi == "fill_rate" else units


def _finite(values: Iterable[float]) -> np.ndarray:
    """The values as floats, without the missing ones (a KPI undefined in a replication)."""
    x = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=float)
    finite: np.ndarray = x[~np.isnan(x)]
    return finite

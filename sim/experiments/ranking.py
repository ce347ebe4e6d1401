"""Ranking-and-selection procedures (KN, subset screening), on replications observed as asked.

``observe(variants, r)`` returns each variant's KPI for replications ``0..r-1`` (a matrix),
smaller being better; ``sim.experiments.select`` runs the simulations and says the answer.
See there for the procedures' sources and guarantees.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.experiments.runner import Variant


def kn(
    variants: list[Variant],
    observe: Any,
    *,
    first: int,
    delta: float,
    alpha: float,
    cap: int,
) -> pd.DataFrame:
    """KN with stages: eliminate, add replications to the survivors, until one is left.

    Returns per policy its mean over its replications, how many it got, and whether it was
    kept (still in contention when the procedure stopped).
    """
    k = len(variants)
    x = observe(variants, first)
    # Two policies that gave the same value in every replication (both never missed, say)
    # cannot be told apart by a variance of 0: the first stage grows until they differ, or to
    # the cap. The same scenario twice, or still tied at the cap: the same, to within delta.
    digests = np.array([v.key(0) if v.scenario is not None else v.name for v in variants])
    same = digests[:, None] == digests[None, :]
    while (_tied(x) & ~same).any() and first < cap:
        first = min(cap, 2 * first)
        x = observe(variants, first)
    tied = _tied(x)
    h2 = 2 * kn_eta(alpha, k, first) * (first - 1)
    # Pairwise variance of the differences: where CRN helps. A difference that never varied
    # but is not 0 has a variance of 0: its sign decides.
    s2 = (x[:, None, :] - x[None, :, :]).var(axis=2, ddof=1)
    s2[s2 <= (1e-9 * np.abs(x).max()) ** 2] = 0.0  # rounding, not spread (base + 3 - base)
    # Tied with an earlier policy, which stands for it.
    twin = np.asarray(np.triu(tied, 1).any(axis=0), dtype=bool)
    alive = np.logical_not(twin)
    reps = np.full(k, first)
    sums = x.sum(axis=1)
    r = first
    while True:
        ids = np.flatnonzero(alive)
        n_max = int(min(cap, np.floor(h2 * s2[np.ix_(ids, ids)] / delta**2).max(initial=0)))
        means = sums / reps
        if len(ids) > 1:
            slack = np.maximum(0.0, delta / (2 * r) * (h2 * s2 / delta**2 - r))
            worse = means[:, None] > means[None, :] + slack  # i loses to l
            beaten = (worse & alive[None, :] & alive[:, None]).any(axis=1)
            alive &= ~beaten
            ids = np.flatnonzero(alive)
        if len(ids) == 1 or r > n_max or r >= cap:
            break
        r_next = min(n_max + 1, cap, r + max(10, r // 4))
        chosen = [variants[i] for i in ids]
        new = observe(chosen, r_next)
        for j, i in enumerate(ids):
            sums[i] = new[j].sum()
            reps[i] = r_next
        r = r_next
    stand_in = np.argmax(tied, axis=0)  # the first policy tied with each: itself, or its twin's
    sums, reps = sums[stand_in], reps[stand_in]  # a twin is identical: it has its stand-in's
    means = sums / reps
    winner = ids[np.argmin(means[ids])]
    # Told apart from the winner only once KN's triangle had closed (by the estimate alone):
    # within delta of the best. Several still alive at the cap: KN did not finish. A difference
    # that never varied is known: within delta if it is.
    gap = np.abs(means - means[winner])
    known = (s2[:, winner] > 0) | (gap <= delta)
    closed = (reps == r) & (r >= h2 * s2[:, winner] / delta**2) & known | tied[:, winner]
    return pd.DataFrame(
        {
            "policy": [v.name for v in variants],
            "mean": means,
            "replications": reps,
            "kept": alive,
            "within_delta": closed & ~alive & (np.arange(k) != winner),
        }
    )


def _tied(x: np.ndarray) -> np.ndarray:
    """Which pairs of policies gave the same value in every replication so far."""
    return np.asarray((x[:, None, :] == x[None, :, :]).all(axis=2))


def kn_eta(alpha: float, k: int, first: int) -> float:
    """KN's constant, with ``alpha / 2`` because we screen after stages (see the module)."""
    return float(0.5 * ((2 * (alpha / 2) / (k - 1)) ** (-2 / (first - 1)) - 1))


def subset(variants: list[Variant], observe: Any, n: int, alpha: float) -> pd.DataFrame:
    """Screening: keep every policy not clearly worse than another (Bonferroni t, CRN)."""
    from scipy import stats  # noqa: PLC0415 (slow to import)

    k = len(variants)
    x = observe(variants, n)
    t = stats.t.ppf(1 - alpha / (k - 1), n - 1)
    s = (x[:, None, :] - x[None, :, :]).std(axis=2, ddof=1)
    means = x.mean(axis=1)
    kept = ~(means[:, None] > means[None, :] + t * s / math.sqrt(n)).any(axis=1)
    return pd.DataFrame(
        {
            "policy": [v.name for v in variants],
            "mean": means,
            "replications": np.full(k, n),
            "kept": kept,
        }
    )

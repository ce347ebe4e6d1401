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

from sim.i18n import Message
from sim.scenario.messages import ScenarioError

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
    # Two policies whose differences never varied (both never missed, say) cannot be told
    # apart by a variance of 0: the first stage grows until they vary, or to the cap.
    digests = np.array([v.key(0) if v.scenario is not None else v.name for v in variants])
    same = digests[:, None] == digests[None, :]
    while _unseen_spread(x, same) and first < cap:
        first = min(cap, 2 * first)
        x = observe(variants, first)
    h2 = 2 * kn_eta(alpha, k, first) * (first - 1)
    diffs = x[:, None, :first] - x[None, :, :first]
    s2 = diffs.var(axis=2, ddof=1)  # pairwise variance of differences: where CRN helps
    s2[(s2 == 0) & ~same] = np.inf  # still none at the cap: never told apart
    alive = np.ones(k, dtype=bool)
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
    means = sums / reps
    winner = ids[np.argmin(means[ids])]
    # Told apart from the winner only once KN's triangle had closed (by the estimate alone):
    # within delta of the best. Several still alive at the cap: KN did not finish.
    closed = (reps == r) & (r >= h2 * s2[:, winner] / delta**2) & (np.arange(k) != winner)
    return pd.DataFrame(
        {
            "policy": [v.name for v in variants],
            "mean": means,
            "replications": reps,
            "kept": alive,
            "within_delta": closed & ~alive,
        }
    )


def _unseen_spread(x: np.ndarray, same: np.ndarray) -> bool:
    """Whether two different policies' differences did not vary at all so far."""
    s2 = (x[:, None, :] - x[None, :, :]).var(axis=2, ddof=1)
    return bool(((s2 == 0) & ~same).any())


def kn_eta(alpha: float, k: int, first: int) -> float:
    """KN's constant, with ``alpha / 2`` because we screen after stages (see the module)."""
    return float(0.5 * ((2 * (alpha / 2) / (k - 1)) ** (-2 / (first - 1)) - 1))


def subset(variants: list[Variant], observe: Any, n: int, alpha: float) -> pd.DataFrame:
    """Screening: keep every policy not clearly worse than another (Bonferroni t, CRN)."""
    from scipy import stats  # noqa: PLC0415 (slow to import)

    if n < 2:  # noqa: PLR2004
        raise ScenarioError([Message("--replications: subset selection needs at least 2")])
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

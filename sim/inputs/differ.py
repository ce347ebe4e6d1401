"""Do kitchens differ? Their daily output compared day by day, a test with days as strata.

On each day, the kitchens that delivered are compared with one another: what they share that
day (the season, a festival's orders, a shortage of flour) cancels out, and under the null
hypothesis that the kitchens are alike their outputs on a day are exchangeable, whatever
differs from one day to the next and however absences cluster in spells.
"""

from __future__ import annotations

import math

import numpy as np


def kitchens_differ(packs: np.ndarray, worked: np.ndarray) -> float:
    """P-value of the hypothesis that kitchens are alike (kitchens x days of output).

    The statistic is the generalised Cochran-Mantel-Haenszel statistic for "row mean scores
    differ" (Landis, Heyman & Koch 1978; Stokes, Davis & Koch 2012), with days as
    strata, kitchens as rows and the packs as scores: each kitchen's output summed as deviations
    from its days' means, against their variance under random permutation of the kitchens'
    labels within each day (Mantel 1963), chi-square with (kitchens - 1) degrees of freedom.
    It is the large-sample form of that permutation test, whose null needs no normality, no
    equal variances and no independence between a kitchen's days beyond that of its outputs.

    A one-way ANOVA of daily outputs, used before, treats every kitchen-day as an independent
    draw around its kitchen's mean; when output moves with the season and kitchens are away in
    long spells, kitchens away at different times differ in mean for that alone, and identical
    kitchens were called different far more often than the level (measured: tests/test_fit.py).

    Returns ``nan`` when fewer than two kitchens worked on the same days.
    """
    from scipy import stats  # noqa: PLC0415 (slow to import)

    together = worked.sum(axis=0) >= 2  # noqa: PLR2004 (a day with one kitchen compares none)
    w = worked[:, together]
    w = w[w.any(axis=1)]
    x = np.where(worked, packs, 0).astype(float)[:, together][worked[:, together].any(axis=1)]
    if len(w) < 2:  # noqa: PLR2004
        return math.nan
    count = w.sum(axis=0)
    centred = np.where(w, x - x.sum(axis=0) / count, 0.0)
    spread = (centred**2).sum(axis=0) / count  # each day's variance among the kitchens there
    totals = centred.sum(axis=1)
    # Sampling the day's values without replacement: variance `spread` for each kitchen there,
    # covariance -spread / (count - 1) between two of them.
    apart = spread / (count - 1)
    variance = np.diag(w @ (spread + apart)) - (w * apart) @ w.T
    eigenvalues, vectors = np.linalg.eigh(variance)
    kept = eigenvalues > eigenvalues.max() * 1e-10
    if not kept.any():
        return math.nan
    statistic = float((((vectors[:, kept].T @ totals) ** 2) / eigenvalues[kept]).sum())
    return float(stats.chi2.sf(statistic, int(kept.sum())))

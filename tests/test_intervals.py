"""Intervals that hold everywhere: exact answers for small cases, never a zero width."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.results.intervals import (
    difference_ci,
    kpi_bound,
    kpi_ci,
    proportion_ci,
    share_bound,
    share_ci,
    zero_unless_missed_ci,
)


def test_no_share_seen_in_any_replication_has_the_replications_exact_bound():
    """All 20 replications at 0: upper bound 1 - 0.025**(1/20) (P(all 0) <= (1 - p)**20)."""
    ci = share_ci(np.zeros(20), units=52)
    assert ci["mean"] == 0
    assert ci["ci95"] == pytest.approx([0.0, 1 - 0.025 ** (1 / 20)])
    ones = share_ci(np.ones(20), units=52)["ci95"]
    assert ones == pytest.approx([0.025 ** (1 / 20), 1.0])
    assert share_bound(np.zeros(20), 52, 0.95, upper=True) == pytest.approx(1 - 0.05 ** (1 / 20))


def test_a_share_of_independent_lines_is_clopper_pearson_at_the_effective_size():
    """Korn & Graubard's effective size, then Clopper-Pearson's beta quantiles.

    The effective size is p(1 - p) / Var(mean), times (z / t)**2; worked out here with SciPy's
    distributions.
    """
    x = np.array([0.1, 0.3, 0.2, 0.0, 0.4])
    p, var = x.mean(), x.var(ddof=1) / 5
    size = p * (1 - p) / var * (stats.norm.ppf(0.975) / stats.t.ppf(0.975, 4)) ** 2
    k = size * p
    expected = [stats.beta.ppf(0.025, k, size - k + 1), stats.beta.ppf(0.975, k + 1, size - k)]
    assert share_ci(x, units=10)["ci95"] == pytest.approx(expected)


def test_the_effective_size_is_never_more_than_every_line():
    """Replications that agree exactly carry no more than all their lines' information."""
    ci = share_ci(np.full(10, 0.5), units=4)["ci95"]
    size = 40 * (stats.norm.ppf(0.975) / stats.t.ppf(0.975, 9)) ** 2
    assert ci == pytest.approx(
        [
            stats.beta.ppf(0.025, size / 2, size / 2 + 1),
            stats.beta.ppf(0.975, size / 2 + 1, size / 2),
        ]
    )


def test_a_kpi_that_is_zero_unless_something_was_missed_has_no_zero_width_interval():
    """Every replication without a miss: 0, and an upper end that cannot be known."""
    assert zero_unless_missed_ci(np.zeros(30)) == {"mean": 0.0, "ci95": [0.0, None]}
    assert kpi_ci("mean_shortfall", [0.0] * 5)["ci95"] == [0.0, None]
    assert kpi_ci("longest_miss_run", [0.0, 1.0, 2.0])["ci95"][1] > 0
    assert kpi_ci("longest_miss_run", [5.0] * 8)["ci95"] == [None, None]
    assert difference_ci("longest_miss_run", [3.0, 4.0], [3.0, 4.0])["ci95"] == [None, None]


@pytest.mark.parametrize("kpi", ["quota_miss_rate", "fill_rate", "lost_to_cancellation"])
@pytest.mark.parametrize("value", [0.0, 0.003, 0.5, 1.0])
def test_no_share_interval_has_zero_width(kpi, value):
    """At 0, at 1, and for a rare event seen in one replication only."""
    x = np.full(12, value)
    if 0 < value < 1:
        x[0] = 0.0
    lo, hi = kpi_ci(kpi, x, units=52)["ci95"]
    assert hi - lo > 0
    assert lo <= x.mean() <= hi


def test_a_proportion_of_futures_is_clopper_pearson_exact_at_zero_and_one():
    """Clopper-Pearson (1934): k = 3 of n = 10 from beta quantiles; none of 10: 1 - 0.025**0.1."""
    ci = proportion_ci([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])["ci95"]
    assert ci == pytest.approx([stats.beta.ppf(0.025, 3, 8), stats.beta.ppf(0.975, 4, 7)])
    assert proportion_ci(np.zeros(10))["ci95"] == pytest.approx([0.0, 1 - 0.025**0.1])
    assert proportion_ci(np.ones(10))["ci95"] == pytest.approx([0.025**0.1, 1.0])


def test_a_bound_needs_two_replications_or_a_largest_value():
    """One replication has no spread to bound by; all-zero shortfalls are bounded as a share."""
    assert kpi_bound("mean_stock", [12.0], 1, 0.95, upper=True) is None
    assert kpi_bound("mean_shortfall", [0.0] * 5, 1, 0.95, upper=True) is None
    bound = kpi_bound("mean_shortfall", [0.0] * 5, 1, 0.95, upper=True, most=40.0)
    assert bound == pytest.approx(40 * (1 - 0.05 ** (1 / 5)))

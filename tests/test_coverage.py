"""Every stated confidence, earned: the coverage of each interval umkm-sim prints, measured.

The scenarios have exact answers: kitchens of Poisson output against a weekly quota, nothing
carried over (``leftover: clear``), so each week's line is missed independently with probability
``P(Poisson(N x lambda x 7) < Q)`` (``theory.poisson_miss_probability``). Over many seeds, each
interval must hold the exact answer at least as often as it claims, less a binomial margin: with
``n`` seeds and nominal coverage ``c``, a one-sided 1% test allows ``c - 2.33 sqrt(c (1 - c) / n)``
(the normal approximation of the binomial count of covering seeds). Rates are taken both common
and rare (at most 0.5%), where a Student-t interval fails.

``UMKM_COVERAGE_SEEDS`` sets the seeds per case (default: few, for CI); README "How we know it is
right" quotes a run with more (``-s`` prints the table).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from scipy import stats

import sim
from sim.experiments.executors import Serial
from sim.results import theory

SEEDS = int(os.environ.get("UMKM_COVERAGE_SEEDS", "40"))
LINES = 52  # a year of weekly shipments

pytestmark = pytest.mark.slow


def kitchens(quota: int, mean: float = 25, weeks: int = 52, **sections: object) -> sim.Scenario:
    """4 kitchens of Poisson(mean) a day, a weekly quota, nothing carried over; ``sections``."""
    return sim.Scenario.model_validate(
        sections
        | {
            "name": f"coverage-{quota}",
            "horizon_days": 7 * weeks,
            "products": {"p": {}},
            "kitchens": [
                {
                    "name": "k",
                    "count": 4,
                    "product": "p",
                    "daily_output": {"distribution": "poisson", "mean": mean},
                }
            ],
            "buyers": [{"name": "b", "every_days": 7, "quota": {"p": quota}}],
            "warehouse": {"leftover": "clear"},
            "costs": {"kitchen_per_year": {"k": 1_000_000}},
        }
    )


def miss(quota: int, mean: float = 25) -> float:
    """The exact probability that a week's line is missed."""
    return theory.poisson_miss_probability(4, mean, 7, quota)


def least(nominal: float, n: int) -> float:
    """The fewest a nominal coverage allows, as a share of ``n`` (see the module)."""
    return nominal - 2.33 * math.sqrt(nominal * (1 - nominal) / n)


def report(case: str, held: int, n: int, nominal: float) -> None:
    """Print the measured coverage (``pytest -s`` shows it), then assert it."""
    print(f"\n{case:<58} {held:>4}/{n:<4} = {held / n:6.1%}  (nominal {nominal:.0%})")
    assert held / n >= least(nominal, n), case


@pytest.mark.parametrize("quota", [660, 625], ids=["common 6.2%", "rare 0.19%"])
def test_the_miss_rate_interval_of_a_run(quota):
    """``run``: the 95% CI of the quota miss rate holds the exact probability."""
    s, exact = kitchens(quota), miss(quota)
    held = 0
    for seed in range(SEEDS):
        lo, hi = sim.run(s, replications=20, seed=seed, executor=Serial()).document()[
            "quota_miss_rate"
        ]["ci95"]
        held += lo <= exact <= hi
    report(f"run: miss rate {exact:.2%}, 20 replications", held, SEEDS, 0.95)


@pytest.mark.parametrize(
    ("quota", "mean"), [(700, 26), (625, 24)], ids=["common 49.5% vs 14.5%", "rare 0.19% vs 3.2%"]
)
def test_the_paired_difference_of_a_comparison(quota, mean):
    """``compare``: the 95% CI of the paired difference holds the exact difference."""
    s = kitchens(quota)
    exact = miss(quota, mean) - miss(quota)
    held = 0
    for seed in range(SEEDS):
        compared = sim.compare(
            s,
            {"more": {"kitchens.k.daily_output.mean": mean}},
            replications=20,
            seed=seed,
            executor=Serial(),
        )
        row = compared.table.query(
            "policy == 'more' and buyer == 'all' and kpi == 'quota_miss_rate'"
        )
        held += row.diff_lo.iloc[0] <= exact <= row.diff_hi.iloc[0]
    report(f"compare: difference {exact:+.2%}, 20 replications", held, SEEDS, 0.95)


def test_a_rare_event_cheapest_does_not_choose_a_failing_candidate():
    """``cheapest``: a candidate that fails a rare-event target is chosen at most as its risk says.

    The cheap candidate misses 1.0% of its lines, the target is 0.5% at 95%: it may be chosen in
    at most 5% of seeds. Eight weeks and ten replications: 80 lines, none missed in about 45% of
    seeds (where a Student-t bound of 0 would choose it).
    """
    s = kitchens(640, weeks=8, policies={"dear": {"kitchens.k.count": 6}})
    assert miss(640) > 0.005
    wrong = 0
    for seed in range(SEEDS):
        answer = sim.cheapest(
            s, "quota_miss_rate<=0.005", replications=10, seed=seed, executor=Serial()
        )
        wrong += answer.chosen == "baseline"
    report("cheapest: a failing candidate is not chosen (rare)", SEEDS - wrong, SEEDS, 0.95)


def test_select_finds_the_best_of_two_rare_rates():
    """``compare --select best``: KN picks the best of two rare rates as often as it promises.

    0.19% against 3.2% (more than the 1 point of the indifference zone apart): the best in at
    least 95% of seeds, decided (not stopped at the cap).
    """
    s = kitchens(625, policies={"worse": {"kitchens.k.daily_output.mean": 24}})
    right = 0
    for seed in range(SEEDS):
        chosen = sim.select(s, delta=0.01, replications=10, seed=seed, executor=Serial())
        right += chosen.chosen[:1] == ["baseline"] and not chosen.capped
    report("select: KN picks the best (rare rates)", right, SEEDS, 0.95)


def test_a_targets_interval_holds_the_exact_lever_value():
    """``target``: the 95% CI of the answer, in the lever's units, holds the exact answer.

    The largest quota missed at most 5% of the time.
    """
    exact = 700
    while miss(exact) > 0.05:
        exact -= 1
    held = 0
    n = max(8, SEEDS // 4)  # each is a bisection of a dozen evaluations
    goal = sim.Goal("quota_miss_rate", 0.05, at_most=True)
    for seed in range(n):
        answer = sim.target(
            kitchens(650),
            "buyers.b.quota.p",
            goal,
            low=560,
            high=760,
            replications=40,
            seed=seed,
            executor=Serial(),
        )
        lo, hi = answer.interval
        held += lo <= exact <= hi
    report(f"target: the largest quota at 5% ({exact})", held, n, 0.95)


def test_explores_share_of_acceptable_futures_with_monte_carlo_futures():
    """``explore --sampler mc``: the CI of the share of acceptable futures holds the exact one.

    The kitchens' mean output is anywhere in [22, 28]; a future is acceptable when its estimated
    miss rate is at most 10%. The exact share is the chance that a future drawn so, simulated
    with these replications, is judged acceptable: the mean over the range of
    P(Binomial(52 R, p(mean)) <= 0.1 x 52 R).
    """
    s = kitchens(640, uncertainties={"kitchens.k.daily_output.mean": {"low": 22, "high": 28}})
    replications, futures = 2, 20
    lines = LINES * replications
    grid = np.linspace(22, 28, 2001)
    judged = stats.binom.cdf(math.floor(0.1 * lines), lines, [miss(640, m) for m in grid])
    exact = float(np.trapezoid(judged, grid) / 6)
    held = 0
    for seed in range(SEEDS):
        explored = sim.explore(
            s, futures, "mc", replications=replications, seed=seed, executor=Serial()
        )
        row = explored.ranked.iloc[0]
        held += row.share_lo <= exact <= row.share_hi
    report(f"explore: share of acceptable futures {exact:.1%} (mc)", held, SEEDS, 0.95)

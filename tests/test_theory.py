"""The simulation against probability theory, within a tolerance derived from standard errors.

Each test names its formula. Tolerances are 4 standard errors: a correct model fails one
check in about 16,000 runs, a model off by a few percent fails reliably.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.engine.kitchens import presence
from sim.engine.supply import shock_days
from sim.results.theory import (
    normal_miss_probability,
    poisson_fill_rate,
    poisson_miss_probability,
    shock_coverage,
    stock_chain_miss_fraction,
    survival_probability,
    thinned_poisson_miss_probability,
)
from sim.scenario.mechanisms import Absence, Shock

from conftest import scenario

Z = 4.0  # standard errors of tolerance


def poisson_kitchens(n: int, rate: float, quota: float, **changes) -> sim.Scenario:
    """N kitchens of Poisson(rate) output every day; a weekly quota; no carry-over (clear)."""
    return scenario(
        {
            "kitchens.k.count": n,
            "kitchens.k.daily_output": {"distribution": "poisson", "mean": rate},
            "buyers.b.quota.p": quota,
            "warehouse.leftover": "clear",
            **changes,
        },
        horizon_days=364,
    )


def assert_close(estimate: float, theory: float, se: float, what: str) -> None:
    """Fail unless the estimate is within Z standard errors of theory (``pytest -s`` shows it)."""
    print(f"{what}: simulated {estimate:.4f}, theory {theory:.4f}, se {se:.4f}")
    assert abs(estimate - theory) <= Z * se, (
        f"{what}: simulated {estimate:.5f}, theory {theory:.5f}, "
        f"difference {abs(estimate - theory) / se:.1f} standard errors"
    )


def test_miss_probability_is_a_poisson_sum_below_the_quota():
    """Independent Poisson output, no carry-over: P(miss) = P(Poisson(N·λ·T) < Q).

    N = 4 kitchens, λ = 25 packs/day, T = 7 days, Q = 680 packs.
    """
    n, rate, days, quota = 4, 25.0, 7, 680
    results = sim.run(poisson_kitchens(n, rate, quota), replications=200, seed=11, workers=1)
    missed = results.shipments["missed"]
    theory = poisson_miss_probability(n, rate, days, quota)
    se = math.sqrt(theory * (1 - theory) / len(missed))  # weeks are independent: clear
    assert_close(missed.mean(), theory, se, "P(miss)")


def test_fill_rate_is_the_expected_shipped_share_of_a_poisson_sum():
    """No carry-over: fill rate = E[min(S, Q)] / Q with S ~ Poisson(N·λ·T)."""
    n, rate, days, quota = 4, 25.0, 7, 700
    results = sim.run(poisson_kitchens(n, rate, quota), replications=200, seed=12, workers=1)
    per_rep = results.kpis()["fill_rate"]
    se = per_rep.std(ddof=1) / math.sqrt(len(per_rep))
    assert_close(per_rep.mean(), poisson_fill_rate(n, rate, days, quota), se, "fill rate")


def test_pooling_kitchens_in_one_warehouse_beats_separate_warehouses():
    """Risk pooling (square-root law): N kitchens against N·q beat N kitchens each against q.

    5 kitchens of Poisson(20)/day, weekly quota at 95% of the mean. Separate: each line
    misses with P(Poisson(140) < 133); pooled: P(Poisson(700) < 665). The pooled sum's
    relative spread is √5 times smaller, so it misses far less often.
    """
    n, rate, days, margin = 5, 20.0, 7, 0.95
    per_kitchen = round(margin * rate * days)
    separate = scenario(
        {"warehouse.leftover": "clear"},
        horizon_days=364,
        products={f"p{i}": {} for i in range(n)},
        kitchens=[
            {
                "name": f"k{i}",
                "count": 1,
                "product": f"p{i}",
                "daily_output": {"distribution": "poisson", "mean": rate},
            }
            for i in range(n)
        ],
        buyers=[
            {"name": "b", "every_days": days, "quota": {f"p{i}": per_kitchen for i in range(n)}}
        ],
    )
    pooled = poisson_kitchens(n, rate, n * per_kitchen)
    sep = sim.run(separate, replications=200, seed=13, workers=1).shipments["missed"]
    pool = sim.run(pooled, replications=200, seed=13, workers=1).shipments["missed"]

    p_sep = poisson_miss_probability(1, rate, days, per_kitchen)
    p_pool = poisson_miss_probability(n, rate, days, n * per_kitchen)
    assert_close(sep.mean(), p_sep, math.sqrt(p_sep * (1 - p_sep) / len(sep)), "separate")
    assert_close(pool.mean(), p_pool, math.sqrt(p_pool * (1 - p_pool) / len(pool)), "pooled")
    assert p_pool < p_sep / 2
    assert pool.mean() < sep.mean()


def test_carried_over_stock_follows_its_markov_chain():
    """Daily shipments with stock carried over and a capacity: the exact chain's miss fraction.

    One kitchen of Poisson(3)/day, a daily quota of 3, capacity 8, 60 days (see
    ``stock_chain_miss_fraction`` for the chain).
    """
    rate, quota, capacity, horizon = 3.0, 3, 8, 60
    s = scenario(
        {
            "kitchens.k.daily_output": {"distribution": "poisson", "mean": rate},
            "buyers.b.quota.p": quota,
            "buyers.b.every_days": 1,
            "warehouse.capacity": capacity,
        },
        horizon_days=horizon,
    )
    per_rep = sim.run(s, replications=400, seed=14, workers=1).kpis()["quota_miss_rate"]
    theory = stock_chain_miss_fraction(rate, quota, capacity, horizon)
    se = per_rep.std(ddof=1) / math.sqrt(len(per_rep))
    assert_close(per_rep.mean(), theory, se, "miss fraction")


@pytest.mark.parametrize("capacity", [3, 8])
def test_markov_chain_helper_agrees_with_brute_force(capacity):
    """The chain computation itself, against a direct simulation of the recursion in numpy."""
    rng = np.random.default_rng(0)
    arrivals = rng.poisson(3.0, size=(20_000, 30))
    stock = np.zeros(20_000, dtype=int)
    missed = np.zeros(20_000)
    for t in range(30):
        y = np.minimum(capacity, stock + arrivals[:, t])
        missed += y < 3
        stock = np.maximum(y - 3, 0)
    brute = missed / 30
    theory = stock_chain_miss_fraction(3.0, 3, capacity, 30)
    assert_close(brute.mean(), theory, brute.std() / math.sqrt(len(brute)), "chain")


# --- the real-world mechanisms --------------------------------------------------------------


def test_absence_chain_has_the_stated_share_of_days_and_mean_spell():
    """Two-state chain: long-run absent share = fraction; absent spells ~ Geometric(1/L)."""
    fraction, spell = 0.1, 4.0
    present = presence(
        Absence(fraction=fraction, mean_spell_days=spell), 2000, 400, np.random.default_rng(1)
    )
    absent = ~present
    per_kitchen = absent.mean(axis=1)  # kitchens are independent
    assert_close(
        per_kitchen.mean(),
        fraction,
        per_kitchen.std(ddof=1) / math.sqrt(len(per_kitchen)),
        "absent share",
    )
    # lengths of absence spells that start and end inside the horizon
    padded = np.pad(absent, ((0, 0), (1, 1)))
    edges = np.diff(padded.astype(int), axis=1)
    starts, ends = np.nonzero(edges == 1), np.nonzero(edges == -1)
    lengths = ends[1] - starts[1]
    inside = (starts[1] > 0) & (ends[1] < absent.shape[1])
    spells = lengths[inside]
    assert_close(spells.mean(), spell, spells.std(ddof=1) / math.sqrt(len(spells)), "mean spell")


def test_independent_absences_thin_a_poisson_sum_exactly():
    """Absences independent day to day (mean spell 1/(1-q)): a week's output is compound.

    K present kitchen-days ~ Binomial(N·T, 1 - q), and output given K ~ Poisson(K·λ), so
    P(miss) = sum_k Binom(k; N·T, 1-q) · P(Poisson(k·λ) < Q). domain notes §7b's normal
    approximation Φ((Q - E)/√V), E = N·T·p·μ, V = N·T·(p·σ² + p(1-p)·μ²), is printed beside it.
    """
    n, rate, days, quota, q = 4, 25.0, 7, 620, 0.1
    s = poisson_kitchens(
        n, rate, quota, **{"kitchens.k.absence": {"fraction": q, "mean_spell_days": 1 / (1 - q)}}
    )
    missed = sim.run(s, replications=200, seed=21, workers=1).shipments["missed"]
    theory = thinned_poisson_miss_probability(n, rate, days, quota, q)
    clt = normal_miss_probability(n, days, works=1 - q, mean=rate, sd=math.sqrt(rate), quota=quota)
    print(f"domain notes §7b normal approximation: {clt:.4f}")
    assert_close(missed.mean(), theory, math.sqrt(theory * (1 - theory) / len(missed)), "P(miss)")


def test_shock_episodes_cover_days_as_a_poisson_process_says():
    """Starts at rate r a day, each lasting D days: P(a day is hit) = 1 - exp(-r·D)."""
    duration = 10
    shock = Shock(
        name="s",
        per_year=6,
        duration_days={"distribution": "constant", "value": duration},
        multiplier=0.5,
    )
    rng = np.random.default_rng(3)
    hit = np.array([shock_days(shock, 365, rng)[duration:] for _ in range(2000)])
    per_run = hit.mean(axis=1)
    theory = shock_coverage(6, duration)
    assert_close(per_run.mean(), theory, per_run.std(ddof=1) / math.sqrt(len(per_run)), "share hit")


def test_on_time_rate_is_the_transit_distribution_below_the_due_date():
    """Transit 9 days (weight 4) or 17 (weight 1), due within 14: on time with P = 0.8."""
    s = scenario(
        {
            "buyers.b.transit_days": {
                "distribution": "empirical",
                "values": [9, 17],
                "weights": [4, 1],
            },
            "buyers.b.due_days": 14,
        },
        horizon_days=364,
    )
    on_time = sim.run(s, replications=50, seed=22, workers=1).shipments["on_time"].astype(bool)
    assert_close(on_time.mean(), 0.8, math.sqrt(0.8 * 0.2 / len(on_time)), "on time")


def test_contract_survival_follows_the_chain_of_consecutive_misses():
    """Independent weekly misses with p = P(Poisson(700) < 680); cancel after 3 in a row.

    P(contract lasts 52 weeks) = P(no run of 3 misses in 52 trials), from a chain on the run.
    """
    s = poisson_kitchens(4, 25.0, 680, **{"buyers.b.cancel_after_misses": 3})
    results = sim.run(s, replications=400, seed=23, workers=1)
    survived = results.contracts["cancelled_day"].isna().to_numpy()
    theory = survival_probability(poisson_miss_probability(4, 25.0, 7, 680), 52, 3)
    assert_close(
        survived.mean(), theory, math.sqrt(theory * (1 - theory) / len(survived)), "survival"
    )

"""Closed-form answers the simulation must reproduce: the yardsticks of its validation.

Each function states its model in its docstring. The tests compare the simulation with them
within a few standard errors; the validation notebook plots the two side by side.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def poisson_miss_probability(kitchens: int, rate: float, days: int, quota: int) -> float:
    """P(miss) with independent Poisson output and nothing carried over: P(Poisson(N·λ·T) < Q)."""
    return float(stats.poisson.cdf(quota - 1, kitchens * rate * days))


def poisson_fill_rate(kitchens: int, rate: float, days: int, quota: int) -> float:
    """Expected shipped share of the quota, nothing carried over: E[min(S, Q)] / Q."""
    mean = kitchens * rate * days
    k = np.arange(quota)
    below = float((k * stats.poisson.pmf(k, mean)).sum())
    return (below + quota * float(stats.poisson.sf(quota - 1, mean))) / quota


def thinned_poisson_miss_probability(
    kitchens: int, rate: float, days: int, quota: int, absent: float
) -> float:
    """P(miss) when each kitchen-day is independently absent with probability ``absent``.

    K present kitchen-days ~ Binomial(N·T, 1 - q) and output given K ~ Poisson(K·λ), so
    P(miss) = sum over k of Binom(k; N·T, 1 - q) · P(Poisson(k·λ) < Q).
    """
    k = np.arange(kitchens * days + 1)
    present = stats.binom.pmf(k, kitchens * days, 1 - absent)
    return float((present * stats.poisson.cdf(quota - 1, k * rate)).sum())


def normal_miss_probability(
    kitchens: int, days: int, *, works: float, mean: float, sd: float, quota: float
) -> float:
    """The central-limit approximation of docs/domain.md §7b (Federgruen & Yang 2009).

    E = N·D·p·μ and V = N·D·(p·σ² + p(1-p)·μ²) give P(miss) ≈ Φ((Q - E) / √V).
    """
    expected = kitchens * days * works * mean
    variance = kitchens * days * (works * sd**2 + works * (1 - works) * mean**2)
    return float(stats.norm.cdf((quota - expected) / math.sqrt(variance)))


def stock_chain_miss_fraction(rate: float, quota: int, capacity: int, horizon: int) -> float:
    """Expected fraction of daily shipments missed, from the exact Markov chain of stock.

    X_t is the stock after the shipment at t, X_0 = 0. At t, yesterday's A ~ Poisson(rate)
    arrives up to capacity: Y = min(C, X + A); the shipment misses when Y < Q and leaves
    X' = max(Y - Q, 0). The expected miss fraction averages P(Y_t < Q) over t = 1..horizon.
    """
    states = np.arange(capacity + 1)
    p_stock: np.ndarray = np.zeros(capacity + 1)
    p_stock[0] = 1.0
    to_y = np.zeros((capacity + 1, capacity + 1))  # from stock x to Y = min(C, x + A)
    for x in states:
        room = capacity - x
        to_y[x, x:capacity] = stats.poisson.pmf(np.arange(room), rate)
        to_y[x, capacity] = stats.poisson.sf(room - 1, rate)
    after_ship = np.maximum(states - quota, 0)
    misses = 0.0
    for _ in range(horizon):
        p_y = p_stock @ to_y
        misses += p_y[:quota].sum()
        p_stock = np.bincount(after_ship, weights=p_y, minlength=capacity + 1)
    return float(misses / horizon)


def survival_probability(p_miss: float, shipments: int, k: int) -> float:
    """P(no run of k misses among independent shipments), by a chain on the current run."""
    run = np.zeros(k)
    run[0] = 1.0
    for _ in range(shipments):
        after = np.zeros(k)
        after[0] = run.sum() * (1 - p_miss)
        after[1:] = run[:-1] * p_miss  # a run reaching k ends the contract: its mass leaves
        run = after
    return float(run.sum())


def shock_coverage(per_year: float, duration_days: float) -> float:
    """P(a given day is hit): episodes start as a Poisson process and last D days."""
    return 1 - math.exp(-per_year / 365.25 * duration_days)

"""Each distribution samples what its ``mean`` and ``variance`` say, within standard errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter

from sim.scenario.distributions import Distribution

CASES = [
    {"distribution": "poisson", "mean": 12},
    {"distribution": "normal", "mean": 50, "sd": 5},
    {"distribution": "gamma", "mean": 300, "cv": 0.3},
    {"distribution": "lognormal", "mean": 40, "cv": 0.5},
    {"distribution": "negative_binomial", "mean": 20, "cv": 0.6},
    {"distribution": "uniform", "low": 2, "high": 10},
    {"distribution": "triangular", "low": 1, "mode": 2, "high": 9},
    {"distribution": "constant", "value": 7},
    {"distribution": "empirical", "values": [0, 10, 30], "weights": [1, 2, 1]},
    {"distribution": "empirical", "values": [3, 4]},
]
adapter = TypeAdapter(Distribution)


@pytest.mark.parametrize("spec", CASES, ids=[c["distribution"] for c in CASES])
def test_sample_moments_match_the_stated_mean_and_variance(spec):
    """Sample mean within 5 SE of ``mean``; sample variance within 5% of ``variance``."""
    dist = adapter.validate_python(spec)
    x = dist.sample(np.random.default_rng(42), 400_000)
    se = math.sqrt(dist.variance / x.size)
    assert abs(x.mean() - dist.mean) <= 5 * se + 1e-12
    assert x.var() == pytest.approx(dist.variance, rel=0.05, abs=1e-12)
    assert (x >= 0).all() or spec["distribution"] == "normal"


def test_samples_have_the_requested_shape_and_come_from_the_given_generator():
    """Bulk draws fill the shape; the same generator state gives the same numbers."""
    dist = adapter.validate_python({"distribution": "gamma", "mean": 10, "cv": 0.2})
    a = dist.sample(np.random.default_rng(1), (3, 4))
    b = dist.sample(np.random.default_rng(1), (3, 4))
    assert a.shape == (3, 4)
    assert np.array_equal(a, b)

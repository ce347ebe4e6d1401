"""One truth, two engines: the batched engine equals the per-replication reference, line for line.

The reference (``sim.engine.replication.simulate``) runs one replication as SimPy processes; the
batched engine (``sim.engine.batched.simulate_batch``) runs many side by side in numpy. Every
array a replication returns must be equal, element for element, whatever the batch it ran in.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.engine.batched import simulate_batch
from sim.engine.replication import Replication, simulate

from conftest import ROOT
from strategies import scenarios

FIELDS = ("lines", "products", "stock", "cash", "cancelled")


def assert_same(reference: Replication, batched: Replication) -> None:
    """Every array equal, with the same shape and number type; the same replication."""
    assert batched.replication == reference.replication
    assert batched.unpaid_days == reference.unpaid_days
    for name in FIELDS:
        ours, theirs = getattr(batched, name), getattr(reference, name)
        assert ours.shape == theirs.shape, name
        assert ours.dtype.kind == theirs.dtype.kind, name
        np.testing.assert_array_equal(ours, theirs, err_msg=name)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_runs_identically(path):
    """The shipped scenarios, every mechanism of balikpapan.yaml included."""
    scenario = sim.load_scenario(path)
    scenario = sim.derive(scenario, {"horizon_days": min(scenario.horizon_days, 200)})
    reps = [0, 1, 2, 3, 4]
    for ours, theirs in zip(
        simulate_batch(scenario, 7, reps), [simulate(scenario, 7, r) for r in reps], strict=True
    ):
        assert_same(theirs, ours)


@pytest.mark.parametrize("policy", ["buffer-stock", "five-more-kitchens", "bigger-fund"])
def test_the_default_scenarios_policies_run_identically(policy):
    """Each policy of the default scenario changes state the engines must both follow."""
    base = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    scenario = sim.derive(base, base.policies[policy])
    for ours, theirs in zip(
        simulate_batch(scenario, 2, [5, 6]), [simulate(scenario, 2, r) for r in (5, 6)], strict=True
    ):
        assert_same(theirs, ours)


@given(
    scenario=scenarios(),
    seed=st.integers(0, 2**32),
    reps=st.lists(st.integers(0, 50), min_size=1, max_size=4, unique=True),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_scenario_runs_identically_in_any_batch(scenario, seed, reps):
    """Every mechanism switched on and off at random; any set of replications in one batch."""
    batch = simulate_batch(scenario, seed, reps)
    for r, ours in zip(reps, batch, strict=True):
        assert_same(simulate(scenario, seed, r), ours)


def test_a_replication_does_not_depend_on_its_batch():
    """Replication 3 alone, or among others in any order: the same numbers."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    scenario = sim.derive(scenario, {"horizon_days": 120})
    alone = simulate_batch(scenario, 1, [3])[0]
    among = simulate_batch(scenario, 1, [9, 3, 0])[1]
    assert_same(alone, among)

"""One truth, two engines: the batched engine equals the per-replication reference, line for line.

The reference (``sim.engine.replication.simulate``) runs one replication as SimPy processes; the
batched engine (``sim.engine.batched.simulate_batch``) runs many side by side in numpy. Every
array a replication returns must be equal, element for element, whatever the batch it ran in,
however a run's replications are split into batches, and however a group's kitchens are split
into blocks.
"""

from __future__ import annotations

import ast
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.engine import draws, kitchens, streams
from sim.engine.batched import simulate_batch
from sim.engine.replication import Replication, simulate
from sim.experiments.executors import Engine, simulate_chunk
from sim.scenario.distributions import Gamma

from conftest import ROOT, scenario
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


def assert_runs_identically(
    s: sim.Scenario, seed: int, reps: list[int], batch_size: int | None = None
) -> None:
    """The batched engine, in batches of ``batch_size`` (default: one), equals the reference."""
    ours = simulate_chunk(s, seed, reps, Engine("batched", batch_size=batch_size))
    assert len(ours) == len(reps)
    for r, replication in zip(reps, ours, strict=True):
        assert_same(simulate(s, seed, r), replication)


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
    reps=st.lists(st.integers(0, 50), min_size=1, max_size=7, unique=True),
    batch_size=st.none() | st.integers(1, 3),
    block=st.none() | st.integers(1, 3),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_scenario_runs_identically_in_any_batch(scenario, seed, reps, batch_size, block):
    """Every mechanism at random; any replications, in batches and blocks of any size.

    The replications run as a worker runs a chunk, in batches of ``batch_size``; groups are
    drawn in blocks shrunk from ``KITCHEN_BLOCK``, so that a few kitchens span several blocks.
    """
    with pytest.MonkeyPatch.context() as patch:
        if block is not None:
            patch.setattr(kitchens, "KITCHEN_BLOCK", block)
        assert_runs_identically(scenario, seed, reps, batch_size)


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_a_chunk_split_into_batches_runs_identically(batch_size):
    """Seven replications, in any order, through ``simulate_chunk`` in batches of a few."""
    s = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    s = sim.derive(s, {"horizon_days": 120})
    assert_runs_identically(s, 11, [4, 0, 13, 1, 2, 40, 7], batch_size)


def big_group(count: int) -> sim.Scenario:
    """A group of ``count`` kitchens with absences, beside a small one; buyers that want fresh."""
    return scenario(
        horizon_days=20,
        products={"p": {"shelf_life_days": 6}, "q": {}},
        kitchens=[
            {
                "name": "many",
                "count": count,
                "product": "p",
                "daily_output": {"distribution": "gamma", "mean": 2, "cv": 0.5},
                "absence": {"fraction": 0.2, "mean_spell_days": 3},
                "delivery": {"every_days": 2, "transport_days": 1},
            },
            {
                "name": "few",
                "count": 3,
                "product": "q",
                "daily_output": {"distribution": "poisson", "mean": 20},
                "absence": {"fraction": 0.1, "mean_spell_days": 1},
            },
        ],
        buyers=[
            {
                "name": "fresh",
                "every_days": 3,
                "quota": {"p": 4 * count, "q": 100},
                "min_shelf_life_fraction": 0.5,
                "shortfall": "backorder",
            },
            {"name": "any", "every_days": 5, "first_day": 1, "quota": {"p": count}},
        ],
        warehouse={"reject_fraction": 0.05},
    )


@pytest.mark.parametrize("draw_cells", [None, 100_000], ids=["default", "a-rep-at-a-time"])
def test_a_group_larger_than_a_block_runs_identically(draw_cells, monkeypatch):
    """The real block size: a group spanning three blocks, in one batch and in batches of two.

    With fewer chain cells, the batched engine also steps each block's absence chain one
    replication at a time.
    """
    if draw_cells is not None:
        monkeypatch.setattr(draws, "CHAIN_CELLS", draw_cells)
    s = big_group(2 * kitchens.KITCHEN_BLOCK + 5)
    assert_runs_identically(s, 5, [0, 3, 1])
    assert_runs_identically(s, 5, [0, 3, 1], batch_size=2)


def test_both_engines_draw_in_blocks_of_kitchen_block(monkeypatch):
    """Both engines read ``KITCHEN_BLOCK`` when they draw: 10 kitchens in blocks of 4, 4, 2."""
    sizes: list[int] = []
    sample = Gamma.sample

    def spy(self, rng, size):
        sizes.append(size[0])
        return sample(self, rng, size)

    monkeypatch.setattr(Gamma, "sample", spy)
    monkeypatch.setattr(kitchens, "KITCHEN_BLOCK", 4)
    s = big_group(10)
    simulate(s, 1, 0)
    assert sizes == [4, 4, 2]
    sizes.clear()
    draw_output = draws.draw_output  # the batched engine draws a gamma in place

    def spy_in_place(group, rng, out):
        if isinstance(group.daily_output, Gamma):
            sizes.append(out.shape[0])
        draw_output(group, rng, out)

    monkeypatch.setattr(draws, "draw_output", spy_in_place)
    simulate_batch(s, 1, [0, 1])
    assert Counter(sizes) == {4: 4, 2: 2}


def test_a_replication_does_not_depend_on_its_batch():
    """Replication 3 alone, or among others in any order: the same numbers."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    scenario = sim.derive(scenario, {"horizon_days": 120})
    alone = simulate_batch(scenario, 1, [3])[0]
    among = simulate_batch(scenario, 1, [9, 3, 0])[1]
    assert_same(alone, among)


@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1, 2**32, 2**63 - 1])
def test_streams_made_together_are_the_streams_made_one_by_one(seed):
    """``streams`` equals ``stream`` for each replication: the same state, the same draws.

    ``streams`` (the batched engine's) hashes the seed for many replications at once; ``stream``
    is numpy's own SeedSequence.
    """
    reps = [0, 1, 2, 7, 499, 2**31, 2**32 - 1, 2**32, 3]  # past 2**32: made one by one
    for name in (streams.QUALITY_CONTROL, streams.kitchen_output("peyek-makers"), ""):
        for r, ours in zip(reps, streams.streams(seed, reps, name), strict=True):
            theirs = streams.stream(seed, r, name)
            assert ours.bit_generator.state == theirs.bit_generator.state, (seed, r, name)
            np.testing.assert_array_equal(ours.random(4), theirs.random(4))


def test_stream_names_never_change():
    """A stream's name is its seed: renaming one would change every number drawn from it."""
    assert streams.QUALITY_CONTROL == "warehouse/quality-control"
    assert streams.buyer_transit("zurich") == "buyers/zurich/transit"
    assert streams.supply_shock("flood") == "shocks/flood"
    assert streams.kitchen_output("peyek-makers") == "kitchens/peyek-makers/output"
    assert streams.kitchen_absence("peyek-makers") == "kitchens/peyek-makers/absence"
    assert streams.SWEEP_DESIGN == "sweep/design"
    assert streams.EXPLORE_FUTURES == "explore/futures"
    assert streams.EXPLORE_BOOTSTRAP == "explore/bootstrap"
    assert streams.GSA_SALIB == "gsa/salib"


def test_the_engines_spell_no_stream_name_of_their_own():
    """Every ``stream(...)`` of the engines is named by ``sim.engine.streams``, not a literal."""
    for path in sorted((ROOT / "sim" / "engine").glob("*.py")):
        if path.name == "streams.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "stream":
                name = node.args[2] if len(node.args) > 2 else node.keywords[0].value
                spelled = isinstance(name, ast.JoinedStr | ast.Constant)
                assert not spelled, f"{path.name}:{node.lineno}: a stream name spelled in place"

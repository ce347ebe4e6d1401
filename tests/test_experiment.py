"""The experiment runner: executors agree bit for bit, runs are stored and reused, precision."""

from __future__ import annotations

import builtins
import sqlite3

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiments.executors import Dask, LocalProcesses, MissingDaskError, Serial
from sim.experiments.runner import Runner, Variant
from sim.experiments.store import RunStore, StoreError
from sim.results.precision import Precision

from conftest import scenario

NOISY = {"kitchens.k.count": 3, "kitchens.k.daily_output": {"distribution": "poisson", "mean": 23}}


def noisy() -> sim.Scenario:
    """Three Poisson kitchens (483 a week on average) against 480 a week: misses vary."""
    return scenario({**NOISY, "buyers.b.quota.p": 480}, horizon_days=63)


class Counting(Serial):
    """A serial executor that counts the replications it simulates."""

    def __init__(self) -> None:
        """Start counting at zero."""
        self.simulated = 0

    def run(self, chunks):
        """Simulate serially, counting."""
        for chunk, outcomes in super().run(chunks):
            self.simulated += len(outcomes)
            yield chunk, outcomes


def same(a: sim.Results, b: sim.Results) -> None:
    """Two results are identical, table for table, bit for bit."""
    pd.testing.assert_frame_equal(a.shipments, b.shipments)
    pd.testing.assert_frame_equal(a.products, b.products)
    assert np.array_equal(a.stock, b.stock)


def test_local_processes_match_the_serial_run_bit_for_bit():
    """Worker processes, chunked however, give the serial run's results."""
    serial = sim.run(noisy(), replications=13, seed=9, executor=Serial())
    with LocalProcesses(2) as pool:
        same(serial, sim.run(noisy(), replications=13, seed=9, executor=pool))


def test_a_dask_local_cluster_matches_the_serial_run_bit_for_bit():
    """A real 2-worker Dask LocalCluster on loopback gives the serial run's results."""
    serial = sim.run(noisy(), replications=13, seed=9, executor=Serial())
    with Dask("local", workers=2) as cluster:
        assert cluster.workers == 2
        same(serial, sim.run(noisy(), replications=13, seed=9, executor=cluster))


def test_missing_dask_is_explained(monkeypatch):
    """Without the optional extra, asking for Dask says how to install it."""
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith(("dask", "distributed")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(MissingDaskError, match=r"pip install 'umkm-sim\[dask\]'"):
        Dask("local")


def test_stored_runs_are_reused_not_repeated(tmp_path):
    """A second experiment over a store simulates only what the store does not hold."""
    store = RunStore(tmp_path / "runs.sqlite")
    first = Counting()
    sim.run(noisy(), replications=6, seed=1, executor=first, store=store)
    assert (first.simulated, len(store)) == (6, 6)
    second = Counting()
    results = sim.run(noisy(), replications=10, seed=1, executor=second, store=store)
    assert second.simulated == 4
    same(results, sim.run(noisy(), replications=10, seed=1, executor=Serial()))
    store.close()


def test_store_keys_by_what_is_simulated_not_by_name():
    """Two variants that simulate the same thing run once; a changed one runs anew."""
    counting = Counting()
    runner = Runner(seed=1, executor=counting)
    twin = sim.derive(noisy(), {"name": "twin"})
    changed = sim.derive(noisy(), {"kitchens.k.count": 4})
    runner.run([Variant("a", noisy()), Variant("b", twin), Variant("c", changed)], 5)
    assert counting.simulated == 10


def test_summarise_keeps_each_variants_summary_and_lets_its_results_go(tmp_path):
    """Summaries equal those of whole results; none stay behind, fresh or resumed from a store."""
    variants = [
        Variant(f"v{k}", sim.derive(noisy(), {"kitchens.k.count": k}), {}) for k in (2, 3, 4)
    ]

    def misses(variant, outcomes):
        return sim.Results(variant.scenario, 5, outcomes).kpis()["quota_miss_rate"].tolist()

    whole = Runner(seed=5, executor=Serial()).run(variants, 7)
    expected = {v.name: misses(v, whole[v.name]) for v in variants}
    store = RunStore(tmp_path / "runs.sqlite")
    Runner(seed=5, executor=Serial(), store=store).run(variants[:1], 4)  # a partial earlier run
    for executor in (Serial(), Counting()):
        runner = Runner(seed=5, executor=executor, store=store)
        assert runner.summarise(variants, 7, misses) == expected
        assert not runner._done  # noqa: SLF001 (every variant's replications were let go once summarised)
    assert executor.simulated == 0  # the second time, everything came from the store
    store.close()


def test_a_store_from_another_version_or_not_a_store_is_refused(tmp_path):
    """The version is recorded; a different one (or a non-database) is refused clearly."""
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0.0.1' WHERE key = 'version'")
    with pytest.raises(StoreError, match=r"made by umkm-sim 0\.0\.1"):
        RunStore(path)
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database at all" * 100)
    with pytest.raises(StoreError, match="not a run store"):
        RunStore(junk)


def test_precision_adds_replications_until_the_half_width_is_reached():
    """The result reports the reached half-width, and equals a plain run of that size."""
    results = sim.run(noisy(), replications=5, seed=2, workers=1, precision=Precision(0.05))
    report = results.precision
    assert report.reached
    assert report.half_width <= 0.05
    assert report.replications == results.replications > 5
    lo, hi = results.document()["quota_miss_rate"]["ci95"]
    assert (hi - lo) / 2 == pytest.approx(report.half_width)
    same(results, sim.run(noisy(), replications=report.replications, seed=2, workers=1))
    assert results.document()["precision"]["reached"] is True


def test_precision_stops_at_the_cap_and_says_so():
    """An unreachable precision stops at the cap, reported as not reached."""
    results = sim.run(
        noisy(), replications=4, seed=2, workers=1, precision=Precision(1e-6, max_replications=12)
    )
    assert results.replications == 12
    assert not results.precision.reached
    assert "NOT reached" in sim.say(results)


def test_batch_sizes_follow_the_square_root_law_and_respect_the_cap():
    """Half-width 2x the target at n: aim for 4.4 n; at least a quarter more; cap."""
    p = Precision(0.01, max_replications=1000)
    assert p.next_total(100, 0.02) == 440
    assert p.next_total(100, 0.0101) == 125
    assert p.next_total(100, None) == 200
    assert p.next_total(900, 0.05) == 1000


def test_a_dask_cluster_runs_the_same_scenario_twice_in_a_row():
    """Successive experiments on one cluster (as precision batches are) keep their data."""
    with Dask("local", workers=2) as cluster:
        first = sim.run(noisy(), replications=6, seed=1, executor=cluster)
        second = sim.run(noisy(), replications=6, seed=1, executor=cluster)
    same(first, second)

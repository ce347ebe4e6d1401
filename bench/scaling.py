"""Scaling: runs per second on 1 and 2 local workers and on 1- and 2-worker Dask LocalClusters.

All run the default scenario in the same session, alternately, several rounds; the machine is
shared and noisy, so read the ratios. Each executor is started (and warmed up with one small
batch) before it is timed, as a long experiment would amortise its start-up. Also checks that
all give identical results.

    python bench/scaling.py [--replications 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import sim
from sim.experiments.executors import Dask, LocalProcesses, Serial

DEFAULT = Path(__file__).resolve().parent.parent / "scenarios" / "balikpapan.yaml"


def runs_per_second(executor: object, scenario: sim.Scenario, replications: int) -> float:
    """Time one experiment of ``replications`` runs on ``executor``."""
    start = time.perf_counter()
    results = sim.run(scenario, replications=replications, seed=1, executor=executor)
    elapsed = time.perf_counter() - start
    assert results.replications == replications
    return replications / elapsed


EXECUTORS: dict[str, Callable[[], Any]] = {
    "1 worker": lambda: LocalProcesses(1),
    "2 local workers": lambda: LocalProcesses(2),
    "Dask 1 worker": lambda: Dask("local", workers=1),
    "Dask 2 workers": lambda: Dask("local", workers=2),
}


def main() -> None:
    """Measure and print runs per second for each executor, and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    scenario = sim.load_scenario(DEFAULT)
    reference = sim.run(scenario, replications=20, seed=1, executor=Serial())
    rates: dict[str, list[float]] = {name: [] for name in EXECUTORS}
    for _ in range(args.rounds):
        for name, start in EXECUTORS.items():
            # Only one executor alive at a time: an idle cluster still takes CPU.
            with start() as executor:
                warm = sim.run(scenario, replications=20, seed=1, executor=executor)
                assert np.array_equal(warm.stock, reference.stock)  # identical results
                rates[name].append(runs_per_second(executor, scenario, args.replications))

    print(f"{scenario.name}: {args.replications} replications a measurement, {args.rounds} rounds")
    median = {name: statistics.median(r) for name, r in rates.items()}
    for name, rate in median.items():
        rounds = ", ".join(f"{r:.1f}" for r in rates[name])
        print(f"  {name:<16} {rate:8.1f} runs/s   (rounds: {rounds})")
    # Ratios within a round share that round's machine load: take the median of those.
    local = statistics.median(
        two / one for two, one in zip(rates["2 local workers"], rates["1 worker"], strict=True)
    )
    dask = statistics.median(
        d / two for d, two in zip(rates["Dask 2 workers"], rates["2 local workers"], strict=True)
    )
    dask_scaling = statistics.median(
        two / one for two, one in zip(rates["Dask 2 workers"], rates["Dask 1 worker"], strict=True)
    )
    print(f"2 local workers / 1 worker: {local:.2f}x (median of rounds; target >= 1.8x)")
    print(f"Dask 2 workers / 1 worker:  {dask_scaling:.2f}x (median of rounds)")
    print(f"Dask / local pool:          {dask:.2f}  (median of rounds; target >= 0.85)")
    print("results identical to a serial run on all of them: yes")


if __name__ == "__main__":
    main()

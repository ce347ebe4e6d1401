"""The batched engine against the reference engine, naive SimPy and plain numpy, in one run.

1. Replications per second on the default scenario (every mechanism on), one core: the batched
   engine (whole batches) against the per-replication reference engine, in interleaved rounds.
2. A plain year of 500 gamma kitchens (``throughput.plain``), 40 replications through ``sim.run``
   on one core: in a fresh process (its first batch, imports done) and warm, against a naive
   one-process-per-kitchen-day SimPy model (``bench/throughput.py``) and against the plain-numpy
   floor (the same gamma draws from the same streams, rounded and summed, nothing else).
3. A worker's cold start: a fresh interpreter importing what a worker imports, unpickling the
   scenario and simulating a first (one-replication) batch.
4. Peak memory (max RSS of a fresh process) against the batch size, and of a whole
   10,000-replication run.
The machine is shared and noisy: read the median ratios, not the single times.

    python bench/engine.py [--batch 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import sim
from sim.engine.batched import simulate_batch
from sim.engine.replication import simulate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "balikpapan.yaml"


def reps_per_second(engine: str, scenario: sim.Scenario, reps: int, first: int) -> float:
    """Simulate ``reps`` replications (numbers from ``first``) on this core; return their rate."""
    numbers = list(range(first, first + reps))
    start = time.perf_counter()
    if engine == "batched":
        simulate_batch(scenario, 1, numbers)
    else:
        for r in numbers:
            simulate(scenario, 1, r)
    return reps / (time.perf_counter() - start)


def fresh_and_warm(kitchens: int, reps: int) -> tuple[float, float, float]:
    """Seconds of ``sim.run`` in a fresh process, first call and warm, and of the numpy floor.

    All on one core, in that process; the floor between the warm calls (medians of three).
    Imports and the scenario are done before the clock starts: the first call pays what a fresh
    process pays for its first batch (page faults of new memory, first calls), not imports.
    """
    code = (
        "import statistics, sys, time; sys.path.insert(0, 'bench'); "
        "import engine, throughput, sim; from sim.experiments import runner; "
        f"s = throughput.plain({kitchens}); warm, floor = [], []\n"
        "def run():\n"
        "    start = time.perf_counter()\n"
        f"    sim.run(s, replications={reps}, workers=1)\n"
        "    return time.perf_counter() - start\n"
        "first = run()\n"
        "for _ in range(3):\n"
        "    warm.append(run())\n"
        f"    floor.append(engine.numpy_floor(s, {reps}))\n"
        "print(first, statistics.median(warm), statistics.median(floor))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    first, warm, floor = done.stdout.split()
    return float(first), float(warm), float(floor)


def numpy_floor(scenario: sim.Scenario, reps: int) -> float:
    """Seconds to draw every kitchen-day's gamma output from its stream, round it and sum it."""
    from sim.engine.streams import kitchen_output, stream  # noqa: PLC0415

    start = time.perf_counter()
    for r in range(reps):
        for group in scenario.kitchens:
            d = group.daily_output
            shape, scale = 1 / d.cv**2, d.mean * d.cv**2  # type: ignore[union-attr]
            rng = stream(1, r, kitchen_output(group.name))
            draws = rng.gamma(shape, scale, (group.count, scenario.horizon_days))
            np.rint(draws).astype(np.int64).sum(axis=0)
    return time.perf_counter() - start


def cold_start(scenario: sim.Scenario) -> tuple[float, float]:
    """Seconds a fresh worker takes to import and unpickle, and then its first batch, done.

    Measured inside a fresh interpreter from its start (``python -X importtime`` shows what the
    imports are); the interpreter's own start-up is left out.
    """
    with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as f:
        pickle.dump(scenario, f)
    code = (
        "import time; t0 = time.perf_counter(); import pickle; "
        "from sim.experiments.executors import simulate_chunk; "
        f"s = pickle.load(open({f.name!r}, 'rb')); t1 = time.perf_counter(); "
        "simulate_chunk(s, 1, [0]); print(t1 - t0, time.perf_counter() - t0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    Path(f.name).unlink()
    ready, first = done.stdout.split()
    return float(ready), float(first)


def peak_mb(code: str) -> float:
    """Max RSS of a fresh Python process running ``code`` (after importing sim)."""
    script = (
        "import resource, sys; sys.path.insert(0, 'bench'); import sim; "
        f"{code}; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def ratios(over: list[float], under: list[float], digits: int, unit: str = "") -> str:
    """The median of the rounds' ratios, and each round's."""
    each = [f / s for f, s in zip(over, under, strict=True)]
    rounds = ", ".join(f"{r:.{digits}f}{unit}" for r in each)
    return f"{statistics.median(each):.{digits}f}{unit} (rounds: {rounds})"


def default_scenario(scenario: sim.Scenario, batch: int, reference: int, rounds: int) -> None:
    """1. The batched engine against the reference, on the default scenario."""
    print(f"1. default scenario ({scenario.horizon_days} days, every mechanism), one core")
    simulate_batch(scenario, 1, list(range(10)))  # warm: one-time costs are section 3's
    simulate(scenario, 1, 0)
    fast, slow = [], []
    for i in range(rounds):
        fast.append(reps_per_second("batched", scenario, batch, i * batch))
        slow.append(reps_per_second("reference", scenario, reference, i * reference))
    print(f"   batched engine:   {statistics.median(fast):8.0f} replications/s (batch {batch})")
    print(f"   reference engine: {statistics.median(slow):8.0f} replications/s")
    print(f"   ratio: {ratios(fast, slow, 1, 'x')}; target >= 15x")


def many_kitchens(rounds: int) -> None:
    """2. A year of 500 kitchens: fresh and warm, against naive SimPy and the numpy floor."""
    sys.path.insert(0, str(ROOT / "bench"))
    from throughput import naive_simulate, plain  # noqa: PLC0415 (the naive model lives there)

    big = plain(500)
    reps = 40
    days = sum(g.count for g in big.kitchens) * big.horizon_days
    print(
        f"2. a plain year of 500 gamma kitchens ({big.horizon_days} days), {reps} replications "
        "through sim.run, one core: kitchen-days per second"
    )
    firsts, warms, naives, floors = [], [], [], []
    for i in range(rounds):
        first, warm, floor = fresh_and_warm(500, reps)
        firsts.append(days * reps / first)
        warms.append(days * reps / warm)
        floors.append(days * reps / floor)
        start = time.perf_counter()
        naive_simulate(big, 1, i)
        naives.append(days / (time.perf_counter() - start))
    print(f"   batched, fresh process: {statistics.median(firsts):14,.0f} (its first batch)")
    print(f"   batched, warm:          {statistics.median(warms):14,.0f}")
    print(f"   naive SimPy:            {statistics.median(naives):14,.0f}")
    print(f"   plain-numpy floor:      {statistics.median(floors):14,.0f}")
    print(f"   fresh / naive SimPy: {ratios(firsts, naives, 0, 'x')}; target >= 50x")
    print(f"   warm / numpy floor:  {ratios(warms, floors, 2)}; target >= 0.8")


def worker_start(scenario: sim.Scenario, rounds: int) -> None:
    """3. A worker's cold start."""
    print("3. a worker's cold start (target: under 0.5 s)")
    starts = [cold_start(scenario) for _ in range(rounds)]
    for name, times in (
        ("imported, scenario unpickled", [r for r, _ in starts]),
        ("its first batch done", [d for _, d in starts]),
    ):
        each = ", ".join(f"{t:.2f}" for t in times)
        print(f"   {name + ':':<30}{statistics.median(times):.2f} s (rounds: {each})")


def memory() -> None:
    """4. Peak memory against the batch size."""
    print("4. peak memory (max RSS of a fresh process), default scenario")
    load = f"s = sim.load_scenario({str(DEFAULT)!r})"
    for batch in (50, 200, 500):
        engine = peak_mb(
            f"{load}; from sim.engine.batched import simulate_batch; "
            f"simulate_batch(s, 1, list(range({batch})))"
        )
        print(f"   one batch of {batch:4d}: {engine:7.1f} MB")
    whole = peak_mb(f"{load}; sim.run(s, replications=10_000, workers=1).document()")
    print(f"   a whole run of 10,000 replications with its tables (batches of 500): {whole:.0f} MB")


def main() -> None:
    """Measure and print the ratios and the memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=500, help="replications per batched round")
    parser.add_argument("--reference", type=int, default=30, help="per reference round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    args = parser.parse_args()

    scenario = sim.load_scenario(DEFAULT)
    default_scenario(scenario, args.batch, args.reference, args.rounds)
    many_kitchens(args.rounds)
    worker_start(scenario, args.rounds)
    if not args.no_memory:
        memory()


if __name__ == "__main__":
    main()

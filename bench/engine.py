"""The batched engine against the per-replication reference engine, and against naive SimPy.

1. Replications per second on the default scenario (every mechanism on), one core: the batched
   engine (whole batches) against the reference engine (the oracle), in interleaved rounds.
2. Kitchen-days per second on the default scenario scaled to 500 kitchens: the batched engine
   against the naive one-process-per-kitchen SimPy model of ``bench/throughput.py``.
3. Peak memory (max RSS of a fresh process) against the batch size, and of a whole
   10,000-replication run.
The machine is shared and noisy: read the median ratios, not the single times.

    python bench/engine.py [--batch 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def main() -> None:
    """Measure and print the ratios and the memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=500, help="replications per batched round")
    parser.add_argument("--reference", type=int, default=30, help="per reference round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    scenario = sim.load_scenario(DEFAULT)
    print(f"1. default scenario ({scenario.horizon_days} days, every mechanism), one core")
    fast, slow = [], []
    for i in range(args.rounds):
        fast.append(reps_per_second("batched", scenario, args.batch, i * args.batch))
        slow.append(reps_per_second("reference", scenario, args.reference, i * args.reference))
    ratios = [f / s for f, s in zip(fast, slow, strict=True)]
    print(
        f"   batched engine:   {statistics.median(fast):8.0f} replications/s (batch {args.batch})"
    )
    print(f"   reference engine: {statistics.median(slow):8.0f} replications/s")
    rounds = ", ".join(f"{r:.1f}x" for r in ratios)
    print(f"   ratio: {statistics.median(ratios):.1f}x (rounds: {rounds})")

    sys.path.insert(0, str(ROOT / "bench"))
    from throughput import naive_simulate, scaled  # noqa: PLC0415 (the naive model lives there)

    big = scaled(500)
    days = sum(g.count for g in big.kitchens) * big.horizon_days
    print("2. default scenario scaled to 500 kitchens: kitchen-days per second, one core")
    fast, slow = [], []
    for i in range(args.rounds):
        fast.append(days * reps_per_second("batched", big, 50, i * 50))
        start = time.perf_counter()
        naive_simulate(big, 1, i)
        slow.append(days / (time.perf_counter() - start))
    ratios = [f / s for f, s in zip(fast, slow, strict=True)]
    print(f"   batched engine: {statistics.median(fast):14,.0f} kitchen-days/s (batch 50)")
    print(f"   naive SimPy:    {statistics.median(slow):14,.0f} kitchen-days/s")
    rounds = ", ".join(f"{r:.0f}x" for r in ratios)
    print(f"   ratio: {statistics.median(ratios):.0f}x (rounds: {rounds})")

    print("3. peak memory (max RSS of a fresh process), default scenario")
    load = f"s = sim.load_scenario({str(DEFAULT)!r})"
    for batch in (50, 200, 500):
        engine = peak_mb(
            f"{load}; from sim.engine.batched import simulate_batch; "
            f"simulate_batch(s, 1, list(range({batch})))"
        )
        print(f"   one batch of {batch:4d}: {engine:7.1f} MB")
    whole = peak_mb(f"{load}; sim.run(s, replications=10_000, workers=1).document()")
    print(f"   a whole run of 10,000 replications with its tables (batches of 500): {whole:.0f} MB")


if __name__ == "__main__":
    main()

"""Throughput: the vectorised model against a naive SimPy model of the same scenario, same run.

The naive model is what one would write first: one SimPy process per kitchen, one event and one
scalar random draw per kitchen-day. Everything else (warehouse, buyers, event order) is shared,
so the ratio measures the kitchens' design alone. Both run on one core, alternately, several
times; the machine is shared and noisy, so read the ratio, not the single times.

Also measures peak memory (max RSS of a fresh process) against the number of replications.

    python bench/throughput.py [--kitchens 500] [--replications 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path

import numpy as np
import simpy

import sim
from sim.calendar import working_mask
from sim.model import simulate
from sim.scenario import Scenario
from sim.shipments import ship
from sim.streams import stream
from sim.timing import At, Phase
from sim.warehouse import Warehouse

DEFAULT = Path(__file__).resolve().parent.parent / "scenarios" / "balikpapan.yaml"


def scaled(kitchens: int) -> Scenario:
    """The default scenario with ``kitchens`` kitchens in all, quotas scaled alike."""
    base = sim.load_scenario(DEFAULT)
    factor = kitchens / sum(g.count for g in base.kitchens)
    overrides: dict[str, object] = {
        f"kitchens.{g.name}.count": round(g.count * factor) for g in base.kitchens
    }
    for b in base.buyers:
        for product, packs in b.quota.items():
            overrides[f"buyers.{b.name}.quota.{product}"] = round(packs * factor)
    overrides["warehouse.capacity"] = round((base.warehouse.capacity or 0) * factor) or None
    return sim.derive(base, overrides)


def naive_simulate(scenario: Scenario, seed: int, replication: int) -> np.ndarray:
    """The same model with one process and one event per kitchen per day; returns lines."""
    env = simpy.Environment()
    horizon = scenario.horizon_days
    products = {name: i for i, name in enumerate(scenario.products)}
    warehouse = Warehouse(
        env,
        [p.shelf_life_days for p in scenario.products.values()],
        scenario.warehouse.capacity,
        horizon,
    )

    def kitchen(
        order: int, product: int, draw: Callable[[], float], works: np.ndarray
    ) -> Generator[simpy.Event, None, None]:
        for day in range(horizon):
            yield At(env, day + 1, Phase.ARRIVE, order)
            if works[day]:
                warehouse.receive(product, day, round(max(draw(), 0.0)))

    for order, group in enumerate(scenario.kitchens):
        works = working_mask(group.working_days, horizon, scenario.start_date)
        for k in range(group.count):
            rng = stream(seed, replication, f"naive/{group.name}/{k}")
            draw = _scalar_draw(group.daily_output, rng)
            env.process(kitchen(order, products[group.product], draw, works))
    lines: list[tuple[int, ...]] = []
    for order, buyer in enumerate(scenario.buyers):
        env.process(
            ship(
                env,
                order,
                buyer,
                products=products,
                horizon_days=horizon,
                warehouse=warehouse,
                lines=lines,  # type: ignore[arg-type]
            )
        )
    env.run(until=At(env, horizon, Phase.END))
    return np.array(lines)


def _scalar_draw(dist: object, rng: np.random.Generator) -> Callable[[], float]:
    """One scalar draw per call, as a naive model does."""
    return lambda: float(dist.sample(rng, None))  # type: ignore[attr-defined]


def kitchen_days_per_second(model: Callable[..., object], scenario: Scenario, reps: int) -> float:
    """Run ``reps`` replications on this core; return simulated kitchen-days per second."""
    start = time.perf_counter()
    for r in range(reps):
        model(scenario, 1, r)
    elapsed = time.perf_counter() - start
    return sum(g.count for g in scenario.kitchens) * scenario.horizon_days * reps / elapsed


def peak_memory_mb(kitchens: int, replications: int, *, keep_results: bool) -> float:
    """Max RSS of a fresh process simulating ``replications`` on one core.

    With ``keep_results`` it is a whole ``sim.run`` (tables and summary kept, which grow by one
    row per replication and line); without, the engine alone (each replication dropped).
    """
    work = (
        f"sim.run(s, replications={replications}, workers=1).summary"
        if keep_results
        else f"all(simulate(s, 1, r) is not None for r in range({replications}))"
    )
    code = (
        "import resource, sys; sys.path.insert(0, 'bench'); import throughput, sim; "
        "from sim.model import simulate; "
        f"s = throughput.scaled({kitchens}); {work}; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    return int(done.stdout.strip()) / 1024


def main() -> None:
    """Measure and print kitchen-days per second for both models, their ratio, and memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kitchens", type=int, default=500)
    parser.add_argument("--replications", type=int, default=20, help="per round, vectorised")
    parser.add_argument("--naive-replications", type=int, default=2, help="per round, naive")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    scenario = scaled(args.kitchens)
    total = sum(g.count for g in scenario.kitchens)
    print(f"default scenario scaled to {total} kitchens x {scenario.horizon_days} days, one core")
    fast, slow = [], []
    for _ in range(args.rounds):
        fast.append(kitchen_days_per_second(simulate, scenario, args.replications))
        slow.append(kitchen_days_per_second(naive_simulate, scenario, args.naive_replications))
    ratios = [f / s for f, s in zip(fast, slow, strict=True)]
    print(f"vectorised: {statistics.median(fast):14,.0f} kitchen-days/s (median of {args.rounds})")
    print(f"naive SimPy: {statistics.median(slow):13,.0f} kitchen-days/s (median of {args.rounds})")
    rounds = ", ".join(f"{r:.0f}x" for r in ratios)
    print(f"ratio: {statistics.median(ratios):.0f}x (rounds: {rounds})")
    print("peak memory (max RSS of a fresh process, one core):")
    print("  replications   engine alone   whole run with its result tables")
    for reps in (10, 100, 400):
        engine = peak_memory_mb(args.kitchens, reps, keep_results=False)
        whole = peak_memory_mb(args.kitchens, reps, keep_results=True)
        print(f"  {reps:12d} {engine:11.1f} MB {whole:11.1f} MB")


if __name__ == "__main__":
    main()

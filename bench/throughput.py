"""Throughput: the vectorised model against a naive SimPy model of the same scenario, same run.

The naive model is what one would write first: one SimPy process per kitchen, one event and
scalar random draws per kitchen-day. Everything else (warehouse, buyers, calendar, supply,
finance, event order) is shared, so the ratio measures the kitchens' design alone. The default
scenario has every mechanism on (absences, holidays, supply seasons and shocks, local market,
batched deliveries, quality control, production response, transit, contracts, cash). Both run
on one core, alternately, several times; the machine is shared and noisy, so read the ratio,
not the single times.

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
from sim.engine.kitchens import absence_rates
from sim.engine.replication import simulate
from sim.engine.timing import At, Phase
from sim.scenario.limits import MAX_DRAW
from sim.scenario.schema import KitchenGroup, Scenario

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
    for product, packs in base.warehouse.max_stock.items():
        overrides[f"warehouse.max_stock.{product}"] = round(packs * factor)
    for group in base.kitchens:
        if group.boost is not None:
            below = round(group.boost.when_stock_below * factor)
            overrides[f"kitchens.{group.name}.boost.when_stock_below"] = below
    if base.finance is not None:
        overrides["finance.fund"] = base.finance.fund * factor
    return sim.derive(base, overrides)


def plain(kitchens: int) -> Scenario:
    """A plain year: ``kitchens`` gamma kitchens of one product, every day, one weekly buyer.

    No calendar, absences, supply seasons, shocks, quality control or cash: the kitchens' draws
    are nearly all the work, so it is measured against the plain-numpy floor of those draws.
    """
    return Scenario.model_validate(
        {
            "name": f"plain-{kitchens}",
            "horizon_days": 364,
            "products": {"peyek": {}},
            "kitchens": [
                {
                    "name": "kitchens",
                    "count": kitchens,
                    "product": "peyek",
                    "daily_output": {"distribution": "gamma", "mean": 300, "cv": 0.3},
                }
            ],
            "buyers": [{"name": "weekly", "every_days": 7, "quota": {"peyek": 2000 * kitchens}}],
        }
    )


def naive_produce(
    env: simpy.Environment,
    order: int,
    group: KitchenGroup,
    *,
    works: np.ndarray,
    multiplier: np.ndarray,
    output_rng: np.random.Generator,
    absence_rng: np.random.Generator,
) -> np.ndarray:
    """One process per kitchen, one event and scalar draws per kitchen per day.

    The same kitchen model as the bulk one (absence chain, calendar, supply multiplier,
    rounding); only the way of computing it differs.
    """
    made = np.zeros(len(works), dtype=np.int64)
    absence = group.absence if group.absence is not None and group.absence.fraction > 0 else None
    leave, back = (0.0, 1.0) if absence is None else absence_rates(absence)

    def kitchen() -> Generator[simpy.Event, None, None]:
        present = absence is None or absence_rng.random() >= absence.fraction
        for day in range(len(works)):
            yield At(env, day, Phase.PLAN, order)
            if absence is not None:
                u = absence_rng.random()
                present = u >= leave if present else u < back
            draw = max(float(group.daily_output.sample(output_rng, None)), 0.0)
            if works[day] and present:
                made[day] += round(min(draw * multiplier[day], MAX_DRAW))

    for _ in range(group.count):
        env.process(kitchen())
    return made


def naive_simulate(scenario: Scenario, seed: int, replication: int) -> object:
    """The same model with naive kitchens: one process and one event per kitchen per day."""
    return simulate(scenario, seed, replication, produce=naive_produce)


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
        f"sim.run(s, replications={replications}, workers=1).document()"
        if keep_results
        else f"all(simulate(s, 1, r) is not None for r in range({replications}))"
    )
    code = (
        "import resource, sys; sys.path.insert(0, 'bench'); import throughput, sim; "
        "from sim.engine.replication import simulate; "
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

"""Replications of a scenario, run in parallel over local processes.

Each replication draws only from its own named streams, so the results are the same whatever
the number of workers and however replications are split among them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from sim.model import Replication, simulate
from sim.results import Results
from sim.scenario import Scenario

# Chunks per worker: enough to balance uneven replications, few enough to keep overhead small.
_CHUNKS_PER_WORKER = 4


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
) -> Results:
    """Run replications of a scenario and return its results.

    Args:
        scenario: What to simulate (see ``sim.load_scenario``).
        replications: How many; default: the scenario's ``replications``.
        seed: Default: the scenario's ``seed``.
        workers: Local worker processes; default: every available core.
    """
    n = scenario.replications if replications is None else replications
    if n < 1:
        raise ValueError(f"replications must be >= 1, got {n}")
    seed = scenario.seed if seed is None else seed
    outcomes = run_replications(scenario, seed, range(n), workers)
    return Results(scenario, seed, outcomes)


def run_replications(
    scenario: Scenario, seed: int, replications: Sequence[int], workers: int | None = None
) -> list[Replication]:
    """Simulate the given replication numbers; return them in the order given."""
    workers = available_cores() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if workers == 1 or len(replications) < 2:  # noqa: PLR2004 (nothing to share out)
        return simulate_many(scenario, seed, replications)
    chunks = _split(replications, workers * _CHUNKS_PER_WORKER)
    with ProcessPoolExecutor(min(workers, len(chunks))) as pool:
        done = pool.map(simulate_many, [scenario] * len(chunks), [seed] * len(chunks), chunks)
        return [outcome for chunk in done for outcome in chunk]


def simulate_many(scenario: Scenario, seed: int, replications: Sequence[int]) -> list[Replication]:
    """Simulate replications one after another in this process."""
    return [simulate(scenario, seed, r) for r in replications]


def available_cores() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _split(items: Sequence[int], parts: int) -> list[Sequence[int]]:
    size = -(-len(items) // parts)
    return [items[i : i + size] for i in range(0, len(items), size)]

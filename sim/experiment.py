"""Experiments: replications of scenario variants, run on an executor, kept as they finish.

Replication ``r`` of a scenario always uses the same named streams, so variants run with one seed
share common random numbers, and a result does not depend on the executor, the number of
workers, the batches it was run in, or whether it was interrupted and resumed from the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sim.executors import Chunk, Executor, make_executor
from sim.metrics import mean_ci
from sim.model import Replication
from sim.precision import Precision, PrecisionReport
from sim.progress import Progress
from sim.results import Results
from sim.scenario import Scenario
from sim.store import RunStore

HEADLINE = "quota_miss_rate"
_MAX_CHUNK = 100


@dataclass(frozen=True)
class Variant:
    """A scenario to run in an experiment, named, with the overrides that made it."""

    name: str
    scenario: Scenario
    settings: Mapping[str, Any] = field(default_factory=dict)


class Interrupted(Exception):  # noqa: N818 (it is not an error of the user's)
    """An experiment stopped before it finished; what finished is in the store."""

    def __init__(self, reason: str, saved: int, missing: int) -> None:
        """Record why and how far it got."""
        self.reason, self.saved, self.missing = reason, saved, missing
        super().__init__(f"{reason}: {saved} runs finished, {missing} not")


class Runner:
    """Runs replications of variants on an executor, saving each chunk to a store as it finishes.

    Args:
        seed: The experiment's seed.
        executor: Where to run; default: local processes on every core.
        store: Where finished replications are saved and found again.
        progress: A progress bar; default: none.
    """

    def __init__(
        self,
        seed: int,
        executor: Executor | None = None,
        store: RunStore | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Set up; nothing runs until asked."""
        self.seed = seed
        self.executor = executor or make_executor()
        self.store = store
        self.progress = progress or Progress(enabled=False)
        self._done: dict[str, dict[int, Replication]] = {}  # by scenario digest

    def run(self, variants: Sequence[Variant], replications: int) -> dict[str, list[Replication]]:
        """Make sure replications ``0..replications-1`` of every variant are done; return them."""
        chunks = self._missing_chunks(variants, replications)
        self.progress.expect(sum(len(c.replications) for c in chunks))
        finished = 0
        try:
            for chunk, outcomes in self.executor.run(chunks):
                if self.store is not None:
                    self.store.put(chunk.key, self.seed, outcomes)
                self._done[chunk.key].update((o.replication, o) for o in outcomes)
                finished += len(outcomes)
                self.progress.advance(len(outcomes))
        except (KeyboardInterrupt, BrokenProcessPool) as exc:
            reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else "a worker died"
            total = sum(len(c.replications) for c in chunks)
            raise Interrupted(reason, finished, total - finished) from None
        return {
            v.name: [self._done[v.scenario.digest()][r] for r in range(replications)]
            for v in variants
        }

    def run_precise(
        self, variants: Sequence[Variant], start: int, precision: Precision
    ) -> tuple[dict[str, list[Replication]], PrecisionReport]:
        """Run batches until every variant's headline half-width meets ``precision``.

        Batch sizes follow from the half-width so far (it shrinks as 1/sqrt(n)), so they
        depend only on finished batches: a resumed experiment takes the same steps.
        """
        n = max(2, min(start, precision.max_replications))
        while True:
            outcomes = self.run(variants, n)
            width = max_half_width(variants, outcomes, self.seed)
            if (width is not None and width <= precision.half_width) or (
                n >= precision.max_replications
            ):
                return outcomes, PrecisionReport(precision.half_width, width, n)
            n = precision.next_total(n, width)

    def _missing_chunks(self, variants: Sequence[Variant], replications: int) -> list[Chunk]:
        missing: dict[str, tuple[Scenario, list[int]]] = {}
        for variant in variants:
            key = variant.scenario.digest()
            if key in missing:  # two variants that simulate the same thing run once
                continue
            done = self._done.setdefault(key, {})
            wanted = [r for r in range(replications) if r not in done]
            if self.store is not None and wanted:
                done.update(self.store.get(key, self.seed, wanted))
                wanted = [r for r in wanted if r not in done]
            missing[key] = (variant.scenario, wanted)
        total = sum(len(reps) for _, reps in missing.values())
        parts = self.executor.workers * self.executor.chunks_per_worker
        size = max(1, min(_MAX_CHUNK, -(-total // parts)))
        return [
            Chunk(key, scenario, self.seed, tuple(reps[i : i + size]))
            for key, (scenario, reps) in missing.items()
            for i in range(0, len(reps), size)
        ]


def max_half_width(
    variants: Sequence[Variant], outcomes: Mapping[str, list[Replication]], seed: int
) -> float | None:
    """Return the widest 95% CI half-width of the headline KPI across variants."""
    widths = []
    for v in variants:
        lo, hi = mean_ci(Results(v.scenario, seed, outcomes[v.name]).kpis()[HEADLINE])["ci95"]
        if lo is None:
            return None
        widths.append((hi - lo) / 2)
    return float(max(widths))


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    *,
    executor: Executor | None = None,
    store: RunStore | None = None,
    precision: Precision | None = None,
    progress: Progress | None = None,
) -> Results:
    """Run replications of a scenario and return its results.

    Args:
        scenario: What to simulate (see ``sim.load_scenario``).
        replications: How many (with ``precision``: how many to start with); default: the
            scenario's ``replications``.
        seed: Default: the scenario's ``seed``.
        workers: Local worker processes; default: every available core.
        executor: Run elsewhere instead (e.g. ``sim.executors.Dask("local")``).
        store: Save each finished replication there, and reuse what it already holds.
        precision: Add replications until the quota miss rate is known this precisely.
        progress: A progress bar to advance.
    """
    n = scenario.replications if replications is None else replications
    if n < 1:
        raise ValueError(f"replications must be >= 1, got {n}")
    seed = scenario.seed if seed is None else seed
    outcomes, report = run_variants(
        [Variant("baseline", scenario)],
        n,
        seed,
        workers=workers,
        executor=executor,
        store=store,
        precision=precision,
        progress=progress,
    )
    return Results(scenario, seed, outcomes["baseline"], precision=report)


def run_variants(
    variants: Sequence[Variant],
    replications: int,
    seed: int,
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    store: RunStore | None = None,
    precision: Precision | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, list[Replication]], PrecisionReport | None]:
    """Run replications of every variant (to a precision, if given); see ``run`` for the rest."""
    with executor_for(executor, workers) as ex:
        runner = Runner(seed, ex, store, progress)
        if precision is None:
            return runner.run(variants, replications), None
        return runner.run_precise(variants, replications, precision)


@contextmanager
def executor_for(executor: Executor | None, workers: int | None) -> Iterator[Executor]:
    """Use the given executor, or make one for ``workers`` and close it afterwards."""
    if executor is not None:
        yield executor
        return
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    made = make_executor(workers)
    try:
        yield made
    finally:
        made.close()

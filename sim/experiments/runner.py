"""Experiments: replications of scenario variants, run on an executor, kept as they finish.

Replication ``r`` of a scenario always uses the same named streams, so variants run with one seed
share common random numbers, and a result does not depend on the executor, the number of
workers, the batches it was run in, or whether it was interrupted and resumed from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict, TypeVar, Unpack

from sim.engine.replication import Replication
from sim.experiments.executors import Chunk, Engine, Executor, make_executor
from sim.experiments.size import check_size
from sim.experiments.store import RunStore
from sim.i18n import Message
from sim.results.intervals import kpi_ci
from sim.results.precision import Precision, PrecisionReport
from sim.results.tables import Results
from sim.scenario.schema import Scenario

HEADLINE = "quota_miss_rate"
T = TypeVar("T")
_MAX_CHUNK = 100  # replications a chunk of the reference engine holds at most
# ... and a chunk of the batched engine at least, where there are enough: a batch's cost per day
# is shared, and on the default scenario 100 side by side take 1.2 ms a replication, 250 take 1.0.
_MIN_BATCH_CHUNK = 250


@dataclass(frozen=True)
class Variant:
    """A scenario to run in an experiment, named, with the overrides that made it.

    ``seed``: its own streams' seed, where its replications must not share the experiment's
    draws (each future of an exploration); ``None``: the experiment's (common random numbers).
    """

    name: str
    scenario: Scenario
    settings: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None

    def key(self, seed: int) -> str:
        """What its replications are, in an experiment of ``seed``: the scenario and streams."""
        return f"{self.scenario.digest()}/{seed if self.seed is None else self.seed}"


class Progress(Protocol):
    """What a runner tells as it goes (``sim.reporting.progress.ProgressBar`` draws it)."""

    def expect(self, runs: int, plan: Plan) -> None:
        """``runs`` more are to do, of ``plan``."""

    def advance(self, runs: int) -> None:
        """``runs`` more are done."""


@dataclass(frozen=True)
class Plan:
    """How much an experiment's next step runs: variants x replications, and what is kept.

    ``kept_bytes`` is the memory its results will take (``None``: each variant is summarised
    and let go as it finishes).
    """

    variants: int
    replications: int
    kept_bytes: int | None = None


class _Silent:
    """No progress shown."""

    def expect(self, runs: int, plan: Plan) -> None:
        """Show nothing."""

    def advance(self, runs: int) -> None:
        """Show nothing."""


class Interrupted(Exception):  # noqa: N818 (it is not an error of the user's)
    """An experiment stopped before it finished; what finished is in the store.

    ``reason`` is ``"interrupted"`` (Ctrl-C, a cancel) or ``"a worker died"``.
    """

    def __init__(self, reason: str, saved: int, missing: int) -> None:
        """Record why and how far it got."""
        self.reason, self.saved, self.missing = reason, saved, missing
        super().__init__(reason, saved, missing)

    def __str__(self) -> str:
        """Say it in the current language."""
        reason = (
            Message("interrupted") if self.reason == "interrupted" else Message("a worker died")
        )
        return str(
            Message(
                "{reason}: {saved} runs finished, {missing} not",
                reason=reason,
                saved=self.saved,
                missing=self.missing,
            )
        )


class Runner:
    """Runs replications of variants on an executor, saving each chunk to a store as it finishes.

    Args:
        seed: The experiment's seed.
        executor: Where to run; default: local processes on every core.
        store: Where finished replications are saved and found again.
        progress: A progress bar; default: none.
        engine: Which engine the workers use, and its batch size.
    """

    def __init__(
        self,
        seed: int,
        executor: Executor | None = None,
        store: RunStore | None = None,
        progress: Progress | None = None,
        engine: Engine | None = None,
    ) -> None:
        """Set up; nothing runs until asked."""
        self.engine = engine or Engine()
        self.seed = seed
        self.executor = executor or make_executor()
        self.store = store
        self.progress: Progress = progress or _Silent()
        self._done: dict[str, dict[int, Replication]] = {}  # by Variant.key

    def run(self, variants: Sequence[Variant], replications: int) -> dict[str, list[Replication]]:
        """Make sure replications ``0..replications-1`` of every variant are done; return them.

        Raises:
            DesignTooLargeError: The results would not fit ``MAX_RESULT_BYTES`` (checked first).
        """
        needed = check_size([v.scenario for v in variants], replications)
        self._execute(Plan(len(variants), replications, needed), variants)
        done = {v.name: self._done[v.key(self.seed)] for v in variants}  # a digest each, once
        return {name: [runs[r] for r in range(replications)] for name, runs in done.items()}

    def summarise(
        self,
        variants: Sequence[Variant],
        replications: int,
        summary: Callable[[Variant, list[Replication]], T],
    ) -> dict[str, T]:
        """Run every variant and keep only ``summary(variant, its replications)``.

        A variant's replications are summarised and let go as soon as the last of them is done
        (or found in the store), so memory is bounded by the chunks in flight, not by the number
        of variants: thousands of futures x policies fit where their whole results would not.
        """
        by_key: dict[str, list[Variant]] = {}
        for v in variants:
            by_key.setdefault(v.key(self.seed), []).append(v)
        summaries: dict[str, T] = {}

        def complete(key: str) -> None:
            outcomes = [self._done[key][r] for r in range(replications)]
            for v in by_key[key]:
                summaries[v.name] = summary(v, outcomes)
            del self._done[key]

        self._execute(Plan(len(variants), replications), variants, complete)
        return {v.name: summaries[v.name] for v in variants}

    def _execute(
        self,
        plan: Plan,
        variants: Sequence[Variant],
        complete: Callable[[str], None] | None = None,
    ) -> None:
        """Run what is missing, saving each chunk; call ``complete(key)`` as a key finishes."""
        replications = plan.replications
        chunks = self._missing_chunks(variants, replications, complete)
        runs = sum(len(c.replications) for c in chunks)
        self.progress.expect(runs, plan)
        finished = 0
        try:
            for chunk, outcomes in self.executor.run(chunks):
                if self.store is not None:
                    self.store.put(chunk.scenario.digest(), chunk.seed, outcomes)
                done = self._done[chunk.key]
                done.update((o.replication, o) for o in outcomes)
                finished += len(outcomes)
                self.progress.advance(len(outcomes))
                if complete is not None and all(r in done for r in range(replications)):
                    complete(chunk.key)
        except (KeyboardInterrupt, BrokenProcessPool) as exc:
            reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else "a worker died"
            raise Interrupted(reason, finished, runs - finished) from None

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

    def _missing_chunks(
        self,
        variants: Sequence[Variant],
        replications: int,
        complete: Callable[[str], None] | None = None,
    ) -> list[Chunk]:
        missing: dict[str, tuple[Scenario, int, list[int]]] = {}
        for variant in variants:
            key = variant.key(self.seed)
            if key in missing:  # two variants that simulate the same thing run once
                continue
            seed = self.seed if variant.seed is None else variant.seed
            done = self._done.setdefault(key, {})
            wanted = [r for r in range(replications) if r not in done]
            if self.store is not None and wanted:
                done.update(self.store.get(variant.scenario, seed, wanted))
                wanted = [r for r in wanted if r not in done]
            missing[key] = (variant.scenario, seed, wanted)
            if complete is not None and not wanted:
                complete(key)
        total = sum(len(planned[2]) for planned in missing.values())
        parts = self.executor.workers * self.executor.chunks_per_worker
        size = min(_MAX_CHUNK, -(-total // parts))
        if self.engine.name == "batched":
            # A batch shares each day's work, so chunks stay large: as many per worker as leave
            # each at least _MIN_BATCH_CHUNK replications, the same number for every worker.
            workers = self.executor.workers
            per_worker = max(
                1, min(self.executor.chunks_per_worker, total // (workers * _MIN_BATCH_CHUNK))
            )
            size = min(
                -(-total // (workers * per_worker)), self.engine.batch_for(variants[0].scenario)
            )
        size = max(1, size)
        return [
            Chunk(key, scenario, seed, tuple(reps[i : i + size]), self.engine)
            for key, (scenario, seed, reps) in missing.items()
            for i in range(0, len(reps), size)
        ]


def max_half_width(
    variants: Sequence[Variant], outcomes: Mapping[str, list[Replication]], seed: int
) -> float | None:
    """Return the widest 95% CI half-width of the headline KPI across variants."""
    widths = []
    for v in variants:
        kpis = Results(v.scenario, seed, outcomes[v.name]).kpis()
        lo, hi = kpi_ci(HEADLINE, kpis[HEADLINE], float(kpis["lines"].mean()))["ci95"]
        if lo is None or hi is None:
            return None
        widths.append((hi - lo) / 2)
    return float(max(widths))


class Execution(TypedDict, total=False):
    """How to run replications: the keywords every experiment takes, each optional.

    ``sim.run``, ``sim.compare``, ``sim.sweep``, ``sim.target`` and ``sim.sensitivity`` accept
    them as keyword arguments (``sim.run(s, replications=200, seed=1, workers=2)``).

    Attributes:
        replications: Per variant (with ``precision``: how many to start with); default: the
            scenario's ``replications``.
        seed: Default: the scenario's ``seed``.
        workers: Local worker processes; default: every available core.
        executor: Run elsewhere instead (e.g. ``sim.Dask("local")``).
        store: Save each finished replication there, and reuse what it already holds.
        progress: A progress bar to advance.
        engine: ``"batched"`` (default: replications side by side in numpy) or ``"reference"``
            (one at a time, the oracle); the results are equal.
        batch_size: Replications the batched engine simulates side by side; default: as many
            as fit its memory budget. Never changes a result.
    """

    replications: int | None
    seed: int | None
    workers: int | None
    executor: Executor | None
    store: RunStore | None
    progress: Progress | None
    engine: str | None
    batch_size: int | None


class PreciseExecution(Execution, total=False):
    """``Execution``, and a precision to reach (``run``, ``compare`` and ``sweep`` take it).

    Attributes:
        precision: Add replications until every variant's quota miss rate is this precise.
    """

    precision: Precision | None


def replications_and_seed(scenario: Scenario, execution: Execution) -> tuple[int, int]:
    """Return the replications and seed asked for, or the scenario's defaults.

    Raises:
        ValueError: Fewer than one replication.
    """
    n = execution.get("replications")
    n = scenario.replications if n is None else n
    if n < 1:
        raise ValueError(f"replications must be >= 1, got {n}")
    seed = execution.get("seed")
    return n, scenario.seed if seed is None else seed


def run(scenario: Scenario, **execution: Unpack[PreciseExecution]) -> Results:
    """Run replications of a scenario and return its results.

    Args:
        scenario: What to simulate (see ``sim.load_scenario``).
        **execution: How to run them: replications, seed, workers, ... (see ``Execution``).
    """
    n, seed = replications_and_seed(scenario, execution)
    outcomes, report = run_variants([Variant("baseline", scenario)], n, seed, execution)
    return Results(scenario, seed, outcomes["baseline"], precision=report)


def run_variants(
    variants: Sequence[Variant], replications: int, seed: int, execution: PreciseExecution
) -> tuple[dict[str, list[Replication]], PrecisionReport | None]:
    """Run replications of every variant (to a precision, if one is asked for)."""
    with runner_for(seed, execution) as runner:
        precision = execution.get("precision")
        if precision is None:
            return runner.run(variants, replications), None
        return runner.run_precise(variants, replications, precision)


def engine_for(execution: Execution) -> Engine:
    """Return the engine asked for (default: batched, its batch size from memory)."""
    return Engine(execution.get("engine") or "batched", execution.get("batch_size"))


@contextmanager
def runner_for(seed: int, execution: Execution) -> Iterator[Runner]:
    """Return a runner with the executor, store, progress and engine ``execution`` asks for."""
    with executor_for(execution) as ex:
        yield Runner(
            seed, ex, execution.get("store"), execution.get("progress"), engine_for(execution)
        )


@contextmanager
def executor_for(execution: Execution) -> Iterator[Executor]:
    """Use the executor asked for, or make one for ``workers`` and close it afterwards."""
    executor, workers = execution.get("executor"), execution.get("workers")
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

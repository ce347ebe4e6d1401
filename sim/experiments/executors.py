"""Where replications run: in this process, on local worker processes, or on a Dask cluster.

Work is sent as chunks of replications of one scenario, so scheduling overhead stays small
against the simulation; results come back as chunks finish, in any order. Every replication
draws only from its own named streams, so which worker ran it never changes its numbers.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Protocol, Self

from sim.engine.batched import batch_bytes, simulate_batch
from sim.engine.replication import Replication, simulate
from sim.i18n import Message
from sim.scenario.schema import Scenario

ENGINES = ("batched", "reference")
"""``batched``: replications side by side in numpy (the default). ``reference``: one at a time,
as SimPy processes; the oracle the batched engine is tested against. Both give equal results."""


@dataclass(frozen=True)
class Engine:
    """How a worker simulates a chunk: which engine, and replications per batch.

    Attributes:
        name: One of ``ENGINES``.
        batch_size: Replications simulated side by side (batched engine); default: as many as
            fit ``BATCH_BYTES`` (and a batch of fewer than ``SMALL_BATCH`` runs on the reference
            engine, faster there). Never part of the result.
    """

    name: str = "batched"
    batch_size: int | None = None

    def __post_init__(self) -> None:
        """Check the name and size."""
        if self.name not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {self.name!r}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"batch size must be >= 1, got {self.batch_size}")

    def batch_for(self, scenario: Scenario) -> int:
        """Return the replications to simulate side by side."""
        if self.batch_size is not None:
            return self.batch_size
        return max(1, min(MAX_BATCH, BATCH_BYTES // batch_bytes(scenario)))


BATCH_BYTES = 256 * 1024**2
"""Memory a batch's state may take; the batch size follows from it."""
MAX_BATCH = 500
"""Past this many replications a batch gains no more speed: the day loop's cost is shared."""
SMALL_BATCH = 4
"""Fewer replications than this, with the batch size left to the engine, run on the reference
engine: the batched engine's cost per day is shared by a batch, and one to three replications do
not pay for it (0.25, 0.6 and 1.0 times the reference's speed on the default scenario; four, 1.2
times, and more from there). The results are equal either way."""


@dataclass(frozen=True)
class Chunk:
    """Replications of one scenario to simulate together; ``key`` says whose they are."""

    key: str
    scenario: Scenario
    seed: int
    replications: tuple[int, ...]
    engine: Engine = Engine()


def simulate_chunk(
    scenario: Scenario, seed: int, replications: Sequence[int], engine: Engine = Engine()
) -> list[Replication]:
    """Simulate a chunk's replications (this runs on the worker), batch by batch."""
    if engine.name == "reference":
        return [simulate(scenario, seed, r) for r in replications]
    size = engine.batch_for(scenario)
    done: list[Replication] = []
    for first in range(0, len(replications), size):
        batch = replications[first : first + size]
        if engine.batch_size is None and len(batch) < SMALL_BATCH:
            done += [simulate(scenario, seed, r) for r in batch]  # faster there; equal results
        else:
            done += simulate_batch(scenario, seed, batch)
    return done


class Executor(Protocol):
    """Runs chunks and yields each with its replications as soon as it is done."""

    workers: int
    # Chunks per worker: more balance the load at the end and save to the store more often;
    # fewer keep the scheduling overhead small.
    chunks_per_worker: int

    def run(self, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, list[Replication]]]:
        """Simulate every chunk; yield (chunk, replications) in order of completion."""
        ...

    def close(self) -> None:
        """Release workers."""
        ...

    def __enter__(self) -> Self:
        """Return the executor itself."""
        ...

    def __exit__(self, *exc: object) -> None:
        """Release workers."""
        ...


class _Closing:
    """Context-manager support for executors."""

    def close(self) -> None:
        """Release workers (nothing to release by default)."""

    def __enter__(self) -> Self:
        """Return the executor itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Release workers."""
        self.close()


class Serial(_Closing):
    """Everything in this process: simplest, and the reference the others must match."""

    workers = 1
    chunks_per_worker = 16

    def run(self, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, list[Replication]]]:
        """Simulate chunks one after another."""
        for chunk in chunks:
            yield (
                chunk,
                simulate_chunk(chunk.scenario, chunk.seed, chunk.replications, chunk.engine),
            )


class LocalProcesses(_Closing):
    """A pool of local worker processes, kept for the executor's lifetime."""

    chunks_per_worker = 16  # a task costs a process a pickled scenario: cheap

    def __init__(self, workers: int | None = None) -> None:
        """Start no processes yet; ``workers`` defaults to every available core."""
        self.workers = workers or available_cores()
        self._pool: ProcessPoolExecutor | None = None

    def run(self, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, list[Replication]]]:
        """Send every chunk to the pool; yield each as it finishes."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, initializer=_ignore_interrupts)
        pending: dict[Future[list[Replication]], Chunk] = {
            self._pool.submit(simulate_chunk, c.scenario, c.seed, c.replications, c.engine): c
            for c in chunks
        }
        try:
            while pending:
                done, __ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Stop the worker processes (without waiting for work that was cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _ignore_interrupts() -> None:
    """Leave Ctrl-C to the main process, which stops the pool and keeps what finished."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Dask(_Closing):
    """A Dask distributed cluster: an existing one by address, or a local one started here.

    Args:
        address: ``"local"`` to start a ``LocalCluster`` on this machine (loopback only), or a
            scheduler address such as ``"tcp://10.0.0.5:8786"``.
        workers: Worker processes of a local cluster; default: every available core.
    """

    chunks_per_worker = 4  # a task costs a scheduler round trip: fewer, larger ones

    def __init__(self, address: str, workers: int | None = None) -> None:
        """Connect to (or start) the cluster."""
        try:
            import dask  # noqa: PLC0415 (optional extra)
            from dask.distributed import Client, LocalCluster  # noqa: PLC0415
        except ImportError:
            raise MissingDaskError from None
        self._cluster = None
        if address == "local":
            with dask.config.set(_QUIET_WORKERS):
                self._cluster = LocalCluster(
                    n_workers=workers or available_cores(),
                    threads_per_worker=1,  # the simulation holds the GIL: one thread a process
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout=_CONNECT_SECONDS)
            except (ValueError, OSError, TimeoutError) as exc:
                reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
                raise DaskUnavailableError(
                    Message(
                        "--dask {address}: cannot connect ({reason})",
                        address=address[:80],
                        reason=reason,
                    )
                ) from None
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def run(self, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, list[Replication]]]:
        """Submit every chunk to the cluster; yield each as it finishes."""
        from dask.distributed import as_completed  # noqa: PLC0415 (optional extra)

        scenarios = {id(c.scenario): c.scenario for c in chunks}
        # hash=False: a fresh key per call, so releasing an earlier call's copy of the same
        # scenario can never take this call's copy with it.
        shared = {
            k: self._client.scatter(s, broadcast=True, hash=False) for k, s in scenarios.items()
        }
        futures = {
            self._client.submit(
                simulate_chunk,
                shared[id(c.scenario)],
                c.seed,
                c.replications,
                c.engine,
                pure=False,
            ): c
            for c in chunks
        }
        try:
            for future in as_completed(list(futures)):
                # Let go of each result once taken, so the cluster does not keep them all.
                chunk, outcomes = futures.pop(future), future.result()
                future.release()
                yield chunk, outcomes
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Disconnect, and stop the cluster if it was started here."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


# Each of these wakes a worker's event loop, which takes the GIL from the simulation running in
# the worker's other thread: the stack-sampling profiler every 10 ms, the event-loop tick every
# 20 ms, the memory monitor every 0.1 s, the system monitor every 0.5 s. The workers started here
# (only they) do without the profiler and wake for the others less often. Nor do they inherit
# the nanny's MALLOC_TRIM_THRESHOLD_=65536: it hands freed memory back to the operating system
# at once (and turns off glibc's adaptive mmap threshold), so every batch's arrays are new pages
# again, each a page fault (2.5-3 times the minor faults of a local worker over three batches of
# 250 replications, 4-5% of their time). Measured in bench/scaling.py.
_QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}
_CONNECT_SECONDS = 10  # an unreachable scheduler is said in seconds, not Dask's default 30


class DaskUnavailableError(Exception):
    """A Dask scheduler address that is malformed or does not answer."""

    def __str__(self) -> str:
        """Say it in the current language."""
        return str(self.args[0])


class MissingDaskError(ImportError):
    """Dask was asked for but is not installed."""

    def __str__(self) -> str:
        """Say how to install it, in the current language."""
        return str(
            Message("Dask is not installed: pip install 'umkm-sim[dask]' (or use local workers)")
        )


def make_executor(workers: int | None = None, dask: str | None = None) -> Executor:
    """Return the executor for the command-line options ``--workers`` and ``--dask``.

    Raises:
        ValueError: More local workers than this machine has cores (each is a process).
    """
    if workers is not None and dask in (None, "local") and workers > available_cores():
        raise ValueError(
            f"workers: {workers} local processes, but this machine has {available_cores()} "
            "cores; more would only add memory"
        )
    if dask is not None:
        return Dask(dask, workers)
    if workers == 1:
        return Serial()
    return LocalProcesses(workers)


def available_cores() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1

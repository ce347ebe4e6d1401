"""A what-if run in the background: the page stays responsive, shows progress, can cancel.

The run goes through the same experiment code, executors and run store as the command line
(``sim.compare``: the baseline against the variant, with common random numbers; ``sim.select``:
the best policy), in a thread of the app's process; the work itself runs in worker processes. A
page's runs share one store, so what was run once (the baseline, a cancelled run's finished
part) is never run again.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sim
from sim.experiments.runner import Interrupted, Plan
from sim.experiments.store import RunStore


class Cancelled(KeyboardInterrupt):
    """The person pressed Cancel: stop as Ctrl-C would, keeping what finished in the store."""


class _Counting:
    """Counts finished runs (the page draws its own bar), and stops the run when asked to."""

    def __init__(self) -> None:
        self.done = self.total = 0
        self.cancelled = threading.Event()

    def expect(self, runs: int, plan: Plan) -> None:  # noqa: ARG002 (the page shows no plan)
        self.total += runs

    def advance(self, runs: int) -> None:
        self.done += runs
        if self.cancelled.is_set():
            raise Cancelled


@dataclass
class Job:
    """One piece of work for the page: a what-if (``compare``) or a choice (``select``).

    ``work(store, progress)`` runs it with the session's store and this job's counter, and
    returns its result; ``asked`` keeps what the page needs of the question (the scenario, the
    overrides) to offer downloads.
    """

    work: Callable[[RunStore, _Counting], Any]
    store: Path  # the session's run store: runs already made (the baseline's) are reused
    asked: dict[str, Any] = field(default_factory=dict)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="umkm-app-")))
    result: Any = None
    error: str | Exception | None = None
    progress: _Counting = field(default_factory=_Counting)
    thread: threading.Thread | None = None
    pictures: dict[tuple[str, str], bytes] = field(default_factory=dict)

    def start(self) -> None:
        """Begin in the background."""
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        """Ask the run to stop (at the next finished chunk)."""
        self.progress.cancelled.set()

    @property
    def running(self) -> bool:
        """Whether it is still going."""
        return self.thread is not None and self.thread.is_alive()

    @property
    def share_done(self) -> float:
        """How far it has got, 0 to 1 (a sequential choice may still add runs)."""
        total = self.progress.total
        return min(1.0, self.progress.done / total) if total else 0.0

    def _run(self) -> None:
        store = RunStore(self.store)
        try:
            self.result = self.work(store, self.progress)
        except (Interrupted, Cancelled):
            self.error = "cancelled"
        except Exception as exc:  # noqa: BLE001 (shown on the page, not lost in a thread)
            self.error = exc  # said on the page, in its reader's language
        finally:
            store.close()


def what_if(
    baseline: sim.Scenario,
    overrides: dict[str, Any],
    replications: int,
    seed: int,
    precision: sim.Precision | None = None,
) -> Callable[[RunStore, _Counting], sim.Comparison]:
    """The baseline against the variant, with common random numbers (``sim.compare``)."""

    def work(store: RunStore, progress: _Counting) -> sim.Comparison:
        return sim.compare(
            baseline,
            {"variant": overrides},
            replications=replications,
            seed=seed,
            store=store,
            progress=progress,
            precision=precision,
        )

    return work


_MOST_FOR_A_PAGE = 1000
"""Replications KN may add per policy on a page (two near-equal policies could ask for 5,000)."""


def best_of(
    baseline: sim.Scenario, policies: list[str], replications: int, seed: int
) -> Callable[[RunStore, _Counting], sim.Selection]:
    """The best of the baseline and ``policies`` (KN, ``compare --select best``)."""
    chosen = {name: baseline.policies[name] for name in policies}

    def work(store: RunStore, progress: _Counting) -> sim.Selection:
        return sim.select(
            baseline,
            chosen,
            replications=replications,
            seed=seed,
            store=store,
            progress=progress,
            max_replications=max(_MOST_FOR_A_PAGE, replications),
        )

    return work

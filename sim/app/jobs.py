"""A what-if run in the background: the page stays responsive, shows progress, can cancel.

The run goes through the same experiment code, executors and run store as the command line
(``sim.compare``: the baseline against the variant, with common random numbers), in a thread
of the app's process; the work itself runs in worker processes. A page's runs share one store,
so what was run once (the baseline, a cancelled run's finished part) is never run again.
"""

from __future__ import annotations

import tempfile
import threading
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
    """One what-if: the baseline and the variant, run side by side."""

    baseline: sim.Scenario
    overrides: dict[str, Any]
    replications: int
    seed: int
    store: Path  # the session's run store: runs already made (the baseline's) are reused
    precision: sim.Precision | None = None
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="umkm-app-")))
    comparison: sim.Comparison | None = None
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
        """How far it has got, 0 to 1."""
        total = self.progress.total
        return self.progress.done / total if total else 0.0

    def _run(self) -> None:
        store = RunStore(self.store)
        try:
            self.comparison = sim.compare(
                self.baseline,
                {"variant": self.overrides},
                replications=self.replications,
                seed=self.seed,
                store=store,
                progress=self.progress,
                precision=self.precision,
            )
        except (Interrupted, Cancelled):
            self.error = "cancelled"
        except Exception as exc:  # noqa: BLE001 (shown on the page, not lost in a thread)
            self.error = exc  # said on the page, in its reader's language
        finally:
            store.close()

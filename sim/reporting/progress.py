"""A one-line progress bar on stderr: runs done, runs per second, time left.

What an experiment's runner tells (``sim.experiments.runner.Progress``), drawn for a person:
shown only on a terminal, and never with ``--quiet``; redrawn at most a few times a second.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

from sim.i18n import _, number

if TYPE_CHECKING:
    from sim.experiments.runner import Plan

_REDRAW_SECONDS = 0.2
_WIDTH = 24


class ProgressBar:
    """Count finished runs against a total that may grow (precision adds batches).

    Args:
        enabled: Draw anything at all.
        stream: Where to draw; default standard error.
    """

    def __init__(self, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        """Start at zero of zero."""
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self.total = 0
        self._start = time.monotonic()
        self._drawn = 0.0

    @classmethod
    def for_terminal(cls, *, quiet: bool) -> ProgressBar:
        """Return a progress bar that draws only when stderr is a terminal and not quiet."""
        return cls(enabled=not quiet and sys.stderr.isatty())

    def expect(self, runs: int, plan: Plan) -> None:
        """Add ``runs`` to the total to do; say once what is about to run, and how big it is."""
        if runs and self.enabled:
            size = (
                _("summarised as they finish")
                if plan.kept_bytes is None
                else _("about {size} MiB of results").format(size=number(plan.kept_bytes / 1024**2))
            )
            said = _(
                "{variants} variant(s) x {replications} replications: {runs} runs to do, {size}"
            ).format(
                variants=number(plan.variants),
                replications=number(plan.replications),
                runs=number(runs),
                size=size,
            )
            self.stream.write(f"{said}\n")
            self.stream.flush()
        self.total += runs
        self._draw()

    def advance(self, runs: int) -> None:
        """Count ``runs`` more as done."""
        self.done += runs
        self._draw()

    def close(self) -> None:
        """Finish the line."""
        if self.enabled and self._drawn:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._drawn < _REDRAW_SECONDS):
            return
        self._drawn = now
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        filled = round(_WIDTH * self.done / self.total) if self.total else 0
        bar = "#" * filled + "." * (_WIDTH - filled)
        eta = "--:--" if left != left else f"{int(left // 60):d}:{int(left % 60):02d}"  # noqa: PLR0124 (NaN check)
        said = _("{done}/{total} runs  {rate} runs/s  {eta} left").format(
            done=self.done, total=self.total, rate=number(rate, 1), eta=eta
        )
        self.stream.write(f"\r[{bar}] {said} ")
        self.stream.flush()

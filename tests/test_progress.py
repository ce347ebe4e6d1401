"""The progress bar: drawn on a terminal only, with runs done, rate and time left."""

from __future__ import annotations

import io

from sim.experiments.progress import Progress


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        """Claim to be a terminal."""
        return True


def test_draws_runs_done_rate_and_time_left():
    """Each redraw shows done/total, runs per second and the time left; close ends the line."""
    stream = Terminal()
    bar = Progress(stream=stream)
    bar.expect(40)
    bar.advance(10)
    bar._drawn = 0  # noqa: SLF001 (allow an immediate redraw)
    bar.advance(10)
    bar.close()
    text = stream.getvalue()
    assert "20/40 runs" in text
    assert "runs/s" in text
    assert "left" in text
    assert text.endswith("\n")


def test_quiet_or_not_a_terminal_draws_nothing(monkeypatch):
    """--quiet, or stderr redirected to a file, gives no progress output at all."""
    monkeypatch.setattr("sys.stderr", io.StringIO())
    for bar in (Progress.for_terminal(quiet=False), Progress.for_terminal(quiet=True)):
        bar.expect(5)
        bar.advance(5)
        bar.close()
        assert not bar.enabled
    monkeypatch.setattr("sys.stderr", Terminal())
    assert Progress.for_terminal(quiet=False).enabled
    assert not Progress.for_terminal(quiet=True).enabled

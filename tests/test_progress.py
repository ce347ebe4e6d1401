"""The progress bar: drawn on a terminal only, with runs done, rate and time left."""

from __future__ import annotations

import io

import pytest

import sim
from sim.experiments.runner import Plan
from sim.reporting.progress import ProgressBar

from conftest import scenario


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        """Claim to be a terminal."""
        return True


def test_draws_runs_done_rate_and_time_left():
    """Each redraw shows done/total, runs per second and the time left; close ends the line."""
    stream = Terminal()
    bar = ProgressBar(stream=stream)
    bar.expect(40, Plan(1, 40))
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
    for bar in (ProgressBar.for_terminal(quiet=False), ProgressBar.for_terminal(quiet=True)):
        bar.expect(5, Plan(1, 5))
        bar.advance(5)
        bar.close()
        assert not bar.enabled
    monkeypatch.setattr("sys.stderr", Terminal())
    assert ProgressBar.for_terminal(quiet=False).enabled
    assert not ProgressBar.for_terminal(quiet=True).enabled


def test_an_experiment_states_its_size_before_it_runs():
    """Variants x replications, the runs still to do and the memory their results take."""
    stream = Terminal()
    sim.run(scenario(), replications=3, workers=1, progress=ProgressBar(stream=stream))
    first = stream.getvalue().splitlines()[0]
    assert first == "1 variant(s) x 3 replications: 3 runs to do, about 0 MiB of results"


def test_an_experiment_too_big_for_memory_is_refused_before_it_runs():
    """The estimate is checked first: a run that could not keep its results says so."""
    big = scenario(horizon_days=36_500)
    with pytest.raises(sim.ScenarioError, match=r"GiB of results in memory, more than the 4 GiB"):
        sim.run(big, replications=1_000_000, workers=1)

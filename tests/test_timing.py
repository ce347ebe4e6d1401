"""The event-ordering contract is encoded once, as event priorities: test it exactly."""

from __future__ import annotations

import pytest
import simpy

from sim.engine.timing import At, Phase


def test_same_time_events_run_by_phase_then_list_order_whatever_the_scheduling_order():
    """Events scheduled in reverse run in phase order, then by their order within a phase."""
    env = simpy.Environment()
    log: list[tuple[str, int, float]] = []

    def note(label: str, order: int):
        return lambda _event: log.append((label, order, env.now))

    plan = [
        (Phase.CLEAR, 0),
        (Phase.SHIP, 1),
        (Phase.SHIP, 0),
        (Phase.ARRIVE, 2),
        (Phase.ARRIVE, 0),
        (Phase.EXPIRE, 0),
    ]
    for phase, order in plan:
        At(env, 3, phase, order).callbacks.append(note(phase.name, order))
    simpy.Timeout(env, 3).callbacks.append(note("timeout", 0))
    env.run(until=At(env, 3, Phase.END))
    assert log == [
        ("timeout", 0, 3),
        ("EXPIRE", 0, 3),
        ("ARRIVE", 0, 3),
        ("ARRIVE", 2, 3),
        ("SHIP", 0, 3),
        ("SHIP", 1, 3),
        ("CLEAR", 0, 3),
    ]


def test_end_phase_stops_after_everything_at_the_horizon_and_before_later_times():
    """Running until the END phase at t processes all of t and nothing after it."""
    env = simpy.Environment()
    log: list[float] = []
    for t in (4, 5, 6):
        At(env, t, Phase.CLEAR).callbacks.append(lambda _e: log.append(env.now))
    env.run(until=At(env, 5, Phase.END))
    assert log == [4, 5]


def test_cannot_schedule_in_the_past():
    """A phase event in the past is a programming error."""
    env = simpy.Environment()
    env.run(until=2)
    with pytest.raises(ValueError, match="already"):
        At(env, 1, Phase.SHIP)

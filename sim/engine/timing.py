"""The event-ordering contract: what happens first when several things happen at one time.

Time is in days; day ``d`` is the interval ``[d, d+1)``. At each integer time the model acts in
the phases below, in this order; within a phase, in list order of the scenario (kitchen groups
deliver in list order, buyers are served in list order). The order is encoded once, as SimPy
event priorities, so it holds whatever order the processes happened to be scheduled in.
"""

from __future__ import annotations

from enum import IntEnum

import simpy
from simpy.events import EventPriority


class Phase(IntEnum):
    """Phases of one instant, in the order they run."""

    EXPIRE = 1  # lots reaching the end of their shelf life spoil
    PAY = 2  # buyers' payments reach the cooperative (with finance)
    ARRIVE = 3  # deliveries reach the warehouse: quality control, room, cash
    SHIP = 4  # buyers' shipments depart and take stock, oldest packs first
    CLEAR = 5  # with ``leftover: clear``, unshipped stock of shipped products leaves
    PLAN = 6  # the day's production: kitchens make it, groups boost, sell locally, deliver
    END = 7  # the run stops after everything else at the horizon


# SimPy's own URGENT (0) and NORMAL (1) priorities sort before all our phases.
_BASE = 2
_SLOTS = 1_000_000  # room for the list position of a group or buyer within a phase


class At(simpy.Event):
    """An event that fires at absolute ``time`` in ``phase``, after earlier ``order`` values.

    Built like ``simpy.Timeout`` (already triggered, scheduled with a delay) but with a priority
    of our own, because a Timeout always has SimPy's NORMAL priority.
    """

    def __init__(self, env: simpy.Environment, time: int, phase: Phase, order: int = 0) -> None:
        """Schedule the event; ``time`` must not be in the past."""
        if time < env.now:
            raise ValueError(f"cannot schedule at {time}, it is already {env.now}")
        if not 0 <= order < _SLOTS:
            raise ValueError(f"order must be in [0, {_SLOTS}), got {order}")
        super().__init__(env)
        self._ok = True
        self._value = None
        priority = EventPriority(_BASE + phase * _SLOTS + order)
        env.schedule(self, priority, time - env.now)

"""Home kitchens: groups of identical kitchens, each making packs of one product every working day.

Each group is one SimPy process holding its kitchens' output as numpy arrays, drawn in bulk:
one row of daily draws per kitchen, so kitchen ``k`` gets the same numbers whatever the size of
its group (common random numbers stay aligned when a policy recruits more kitchens). Output of
day ``d`` reaches the warehouse at time ``d + 1``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator

import numpy as np
import simpy

from sim.calendar import working_mask
from sim.scenario import KitchenGroup
from sim.timing import At, Phase
from sim.warehouse import Warehouse

# Kitchens drawn per block: bounds memory for very large groups without changing the draws.
_BLOCK = 4096


def plan_output(
    group: KitchenGroup, horizon_days: int, start_date: dt.date | None, rng: np.random.Generator
) -> np.ndarray:
    """Return the packs the whole group makes on each day ``0..horizon_days-1``.

    Draws are made for every calendar day, working or not, so a change to the working days
    leaves the numbers of the other days unchanged.
    """
    total = np.zeros(horizon_days, dtype=np.int64)
    for first in range(0, group.count, _BLOCK):
        n = min(_BLOCK, group.count - first)
        draws = group.daily_output.sample(rng, (n, horizon_days))
        total += np.rint(np.maximum(draws, 0)).astype(np.int64).sum(axis=0)
    return np.where(working_mask(group.working_days, horizon_days, start_date), total, 0)


def deliver(
    env: simpy.Environment, order: int, product: int, output: np.ndarray, warehouse: Warehouse
) -> Generator[simpy.Event, None, None]:
    """Bring each day's output to the warehouse at the start of the next day.

    Wakes only on days with output; ``order`` is the group's place in the scenario's list.
    """
    for day in np.flatnonzero(output).tolist():
        yield At(env, day + 1, Phase.ARRIVE, order)
        warehouse.receive(product, day, int(output[day]))

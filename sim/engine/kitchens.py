"""Home kitchens: groups of identical kitchens making one product, and how their output moves.

Each group's kitchens are held as numpy arrays drawn in bulk: one row of daily output draws and
one row of presence per kitchen, so kitchen ``k`` gets the same numbers whatever the size of its
group (common random numbers stay aligned when a policy recruits more kitchens). A kitchen makes
``draw x supply multiplier`` packs (rounded) on each day its group works and it is present.

One SimPy process per group, ``collect``, then acts at the end of each day: it asks for more when
the cooperative's stock is low (boost), lets the local market take its share, and delivers what
waits, every few days or once a batch is full; a delivery on day ``d`` arrives at
``d + 1 + transport_days``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import simpy

from sim.engine.timing import At, Phase
from sim.scenario.calendar import Calendar
from sim.scenario.limits import MAX_DRAW
from sim.scenario.mechanisms import Absence
from sim.scenario.schema import KitchenGroup

KITCHEN_BLOCK = 4096
"""Kitchens whose output is drawn at once: bounds the memory of very large groups.

Both engines draw a group in blocks of this many kitchens (``produce_in_bulk`` and the batched
engine's ``_potential``), and must draw in the same blocks to be sure to draw the same numbers:
one draw of ``n`` rows equals consecutive smaller ones only for samplers that draw value by value
(numpy's do today), and the engines' identity must not rest on that. So both read it here, when
they draw (never a copy bound at import), and tests shrink it to split small groups.
"""

Lots = list[tuple[int, int]]  # (made on day, packs)


class Produce(Protocol):
    """How a group's output comes about: packs made per day, known by the day's collection."""

    def __call__(  # noqa: D102
        self,
        env: simpy.Environment,
        order: int,
        group: KitchenGroup,
        *,
        works: np.ndarray,
        multiplier: np.ndarray,
        output_rng: np.random.Generator,
        absence_rng: np.random.Generator,
    ) -> np.ndarray: ...


def absence_rates(absence: Absence) -> tuple[float, float]:
    """Return the daily probabilities (present -> absent, absent -> present) of the chain.

    Absent spells last 1/back days on average, and the long-run share of days absent is
    leave / (leave + back) = fraction.
    """
    back = 1 / absence.mean_spell_days
    return back * absence.fraction / (1 - absence.fraction), back


def presence(
    absence: Absence | None, count: int, days: int, rng: np.random.Generator
) -> np.ndarray:
    """Return whether each kitchen works on each day: a two-state Markov chain per kitchen.

    An absent kitchen returns with probability 1/mean_spell_days a day; a present one leaves
    with the probability that makes ``fraction`` the long-run share of days absent. Day 0 starts
    from that long-run share. Column 0 of the draws sets the start, so rows stay per kitchen.
    """
    if absence is None or absence.fraction == 0:
        return np.ones((count, days), dtype=bool)
    return chain(absence, rng.random((count, days + 1)))


def chain(absence: Absence, u: np.ndarray) -> np.ndarray:
    """Step the presence chain of every kitchen in ``u[..., 1:]`` from its start ``u[..., 0]``.

    Any leading axes are kitchens (and, in the batched engine, replications): the day loop runs
    once for all of them.
    """
    leave, back = absence_rates(absence)
    present = np.empty(u[..., 1:].shape, dtype=bool)
    state = u[..., 0] >= absence.fraction
    for day in range(u.shape[-1] - 1):
        state = np.where(state, u[..., day + 1] >= leave, u[..., day + 1] < back)
        present[..., day] = state
    return present


def packs_made(draws: np.ndarray, multiplier: np.ndarray) -> np.ndarray:
    """Return whole packs from output draws: negative draws make none, then the multiplier."""
    # Clipped to MAX_DRAW packs a kitchen-day, so no total can overflow int64 (limits.py).
    packs: np.ndarray = np.rint(np.minimum(np.maximum(draws, 0) * multiplier, MAX_DRAW))
    return packs.astype(np.int64)


def produce_in_bulk(
    env: simpy.Environment,  # noqa: ARG001 (bulk draws need no events)
    order: int,  # noqa: ARG001
    group: KitchenGroup,
    *,
    works: np.ndarray,
    multiplier: np.ndarray,
    output_rng: np.random.Generator,
    absence_rng: np.random.Generator,
) -> np.ndarray:
    """Draw the whole run's output of a group at once: the model's way (see ``Produce``).

    Args:
        env: Unused: bulk draws need no events.
        order: Unused.
        group: The kitchens.
        works: Per day, whether the group works (weekdays, holidays, closures).
        multiplier: Per day, the supply multiplier of output.
        output_rng: Stream of the output draws.
        absence_rng: Stream of the absence chain.
    """
    days = len(works)
    total = np.zeros(days, dtype=np.int64)
    for first in range(0, group.count, KITCHEN_BLOCK):
        n = min(KITCHEN_BLOCK, group.count - first)
        # Draws for every day, working or not: a change of working days or of one
        # mechanism leaves the numbers of every other day unchanged.
        packs = packs_made(group.daily_output.sample(output_rng, (n, days)), multiplier)
        packs *= presence(group.absence, n, days, absence_rng)
        total += packs.sum(axis=0)
    return np.where(works, total, 0)


def local_share(group: KitchenGroup, calendar: Calendar, days: int) -> np.ndarray:
    """Return, per day, the share of output the local market takes (surges: the largest)."""
    market = group.local_market
    share = np.zeros(days) if market is None else np.full(days, market.share)
    for surge in [] if market is None else market.surges:
        share = np.where(calendar.window(surge)[:days], np.maximum(share, surge.share), share)
    return share


@dataclass
class Collection:
    """What a group has made and where it went, booked per day.

    Attributes:
        made: Packs made each day (after any boost).
        sold_locally: Packs the local market took each day.
        boosted: Whether each day was boosted.
        pending: Lots made but not yet delivered.
        in_transit: Lots delivered but arriving after the horizon.
    """

    days: int
    made: np.ndarray = field(init=False)
    sold_locally: np.ndarray = field(init=False)
    boosted: np.ndarray = field(init=False)
    pending: Lots = field(default_factory=list)
    in_transit: Lots = field(default_factory=list)

    def __post_init__(self) -> None:
        """Start with nothing made."""
        self.made = np.zeros(self.days, dtype=np.int64)
        self.sold_locally = np.zeros(self.days, dtype=np.int64)
        self.boosted = np.zeros(self.days, dtype=bool)

    def undelivered(self) -> int:
        """Return the packs made but not in the warehouse at the end."""
        return sum(n for _, n in self.pending) + sum(n for _, n in self.in_transit)


def collect(
    env: simpy.Environment,
    order: int,
    group: KitchenGroup,
    potential: np.ndarray,
    share: np.ndarray,
    *,
    stock: Callable[[], int],
    deliver: Callable[[Lots], None],
    book: Collection,
) -> Generator[simpy.Event, None, None]:
    """At the end of each day: boost if stock is low, sell locally, deliver what is due.

    Args:
        env: The simulation environment.
        order: Place in the PLAN phase (after every kitchen's own production).
        group: The kitchens.
        potential: Packs made each day without a boost.
        share: Local market share each day.
        stock: The cooperative's stock of the group's product now.
        deliver: Called at arrival time with the lots delivered.
        book: Where what happened is booked.
    """
    rule, boost = group.delivery, group.boost
    horizon = len(potential)
    in_a_row = since = waiting = 0
    for day in range(horizon):
        yield At(env, day, Phase.PLAN, order)
        made = int(potential[day])
        if (
            boost is not None
            and stock() < boost.when_stock_below
            and in_a_row < boost.max_days_in_row
        ):
            made = round(made * boost.factor)
            in_a_row += 1
            book.boosted[day] = True
        else:
            in_a_row = 0
        local = round(made * share[day])
        book.made[day], book.sold_locally[day] = made, local
        if made > local:
            book.pending.append((day, made - local))
            waiting += made - local
        since += 1
        if since >= rule.every_days or (rule.batch_size is not None and waiting >= rule.batch_size):
            arrival = day + 1 + rule.transport_days
            _dispatch(env, order, arrival, book=book, deliver=deliver, horizon=horizon)
            since = waiting = 0


def _dispatch(
    env: simpy.Environment,
    order: int,
    arrival: int,
    *,
    book: Collection,
    deliver: Callable[[Lots], None],
    horizon: int,
) -> None:
    lots, book.pending = book.pending, []
    if not lots:
        return
    if arrival > horizon:  # arrives after the run: still on the road at the end
        book.in_transit.extend(lots)
        return
    At(env, arrival, Phase.ARRIVE, order).callbacks.append(lambda _event: deliver(lots))

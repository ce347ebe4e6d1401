"""Cooperative warehouse: FIFO lots of packs per product, with shelf life, capacity and overflow.

A lot is all packs of one product made on one day. A pack made on day ``d`` expires at time
``d + 1 + shelf_life_days``: from then on no shipment can take it, and it counts as spoiled.
A delivery passes quality control (a random share rejected), then must find room (capacity,
and the product's max_stock), then cash to pay the kitchens (with finance).
Every movement is booked in per-day flow arrays, from which stock over time and the pack
accounting are derived after the run, so nothing but an array index is added on the hot path.
"""

from __future__ import annotations

import bisect
from collections import deque
from enum import IntEnum

import numpy as np
import simpy

from sim.engine.finance import Treasury
from sim.engine.timing import At, Phase


class Flow(IntEnum):
    """Where packs go; each is booked per product and per time."""

    RECEIVED = 0  # accepted into the warehouse
    REJECTED = 1  # failed quality control
    OVERFLOW = 2  # turned away: the warehouse (or its stock of the product) was full
    UNPAID = 3  # turned away: no cash to pay the kitchens, who sell them locally
    SHIPPED = 4
    SPOILED = 5
    CLEARED = 6  # left unshipped after a shipment day, with ``leftover: clear``


class Warehouse:
    """Lots of each product, oldest first, and the book of every pack that came and went.

    Args:
        env: The simulation environment.
        shelf_lives: Shelf life in days of each product (by index); ``None`` never expires.
        capacity: Packs it can hold, all products together; ``None`` is unlimited.
        horizon_days: Last time of the run; flows are booked at times ``0..horizon_days``.
        max_stock: Packs of each product (by index) it holds at most; ``None`` is unlimited.
        reject_fraction: Share of each delivered lot rejected at quality control (binomial).
        qc_rng: Stream of the quality-control draws.
        treasury: Cash to pay kitchens for deliveries; ``None``: cash is never short.
    """

    def __init__(
        self,
        env: simpy.Environment,
        shelf_lives: list[int | None],
        capacity: int | None,
        horizon_days: int,
        max_stock: list[int | None] | None = None,
        *,
        reject_fraction: float = 0.0,
        qc_rng: np.random.Generator | None = None,
        treasury: Treasury | None = None,
    ) -> None:
        """Start empty."""
        self.env = env
        self.shelf_lives = shelf_lives
        self.capacity = capacity
        self.horizon_days = horizon_days
        self.max_stock = max_stock or [None] * len(shelf_lives)
        self.reject_fraction = reject_fraction
        self.qc_rng = qc_rng or np.random.default_rng(0)
        self.treasury = treasury
        # Per product, lots as [made_day, packs], oldest first; and their total.
        self.lots: list[deque[list[int]]] = [deque() for _ in shelf_lives]
        self.held = [0] * len(shelf_lives)
        self.on_hand = 0
        self.flows = np.zeros((len(Flow), len(shelf_lives), horizon_days + 1), dtype=np.int64)

    def deliver(self, product: int, lots: list[tuple[int, int]]) -> None:
        """Receive a delivery of lots ``(made_day, packs)``, oldest first."""
        for made_day, packs in sorted(lots):
            self.receive(product, made_day, packs)

    def receive(self, product: int, made_day: int, packs: int, *, checked: bool = True) -> int:
        """Take in packs made on ``made_day``; return how many were accepted.

        With ``checked``, a delivery from kitchens: quality control, then room, then cash.
        Without, stock that is the cooperative's already (the initial stock): room only.
        """
        now = int(self.env.now)
        f = self.flows
        if checked and self.reject_fraction > 0:
            rejected = int(self.qc_rng.binomial(packs, self.reject_fraction))
            f[Flow.REJECTED, product, now] += rejected
            packs -= rejected
        room = packs if self.capacity is None else min(packs, self.capacity - self.on_hand)
        limit = self.max_stock[product]
        if limit is not None:
            room = min(room, limit - self.held[product])
        room = max(room, 0)
        f[Flow.OVERFLOW, product, now] += packs - room
        accepted = room
        if checked and self.treasury is not None:
            accepted = self.treasury.buy(product, room, now)
            f[Flow.UNPAID, product, now] += room - accepted
        if accepted <= 0:
            return 0
        f[Flow.RECEIVED, product, now] += accepted
        expires = self.expiry_time(product, made_day)
        if expires is not None and expires <= now:  # aged out on the way
            self.flows[Flow.SPOILED, product, now] += accepted
            return accepted
        self.on_hand += accepted
        self.held[product] += accepted
        lots = self.lots[product]
        if lots and lots[-1][0] == made_day:
            lots[-1][1] += accepted
            return accepted
        if not lots or lots[-1][0] < made_day:
            lots.append([made_day, accepted])
        else:  # a late delivery of an older day: keep the lots in order of age
            lots.insert(bisect.bisect([lot[0] for lot in lots], made_day), [made_day, accepted])
        if expires is not None and expires <= self.horizon_days:
            At(self.env, expires, Phase.EXPIRE).callbacks.append(
                lambda _event: self._expire(product)
            )
        return accepted

    def take(self, product: int, wanted: int, fresh_until: int | None = None) -> int:
        """Remove up to ``wanted`` packs, oldest first, for a shipment; return how many.

        With ``fresh_until``, only packs that expire at that time or later qualify (a buyer's
        minimum remaining shelf life); older ones stay for others, or spoil.
        """
        lots = self.lots[product]
        skip = 0
        if fresh_until is not None and self.shelf_lives[product] is not None:
            while skip < len(lots) and self.expiry_time(product, lots[skip][0]) < fresh_until:  # type: ignore[operator]
                skip += 1
        taken = 0
        while skip < len(lots) and taken < wanted:
            lot = lots[skip]
            n = min(lot[1], wanted - taken)
            lot[1] -= n
            taken += n
            if lot[1] == 0:
                del lots[skip]
        self.on_hand -= taken
        self.held[product] -= taken
        self.flows[Flow.SHIPPED, product, int(self.env.now)] += taken
        return taken

    def clear(self, product: int) -> int:
        """Remove all stock of a product (it leaves unshipped); return how many packs."""
        packs = self.stock_of(product)
        self.lots[product].clear()
        self.on_hand -= packs
        self.held[product] -= packs
        self.flows[Flow.CLEARED, product, int(self.env.now)] += packs
        return packs

    def stock_of(self, product: int) -> int:
        """Return the packs of a product on hand now."""
        return self.held[product]

    def expiry_time(self, product: int, made_day: int) -> int | None:
        """Return the time a pack made on ``made_day`` expires, or ``None`` if it never does."""
        life = self.shelf_lives[product]
        return None if life is None else made_day + 1 + life

    def stock_over_time(self) -> np.ndarray:
        """Return stock per product at the end of each time ``0..horizon_days``."""
        f = self.flows
        change = f[Flow.RECEIVED] - f[Flow.SHIPPED] - f[Flow.SPOILED] - f[Flow.CLEARED]
        return np.cumsum(change, axis=1)

    def _expire(self, product: int) -> None:
        lots = self.lots[product]
        now = int(self.env.now)
        while lots and self.expiry_time(product, lots[0][0]) <= now:  # type: ignore[operator]
            _, packs = lots.popleft()
            self.on_hand -= packs
            self.held[product] -= packs
            self.flows[Flow.SPOILED, product, now] += packs

"""The batched engine: a batch of replications simulated side by side, day by day, in numpy.

Every replication happens at the same integer times in the same phase order (``timing``): only
the numbers differ. So one SimPy process steps the days and, within each, the phases of the
event-ordering contract, and every piece of state carries a replication axis: stock per
product by the day it was made (FIFO with shelf life becomes cumulative sums over that axis),
pending lots, cash, backlogs, contract state. Arrays indexed by day hold the replications last,
so one day's values of every replication are contiguous (a phase touches one day at a time).
Capacity, ``max_stock``, cash, cancellation and minimum shelf life become masks and clips.

It must equal the per-replication reference engine (``replication.simulate``) line for line:
each replication draws from its own named streams in the same order, so replication ``r``'s
results do not depend on the batch it ran in. Quality control is the one draw that cannot be
taken in bulk (how many lots reach the warehouse depends on the run): it is drawn lot by lot,
replication by replication, in the reference's order. A mechanism is added to both engines,
and ``tests/test_engines.py`` holds them identical.

This module stays whole: a batch's state and the phases that change it mirror the reference's
warehouse, kitchens and shipments together, and are kept identical by being read side by side.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.engine import draws
from sim.engine.kitchens import local_share
from sim.engine.replication import PRODUCT_FIELDS, Replication, check_books
from sim.engine.shipments import (
    LINE_FIELDS,
    NOT_CANCELLED,
    next_open_days,
    shipment_schedule,
    transit_days,
)
from sim.engine.streams import (
    QUALITY_CONTROL,
    buyer_transit,
    kitchen_absence,
    kitchen_output,
    streams,
    supply_shock,
)
from sim.engine.supply import hits, product_multiplier, shock_days
from sim.engine.timing import At, Phase
from sim.engine.warehouse import Flow
from sim.scenario.calendar import Calendar
from sim.scenario.schema import Buyer, KitchenGroup, Scenario


def batch_bytes(scenario: Scenario) -> int:
    """Estimate the memory one replication takes in a batch: stock, flows, groups, lines."""
    days = scenario.horizon_days + 2
    products = len(scenario.products)
    per_day = products * (1 + len(Flow)) + 6 * len(scenario.kitchens) + 2
    lines = sum(len(b.shipment_days(scenario.horizon_days)) * len(b.quota) for b in scenario.buyers)
    return 8 * (days * per_day + lines * len(LINE_FIELDS) * 2) + 4096


def simulate_batch(scenario: Scenario, seed: int, replications: Sequence[int]) -> list[Replication]:
    """Run replications of ``scenario`` side by side; return what each produced.

    Replication ``r`` equals ``replication.simulate(scenario, seed, r)`` exactly.
    """
    batch = _Batch(scenario, seed, list(replications))
    env = simpy.Environment()
    env.process(batch.run_days(env))
    env.run(until=At(env, scenario.horizon_days, Phase.END))
    return batch.outcomes()


@dataclass
class _Group:
    """A kitchen group's state across the batch: its output, pending lots, deliveries."""

    spec: KitchenGroup
    product: int
    potential: np.ndarray  # (days, R) packs made without a boost
    share: np.ndarray  # (days,) local market share
    made: np.ndarray = field(init=False)
    sold_locally: np.ndarray = field(init=False)
    lots: np.ndarray = field(init=False)  # (days, R) packs of each day's lot, until it arrives
    sent: np.ndarray = field(init=False)  # (days, R) day each lot was dispatched, -1 if not yet
    since: np.ndarray = field(init=False)
    waiting: np.ndarray = field(init=False)
    in_a_row: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        """Start with nothing made."""
        shape = self.potential.shape
        self.made = np.zeros(shape, dtype=np.int64)
        self.sold_locally = np.zeros(shape, dtype=np.int64)
        self.lots = np.zeros(shape, dtype=np.int64)
        self.sent = np.full(shape, -1, dtype=np.int64)
        self.since = np.zeros(shape[1], dtype=np.int64)
        self.waiting = np.zeros(shape[1], dtype=np.int64)
        self.in_a_row = np.zeros(shape[1], dtype=np.int64)


class _Batch:
    """Everything a batch of replications holds, and the phases that change it."""

    def __init__(self, scenario: Scenario, seed: int, replications: list[int]) -> None:
        """Draw every replication's bulk numbers from its own streams; start empty."""
        self.s = scenario
        self.reps = replications
        self.R = len(replications)
        horizon = self.H = scenario.horizon_days
        self.products = {name: i for i, name in enumerate(scenario.products)}
        self.lives = [p.shelf_life_days for p in scenario.products.values()]
        self.calendar = Calendar(scenario)
        reps, products = self.R, len(self.products)
        # Stock of each product by the day it was made; row 0 is day -1 (initial stock).
        self.stock = np.zeros((products, horizon + 2, reps), dtype=np.int64)
        self.held = np.zeros((products, reps), dtype=np.int64)  # the stock's sum, kept
        self.flows = np.zeros((len(Flow), products, horizon + 1, reps), dtype=np.int64)
        self.limits = [scenario.warehouse.max_stock.get(name) for name in self.products]
        self.qc_binomial = [g.binomial for g in streams(seed, replications, QUALITY_CONTROL)]
        self.finance = scenario.finance
        if self.finance is not None:
            self.cash = np.full(reps, self.finance.fund)
            self.buy_price = [self.finance.purchase_price.get(p, 0.0) for p in self.products]
            self.paid_out = np.zeros((horizon + 1, reps))
            self.paid_in = np.zeros((horizon + 1, reps))
        self.payments: dict[int, list[np.ndarray]] = {}
        self.initial = np.zeros(products, dtype=np.int64)
        for name, packs in scenario.warehouse.initial_stock.items():
            self.initial[self.products[name]] = packs
            self._receive(0, self.products[name], -1, np.full(reps, packs, dtype=np.int64))
        self.groups = self._draw_groups(seed)
        self.next_open = next_open_days(self.calendar.port_open())
        self.transit = [
            np.stack(
                [
                    transit_days(b, len(b.shipment_days(horizon)), rng)
                    for rng in streams(seed, replications, buyer_transit(b.name))
                ]
            )
            for b in scenario.buyers
        ]
        self.cancelled = np.full((reps, len(scenario.buyers)), NOT_CANCELLED, dtype=np.int64)
        self.lines: list[tuple[tuple[int, int, int], np.ndarray, np.ndarray]] = []
        self.backlog = np.zeros((reps, len(scenario.buyers), products), dtype=np.int64)
        self.missed_in_row = np.zeros((reps, len(scenario.buyers)), dtype=np.int64)

    # --- bulk draws ---------------------------------------------------------------------------

    def _draw_groups(self, seed: int) -> list[_Group]:
        s, horizon = self.s, self.H
        shock_streams = [streams(seed, self.reps, supply_shock(shock.name)) for shock in s.shocks]
        shocks_on = [
            {
                shock.name: shock_days(shock, horizon, rngs[i])
                for shock, rngs in zip(s.shocks, shock_streams, strict=True)
            }
            for i in range(self.R)
        ]
        groups = []
        supply = {p: product_multiplier(s.products[p], self.calendar, horizon) for p in s.products}
        for group in s.kitchens:
            works = self.calendar.kitchens_open(group.working_days)[:horizon]
            multiplier = np.stack(
                [_with_shocks(s, group, supply[group.product], on) for on in shocks_on]
            )
            potential = self._potential(seed, group, multiplier)
            groups.append(
                _Group(
                    group,
                    self.products[group.product],
                    np.where(works[:, None], potential.T, 0),
                    local_share(group, self.calendar, horizon),
                )
            )
        return groups

    def _potential(self, seed: int, group: KitchenGroup, multiplier: np.ndarray) -> np.ndarray:
        """Packs each replication's kitchens make each day, before a boost.

        Each replication's draws come from its own streams, in the reference's blocks of
        kitchens (``draws.potential``).
        """
        return draws.potential(
            group,
            multiplier,
            streams(seed, self.reps, kitchen_output(group.name)),
            streams(seed, self.reps, kitchen_absence(group.name)),
        )

    # --- the days -----------------------------------------------------------------------------

    def run_days(self, env: simpy.Environment) -> Generator[simpy.Event, None, None]:
        """Step the phases of every day, in the order of the event-ordering contract."""
        departures = self._departures()
        clearing = (
            shipment_schedule(self.s.buyers, self.products, self.H, self.next_open)
            if self.s.warehouse.leftover == "clear"
            else {}
        )
        for day in range(self.H + 1):
            yield At(env, day, Phase.EXPIRE)
            self._expire(day)
            self._pay(day)
            for group in self.groups:
                self._arrive(day, group)
            for order, number in departures.get(day, []):
                self._ship(day, order, number)
            if day in clearing:
                self._clear(day, clearing[day])
            if day < self.H:
                for group in self.groups:
                    self._plan(day, group)
        self._no_sail()

    def _departures(self) -> dict[int, list[tuple[int, int]]]:
        """Return day -> (buyer, shipment number) departing then, in buyer order.

        As the reference ships them: each at its scheduled day's next open port day, and never
        before the buyer's previous shipment.
        """
        found: dict[int, list[tuple[int, int]]] = {}
        self.departure: list[list[int]] = []
        for order, buyer in enumerate(self.s.buyers):
            now, days = 0, []
            for number, day in enumerate(buyer.shipment_days(self.H)):
                departure = max(int(self.next_open[day]), now)
                days.append(departure)
                if departure <= self.H:
                    found.setdefault(departure, []).append((order, number))
                    now = departure
            self.departure.append(days)
        for departing in found.values():
            departing.sort()
        return found

    def _expire(self, now: int) -> None:
        for p, life in enumerate(self.lives):
            made = now - 1 - (life if life is not None else now)
            if life is None or made < -1:
                continue
            spoiled = self.stock[p, made + 1].copy()
            self.stock[p, made + 1] = 0
            self.held[p] -= spoiled
            self.flows[Flow.SPOILED, p, now] += spoiled

    def _pay(self, now: int) -> None:
        for amount in self.payments.pop(now, []):
            self.cash += amount
            self.paid_in[now] += amount

    def _arrive(self, now: int, group: _Group) -> None:
        """Deliveries dispatched ``1 + transport_days`` ago arrive, their lots oldest first."""
        sent_on = now - 1 - group.spec.delivery.transport_days
        if sent_on < 0:
            return
        first = max(0, sent_on - group.spec.delivery.every_days + 1)
        arriving = group.sent[first : sent_on + 1] == sent_on
        if not arriving.any():
            return
        lots = np.where(arriving, group.lots[first : sent_on + 1], 0)
        group.lots[first : sent_on + 1] -= lots
        rejected = self._inspect(lots)
        for j, made_day in enumerate(range(first, sent_on + 1)):
            if lots[j].any():
                self._receive(now, group.product, made_day, lots[j], rejected=rejected[j])

    def _inspect(self, lots: np.ndarray) -> np.ndarray:
        """Quality control of a delivery: rejected packs of each lot (lots x replications).

        The one draw taken lot by lot: each replication draws from its own stream, its lots
        oldest first, as the reference does. Scalar calls on plain ints are the fastest way.
        """
        rejected = np.zeros_like(lots)
        p = self.s.warehouse.reject_fraction
        if p > 0:
            draw = self.qc_binomial
            for j in range(lots.shape[0]):
                rejected[j] = [draw[i](n, p) if n else 0 for i, n in enumerate(lots[j].tolist())]
        return rejected

    def _receive(
        self,
        now: int,
        p: int,
        made_day: int,
        packs: np.ndarray,
        *,
        rejected: np.ndarray | None = None,
    ) -> None:
        """Quality control, room, cash: ``Warehouse.receive`` for every replication at once.

        ``rejected`` by quality control: a delivery from kitchens; without, stock that is the
        cooperative's already (the initial stock), which needs room only.
        """
        f = self.flows
        checked = rejected is not None
        if rejected is not None:
            f[Flow.REJECTED, p, now] += rejected
            packs = packs - rejected
        held = self.held
        room = packs
        if self.s.warehouse.capacity is not None:
            room = np.minimum(room, self.s.warehouse.capacity - held.sum(axis=0))
        limit = self.limits[p]
        if limit is not None:
            room = np.minimum(room, limit - held[p])
        room = np.maximum(room, 0)
        f[Flow.OVERFLOW, p, now] += packs - room
        accepted = room
        if checked and self.finance is not None:
            price = self.buy_price[p]
            if price != 0:
                accepted = np.minimum(room, (self.cash // price).astype(np.int64))
            cost = accepted * price
            self.cash -= cost
            self.paid_out[now] += cost
            f[Flow.UNPAID, p, now] += room - accepted
        accepted = np.maximum(accepted, 0)
        f[Flow.RECEIVED, p, now] += accepted
        life = self.lives[p]
        if life is not None and made_day + 1 + life <= now:  # aged out on the way
            f[Flow.SPOILED, p, now] += accepted
        else:
            self.stock[p, made_day + 1] += accepted
            held[p] += accepted

    def _ship(self, now: int, order: int, number: int) -> None:
        """One shipment of one buyer, for every replication whose contract still runs."""
        buyer = self.s.buyers[order]
        alive = self.cancelled[:, order] == NOT_CANCELLED
        shipped = self._lines(now, order, number, buyer, alive)
        if self.finance is not None and now + buyer.payment_days <= self.H:
            revenue = np.zeros(self.R)
            for p, n in shipped:
                revenue += n * buyer.price.get(p, 0.0)
            revenue = np.where(alive, revenue, 0.0)
            if not revenue.any():
                return
            if buyer.payment_days == 0:  # the reference pays at once, within this instant
                self.cash += revenue
                self.paid_in[now] += revenue
            else:
                self.payments.setdefault(now + buyer.payment_days, []).append(revenue)

    def _no_sail(self) -> None:
        """Shipments departing after the horizon: recorded unshipped, as the reference does.

        The reference records them as soon as the buyer's last shipment that sailed is done
        (or when it starts, if none sailed): their lines follow that shipment's.
        """
        for order, buyer in enumerate(self.s.buyers):
            sailed = [d for d in self.departure[order] if d <= self.H]
            after = sailed[-1] if sailed else -1
            for number, departure in enumerate(self.departure[order]):
                if departure > self.H:
                    alive = self.cancelled[:, order] == NOT_CANCELLED
                    self._lines(departure, order, number, buyer, alive, emitted=after)

    def _lines(
        self,
        departure: int,
        order: int,
        number: int,
        buyer: Buyer,
        alive: np.ndarray,
        *,
        emitted: int | None = None,
    ) -> list[tuple[str, np.ndarray]]:
        """Record one shipment's lines (``emitted``: when, if it does not sail); return shipped."""
        sails = emitted is None
        day = buyer.shipment_days(self.H)[number]
        arrival = departure + self.transit[order][:, number]
        on_time = (
            np.full(self.R, -1)
            if buyer.due_days is None
            else (arrival <= day + buyer.due_days).astype(np.int64)
        )
        any_missed = np.zeros(self.R, dtype=bool)
        shipped_by = []
        rows = []
        for name, packs in buyer.quota.items():
            p = self.products[name]
            owed = packs + self.backlog[:, order, p]
            shipped = (
                self._take(departure, p, np.where(alive, owed, 0), buyer)
                if sails
                else np.zeros(self.R, dtype=np.int64)
            )
            missed = shipped < owed * (1 - buyer.tolerance)
            any_missed |= missed
            shipped_by.append((name, shipped))
            rows.append(
                np.stack(
                    [
                        np.full(self.R, order),
                        np.full(self.R, p),
                        np.full(self.R, number),
                        np.full(self.R, day),
                        np.full(self.R, departure),
                        arrival,
                        np.full(self.R, packs),
                        owed,
                        shipped,
                        missed.astype(np.int64),
                        on_time,
                    ],
                    axis=1,
                )
            )
            if buyer.shortfall == "backorder":
                self.backlog[:, order, p] = np.where(
                    alive, owed - shipped, self.backlog[:, order, p]
                )
        when = departure if emitted is None else emitted
        self.lines.append(((when, order, number), np.stack(rows, axis=1), alive.copy()))
        self.missed_in_row[:, order] = np.where(
            alive,
            np.where(any_missed, self.missed_in_row[:, order] + 1, 0),
            self.missed_in_row[:, order],
        )
        if buyer.cancel_after_misses is not None:
            cancels = alive & (self.missed_in_row[:, order] >= buyer.cancel_after_misses)
            self.cancelled[cancels, order] = departure
        return shipped_by

    def _take(self, now: int, p: int, wanted: np.ndarray, buyer: Buyer) -> np.ndarray:
        """Oldest packs first, only those fresh enough for the buyer; as ``Warehouse.take``."""
        life = self.lives[p]
        first = 0
        if life is not None:
            fresh = None
            if buyer.min_shelf_life_days is not None:
                fresh = now + buyer.min_shelf_life_days
            elif buyer.min_shelf_life_fraction is not None:
                fresh = now + math.ceil(buyer.min_shelf_life_fraction * life)
            if fresh is not None:  # made_day + 1 + life >= fresh
                first = max(0, fresh - 1 - life + 1)
        # Only lots made before today and not yet expired can hold stock.
        live = slice(max(first, 0 if life is None else now - life + 1), now + 1)
        lots = self.stock[p, live]
        before = np.cumsum(lots, axis=0) - lots
        taken = np.clip(wanted - before, 0, lots)
        self.stock[p, live] -= taken
        shipped: np.ndarray = taken.sum(axis=0)
        self.held[p] -= shipped
        self.flows[Flow.SHIPPED, p, now] += shipped
        return shipped

    def _clear(self, day: int, schedule: list[tuple[int, list[int]]]) -> None:
        products = sorted({p for _, ps in schedule for p in ps})
        for p in products:
            shipping = np.zeros(self.R, dtype=bool)
            for order, ps in schedule:
                if p in ps:
                    c = self.cancelled[:, order]
                    shipping |= (c == NOT_CANCELLED) | (c >= day)
            cleared = np.where(shipping, self.held[p], 0)
            self.stock[p, :, shipping] = 0
            self.held[p] -= cleared
            self.flows[Flow.CLEARED, p, day] += cleared

    def _plan(self, day: int, group: _Group) -> None:
        """The day's production: boost if stock is low, sell locally, dispatch what is due."""
        spec = group.spec
        made = group.potential[day].copy()
        if spec.boost is not None:
            low = self.held[group.product] < spec.boost.when_stock_below
            boosted = low & (group.in_a_row < spec.boost.max_days_in_row)
            made = np.where(boosted, np.rint(made * spec.boost.factor).astype(np.int64), made)
            group.in_a_row = np.where(boosted, group.in_a_row + 1, 0)
        local = np.rint(made * group.share[day]).astype(np.int64)
        group.made[day], group.sold_locally[day] = made, local
        lot = np.maximum(made - local, 0)
        group.lots[day] = lot
        group.waiting += lot
        group.since += 1
        rule = spec.delivery
        due = group.since >= rule.every_days
        if rule.batch_size is not None:
            due |= group.waiting >= rule.batch_size
        if due.any():
            window = slice(max(0, day - rule.every_days + 1), day + 1)
            pending = (group.sent[window] < 0) & (group.lots[window] > 0)
            group.sent[window] = np.where(due & pending, day, group.sent[window])
            group.since[due] = 0
            group.waiting[due] = 0

    # --- the outcome --------------------------------------------------------------------------

    def outcomes(self) -> list[Replication]:
        """Each replication's result, as the reference engine returns it."""
        shape = (self.R, len(self.products))
        made = np.zeros(shape, dtype=np.int64)
        sold_locally = np.zeros(shape, dtype=np.int64)
        undelivered = np.zeros(shape, dtype=np.int64)
        for group in self.groups:
            made[:, group.product] += group.made.sum(axis=0)
            sold_locally[:, group.product] += group.sold_locally.sum(axis=0)
            undelivered[:, group.product] += group.lots.sum(axis=0)
        flows = self.flows.sum(axis=2).transpose(2, 0, 1)  # (R, Flow, P)
        on_hand = self.stock.sum(axis=1).T  # counted from the lots, not from ``held``
        totals = np.stack(
            [
                np.broadcast_to(self.initial, shape),
                made,
                sold_locally,
                flows[:, Flow.UNPAID],
                flows[:, Flow.REJECTED],
                flows[:, Flow.OVERFLOW],
                flows[:, Flow.SHIPPED],
                flows[:, Flow.SPOILED],
                flows[:, Flow.CLEARED],
                on_hand,
                undelivered,
            ],
            axis=2,
        )
        assert totals.shape[2] == len(PRODUCT_FIELDS)  # noqa: S101
        change = (
            self.flows[Flow.RECEIVED]
            - self.flows[Flow.SHIPPED]
            - self.flows[Flow.SPOILED]
            - self.flows[Flow.CLEARED]
        )
        stock = np.cumsum(change, axis=1).transpose(2, 0, 1)  # (R, P, days)
        lines, kept = self._all_lines()
        cash = np.empty((self.R, 0))
        if self.finance is not None:  # each replication's running sum, as the reference's
            cash = (self.finance.fund + np.cumsum(self.paid_in - self.paid_out, axis=0)).T.copy()
        unpaid_days = np.count_nonzero(self.flows[Flow.UNPAID].sum(axis=0), axis=0)
        results = []
        for i, r in enumerate(self.reps):
            check_books(totals[i], stock[i])
            results.append(
                Replication(
                    replication=r,
                    lines=lines[i][kept[i]],
                    products=totals[i],
                    stock=stock[i],
                    cash=cash[i],
                    cancelled=self.cancelled[i].copy(),
                    unpaid_days=int(unpaid_days[i]),
                )
            )
        return results

    def _all_lines(self) -> tuple[np.ndarray, np.ndarray]:
        """Every replication's lines in the reference's order, and which of them it has."""
        if not self.lines:
            return np.zeros((self.R, 0, len(LINE_FIELDS)), np.int64), np.zeros((self.R, 0), bool)
        lines = sorted(self.lines, key=lambda line: line[0])
        rows = np.concatenate([shipment for _, shipment, _ in lines], axis=1)
        per_shipment = [shipment.shape[1] for _, shipment, _ in lines]
        alive = np.stack([alive for _, _, alive in lines], axis=1)
        return rows.astype(np.int64, copy=False), np.repeat(alive, per_shipment, axis=1)


def _with_shocks(
    scenario: Scenario, group: KitchenGroup, supply: np.ndarray, shocks_on: dict[str, np.ndarray]
) -> np.ndarray:
    """The group's multiplier, as ``supply.group_multiplier`` makes it, from a shared supply."""
    factor = supply
    for shock in scenario.shocks:
        if hits(shock, group):
            factor = np.where(shocks_on[shock.name], factor * shock.multiplier, factor)
    return factor

"""Buyer contracts: scheduled export shipments that take what they can of a fixed quota.

A shipment on day ``t`` departs at time ``t`` (or, if the port is closed, on the next open day),
after every arrival at time ``<= t``; buyers that ship at the same time are served in list
order. With ``shortfall: backorder`` what a shipment could not take is added to what the next
one owes. A buyer may accept only packs with enough shelf life left, pays after its payment
terms, and cancels the contract after too many missed shipments in a row.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable
from dataclasses import dataclass

import numpy as np
import simpy

from sim.engine.finance import Treasury
from sim.engine.timing import At, Phase
from sim.engine.warehouse import Warehouse
from sim.scenario.schema import Buyer

# One record per shipment line, in this column order. ``day`` is the scheduled day,
# ``quota`` what the shipment owed (with backorder, including the backlog), ``on_time`` -1
# where the contract has no due date.
LINE_FIELDS = (
    "buyer",
    "product",
    "shipment",
    "day",
    "departure_day",
    "arrival_day",
    "contract_quota",
    "quota",
    "shipped",
    "missed",
    "on_time",
)
Line = tuple[int, ...]
NOT_CANCELLED = -1


@dataclass(frozen=True)
class Route:
    """What a buyer's shipments need from the rest of the model.

    Attributes:
        products: Product name -> index.
        shelf_lives: Shelf life of each product (by index).
        horizon_days: Last day a shipment can depart.
        next_open: For each day, the first day from it on when the port is open.
        transit: Transit days of each scheduled shipment (zeros without ``transit_days``).
    """

    products: dict[str, int]
    shelf_lives: list[int | None]
    horizon_days: int
    next_open: np.ndarray
    transit: np.ndarray


def ship(
    env: simpy.Environment,
    order: int,
    buyer: Buyer,
    route: Route,
    warehouse: Warehouse,
    *,
    treasury: Treasury | None,
    lines: list[Line],
    cancelled: list[int],
) -> Generator[simpy.Event, None, None]:
    """Send the buyer's shipments, recording each line; stop if the buyer cancels.

    Args:
        env: The simulation environment.
        order: The buyer's place in the scenario's list (earlier is served first).
        buyer: The contract.
        route: Products, shelf lives, port calendar, transit times.
        warehouse: Where the stock is taken from.
        treasury: Where payments go (with finance).
        lines: Records of every shipment line, ``LINE_FIELDS`` each.
        cancelled: Day each buyer cancelled, by order (``NOT_CANCELLED`` if it did not).
    """
    quota = [(route.products[name], packs) for name, packs in buyer.quota.items()]
    price = {route.products[name]: buyer.price.get(name, 0.0) for name in buyer.quota}
    backlog = dict.fromkeys(route.products.values(), 0)
    keep = 1 - buyer.tolerance
    missed_in_row = 0
    for number, day in enumerate(buyer.shipment_days(route.horizon_days)):
        departure = max(int(route.next_open[day]), int(env.now))
        arrival = departure + int(route.transit[number])
        on_time = -1 if buyer.due_days is None else int(arrival <= day + buyer.due_days)
        sails = departure <= route.horizon_days
        if sails:
            yield At(env, departure, Phase.SHIP, order)
        any_missed = False
        revenue = 0.0
        for product, packs in quota:
            owed = packs + backlog[product]
            fresh = _fresh_until(buyer, route.shelf_lives[product], departure)
            shipped = warehouse.take(product, owed, fresh) if sails else 0
            missed = shipped < owed * keep
            any_missed |= missed
            revenue += shipped * price[product]
            lines.append(
                (
                    order,
                    product,
                    number,
                    day,
                    departure,
                    arrival,
                    packs,
                    owed,
                    shipped,
                    missed,
                    on_time,
                )
            )
            if buyer.shortfall == "backorder":
                backlog[product] = owed - shipped
        if (
            treasury is not None
            and revenue
            and departure + buyer.payment_days <= route.horizon_days
        ):
            _pay_later(env, departure + buyer.payment_days, treasury, revenue)
        missed_in_row = missed_in_row + 1 if any_missed else 0
        if buyer.cancel_after_misses is not None and missed_in_row >= buyer.cancel_after_misses:
            cancelled[order] = departure
            return


def _fresh_until(buyer: Buyer, shelf_life: int | None, departure: int) -> int | None:
    """Return the earliest expiry time a pack may have to go on this shipment."""
    if shelf_life is None:
        return None
    if buyer.min_shelf_life_days is not None:
        return departure + buyer.min_shelf_life_days
    if buyer.min_shelf_life_fraction is not None:
        return departure + math.ceil(buyer.min_shelf_life_fraction * shelf_life)
    return None


def _pay_later(env: simpy.Environment, when: int, treasury: Treasury, amount: float) -> None:
    At(env, when, Phase.PAY).callbacks.append(lambda _e: treasury.receive(amount, when))


def next_open_days(port_open: np.ndarray) -> np.ndarray:
    """Return, for each day, the first day from it on when the port is open."""
    days = np.arange(len(port_open))
    candidates = np.where(port_open, days, len(port_open) + days[-1])
    return np.minimum.accumulate(candidates[::-1])[::-1]


def transit_days(buyer: Buyer, shipments: int, rng: np.random.Generator) -> np.ndarray:
    """Return each shipment's days in transit, drawn in bulk (zeros without transit)."""
    if buyer.transit_days is None:
        return np.zeros(shipments, dtype=np.int64)
    days: np.ndarray = np.rint(np.maximum(buyer.transit_days.sample(rng, shipments), 0))
    return days.astype(np.int64)


def clear_leftovers(
    env: simpy.Environment,
    schedule: dict[int, list[tuple[int, list[int]]]],
    warehouse: Warehouse,
    cancelled: list[int],
) -> Generator[simpy.Event, None, None]:
    """After the shipments of each shipment day, clear the unshipped stock of what was shipped.

    Args:
        env: The simulation environment.
        schedule: Departure day -> (buyer order, product indices) of the shipments that day.
        warehouse: Where the stock is cleared from.
        cancelled: Day each buyer cancelled: a buyer that cancelled earlier ships nothing more.
    """
    for day in sorted(schedule):
        yield At(env, day, Phase.CLEAR)
        shipped = {
            product
            for order, products in schedule[day]
            if cancelled[order] == NOT_CANCELLED or cancelled[order] >= day
            for product in products
        }
        for product in sorted(shipped):
            warehouse.clear(product)


def shipment_schedule(
    buyers: Iterable[Buyer], products: dict[str, int], horizon_days: int, next_open: np.ndarray
) -> dict[int, list[tuple[int, list[int]]]]:
    """Return departure day -> (buyer order, product indices) of each shipment that day."""
    schedule: dict[int, list[tuple[int, list[int]]]] = {}
    for order, buyer in enumerate(buyers):
        lines = [products[n] for n in buyer.quota]
        for day in buyer.shipment_days(horizon_days):
            departure = int(next_open[day])
            if departure <= horizon_days:
                schedule.setdefault(departure, []).append((order, lines))
    return schedule

"""Buyer contracts: scheduled export shipments that take what they can of a fixed quota.

A shipment on day ``t`` departs at time ``t``, after every arrival at time ``<= t``; buyers that
ship at the same time are served in list order. With ``shortfall: backorder`` what a shipment
could not take is added to what the next one owes.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable

import simpy

from sim.scenario import Buyer
from sim.timing import At, Phase
from sim.warehouse import Warehouse

# One record per shipment line, in this column order.
LINE_FIELDS = ("buyer", "product", "shipment", "day", "contract_quota", "quota", "shipped")
Line = tuple[int, int, int, int, int, int, int]


def ship(
    env: simpy.Environment,
    order: int,
    buyer: Buyer,
    *,
    products: dict[str, int],
    horizon_days: int,
    warehouse: Warehouse,
    lines: list[Line],
) -> Generator[simpy.Event, None, None]:
    """Send the buyer's shipments; append one record per product line to ``lines``.

    Args:
        env: The simulation environment.
        order: The buyer's place in the scenario's list (earlier is served first).
        buyer: The contract.
        products: Product name -> index.
        horizon_days: Last day a shipment can depart.
        warehouse: Where the stock is taken from.
        lines: Records of (buyer, product, shipment, day, contract_quota, quota, shipped).
    """
    quota = [(products[name], packs) for name, packs in buyer.quota.items()]
    backlog = dict.fromkeys(products.values(), 0)
    backorder = buyer.shortfall == "backorder"
    for number, day in enumerate(buyer.shipment_days(horizon_days)):
        yield At(env, day, Phase.SHIP, order)
        for product, packs in quota:
            owed = packs + backlog[product]
            shipped = warehouse.take(product, owed)
            lines.append((order, product, number, day, packs, owed, shipped))
            if backorder:
                backlog[product] = owed - shipped


def clear_leftovers(
    env: simpy.Environment, schedule: dict[int, set[int]], warehouse: Warehouse
) -> Generator[simpy.Event, None, None]:
    """After the shipments of each shipment day, clear the unshipped stock of what was shipped.

    Args:
        env: The simulation environment.
        schedule: Shipment day -> indices of the products shipped that day.
        warehouse: Where the stock is cleared from.
    """
    for day in sorted(schedule):
        yield At(env, day, Phase.CLEAR)
        for product in sorted(schedule[day]):
            warehouse.clear(product)


def shipment_schedule(
    buyers: Iterable[Buyer], products: dict[str, int], horizon_days: int
) -> dict[int, set[int]]:
    """Return shipment day -> indices of the products any buyer ships that day."""
    schedule: dict[int, set[int]] = {}
    for buyer in buyers:
        for day in buyer.shipment_days(horizon_days):
            schedule.setdefault(day, set()).update(products[name] for name in buyer.quota)
    return schedule

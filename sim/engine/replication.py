"""One replication: wire kitchens, the warehouse and buyers together, run, and check the books.

The result is plain numpy arrays (shipment lines, per-product pack totals, stock and cash over
time, when contracts ended); turning them into tables and statistics happens afterwards,
outside the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import simpy

from sim.engine.finance import Treasury
from sim.engine.kitchens import Collection, Produce, collect, local_share, produce_in_bulk
from sim.engine.shipments import (
    LINE_FIELDS,
    NOT_CANCELLED,
    Line,
    Route,
    clear_leftovers,
    next_open_days,
    ship,
    shipment_schedule,
    transit_days,
)
from sim.engine.streams import (
    QUALITY_CONTROL,
    buyer_transit,
    kitchen_absence,
    kitchen_output,
    stream,
    supply_shock,
)
from sim.engine.supply import group_multiplier, shock_days
from sim.engine.timing import At, Phase
from sim.engine.warehouse import Flow, Warehouse
from sim.scenario.calendar import Calendar
from sim.scenario.schema import Scenario

# Per-product pack totals of a replication, in this column order. Every pack is accounted
# for: initial_stock + made = everything after it.
PRODUCT_FIELDS = (
    "initial_stock",
    "made",
    "sold_locally",
    "unpaid",
    "rejected",
    "overflow",
    "shipped",
    "spoiled",
    "cleared",
    "on_hand_end",
    "undelivered_end",
)


class AccountingError(RuntimeError):
    """Packs were created or lost by the model itself: a bug, never bad input."""


@dataclass(frozen=True)
class Replication:
    """What one replication produced.

    Attributes:
        replication: Its number, from 0.
        lines: One row per shipment line, columns ``LINE_FIELDS``.
        products: One row per product, columns ``PRODUCT_FIELDS``.
        stock: Stock per product at the end of each time ``0..horizon_days``.
        cash: Cash at the end of each time (empty without finance).
        cancelled: Day each buyer cancelled its contract, ``-1`` if it did not.
        unpaid_days: Days on which output was turned away for lack of cash.
    """

    replication: int
    lines: np.ndarray
    products: np.ndarray
    stock: np.ndarray
    cash: np.ndarray
    cancelled: np.ndarray
    unpaid_days: int


def simulate(
    scenario: Scenario, seed: int, replication: int, *, produce: Produce = produce_in_bulk
) -> Replication:
    """Run one replication of ``scenario`` with its own named random streams.

    ``produce`` makes the kitchens' output; the benchmark swaps in a naive one-process-per-
    kitchen version to measure what drawing in bulk gains.
    """
    env = simpy.Environment()
    horizon = scenario.horizon_days
    products = {name: i for i, name in enumerate(scenario.products)}
    calendar = Calendar(scenario)
    treasury = (
        None
        if scenario.finance is None
        else Treasury(scenario.finance, list(products), horizon + 1)
    )
    warehouse = Warehouse(
        env,
        [p.shelf_life_days for p in scenario.products.values()],
        scenario.warehouse.capacity,
        horizon,
        [scenario.warehouse.max_stock.get(name) for name in products],
        reject_fraction=scenario.warehouse.reject_fraction,
        qc_rng=stream(seed, replication, QUALITY_CONTROL),
        treasury=treasury,
    )
    initial = np.zeros(len(products), dtype=np.int64)
    for name, packs in scenario.warehouse.initial_stock.items():
        initial[products[name]] = packs
        warehouse.receive(products[name], made_day=-1, packs=packs, checked=False)

    books = _start_kitchens(
        env,
        scenario,
        seed,
        replication,
        calendar=calendar,
        warehouse=warehouse,
        products=products,
        produce=produce,
    )
    lines: list[Line] = []
    cancelled = [NOT_CANCELLED] * len(scenario.buyers)
    next_open = next_open_days(calendar.port_open())
    for order, buyer in enumerate(scenario.buyers):
        rng = stream(seed, replication, buyer_transit(buyer.name))
        route = Route(
            products,
            warehouse.shelf_lives,
            horizon,
            next_open,
            transit_days(buyer, len(buyer.shipment_days(horizon)), rng),
        )
        env.process(
            ship(
                env,
                order,
                buyer,
                route,
                warehouse,
                treasury=treasury,
                lines=lines,
                cancelled=cancelled,
            )
        )
    if scenario.warehouse.leftover == "clear":
        schedule = shipment_schedule(scenario.buyers, products, horizon, next_open)
        env.process(clear_leftovers(env, schedule, warehouse, cancelled))

    env.run(until=At(env, horizon, Phase.END))
    totals = _product_totals(warehouse, initial, books, products, scenario)
    check_books(totals, warehouse.stock_over_time())
    unpaid = warehouse.flows[Flow.UNPAID].sum(axis=0)
    return Replication(
        replication=replication,
        lines=np.array(lines, dtype=np.int64).reshape(-1, len(LINE_FIELDS)),
        products=totals,
        stock=warehouse.stock_over_time(),  # int64: stocks of over 2**31 packs are valid
        cash=np.empty(0) if treasury is None else treasury.over_time(),
        cancelled=np.array(cancelled, dtype=np.int64),
        unpaid_days=int(np.count_nonzero(unpaid)),
    )


def _start_kitchens(
    env: simpy.Environment,
    scenario: Scenario,
    seed: int,
    replication: int,
    *,
    calendar: Calendar,
    warehouse: Warehouse,
    products: dict[str, int],
    produce: Produce,
) -> list[Collection]:
    """Draw every group's output in bulk and start its collection; return their books."""
    horizon = scenario.horizon_days
    shocks_on = {
        shock.name: shock_days(shock, horizon, stream(seed, replication, supply_shock(shock.name)))
        for shock in scenario.shocks
    }
    books = []
    for order, group in enumerate(scenario.kitchens):
        product = products[group.product]
        potential = produce(
            env,
            order,
            group,
            works=calendar.kitchens_open(group.working_days)[:horizon],
            multiplier=group_multiplier(scenario, group, calendar, shocks_on),
            output_rng=stream(seed, replication, kitchen_output(group.name)),
            absence_rng=stream(seed, replication, kitchen_absence(group.name)),
        )
        book = Collection(horizon)
        books.append(book)
        env.process(
            collect(
                env,
                len(scenario.kitchens) + order,  # after any per-kitchen production
                group,
                potential,
                local_share(group, calendar, horizon),
                stock=partial(warehouse.stock_of, product),
                deliver=partial(warehouse.deliver, product),
                book=book,
            )
        )
    return books


def _product_totals(
    warehouse: Warehouse,
    initial: np.ndarray,
    books: list[Collection],
    products: dict[str, int],
    scenario: Scenario,
) -> np.ndarray:
    made, sold_locally, undelivered = (np.zeros(len(products), dtype=np.int64) for _ in range(3))
    for group, book in zip(scenario.kitchens, books, strict=True):
        p = products[group.product]
        made[p] += book.made.sum()
        sold_locally[p] += book.sold_locally.sum()
        undelivered[p] += book.undelivered()
    flows = warehouse.flows.sum(axis=2)
    # Counted from the lots themselves, independently of the running totals.
    on_hand = np.array([sum(n for _, n in lots) for lots in warehouse.lots], dtype=np.int64)
    return np.column_stack(
        [
            initial,
            made,
            sold_locally,
            flows[Flow.UNPAID],
            flows[Flow.REJECTED],
            flows[Flow.OVERFLOW],
            flows[Flow.SHIPPED],
            flows[Flow.SPOILED],
            flows[Flow.CLEARED],
            on_hand,
            undelivered,
        ]
    )


def check_books(totals: np.ndarray, stock: np.ndarray) -> None:
    """Fail loudly unless initial + made = every way a pack can go, per product.

    Args:
        totals: Per product, ``PRODUCT_FIELDS`` (on hand counted from the lots themselves).
        stock: Stock per product over time, from the flows.
    """
    initial, made, *gone = totals.T
    balance = initial + made - np.sum(gone, axis=0)
    on_hand = totals[:, PRODUCT_FIELDS.index("on_hand_end")]
    if balance.any() or (stock[:, -1] != on_hand).any():
        raise AccountingError(
            f"packs do not balance: made - accounted = {balance.tolist()}, "
            f"stock from flows {stock[:, -1].tolist()} vs lots {on_hand.tolist()}"
        )

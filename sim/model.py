"""One replication: wire kitchens, the warehouse and buyers together, run, and check the books.

The result is plain numpy arrays (shipment lines, per-product pack totals, stock over time);
turning them into tables and statistics happens afterwards, outside the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.kitchens import deliver, plan_output
from sim.scenario import Scenario
from sim.shipments import LINE_FIELDS, Line, clear_leftovers, ship, shipment_schedule
from sim.streams import stream
from sim.timing import At, Phase
from sim.warehouse import Flow, Warehouse

# Per-product pack totals of a replication, in this column order.
PRODUCT_FIELDS = (
    "initial_stock",
    "made",
    "shipped",
    "spoiled",
    "overflow",
    "cleared",
    "on_hand_end",
)


class AccountingError(RuntimeError):
    """Packs were created or lost by the model itself: a bug, never bad input."""


@dataclass(frozen=True)
class Replication:
    """What one replication produced.

    Attributes:
        replication: Its number, from 0.
        lines: One row per shipment line, columns ``LINE_FIELDS`` plus ``missed`` (0/1).
        products: One row per product, columns ``PRODUCT_FIELDS``.
        stock: Stock per product at the end of each time ``0..horizon_days``.
    """

    replication: int
    lines: np.ndarray
    products: np.ndarray
    stock: np.ndarray


def simulate(scenario: Scenario, seed: int, replication: int) -> Replication:
    """Run one replication of ``scenario`` with its own named random streams."""
    env = simpy.Environment()
    horizon = scenario.horizon_days
    products = {name: i for i, name in enumerate(scenario.products)}
    warehouse = Warehouse(
        env,
        [p.shelf_life_days for p in scenario.products.values()],
        scenario.warehouse.capacity,
        horizon,
        [scenario.warehouse.max_stock.get(name) for name in products],
    )

    initial = np.zeros(len(products), dtype=np.int64)
    for name, packs in scenario.warehouse.initial_stock.items():
        initial[products[name]] = packs
        warehouse.receive(products[name], made_day=-1, packs=packs)

    made = np.zeros(len(products), dtype=np.int64)
    for order, group in enumerate(scenario.kitchens):
        rng = stream(seed, replication, f"kitchens/{group.name}/output")
        output = plan_output(group, horizon, scenario.start_date, rng)
        made[products[group.product]] += output.sum()
        env.process(deliver(env, order, products[group.product], output, warehouse))

    lines: list[Line] = []
    for order, buyer in enumerate(scenario.buyers):
        env.process(
            ship(
                env,
                order,
                buyer,
                products=products,
                horizon_days=horizon,
                warehouse=warehouse,
                lines=lines,
            )
        )
    if scenario.warehouse.leftover == "clear":
        schedule = shipment_schedule(scenario.buyers, products, horizon)
        env.process(clear_leftovers(env, schedule, warehouse))

    env.run(until=At(env, horizon, Phase.END))
    totals = _product_totals(warehouse, initial, made)
    _check_books(totals, warehouse)
    return Replication(
        replication=replication,
        lines=_line_table(lines, scenario),
        products=totals,
        stock=warehouse.stock_over_time().astype(np.int32),
    )


def _product_totals(warehouse: Warehouse, initial: np.ndarray, made: np.ndarray) -> np.ndarray:
    flows = warehouse.flows.sum(axis=2)
    # Counted from the lots themselves, independently of the running totals.
    on_hand = np.array([sum(n for _, n in lots) for lots in warehouse.lots], dtype=np.int64)
    return np.column_stack(
        [
            initial,
            made,
            flows[Flow.SHIPPED],
            flows[Flow.SPOILED],
            flows[Flow.OVERFLOW],
            flows[Flow.CLEARED],
            on_hand,
        ]
    )


def _check_books(totals: np.ndarray, warehouse: Warehouse) -> None:
    """Fail loudly unless initial + made = shipped + spoiled + overflow + cleared + on hand."""
    initial, made, *gone = totals.T
    balance = initial + made - np.sum(gone, axis=0)
    stock_end = warehouse.stock_over_time()[:, -1]
    if balance.any() or (stock_end != totals[:, -1]).any():
        raise AccountingError(
            f"packs do not balance: made - accounted = {balance.tolist()}, "
            f"stock from flows {stock_end.tolist()} vs lots {totals[:, -1].tolist()}"
        )


def _line_table(lines: list[Line], scenario: Scenario) -> np.ndarray:
    table = np.array(lines, dtype=np.int64).reshape(-1, len(LINE_FIELDS))
    keep = 1 - np.array([b.tolerance for b in scenario.buyers])
    buyer, quota, shipped = table[:, 0], table[:, 5], table[:, 6]
    missed = shipped < quota * keep[buyer]
    return np.column_stack([table, missed.astype(np.int64)])

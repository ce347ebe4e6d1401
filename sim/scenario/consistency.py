"""Cross-checks of a scenario: what each section allows alone but the whole cannot mean.

Each check returns the key path of the first problem and what to say about it, or ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.scenario.fields import Path
from sim.scenario.limits import MAX_KITCHENS

if TYPE_CHECKING:  # the schema calls these checks while it validates
    from sim.scenario.schema import Scenario


def first_inconsistency(s: Scenario) -> tuple[Path, str] | None:
    """Return the path and message of the first cross-reference error, if any."""
    return (
        _duplicate_name(s)
        or _too_many_kitchens(s)
        or _unknown_product(s)
        or _first_shipment_too_late(s)
        or _needs_start_date(s)
        or _unknown_shock_scope(s)
        or _missing_prices(s)
        or _unknown_cost_item(s)
        or _cannot_be_served(s)
    )


def _duplicate_name(s: Scenario) -> tuple[Path, str] | None:
    # Names key --set paths, streams and tables: a second item of one name would be silently
    # shadowed by the first (or replace it), so each list's names must be unique.
    for field, names in (
        ("kitchens", [g.name for g in s.kitchens]),
        ("buyers", [b.name for b in s.buyers]),
        ("shocks", [shock.name for shock in s.shocks]),
    ):
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                return (field, i, "name"), f"name {name!r} is used twice in {field}"
            first[name] = i
    return None


def _too_many_kitchens(s: Scenario) -> tuple[Path, str] | None:
    total = sum(g.count for g in s.kitchens)
    if total > MAX_KITCHENS:
        return ("kitchens",), (
            f"{total:,} kitchens in all; at most {MAX_KITCHENS:,} (so that pack totals fit "
            "the engine's 64-bit counts)"
        )
    return None


def _cannot_be_served(s: Scenario) -> tuple[Path, str] | None:
    """Settings that are valid alone but together can never mean what the user wants."""
    for i, buyer in enumerate(s.buyers):
        for product in buyer.quota:
            life = s.products[product].shelf_life_days if product in s.products else None
            if life is not None and (buyer.min_shelf_life_days or 0) >= life:
                return ("buyers", i, "min_shelf_life_days"), (
                    f"must be < the shelf life of {product!r} ({life} days), got "
                    f"{buyer.min_shelf_life_days}: no pack could ever be shipped"
                )
    capacity = s.warehouse.capacity
    stock = sum(s.warehouse.initial_stock.values())
    if capacity is not None and stock > capacity:
        return ("warehouse", "initial_stock"), (
            f"{stock:,} packs in all, more than the capacity ({capacity:,})"
        )
    for product, packs in s.warehouse.initial_stock.items():
        cap = s.warehouse.max_stock.get(product)
        if cap is not None and packs > cap:
            return ("warehouse", "initial_stock", product), (
                f"{packs:,} packs, more than max_stock of {product!r} ({cap:,})"
            )
    return None


def _unknown_product(s: Scenario) -> tuple[Path, str] | None:
    known = f"(products: {', '.join(s.products)})"
    for i, group in enumerate(s.kitchens):
        if group.product not in s.products:
            return ("kitchens", i, "product"), f"unknown product {group.product!r} {known}"
    for i, buyer in enumerate(s.buyers):
        for product in buyer.quota:
            if product not in s.products:
                return ("buyers", i, "quota", product), f"unknown product {product!r} {known}"
    for section in ("initial_stock", "max_stock"):
        for product in getattr(s.warehouse, section):
            if product not in s.products:
                path: Path = ("warehouse", section, product)
                return path, f"unknown product {product!r} {known}"
    return None


def _first_shipment_too_late(s: Scenario) -> tuple[Path, str] | None:
    for i, buyer in enumerate(s.buyers):
        if buyer.first_day is not None and buyer.first_day > s.horizon_days:
            return (
                ("buyers", i, "first_day"),
                f"must be <= horizon_days ({s.horizon_days}), got {buyer.first_day}",
            )
        if buyer.first_day is None and buyer.every_days > s.horizon_days:
            return (
                ("buyers", i, "every_days"),
                (
                    f"the first shipment (day {buyer.every_days}) falls after horizon_days "
                    f"({s.horizon_days}); set first_day or a longer horizon"
                ),
            )
    return None


def _needs_start_date(s: Scenario) -> tuple[Path, str] | None:
    if s.start_date is not None:
        return None
    c = s.calendar
    need: list[Path] = []
    if c.holidays:
        need.append(("calendar", "holidays"))
    if c.lebaran is not None:
        need.append(("calendar", "lebaran"))
    need += [("calendar", "closures", i) for i in range(len(c.closures))]
    need += [("calendar", "port_closures", i) for i in range(len(c.port_closures))]
    for i, group in enumerate(s.kitchens):
        if group.local_market is not None:
            need += [
                ("kitchens", i, "local_market", "surges", j)
                for j in range(len(group.local_market.surges))
            ]
    for name, product in s.products.items():
        if product.supply is not None and product.supply.monthly is not None:
            need.append(("products", name, "supply", "monthly"))
    if need:
        return need[0], "needs start_date, to know which dates and months the days are"
    return None


def _unknown_shock_scope(s: Scenario) -> tuple[Path, str] | None:
    groups = {g.name for g in s.kitchens}
    for i, shock in enumerate(s.shocks):
        for j, product in enumerate(shock.products or []):
            if product not in s.products:
                return ("shocks", i, "products", j), f"unknown product {product!r}"
        for j, group in enumerate(shock.groups or []):
            if group not in groups:
                return ("shocks", i, "groups", j), f"unknown kitchen group {group!r}"
    return None


def _unknown_cost_item(s: Scenario) -> tuple[Path, str] | None:
    if s.costs is None:
        return None
    groups = {g.name for g in s.kitchens}
    for group in s.costs.kitchen_per_year:
        if group not in groups:
            return ("costs", "kitchen_per_year", group), f"unknown kitchen group {group!r}"
    for product in s.costs.initial_stock_per_pack:
        if product not in s.products:
            return ("costs", "initial_stock_per_pack", product), f"unknown product {product!r}"
    return None


def _missing_prices(s: Scenario) -> tuple[Path, str] | None:
    if s.finance is None:
        return None
    for i, group in enumerate(s.kitchens):
        if group.product not in s.finance.purchase_price:
            return (
                ("finance", "purchase_price"),
                f"needs a price for {group.product!r} (made by {group.name})",
            )
        del i
    for i, buyer in enumerate(s.buyers):
        for product in buyer.quota:
            if product not in buyer.price:
                return ("buyers", i, "price"), f"needs a price for {product!r}, with finance"
    return None

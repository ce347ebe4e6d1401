"""Cross-checks of a scenario: what each section allows alone but the whole cannot mean.

Each check returns the key path of the first problem and what to say about it, or ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import _, number
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
                return (field, i, "name"), _("name {name} is used twice in {field}").format(
                    name=repr(name), field=field
                )
            first[name] = i
    return None


def _too_many_kitchens(s: Scenario) -> tuple[Path, str] | None:
    total = sum(g.count for g in s.kitchens)
    if total > MAX_KITCHENS:
        return ("kitchens",), _(
            "{total} kitchens in all; at most {most} (so that pack totals fit the engine's "
            "64-bit counts)"
        ).format(total=number(total), most=number(MAX_KITCHENS))
    return None


def _cannot_be_served(s: Scenario) -> tuple[Path, str] | None:
    """Settings that are valid alone but together can never mean what the user wants."""
    for i, buyer in enumerate(s.buyers):
        for product in buyer.quota:
            life = s.products[product].shelf_life_days if product in s.products else None
            if life is not None and (buyer.min_shelf_life_days or 0) >= life:
                return ("buyers", i, "min_shelf_life_days"), _(
                    "must be < the shelf life of {product} ({life} days), got {days}: no pack "
                    "could ever be shipped"
                ).format(product=repr(product), life=life, days=buyer.min_shelf_life_days)
    capacity = s.warehouse.capacity
    stock = sum(s.warehouse.initial_stock.values())
    if capacity is not None and stock > capacity:
        return ("warehouse", "initial_stock"), _(
            "{stock} packs in all, more than the capacity ({capacity})"
        ).format(stock=number(stock), capacity=number(capacity))
    for product, packs in s.warehouse.initial_stock.items():
        cap = s.warehouse.max_stock.get(product)
        if cap is not None and packs > cap:
            return ("warehouse", "initial_stock", product), _(
                "{packs} packs, more than max_stock of {product} ({cap})"
            ).format(packs=number(packs), product=repr(product), cap=number(cap))
    return None


def _unknown_product(s: Scenario) -> tuple[Path, str] | None:
    def unknown(product: str) -> str:
        return _("unknown product {product} (products: {products})").format(
            product=repr(product), products=", ".join(s.products)
        )

    for i, group in enumerate(s.kitchens):
        if group.product not in s.products:
            return ("kitchens", i, "product"), unknown(group.product)
    for i, buyer in enumerate(s.buyers):
        for product in buyer.quota:
            if product not in s.products:
                return ("buyers", i, "quota", product), unknown(product)
    for section in ("initial_stock", "max_stock"):
        for product in getattr(s.warehouse, section):
            if product not in s.products:
                path: Path = ("warehouse", section, product)
                return path, unknown(product)
    return None


def _first_shipment_too_late(s: Scenario) -> tuple[Path, str] | None:
    for i, buyer in enumerate(s.buyers):
        if buyer.first_day is not None and buyer.first_day > s.horizon_days:
            return (
                ("buyers", i, "first_day"),
                _("must be <= horizon_days ({horizon}), got {day}").format(
                    horizon=s.horizon_days, day=buyer.first_day
                ),
            )
        if buyer.first_day is None and buyer.every_days > s.horizon_days:
            return (
                ("buyers", i, "every_days"),
                _(
                    "the first shipment (day {day}) falls after horizon_days ({horizon}); set "
                    "first_day or a longer horizon"
                ).format(day=buyer.every_days, horizon=s.horizon_days),
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
        return need[0], _("needs start_date, to know which dates and months the days are")
    return None


def _unknown_shock_scope(s: Scenario) -> tuple[Path, str] | None:
    groups = {g.name for g in s.kitchens}
    for i, shock in enumerate(s.shocks):
        for j, product in enumerate(shock.products or []):
            if product not in s.products:
                return ("shocks", i, "products", j), _unknown_product_alone(product)
        for j, group in enumerate(shock.groups or []):
            if group not in groups:
                return ("shocks", i, "groups", j), _unknown_group(group)
    return None


def _unknown_cost_item(s: Scenario) -> tuple[Path, str] | None:
    if s.costs is None:
        return None
    groups = {g.name for g in s.kitchens}
    for group in s.costs.kitchen_per_year:
        if group not in groups:
            return ("costs", "kitchen_per_year", group), _unknown_group(group)
    for product in s.costs.initial_stock_per_pack:
        if product not in s.products:
            return ("costs", "initial_stock_per_pack", product), _unknown_product_alone(product)
    return None


def _missing_prices(s: Scenario) -> tuple[Path, str] | None:
    if s.finance is None:
        return None
    for i, group in enumerate(s.kitchens):
        if group.product not in s.finance.purchase_price:
            return (
                ("finance", "purchase_price"),
                _("needs a price for {product} (made by {group})").format(
                    product=repr(group.product), group=group.name
                ),
            )
        del i
    for i, buyer in enumerate(s.buyers):
        for product in buyer.quota:
            if product not in buyer.price:
                return ("buyers", i, "price"), _(
                    "needs a price for {product}, with finance"
                ).format(product=repr(product))
    return None


def _unknown_product_alone(product: str) -> str:
    return _("unknown product {product}").format(product=repr(product))


def _unknown_group(group: str) -> str:
    return _("unknown kitchen group {group}").format(group=repr(group))

"""The scenario schema: products, kitchen groups, the cooperative warehouse and its buyers.

One clock unit, the day. A scenario is immutable, validated data; variants are new objects
made with dotted-path overrides (see ``sim.scenario.overrides``). Defaults live here and nowhere
else. The optional mechanism sections are in ``sim.scenario.mechanisms``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from sim.scenario.distributions import Distribution
from sim.scenario.fields import WEEKDAYS, Fraction, Multiplier, Name, Path, Section, Weekday
from sim.scenario.mechanisms import (
    Absence,
    Boost,
    Calendar,
    Delivery,
    Finance,
    LocalMarket,
    Shock,
    Supply,
)


class Product(Section):
    """A product made by kitchens and bought by buyers."""

    shelf_life_days: int | None = Field(
        default=None,
        ge=1,
        description="Days a pack stays sellable after the day it was made; "
        "omitted = never expires.",
    )
    supply: Supply | None = Field(default=None, description="Seasons and dips of raw material.")


class KitchenGroup(Section):
    """Identical home kitchens making one product."""

    name: Name
    count: int = Field(ge=0, le=1_000_000, description="Number of kitchens in the group.")
    product: Name
    daily_output: Distribution = Field(
        description="Packs per kitchen per working day; drawn independently per kitchen and "
        "day, rounded to whole packs (negative draws count as 0)."
    )
    working_days: list[Weekday] = Field(
        default=list(WEEKDAYS),
        min_length=1,
        description="Weekdays the kitchens work; without start_date, day 0 is a Monday.",
    )
    absence: Absence | None = None
    local_market: LocalMarket | None = None
    delivery: Delivery = Delivery()
    boost: Boost | None = None

    @field_validator("working_days")
    @classmethod
    def _distinct_days(cls, days: list[Weekday]) -> list[Weekday]:
        if len(set(days)) != len(days):
            raise ValueError(f"lists a day twice: {days}")
        return days


class Warehouse(Section):
    """The cooperative warehouse where kitchens' output is pooled."""

    capacity: int | None = Field(
        default=None,
        ge=1,
        description="Packs it can hold, all products together; arrivals beyond it are turned "
        "away and counted as overflow. Omitted = unlimited.",
    )
    max_stock: dict[Name, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict,
        description="Packs of a product the cooperative holds at most; deliveries beyond it "
        "are turned away (counted as overflow), as beyond the capacity.",
    )
    initial_stock: dict[Name, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict,
        description="Packs of each product on hand at time 0, made the day before: a buffer "
        "built up before the contract starts. They age and expire like other packs.",
    )
    reject_fraction: Fraction = Field(
        default=0.0, description="Share of each delivery rejected at quality control."
    )
    leftover: Literal["keep", "clear"] = Field(
        default="keep",
        description="keep: unshipped stock stays for later shipments. clear: after the "
        "shipments of a day, unshipped stock of every product shipped that day leaves.",
    )


class Buyer(Section):
    """An export buyer with a fixed quota per product, shipped on a fixed schedule."""

    name: Name
    every_days: int = Field(ge=1, description="Days between shipments.")
    first_day: int | None = Field(
        default=None, ge=0, description="Day of the first shipment; omitted = every_days."
    )
    quota: dict[Name, Annotated[int, Field(ge=1)]] = Field(
        min_length=1, description="Packs of each product owed per shipment."
    )
    shortfall: Literal["lost", "backorder"] = Field(
        default="lost",
        description="lost: unshipped quota is forgotten. backorder: it is added to the next "
        "shipment's quota.",
    )
    tolerance: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="A line is missed when shipped < quota * (1 - tolerance).",
    )
    min_shelf_life_days: int | None = Field(
        default=None, ge=0, description="Packs must have this many days left at departure."
    )
    min_shelf_life_fraction: Fraction | None = Field(
        default=None, description="Packs must have this share of their shelf life left."
    )
    transit_days: Distribution | None = Field(
        default=None, description="Days from departure to arrival at the buyer."
    )
    due_days: int | None = Field(
        default=None,
        ge=0,
        description="Goods must arrive within this many days of the scheduled shipment day.",
    )
    cancel_after_misses: int | None = Field(
        default=None,
        ge=1,
        description="The buyer cancels after this many missed shipments in a row.",
    )
    price: dict[Name, Multiplier] = Field(
        default_factory=dict, description="Paid per pack shipped (Rp), with finance."
    )
    payment_days: int = Field(default=30, ge=0, description="Days after departure it pays.")

    def shipment_days(self, horizon_days: int) -> range:
        """Return the days this buyer ships on, up to and including the horizon."""
        first = self.every_days if self.first_day is None else self.first_day
        return range(first, horizon_days + 1, self.every_days)


class Range(Section):
    """A lever's range in a sweep: every ``step`` from ``low`` to ``high``, or sampled."""

    # int | float: whole-number bounds (YAML 4, not 4.0) make a whole-number lever.
    low: int | float
    high: int | float
    step: int | float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"low must be <= high, got low={self.low}, high={self.high}")
        return self

    @property
    def integer(self) -> bool:
        """Tell whether the lever takes whole numbers (low, high and step are written so)."""
        return all(isinstance(v, int) for v in (self.low, self.high, self.step or 1))


class Sweep(Section):
    """Levers to vary: a full grid of their values, or a Latin hypercube of ``samples`` points."""

    levers: dict[str, list[Any] | Range] = Field(
        min_length=1,
        description="Dotted path (as --set takes) -> a list of values, or a range "
        "{low, high, step}.",
    )
    samples: int | None = Field(
        default=None,
        ge=2,
        description="Sample this many points by Latin hypercube over the ranges, instead of "
        "the full grid; every lever must then be a range.",
    )

    @model_validator(mode="after")
    def _design_is_possible(self) -> Sweep:
        for path, lever in self.levers.items():
            if isinstance(lever, list) and not lever:
                raise ValueError(f"lever {path!r} has no values")
            if isinstance(lever, Range) and self.samples is None and lever.step is None:
                raise ValueError(f"lever {path!r} needs a step for a grid, or give samples: N")
            if self.samples is not None and not isinstance(lever, Range):
                raise ValueError(f"with samples, lever {path!r} must be a range {{low, high}}")
        return self


class Scenario(Section):
    """A whole scenario file: who makes what, where it is pooled, who buys it and when."""

    name: str = Field(min_length=1)
    description: str = ""
    horizon_days: int = Field(ge=1, le=36_500, description="The run covers times 0..horizon_days.")
    seed: int = Field(default=1, ge=0, description="Default seed; --seed overrides it.")
    replications: int = Field(
        default=100, ge=1, description="Default number of replications; --replications overrides."
    )
    start_date: dt.date | None = Field(
        default=None, description="Date of day 0 (gives days a weekday); omitted = a Monday."
    )
    products: dict[Name, Product] = Field(min_length=1)
    kitchens: list[KitchenGroup] = Field(min_length=1)
    warehouse: Warehouse = Warehouse()
    buyers: list[Buyer] = Field(min_length=1)
    calendar: Calendar = Calendar()
    shocks: list[Shock] = Field(default_factory=list)
    finance: Finance | None = None
    policies: dict[Name, dict[str, Any]] = Field(
        default_factory=dict,
        description="What-if policies for `umkm-sim compare`: name -> dotted-path overrides, "
        "as --set takes them.",
    )
    sweep: Sweep | None = Field(default=None, description="Levers for `umkm-sim sweep`.")
    _source: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problem = _first_inconsistency(self)
        if problem is not None:
            path, message = problem
            # The loader reads `path` to point at the offending key in the file.
            raise PydanticCustomError("inconsistent", message, {"path": path})
        return self

    def __eq__(self, other: object) -> bool:
        """Compare content only: the same scenario loaded from two files is equal."""
        return isinstance(other, Scenario) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        """Hash content only, consistently with ``__eq__``."""
        return hash(to_hashable(self.model_dump()))

    def digest(self) -> str:
        """Return a SHA-256 of what is simulated: two scenarios with one digest run alike.

        Leaves out what does not change a replication's numbers: name, description, the
        default seed and replications, and the experiment sections (policies, sweep).
        """
        content = self.model_dump(
            mode="json",
            exclude={"name", "description", "seed", "replications", "policies", "sweep"},
        )
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    @property
    def source(self) -> str | None:
        """Return the file (or label) this scenario was loaded from, if known."""
        return self._source

    @property
    def product_names(self) -> list[str]:
        """Return product names in file order."""
        return list(self.products)


def _first_inconsistency(s: Scenario) -> tuple[Path, str] | None:
    """Return the path and message of the first cross-reference error, if any."""
    return (
        _duplicate_name(s)
        or _unknown_product(s)
        or _first_shipment_too_late(s)
        or _needs_start_date(s)
        or _unknown_shock_scope(s)
        or _missing_prices(s)
    )


def _duplicate_name(s: Scenario) -> tuple[Path, str] | None:
    for field, names in (
        ("kitchens", [g.name for g in s.kitchens]),
        ("buyers", [b.name for b in s.buyers]),
    ):
        for i, name in enumerate(names):
            if name in names[:i]:
                return (field, i, "name"), f"name {name!r} is used twice in {field}"
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


def to_hashable(value: Any) -> Any:
    """Turn nested dicts and lists into tuples, so they can be hashed."""
    if isinstance(value, dict):
        return tuple((k, to_hashable(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(to_hashable(v) for v in value)
    return value


def scenario_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of scenario files, for editors that check YAML as it is typed."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "umkm-sim scenario"
    return schema

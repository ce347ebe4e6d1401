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

from sim.i18n import LANGUAGES, _
from sim.scenario.consistency import first_inconsistency
from sim.scenario.costs import Costs
from sim.scenario.designs import Lever, Sweep, Uncertainty
from sim.scenario.distributions import Distribution
from sim.scenario.fields import WEEKDAYS, Days, Fraction, Name, Packs, Price, Section, Weekday
from sim.scenario.limits import (
    MAX_DESCRIPTION,
    MAX_HORIZON_DAYS,
    MAX_KITCHENS,
    MAX_NAME,
    MAX_PACKS,
    MAX_REPLICATIONS,
    MAX_SEED,
    YEARS,
)
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
        le=MAX_HORIZON_DAYS,
        description="Days a pack stays sellable after the day it was made; "
        "omitted = never expires.",
    )
    supply: Supply | None = Field(default=None, description="Seasons and dips of raw material.")


class KitchenGroup(Section):
    """Identical home kitchens making one product."""

    name: Name
    count: int = Field(ge=0, le=MAX_KITCHENS, description="Number of kitchens in the group.")
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
            raise ValueError(_("lists a day twice: {days}").format(days=days))
        return days


class Warehouse(Section):
    """The cooperative warehouse where kitchens' output is pooled."""

    capacity: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PACKS,
        description="Packs it can hold, all products together; arrivals beyond it are turned "
        "away and counted as overflow. Omitted = unlimited.",
    )
    max_stock: dict[Name, Packs] = Field(
        default_factory=dict,
        description="Packs of a product the cooperative holds at most; deliveries beyond it "
        "are turned away (counted as overflow), as beyond the capacity.",
    )
    initial_stock: dict[Name, Packs] = Field(
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
    every_days: int = Field(ge=1, le=MAX_HORIZON_DAYS, description="Days between shipments.")
    first_day: int | None = Field(
        default=None, ge=0, le=MAX_HORIZON_DAYS, description="Day of the first shipment."
    )
    quota: dict[Name, Annotated[int, Field(ge=1, le=MAX_PACKS)]] = Field(
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
    min_shelf_life_days: Days | None = Field(
        default=None, description="Packs must have this many days left at departure."
    )
    min_shelf_life_fraction: Fraction | None = Field(
        default=None, description="Packs must have this share of their shelf life left."
    )
    transit_days: Distribution | None = Field(
        default=None, description="Days from departure to arrival at the buyer."
    )
    due_days: Days | None = Field(
        default=None,
        description="Goods must arrive within this many days of the scheduled shipment day.",
    )
    cancel_after_misses: int | None = Field(
        default=None,
        ge=1,
        le=MAX_HORIZON_DAYS,
        description="The buyer cancels after this many missed shipments in a row.",
    )
    price: dict[Name, Price] = Field(
        default_factory=dict, description="Paid per pack shipped (Rp), with finance."
    )
    payment_days: Days = Field(default=30, description="Days after departure it pays.")

    def shipment_days(self, horizon_days: int) -> range:
        """Return the days this buyer ships on, up to and including the horizon."""
        first = self.every_days if self.first_day is None else self.first_day
        return range(first, horizon_days + 1, self.every_days)


Description = Annotated[str, Field(max_length=MAX_DESCRIPTION)]
Label = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Language = Literal["en", "id"]


class Scenario(Section):
    """A whole scenario file: who makes what, where it is pooled, who buys it and when."""

    name: str = Field(min_length=1, max_length=MAX_NAME)
    description: Description | dict[str, Description] = Field(
        default="",
        description="What the scenario is about, in words; a mapping (en:, id:) gives it in "
        "each language umkm-sim speaks.",
    )
    labels: dict[Language, dict[Name, Label]] = Field(
        default_factory=dict,
        description="How names (products, kitchen groups, buyers, shocks, policies) are said "
        "in each language: language -> name -> label (id: {cake_salak: kue salak}). A name "
        "without a label is said as written.",
    )
    horizon_days: int = Field(
        ge=1, le=MAX_HORIZON_DAYS, description="The run covers times 0..horizon_days."
    )
    seed: int = Field(default=1, ge=0, le=MAX_SEED, description="Default seed; --seed overrides.")
    replications: int = Field(
        default=100,
        ge=1,
        le=MAX_REPLICATIONS,
        description="Default number of replications; --replications overrides.",
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
    costs: Costs | None = Field(
        default=None, description="What policies cost, for `umkm-sim cheapest` (Rp)."
    )
    policies: dict[Name, dict[str, Any]] = Field(
        default_factory=dict,
        description="What-if policies for `umkm-sim compare`: name -> dotted-path overrides, "
        "as --set takes them.",
    )
    sweep: Sweep | None = Field(default=None, description="Levers for `umkm-sim sweep`.")
    levers: dict[str, Lever] = Field(
        default_factory=dict,
        description="What `umkm-sim optimize` may choose: dotted path (a list step may be *, "
        "for every item) -> {low, high} or {values: [...]}.",
    )
    uncertainties: dict[str, Uncertainty] = Field(
        default_factory=dict,
        description="What `umkm-sim explore` varies across futures: dotted path (a list step "
        "may be *, for every item) -> {low, high} or {values: [...]}.",
    )
    _source: str | None = PrivateAttr(default=None)

    @field_validator("start_date")
    @classmethod
    def _in_calendar(cls, day: dt.date | None) -> dt.date | None:
        if day is not None and not YEARS[0] <= day.year <= YEARS[1]:
            raise ValueError(
                _("must fall in the years {first} to {last}, got {day}").format(
                    first=YEARS[0], last=YEARS[1], day=day
                )
            )
        return day

    @field_validator("description", mode="before")
    @classmethod
    def _text_in_each_language(cls, value: Any) -> Any:
        """Text, or a mapping of languages umkm-sim speaks to text."""
        if isinstance(value, dict):
            unknown = [k for k in value if k not in LANGUAGES]
            if unknown:
                raise ValueError(
                    _("unknown language {key} (expected one of: {languages})").format(
                        key=repr(unknown[0])[:40], languages=", ".join(LANGUAGES)
                    )
                )
            if value and all(isinstance(v, str) for v in value.values()):
                return value
        elif isinstance(value, str):
            return value
        raise ValueError(_("must be text, or a mapping of languages to text (en: ..., id: ...)"))

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        # The name titles every table printed to a terminal: no escapes may ride along.
        if not name.isprintable():
            raise ValueError(_("must be printable text (no control characters or escapes)"))
        return name

    @field_validator("labels")
    @classmethod
    def _printable_labels(cls, labels: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        # Labels head table rows in a terminal, as names do.
        for said in labels.values():
            for label in said.values():
                if not label.isprintable():
                    raise ValueError(_("must be printable text (no control characters or escapes)"))
        return labels

    @field_validator("policies")
    @classmethod
    def _not_the_baseline(cls, policies: dict[str, Any]) -> dict[str, Any]:
        # Every comparison calls the scenario as it is "baseline": a policy cannot be it too.
        if "baseline" in policies:
            said = _("'baseline' names the scenario as it is: give the policy another name")
            raise ValueError(said)
        return policies

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problem = first_inconsistency(self)
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

    def description_in(self, language: str) -> str:
        """The description in ``language``; else in English; else in the language it has."""
        if isinstance(self.description, str):
            return self.description
        said = self.description
        return said.get(language) or said.get("en") or next(iter(said.values()), "")

    def digest(self) -> str:
        """Return a SHA-256 of what is simulated: two scenarios with one digest run alike.

        Leaves out what does not change a replication's numbers: name, description, labels, the
        default seed and replications, the costs, and the experiment sections (policies,
        sweep, levers, uncertainties).
        """
        content = self.model_dump(
            mode="json",
            exclude={
                "name",
                "description",
                "labels",
                "seed",
                "replications",
                "costs",
                "policies",
                "sweep",
                "levers",
                "uncertainties",
            },
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

"""Scenario sections for the real-world mechanisms, each optional (omitted, it is off).

Calendar, supply, absences, local market, delivery, production response, shocks and working capital.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from sim.i18n import _
from sim.scenario.distributions import Distribution
from sim.scenario.fields import Days, Fraction, Multiplier, Name, Price, Section
from sim.scenario.limits import MAX_FUND, MAX_HORIZON_DAYS, MAX_MULTIPLIER, MAX_PACKS, MAX_PER_YEAR


class AroundEid(Section):
    """Days around Eid al-Fitr: from ``before_days`` before it to ``after_days`` after it."""

    before_days: int = Field(default=0, ge=0, le=60)
    after_days: int = Field(default=0, ge=0, le=60)


class Window(Section):
    """A span of days: dates ``start`` to ``end`` (inclusive), or days around a holiday."""

    start: dt.date | None = None
    end: dt.date | None = None
    around: Literal["eid_al_fitr", "eid_al_adha"] | None = Field(
        default=None, description="Every year's holiday (from the holidays package)."
    )
    before_days: int = Field(default=0, ge=0, le=60)
    after_days: int = Field(default=0, ge=0, le=60)

    @model_validator(mode="after")
    def _one_form(self) -> Window:
        dated = self.start is not None or self.end is not None
        if dated == (self.around is not None):
            raise ValueError(
                _("give either start and end dates, or around: eid_al_fitr|eid_al_adha")
            )
        if dated and (self.start is None or self.end is None or self.start > self.end):
            raise ValueError(
                _("need start <= end, got start={start}, end={end}").format(
                    start=self.start, end=self.end
                )
            )
        if dated and (self.before_days or self.after_days):
            raise ValueError(_("before_days and after_days go with around:, not with dates"))
        return self


class Calendar(Section):
    """Days kitchens do not work and days no shipment can leave; dates need start_date."""

    holidays: bool = Field(
        default=False,
        description="Kitchens stop on Indonesian public holidays and joint-leave (cuti "
        "bersama) days, from the holidays package.",
    )
    lebaran: AroundEid | None = Field(
        default=None, description="Kitchens stop around Eid al-Fitr (mudik)."
    )
    closures: list[Window] = Field(default_factory=list, description="Other days kitchens stop.")
    port_closures: list[Window] = Field(
        default_factory=list,
        description="Days no shipment can depart (e.g. the truck ban around Eid): a shipment "
        "due then departs on the next open day, and the delay is recorded.",
    )


class Dip(Section):
    """A periodic dip in supply, e.g. the fishing stop around each full moon."""

    every_days: float = Field(
        ge=1, le=MAX_HORIZON_DAYS, allow_inf_nan=False, description="Period (29.53: lunar)."
    )
    length_days: int = Field(ge=1, le=MAX_HORIZON_DAYS)
    multiplier: Multiplier
    first_day: Days = Field(default=0, description="Day the first dip starts.")


class Supply(Section):
    """Raw-material supply of a product, shared by every kitchen making it."""

    monthly: list[Multiplier] | None = Field(
        default=None,
        min_length=12,
        max_length=12,
        description="Output multiplier for each calendar month, January first (needs start_date).",
    )
    dip: Dip | None = None


class Absence(Section):
    """Spells when a kitchen does not work (illness, family duties): a two-state Markov chain."""

    fraction: float = Field(ge=0, lt=1, description="Long-run fraction of days absent.")
    mean_spell_days: float = Field(
        ge=1, le=MAX_HORIZON_DAYS, allow_inf_nan=False, description="Mean absence length."
    )

    @model_validator(mode="after")
    def _possible(self) -> Absence:
        # P(present -> absent) = fraction / (1 - fraction) / mean_spell_days must be <= 1.
        lowest = self.fraction / (1 - self.fraction)
        if self.mean_spell_days < lowest:
            raise ValueError(
                _(
                    "mean_spell_days must be >= fraction / (1 - fraction) = {lowest} for that "
                    "fraction, got {days}"
                ).format(lowest=f"{lowest:.4g}", days=self.mean_spell_days)
            )
        return self


class Surge(Window):
    """A span of days when the local market takes a larger share (e.g. before Lebaran)."""

    share: Fraction


class LocalMarket(Section):
    """The share of each day's output sold locally before it reaches the cooperative."""

    share: Fraction = 0.0
    surges: list[Surge] = Field(
        default_factory=list, description="Spans with another share (the largest applies)."
    )


class Delivery(Section):
    """How a group's output reaches the warehouse: collected together, then transported."""

    every_days: int = Field(
        default=1, ge=1, le=MAX_HORIZON_DAYS, description="Deliver every this many days..."
    )
    batch_size: int | None = Field(
        default=None, ge=1, le=MAX_PACKS, description="...or as soon as this many packs wait."
    )
    transport_days: Days = Field(default=0, description="Days on the road.")


class Boost(Section):
    """Production response: the cooperative asks for more when its stock runs low."""

    when_stock_below: int = Field(
        ge=1, le=MAX_PACKS, description="Warehouse stock of the group's product."
    )
    factor: float = Field(
        ge=1, le=MAX_MULTIPLIER, allow_inf_nan=False, description="Output x this while low."
    )
    max_days_in_row: int = Field(
        ge=1, le=MAX_HORIZON_DAYS, description="Kitchens then need a normal day."
    )


class Shock(Section):
    """Random episodes that cut output (LPG shortage, flood), shared by those they hit."""

    name: Name
    per_year: float = Field(
        ge=0, le=MAX_PER_YEAR, allow_inf_nan=False, description="Episodes starting per year."
    )
    duration_days: Distribution
    multiplier: Multiplier = Field(description="Output multiplier during an episode.")
    products: list[Name] | None = Field(
        default=None, description="Hits kitchens making these; with groups: either."
    )
    groups: list[Name] | None = Field(
        default=None, description="Hits these kitchen groups; neither given: everyone."
    )


class Finance(Section):
    """Working capital: the cooperative pays kitchens on delivery and is paid by buyers later."""

    fund: float = Field(ge=0, le=MAX_FUND, allow_inf_nan=False, description="Cash at day 0 (Rp).")
    purchase_price: dict[Name, Price] = Field(
        description="Paid to kitchens per pack on delivery (Rp); every product made needs one."
    )

"""Building blocks of the scenario schema: strict, frozen sections and shared value types."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.scenario.limits import MAX_HORIZON_DAYS, MAX_MULTIPLIER, MAX_PACKS, MAX_PRICE

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$", max_length=64)]
"""Names of products, kitchen groups and buyers: letters, digits, ``-`` and ``_``.

They are used as keys in ``--set`` paths, JSON output and CSV columns, so no dots or spaces.
"""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Path = tuple[str | int, ...]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Multiplier = Annotated[float, Field(ge=0, le=MAX_MULTIPLIER, allow_inf_nan=False)]
Packs = Annotated[int, Field(ge=0, le=MAX_PACKS)]
Days = Annotated[int, Field(ge=0, le=MAX_HORIZON_DAYS)]
Price = Annotated[float, Field(ge=0, le=MAX_PRICE, allow_inf_nan=False)]
"""Rp per pack."""


class Section(BaseModel):
    """A part of a scenario: strict, frozen, and no unknown keys."""

    # strict: a YAML string "12" is not silently taken for the number 12, nor `yes` for 1.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

"""What experiments vary: levers (what we choose) and uncertainties (what we cannot know).

These are the scenario's ``sweep:``, ``levers:`` and ``uncertainties:`` sections. Each names
values by dotted path, as ``--set`` takes them; none changes what one run of the scenario
simulates.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field, field_validator, model_validator

from sim.i18n import _, number
from sim.scenario.fields import Section
from sim.scenario.limits import MAX_DESIGN_POINTS, MAX_LEVER


def finite_lever(value: float | None) -> float | None:
    """Refuse a bound that is not a finite number within ``MAX_LEVER``."""
    if value is not None and not (math.isfinite(value) and abs(value) <= MAX_LEVER):
        raise ValueError(
            _("must be a finite number within ±{limit}").format(limit=f"{MAX_LEVER:g}")
        )
    return value


def whole(u: float, low: int, high: int) -> int:
    """The whole number at ``u`` in [0, 1) of ``low..high``, each equally likely."""
    return min(low + math.floor(u * (high - low + 1)), high)


class Range(Section):
    """A lever's range in a sweep: every ``step`` from ``low`` to ``high``, or sampled."""

    # int | float: whole-number bounds (YAML 4, not 4.0) make a whole-number lever.
    low: int | float
    high: int | float
    step: int | float | None = Field(default=None, gt=0)

    @field_validator("low", "high", "step")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        return finite_lever(value)

    @property
    def count(self) -> int:
        """Return the number of grid values (with a step)."""
        if self.step is None:
            return 1
        return math.floor((self.high - self.low) / self.step + 1e-9) + 1

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(
                _("low must be <= high, got low={low}, high={high}").format(
                    low=self.low, high=self.high
                )
            )
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
        le=MAX_DESIGN_POINTS,
        description="Sample this many points by Latin hypercube over the ranges, instead of "
        "the full grid; every lever must then be a range.",
    )

    @model_validator(mode="after")
    def _design_is_possible(self) -> Sweep:
        for path, lever in self.levers.items():
            if isinstance(lever, list) and not lever:
                raise ValueError(_("lever {path} has no values").format(path=repr(path)))
            if isinstance(lever, Range) and self.samples is None and lever.step is None:
                raise ValueError(
                    _("lever {path} needs a step for a grid, or give samples: N").format(
                        path=repr(path)
                    )
                )
            if self.samples is not None and not isinstance(lever, Range):
                raise ValueError(
                    _("with samples, lever {path} must be a range {{low, high}}").format(
                        path=repr(path)
                    )
                )
        if self.samples is None:
            # The size of the grid, worked out before a single point is made.
            size = math.prod(
                v.count if isinstance(v, Range) else len(v) for v in self.levers.values()
            )
            if size > MAX_DESIGN_POINTS:
                raise ValueError(
                    _(
                        "the grid has {size} points, more than {most}: use fewer values or "
                        "larger steps, or a Latin hypercube (samples: N)"
                    ).format(size=number(size), most=number(MAX_DESIGN_POINTS))
                )
        return self


class Uncertainty(Section):
    """What an uncertain value may be: any value in ``[low, high]``, or one of ``values``.

    Whole-number bounds (YAML ``3``, not ``3.0``) make whole-number values.
    """

    low: int | float | None = None
    high: int | float | None = None
    values: list[Any] | None = Field(default=None, min_length=1, max_length=MAX_DESIGN_POINTS)

    @field_validator("low", "high")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        return finite_lever(value)

    @model_validator(mode="after")
    def _one_form(self) -> Uncertainty:
        ranged = self.low is not None or self.high is not None
        if ranged == (self.values is not None):
            raise ValueError(_("give either low and high, or values: [...]"))
        if ranged and (self.low is None or self.high is None or self.low > self.high):
            raise ValueError(
                _("need low <= high, got low={low}, high={high}").format(
                    low=self.low, high=self.high
                )
            )
        return self

    @property
    def integer(self) -> bool:
        """Tell whether the value is a whole number (a range whose bounds are written so)."""
        return isinstance(self.low, int) and isinstance(self.high, int)

    def at(self, u: float) -> Any:
        """Return the value at ``u`` in [0, 1): scaled into the range, or the u-th of the values.

        A whole-number range gives each of its numbers the same share of ``u``: ``{low: 1,
        high: 3}`` gives 1, 2 and 3 a third each (rounding a scaled ``u`` would give the ends
        half as much).
        """
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        low, high = self.low or 0, self.high or 0  # both set: the validator's
        if self.integer:
            return whole(u, int(low), int(high))
        return float(low) + u * (float(high) - float(low))

    def extremes(self) -> list[Any]:
        """Return the values that bound what it may be: both ends, or every listed value."""
        return list(self.values) if self.values is not None else [self.low, self.high]


class Lever(Uncertainty):
    """What we may choose for a value (``levers:``, searched by ``umkm-sim optimize``).

    Written as an uncertainty is: any value in ``[low, high]`` (whole numbers where both bounds
    are), or one of ``values``.
    """

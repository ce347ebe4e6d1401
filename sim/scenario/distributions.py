"""Distributions as data: ``{distribution: gamma, mean: 300, cv: 0.3}`` becomes an object.

Each knows its ``mean`` and ``variance`` and draws in bulk with ``sample(rng, size)``. They
describe non-negative quantities (packs, days), parameterised the way users think (mean and
coefficient of variation) and converted to numpy's parameters inside.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.i18n import _
from sim.scenario.limits import MAX_DRAW, MAX_SPREAD, MIN_SPREAD

NonNegative = Annotated[float, Field(ge=0, le=MAX_DRAW, allow_inf_nan=False)]
Spread = Annotated[float, Field(ge=MIN_SPREAD, le=MAX_SPREAD, allow_inf_nan=False)]
"""A coefficient of variation."""
Size = int | tuple[int, ...]


class _Distribution(BaseModel):
    """Every distribution also has ``mean``, ``variance`` and ``sample(rng, size)``."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Poisson(_Distribution):
    """Poisson counts with the given mean."""

    distribution: Literal["poisson"]
    mean: NonNegative

    @property
    def variance(self) -> float:  # noqa: D102
        return self.mean

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: D102
        return rng.poisson(self.mean, size)


class Normal(_Distribution):
    """Normal values; where they describe packs, negative draws count as zero."""

    distribution: Literal["normal"]
    mean: NonNegative
    sd: NonNegative

    @property
    def variance(self) -> float:  # noqa: D102
        return self.sd**2

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: D102
        return rng.normal(self.mean, self.sd, size)


class Gamma(_Distribution):
    """Gamma values with the given mean and coefficient of variation (shape = 1/cv²)."""

    distribution: Literal["gamma"]
    mean: NonNegative
    cv: Spread

    @property
    def variance(self) -> float:  # noqa: D102
        return (self.cv * self.mean) ** 2

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: D102
        return rng.gamma(1 / self.cv**2, self.mean * self.cv**2, size)


class LogNormal(_Distribution):
    """Log-normal values with the given mean and coefficient of variation."""

    distribution: Literal["lognormal"]
    mean: float = Field(gt=0, le=MAX_DRAW, allow_inf_nan=False)
    cv: float = Field(ge=0, le=MAX_SPREAD, allow_inf_nan=False)

    @property
    def variance(self) -> float:  # noqa: D102
        return (self.cv * self.mean) ** 2

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: D102
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), size)


class NegativeBinomial(_Distribution):
    """Over-dispersed counts with the given mean and coefficient of variation.

    The variance (cv·mean)² must exceed the mean: with less spread, use ``poisson``.
    """

    distribution: Literal["negative_binomial"]
    mean: float = Field(gt=0, le=MAX_DRAW, allow_inf_nan=False)
    cv: Spread

    @model_validator(mode="after")
    def _overdispersed(self) -> NegativeBinomial:
        if self.variance <= self.mean:
            lowest = 1 / math.sqrt(self.mean)
            raise ValueError(
                _(
                    "cv must be > 1/sqrt(mean) = {lowest} so that the variance exceeds the "
                    "mean, got {cv} (use distribution: poisson for less spread)"
                ).format(lowest=f"{lowest:.4g}", cv=self.cv)
            )
        return self

    @property
    def variance(self) -> float:  # noqa: D102
        return (self.cv * self.mean) ** 2

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: D102
        p = self.mean / self.variance
        n = self.mean * p / (1 - p)
        return rng.negative_binomial(n, p, size)


class Uniform(_Distribution):
    """Values spread evenly between ``low`` and ``high``."""

    distribution: Literal["uniform"]
    low: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(
                _("low must be <= high, got low={low}, high={high}").format(
                    low=self.low, high=self.high
                )
            )
        return self

    @property
    def mean(self) -> float:  # noqa: D102
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:  # noqa: D102
        return (self.high - self.low) ** 2 / 12

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: D102
        return rng.uniform(self.low, self.high, size)


class Triangular(_Distribution):
    """Values between ``low`` and ``high``, most likely near ``mode``."""

    distribution: Literal["triangular"]
    low: NonNegative
    mode: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                _(
                    "need low <= mode <= high and low < high, got low={low}, mode={mode}, "
                    "high={high}"
                ).format(low=self.low, mode=self.mode, high=self.high)
            )
        return self

    @property
    def mean(self) -> float:  # noqa: D102
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:  # noqa: D102
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: D102
        return rng.triangular(self.low, self.mode, self.high, size)


class Constant(_Distribution):
    """Always the same value."""

    distribution: Literal["constant"]
    value: NonNegative

    @property
    def mean(self) -> float:  # noqa: D102
        return self.value

    @property
    def variance(self) -> float:  # noqa: D102
        return 0.0

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: ARG002, D102
        return np.full(size, self.value)


class Empirical(_Distribution):
    """One of the listed ``values``, with probabilities proportional to ``weights``."""

    distribution: Literal["empirical"]
    values: list[NonNegative] = Field(min_length=1)
    weights: list[NonNegative] | None = None

    @model_validator(mode="after")
    def _matching_weights(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    _(
                        "weights must have one entry per value: {values} values, {weights} weights"
                    ).format(values=len(self.values), weights=len(self.weights))
                )
            if sum(self.weights) <= 0:
                raise ValueError(_("weights must not all be zero"))
        return self

    @property
    def probabilities(self) -> np.ndarray:
        """Return the probability of each value."""
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)
        p: np.ndarray = w / w.sum()
        return p

    @property
    def mean(self) -> float:  # noqa: D102
        return float(np.dot(self.probabilities, self.values))

    @property
    def variance(self) -> float:  # noqa: D102
        values = np.asarray(self.values)
        return float(np.dot(self.probabilities, (values - self.mean) ** 2))

    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray:  # noqa: D102
        drawn: np.ndarray = rng.choice(np.asarray(self.values), size=size, p=self.probabilities)
        return drawn


Distribution = Annotated[
    Poisson
    | Normal
    | Gamma
    | LogNormal
    | NegativeBinomial
    | Uniform
    | Triangular
    | Constant
    | Empirical,
    Field(discriminator="distribution"),
]
"""Any of the distributions above, chosen by the ``distribution`` key."""

"""Precision, not a guessed replication count: add replications until a CI is narrow enough."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Precision:
    """Add replications until the headline KPI's 95% CI half-width is at most ``half_width``."""

    half_width: float
    max_replications: int = 5000

    def next_total(self, n: int, half_width: float | None) -> int:
        """Return how many replications to have after the next batch.

        The half-width shrinks as 1/sqrt(n): aim 10% past the n it predicts, add at least a
        quarter (and 10) more, never pass the cap. Depends only on finished batches.
        """
        if not half_width:  # unknown yet (fewer than two values)
            needed = 2 * n
        else:
            needed = math.ceil(round(n * 1.1 * (half_width / self.half_width) ** 2, 6))
        return min(self.max_replications, max(needed, n + max(10, n // 4)))

    def __post_init__(self) -> None:
        """Reject targets that can never be met or checked."""
        if not self.half_width > 0:
            raise ValueError(f"precision must be > 0, got {self.half_width}")
        if self.max_replications < 2:  # noqa: PLR2004 (an interval needs two values)
            raise ValueError(f"max replications must be >= 2, got {self.max_replications}")


@dataclass(frozen=True)
class PrecisionReport:
    """How a precision target went: the half-width reached after how many replications."""

    target: float
    half_width: float | None
    replications: int

    @property
    def reached(self) -> bool:
        """Tell whether the target half-width was reached."""
        return self.half_width is not None and self.half_width <= self.target

    def as_dict(self) -> dict[str, Any]:
        """Return it for a JSON document."""
        return {
            "target_half_width": self.target,
            "half_width": self.half_width,
            "replications": self.replications,
            "reached": self.reached,
        }

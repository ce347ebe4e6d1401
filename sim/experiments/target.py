"""Inverse questions: the lever value at which a KPI just meets a target, found by bisection.

"How many kitchens must join before the quota is missed in under 5% of shipments?" is the
smallest count that meets the target; "what is the largest quota we can promise at 95%
reliability?" is the largest quota that does. Which of the two is asked follows from how the
KPI moves between the lever's bounds. Every evaluation runs with the same seed (common random
numbers), so the KPI is a smooth, nearly monotone function of the lever and bisection is sharp.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Unpack

import pandas as pd

from sim.experiments.bisection import bisect, search_range
from sim.experiments.runner import (
    PreciseExecution,
    Runner,
    Variant,
    replications_and_seed,
    runner_for,
)
from sim.results.documents import Documented, provenance
from sim.results.intervals import kpi_ci
from sim.results.metrics import KPIS
from sim.results.precision import Precision
from sim.results.tables import kpi_and_units
from sim.scenario.loading import derive
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Goal:
    """What must hold: ``metric`` (for a buyer and/or product) at most or at least ``bound``.

    With ``conservative``, the whole 95% CI must meet the bound, not just the estimate.
    """

    metric: str
    bound: float
    at_most: bool
    buyer: str | None = None
    product: str | None = None
    conservative: bool = False

    def __post_init__(self) -> None:
        """Reject metrics we do not measure."""
        if self.metric not in KPIS:
            raise ValueError(f"unknown metric {self.metric!r} (one of: {', '.join(KPIS)})")

    def met(self, estimate: dict[str, Any], side: str | None = None) -> bool:
        """Tell whether an estimate ``{"mean", "ci95"}`` meets the goal.

        ``side``: ``"estimate"``, or an end of the CI: ``"pessimistic"`` (the end that must meet
        it for ``conservative``) or ``"optimistic"``; default: as ``conservative`` says.
        """
        side = side or ("pessimistic" if self.conservative else "estimate")
        value = estimate["mean"]
        if side != "estimate":
            lo, hi = estimate["ci95"]
            value = hi if (side == "pessimistic") == self.at_most else lo
            if value is None:  # that end is unknown: it may meet the goal, it is not sure to
                return side == "optimistic"
        return bool(value <= self.bound if self.at_most else value >= self.bound)


@dataclass
class TargetResult(Documented):
    """The answer to an inverse question, and every evaluation made to find it.

    Attributes:
        scenario: The scenario whose lever was searched.
        lever: The lever's dotted path.
        goal: What had to hold.
        seed: The seed of every evaluation.
        replications: Replications per evaluation.
        low, high: The bounds searched.
        seeking: ``"smallest"`` or ``"largest"`` value meeting the goal.
        value: The answer, or ``None`` if no value in the bounds meets the goal.
        neighbour: The adjacent value found not to meet the goal, if any.
        interval: The 95% confidence interval of the answer in the lever's units: the values
            whose 95% CI of the metric contains the bound (``None`` if nothing meets it).
        open_ends: Whether each end of ``interval`` is a bound searched, beyond which it may
            go on.
        evaluations: Lever value -> estimate of the metric there (with ``n``, replications).
    """

    scenario: Scenario
    lever: str
    goal: Goal
    seed: int
    replications: int
    low: float
    high: float
    seeking: str = "smallest"
    value: float | None = None
    neighbour: float | None = None
    interval: tuple[float, float] | None = None
    open_ends: tuple[bool, bool] = (False, False)
    evaluations: dict[float, dict[str, Any]] = field(default_factory=dict)
    kind: ClassVar[str] = "target"

    @property
    def met(self) -> bool:
        """Tell whether some value within the bounds meets the goal."""
        return self.value is not None

    @property
    def table(self) -> pd.DataFrame:
        """Every evaluation: lever value, estimate, 95% CI, whether it met the goal."""
        rows = [
            {
                "value": x,
                "mean": e["mean"],
                "ci_lo": e["ci95"][0],
                "ci_hi": e["ci95"][1],
                "replications": e["n"],
                "meets": self.goal.met(e),
            }
            for x, e in sorted(self.evaluations.items())
        ]
        return pd.DataFrame(rows).assign(lever=self.lever, metric=self.goal.metric)

    def document(self) -> dict[str, Any]:
        """The answer as a JSON-ready document: provenance, the goal, the answer, every step."""
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, self.replications),
            "lever": self.lever,
            "criterion": asdict(self.goal),
            "low": self.low,
            "high": self.high,
            "seeking": self.seeking,
            "met": self.met,
            "value": self.value,
            "estimate": self.evaluations.get(self.value) if self.value is not None else None,
            "neighbour": self.neighbour,
            "interval": list(self.interval) if self.interval is not None else None,
            "interval_open": list(self.open_ends),
            "neighbour_estimate": (
                self.evaluations.get(self.neighbour) if self.neighbour is not None else None
            ),
            "evaluations": json.loads(self.table.to_json(orient="records")),
        }


def target(
    scenario: Scenario,
    lever: str,
    goal: Goal,
    *,
    low: float | None = None,
    high: float | None = None,
    resolution: float | None = None,
    **execution: Unpack[PreciseExecution],
) -> TargetResult:
    """Find the smallest (or largest) lever value that meets the goal, by bisection.

    Args:
        scenario: The scenario whose lever is searched.
        lever: Dotted path to a number (e.g. ``kitchens.peyek-makers.count``).
        goal: What must hold.
        low: Lower bound; default: a quarter of the current value.
        high: Upper bound; default: four times the current value.
        resolution: For a real-valued lever, stop when the bracket is this narrow; default:
            1/1000 of the range. Whole-number levers are bisected to adjacent integers.
        **execution: How to run them: replications (per evaluation), seed, workers, ... (see
            ``sim.experiments.runner.Execution``).
    """
    lo, hi, step, integer = search_range(
        scenario, lever, goal, low=low, high=high, resolution=resolution
    )
    n, seed = replications_and_seed(scenario, execution)
    answer = TargetResult(scenario, lever, goal, seed, n, lo, hi)
    precision = execution.get("precision")
    with runner_for(seed, execution) as runner:

        def estimate(x: float) -> dict[str, Any]:
            if x not in answer.evaluations:
                variant = Variant(f"{lever}={x}", derive(scenario, {lever: x}))
                answer.evaluations[x] = _estimate(runner, variant, goal, n, precision)
            return answer.evaluations[x]

        bisect(answer, estimate, step, integer)
    return answer


def _estimate(
    runner: Runner, variant: Variant, goal: Goal, n: int, precision: Precision | None
) -> dict[str, Any]:
    """The goal's metric at one lever value: mean, 95% CI and replications (``n``).

    With ``precision``, replications are added (as ``run --precision`` does) until the CI's
    half-width is at most that: replication ``r`` is the same at every value (common random
    numbers), whatever number each value ends with.
    """
    while True:
        outcomes = runner.run([variant], n)[variant.name]
        values, units = kpi_and_units(
            variant.scenario,
            runner.seed,
            outcomes,
            goal.metric,
            buyer=goal.buyer,
            product=goal.product,
        )
        found = kpi_ci(goal.metric, values, units)
        lo, hi = found["ci95"]
        width = None if lo is None or hi is None else (hi - lo) / 2
        if precision is None or n >= precision.max_replications:
            return {**found, "n": n}
        if width is not None and width <= precision.half_width:
            return {**found, "n": n}
        n = precision.next_total(n, width)

"""The cheapest policy that keeps a KPI within a target, with a stated confidence.

Every candidate (the baseline and the policies, or the points of a sweep design) runs with the
same seed (common random numbers) and is costed with the scenario's ``costs:`` section. A
candidate qualifies when the one-sided confidence bound of its KPI meets the target (for
``quota_miss_rate<=0.05`` at 95%, the upper 95% bound must be at most 5%), the bound made as
``sim.results.intervals.kpi_bound`` makes it: Clopper-Pearson at the effective size for a share
(exact where every replication is 0 or 1), Student's t for a mean, and for a shortfall never
seen, a share of the most it could be. A bound that cannot be known does not qualify. Each
candidate is judged at the stated confidence; the cheapest that qualifies is chosen.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Unpack

import numpy as np
import pandas as pd

from sim.experiments.compare import policy_variants
from sim.experiments.robustness import Criterion
from sim.experiments.runner import (
    PreciseExecution,
    Variant,
    replications_and_seed,
    run_variants,
)
from sim.experiments.sweep import design, sweep_variants
from sim.i18n import Message
from sim.results.documents import Documented, provenance
from sim.results.intervals import kpi_bound
from sim.results.scopes import ALL
from sim.results.tables import kpi_and_units, largest_value
from sim.scenario.costs import cost_of
from sim.scenario.messages import ScenarioError, one_of, show
from sim.scenario.schema import Scenario

CANDIDATES = ("policies", "sweep")


OUTCOMES = ("chosen", "not sure", "costs the same", "costs more")
"""A candidate's fate: the cheapest qualifying one; one whose bound does not meet the target;
one that qualifies at the chosen one's cost (with a worse estimate); one that costs more."""


@dataclass(frozen=True)
class Cheapest(Documented):
    """Every candidate's cost and KPI, which qualify, and the cheapest that does.

    Attributes:
        scenario: The baseline scenario (with its ``costs:``).
        seed: The seed of every candidate.
        where: The constraint.
        confidence: With which it must hold.
        table: Per candidate, cheapest first (equal costs: the better estimate first): cost,
            mean, one-sided bound, ``qualifies``, and ``outcome`` (one of ``OUTCOMES``).
        chosen: The cheapest qualifying candidate, or ``None``.
    """

    scenario: Scenario
    seed: int
    where: Criterion
    confidence: float
    table: pd.DataFrame
    chosen: str | None
    kind: ClassVar[str] = "cheapest"

    def document(self) -> dict[str, Any]:
        """The answer as a JSON-ready document: provenance, the question, every candidate."""
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, int(self.table.replications.iloc[0])),
            "criterion": asdict(self.where),
            "confidence": self.confidence,
            "chosen": self.chosen,
            "table": json.loads(self.table.to_json(orient="records")),
        }


def cheapest(
    scenario: Scenario,
    where: str | Criterion = "quota_miss_rate<=0.05",
    *,
    confidence: float = 0.95,
    candidates: str = "policies",
    **execution: Unpack[PreciseExecution],
) -> Cheapest:
    """Find the least costly candidate whose KPI meets ``where`` with ``confidence``.

    Args:
        scenario: The baseline, with ``costs:`` and ``policies:`` (or ``sweep:``).
        where: The constraint, e.g. ``"quota_miss_rate<=0.05"`` or a ``Criterion``.
        confidence: How sure the constraint must be (one-sided), e.g. 0.95.
        candidates: ``policies`` (the baseline and every policy) or ``sweep`` (the points of
            the scenario's sweep design).
        **execution: How to run them: replications, seed, workers, ... (see
            ``sim.experiments.runner.Execution``).

    Raises:
        ScenarioError: No costs, no candidates, or a constraint that makes no sense.
    """
    criterion = where if isinstance(where, Criterion) else Criterion.parse(where, flag="--where")
    n, seed = replications_and_seed(scenario, execution)
    variants = candidate_variants(scenario, criterion, confidence, candidates, seed, replications=n)
    outcomes, _report = run_variants(variants, n, seed, execution)
    rows = [_judge(v, outcomes[v.name], seed, criterion, confidence) for v in variants]
    better_first = criterion.op == ">="  # among equal costs, the better estimate first
    table = pd.DataFrame(rows).sort_values(
        ["cost", "mean"], ascending=[True, not better_first], kind="stable", ignore_index=True
    )
    qualified = table[table.qualifies]
    chosen = None if qualified.empty else qualified.iloc[0]
    table["outcome"] = [
        "not sure"
        if not row.qualifies
        else "chosen"
        if chosen is not None and row.candidate == chosen.candidate
        else "costs the same"
        if chosen is not None and row.cost == chosen.cost
        else "costs more"
        for row in table.itertuples()
    ]
    return Cheapest(
        scenario, seed, criterion, confidence, table, None if chosen is None else chosen.candidate
    )


def candidate_variants(
    scenario: Scenario,
    criterion: Criterion,
    confidence: float,
    candidates: str,
    seed: int,
    *,
    replications: int,
) -> list[Variant]:
    """Check the question, and return the candidates to run.

    Raises:
        ScenarioError: What makes no sense, naming the flag or section.
    """
    problems = []
    if scenario.costs is None:
        problems.append(Message("no costs: section: nothing to tell the candidates' costs apart"))
    if not 0.5 <= confidence < 1:  # noqa: PLR2004
        problems.append(
            Message("--confidence: between 0.5 and 1 (0.95), got {value}", value=show(confidence))
        )
    if criterion.op not in ("<=", ">="):
        problems.append(Message("--where: a bound to meet, KPI<=X or KPI>=X"))
    if criterion.buyer != ALL and criterion.buyer not in {b.name for b in scenario.buyers}:
        problems.append(Message("--buyer: no buyer named {buyer}", buyer=show(criterion.buyer)))
    if replications < 2:  # noqa: PLR2004
        problems.append(Message("--replications: a confidence bound needs at least 2"))
    if candidates not in CANDIDATES:
        problems.append(one_of("--candidates", CANDIDATES, candidates))
    elif candidates == "sweep" and scenario.sweep is None:
        problems.append(Message("--candidates sweep: the scenario has no sweep: section"))
    if problems:
        raise ScenarioError(problems)
    if candidates == "sweep":
        assert scenario.sweep is not None  # checked above  # noqa: S101
        return sweep_variants(scenario, design(scenario.sweep, seed))
    return policy_variants(scenario)


def _judge(
    variant: Variant, outcomes: list[Any], seed: int, where: Criterion, confidence: float
) -> dict[str, Any]:
    """One candidate's cost, mean, one-sided bound, and whether it qualifies.

    The bound is made as ``sim.results.intervals`` makes every interval (never at the estimate
    itself where no spread was seen); where it cannot be known, the candidate does not qualify.
    """
    buyer = None if where.buyer == ALL else where.buyer
    values, units = kpi_and_units(variant.scenario, seed, outcomes, where.kpi, buyer=buyer)
    n = len(values)
    mean = float(values.mean())
    most = largest_value(variant.scenario, where.kpi, buyer)
    bound = kpi_bound(where.kpi, values, units, confidence, upper=where.op == "<=", most=most)
    return {
        "candidate": variant.name,
        **{f"set {k}": v for k, v in variant.settings.items()},
        "cost": cost_of(variant.scenario),
        "mean": mean,
        "bound": bound,
        "replications": n,
        "qualifies": bound is not None and bool(where.holds(np.array([bound]))[0]),
    }

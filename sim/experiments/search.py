"""The search loop of ``optimize``, and its question checked before anything runs.

Optuna asks for settings in batches, the runner measures the new ones side by side, Optuna is
told each one's values.

Optuna is an optional extra (``pip install 'umkm-sim[optimize]'``), imported only to search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.engine.replication import Replication
from sim.engine.streams import OPTIMIZE_SEARCH, part_seed
from sim.experiments.levers import Space, key
from sim.experiments.runner import Runner, Variant
from sim.experiments.size import SUMMARY_ROW_BYTES, check_summarised
from sim.i18n import Message
from sim.results.intervals import kpi_ci
from sim.results.metrics import KPIS, scope_kpis, units_of
from sim.results.scopes import ALL
from sim.results.tables import Results
from sim.scenario.costs import cost_of
from sim.scenario.messages import ScenarioError, show
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from optuna import Study

    from sim.experiments.robustness import Criterion

INSTALL = "pip install 'umkm-sim[optimize]'"
FIRST = 20
"""Each setting's first replications, unless asked: enough for a first estimate; replications
then go where they decide."""
EVALUATIONS = 40
"""Distinct settings a search measures, unless asked."""
MOST = 2000
"""No setting gets more replications than this, unless asked."""
BATCH = 8
"""Settings asked for at once and run side by side: fixed, so the search is the same anywhere."""
COST = "cost"
"""The objective that is what a setting costs (exact: ``sim.scenario.costs.cost_of``)."""
_MOST_ASKS = 20  # asks per evaluation at most: a sampler that keeps proposing what it has seen

Measure = Callable[[list[Variant], int], dict[str, pd.DataFrame]]
"""``measure(variants, r)``: each variant's KPIs per replication ``0..r-1``, in the question's
scope."""
Judge = Callable[["Candidate"], tuple[list[float], float | None]]
"""``judge(candidate)``: the objective values Optuna is told, and the constraint's violation."""


class MissingOptunaError(ImportError):
    """A search was asked for, but Optuna is not installed."""

    def __str__(self) -> str:
        """Say how to install it, in the current language."""
        return str(Message("optimize needs Optuna: {install}", install=INSTALL))


@dataclass
class Candidate:
    """One setting of the levers, as measured so far.

    Attributes:
        name: ``s0``, ``s1``, ... in the order the search asked for them.
        variant: The scenario with the levers so set.
        cost: What it costs over the horizon (Rp; exact).
        kpis: Per replication, every KPI over the question's lines (with their units).
    """

    name: str
    variant: Variant
    cost: float
    kpis: pd.DataFrame

    @property
    def replications(self) -> int:
        """How many replications it has."""
        return len(self.kpis)

    def values(self, kpi: str) -> np.ndarray:
        """A KPI per replication."""
        return self.kpis[kpi].to_numpy(dtype=float)

    def units(self, kpi: str) -> float:
        """What the KPI is a share of, per replication (``sim.results.metrics.units_of``)."""
        return units_of(kpi, self.kpis)

    def estimate(self, kpi: str) -> dict[str, Any]:
        """A KPI's mean and 95% CI (``sim.results.intervals.kpi_ci``)."""
        return kpi_ci(kpi, self.values(kpi), self.units(kpi))


@dataclass(frozen=True)
class Plan:
    """What both questions share: the levers, the seed, the budget and how to measure.

    Attributes:
        space: The levers.
        seed: Every setting's replications' seed (common random numbers).
        replications: Each setting's first replications.
        evaluations: How many distinct settings the search measures.
        most: No setting gets more replications than this.
        confidence: With which an answer must hold.
        measure: How settings are measured.
    """

    space: Space
    seed: int
    replications: int
    evaluations: int
    most: int
    confidence: float
    measure: Measure

    def sampler_seed(self) -> int:
        """The sampler's own seed (Optuna's samplers take 32 bits)."""
        return part_seed(self.seed, OPTIMIZE_SEARCH, 0) % 2**32


def optuna() -> Any:
    """Optuna, quiet (its log would interleave with our progress bar).

    Raises:
        MissingOptunaError: The extra is not installed.
    """
    try:
        import optuna as found  # noqa: PLC0415 (an extra, imported to search only)
    except ImportError:
        raise MissingOptunaError from None
    found.logging.set_verbosity(found.logging.WARNING)
    return found


def search(plan: Plan, study: Study, judge: Judge) -> list[Candidate]:
    """Ask for settings ``BATCH`` at a time, measure the new ones, tell Optuna each one's values.

    Stops once ``plan.evaluations`` distinct settings are measured (or every setting there is).
    A setting asked for again is told what it was measured to be, not run again.
    """
    from optuna.trial import TrialState  # noqa: PLC0415

    space = plan.space
    distributions = space.distributions()
    wanted = int(min(plan.evaluations, space.size()))
    found: list[Candidate] = []
    for _ in range(_MOST_ASKS * wanted // BATCH + 1):
        if len(found) >= wanted:
            break
        trials = [study.ask(distributions) for _ in range(BATCH)]
        settings = {key(s): s for s in (space.settings(t.params) for t in trials)}
        seen = {key(c.variant.settings) for c in found}
        new = [s for k, s in settings.items() if k not in seen][: wanted - len(found)]
        measure_new(plan, space.valid(new), found)
        by_key = {key(c.variant.settings): c for c in found}
        for trial in trials:
            candidate = by_key.get(key(space.settings(trial.params)))
            if candidate is None:  # past the budget, or not a valid scenario
                study.tell(trial, state=TrialState.FAIL)
                continue
            values, violation = judge(candidate)
            if violation is not None:
                trial.set_constraint("violation", violation)
            study.tell(trial, values)
    return found


def measure_new(plan: Plan, variants: list[Variant], found: list[Candidate]) -> list[Candidate]:
    """Measure new settings on the first replications; name them on and add them to ``found``.

    Returns:
        The new candidates.
    """
    named = [replace(v, name=f"s{len(found) + k}") for k, v in enumerate(variants)]
    kpis = plan.measure(named, plan.replications)
    new = [Candidate(v.name, v, cost_of(v.scenario), kpis[v.name]) for v in named]
    found += new
    return new


def measured(
    runner: Runner, variants: list[Variant], replications: int, *, buyer: str | None
) -> dict[str, pd.DataFrame]:
    """Every variant's KPIs per replication ``0..replications-1`` over the buyer's lines.

    Only those are kept: a search measures many settings, whose whole results would not fit.
    """
    if not variants:
        return {}
    return runner.summarise(variants, replications, partial(_scope, seed=runner.seed, buyer=buyer))


def _scope(
    variant: Variant, outcomes: list[Replication], seed: int, buyer: str | None
) -> pd.DataFrame:
    own = seed if variant.seed is None else variant.seed
    return scope_kpis(Results(variant.scenario, own, outcomes).shipments, buyer)


def check_question(
    scenario: Scenario,
    criterion: Criterion | None,
    objectives: Sequence[str] | None,
    *,
    buyer: str | None,
    confidence: float,
    evaluations: int,
    replications: int,
    max_replications: int,
) -> None:
    """Refuse a question that makes no sense, or would not fit, before anything runs.

    Raises:
        ScenarioError: Each problem, naming its flag or section.
    """
    Space.of(scenario)
    problems: list[Message] = []
    if (criterion is None) == (not objectives):
        problems.append(
            Message(
                "give --where 'KPI<=X' (the cheapest setting that meets it) or --objectives "
                "KPI,cost (the trade-offs between them), not both"
            )
        )
    if criterion is not None and criterion.op not in ("<=", ">="):
        problems.append(Message("--where: a bound to meet, KPI<=X or KPI>=X"))
    buyer = buyer if criterion is None else criterion.buyer
    if buyer not in (None, ALL) and buyer not in {b.name for b in scenario.buyers}:
        problems.append(Message("--buyer: no buyer named {buyer}", buyer=show(buyer)))
    problems += _objective_problems(objectives or ())
    costed = criterion is not None or COST in (objectives or ())
    if costed and scenario.costs is None:
        problems.append(Message("no costs: section: nothing to tell the settings' costs apart"))
    if not 0.5 <= confidence < 1:  # noqa: PLR2004
        said = Message(
            "--confidence: between 0.5 and 1 (0.95), got {value}", value=show(confidence)
        )
        problems.append(said)
    if replications < 2:  # noqa: PLR2004
        problems.append(Message("--replications: a confidence bound needs at least 2"))
    if max_replications < replications:
        problems.append(
            Message(
                "--max-replications {most}: fewer than --replications {first}",
                most=max_replications,
                first=replications,
            )
        )
    if problems:
        raise ScenarioError(problems)
    flags = "--evaluations or --max-replications"
    settings = evaluations + evaluations // 2 + 3  # the sampler's, the local search's, checks
    check_summarised(settings, max_replications, SUMMARY_ROW_BYTES, flags)


def _objective_problems(objectives: Sequence[str]) -> list[Message]:
    if not objectives:
        return []
    problems = [
        Message(
            "--objectives: unknown {name} (one of: {choices})",
            name=show(o),
            choices=", ".join([*KPIS, COST]),
        )
        for o in objectives
        if o not in (*KPIS, COST)
    ]
    if len(set(objectives)) < 2:  # noqa: PLR2004
        problems.append(
            Message("--objectives: at least two different ones, e.g. quota_miss_rate,cost")
        )
    return problems


def row(c: Candidate, kpis: Sequence[str]) -> dict[str, Any]:
    """A setting as a table's row: its levers (``set PATH``), cost, replications, KPIs' CIs."""
    found: dict[str, Any] = {"candidate": c.name}
    found |= {f"set {p}": plain(v) for p, v in c.variant.settings.items()}
    found |= {"cost": c.cost, "replications": c.replications}
    for kpi in kpis:
        estimate = c.estimate(kpi)
        lo, hi = estimate["ci95"]
        found |= {kpi: estimate["mean"], f"{kpi}_lo": lo, f"{kpi}_hi": hi}
    return found


def point(c: Candidate, kpis: Sequence[str] = KPIS) -> dict[str, Any]:
    """A setting as a document says it: its levers, cost and KPIs with their 95% CIs."""
    return {
        "candidate": c.name,
        "levers": {p: plain(v) for p, v in c.variant.settings.items()},
        "cost": c.cost,
        "kpis": {k: kpi_ci(k, c.values(k), units_of(k, c.kpis)) for k in kpis},
        "replications": c.replications,
    }


def plain(value: Any) -> Any:
    """A lever's value as JSON and a CSV cell take it (a mapping as its JSON text in a cell)."""
    if isinstance(value, np.generic):
        return value.item()
    return value

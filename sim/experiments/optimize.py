"""Design a policy: search the scenario's ``levers:``, the simulation's noise in view.

Two questions: the cheapest setting that surely meets a constraint, or the trade-offs between
objectives (a front).

**Search.** Optuna's samplers propose settings (Akiba et al. 2019, *Optuna: a next-generation
hyperparameter optimization framework*, KDD): TPE for the cheapest setting, with the constraint
as Optuna's constraints (Bergstra et al. 2011; Watanabe & Hutter 2023, c-TPE), and NSGA-II for
a front (Deb et al. 2002). Optuna because it is asked and told: a batch of settings is asked at
once and run side by side on the executors (``sim.experiments.search``); each sampler has a seed
of its own (no global random state); whole-number, real and listed levers are its own kinds.
Every setting runs with the experiment's seed: common random numbers, so settings are compared
on the same simulated years. The batch is fixed, so the settings asked (and the answer) are the
same on one worker or many.

**The cheapest setting** (``where``). A setting qualifies when the one-sided confidence bound of
its KPI meets the constraint (``sim.results.intervals.kpi_bound``). After the sampler's
``evaluations``, a local search measures up to half as many more, a step or two of the levers
from the cheapest settings that meet the constraint on estimate (``_polish``): the sampler finds
the region, the steps its cheap edge. Replications go where they matter: after that, the
cheapest settings that qualify or may get more (doubled, to ``max_replications``), those whose
estimate meets the constraint first (``_refine``). The guarantee is then earned on fresh
replications (streams of their own, ``OPTIMIZE_CHECK``): the qualifying settings, cheapest
first, at most ``CHECKS`` of them, are checked each at confidence
``1 - (1 - confidence) / CHECKS``; the first that passes is chosen. By Bonferroni's inequality,
a setting that fails the constraint is chosen with probability at most ``1 - confidence``,
however the search went (a search's winner is biased towards lucky replications; fresh ones are
not).

**The front** (``objectives``): ``sim.experiments.pareto``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any, ClassVar, Unpack

import numpy as np
import pandas as pd

from sim.engine.streams import OPTIMIZE_CHECK, part_seed
from sim.experiments.levers import Space, key
from sim.experiments.pareto import front
from sim.experiments.robustness import Criterion
from sim.experiments.runner import Execution, Variant, replications_and_seed, runner_for
from sim.experiments.search import (
    BATCH,
    EVALUATIONS,
    FIRST,
    MOST,
    Candidate,
    Plan,
    check_question,
    measure_new,
    measured,
    optuna,
    point,
    row,
    search,
)
from sim.results.documents import Documented, provenance
from sim.results.intervals import kpi_bound
from sim.results.metrics import HIGHER_IS_BETTER
from sim.results.scopes import ALL
from sim.results.tables import largest_value
from sim.scenario.costs import cost_of
from sim.scenario.schema import Scenario

CHECKS = 3
"""Qualifying settings checked on fresh replications at most, cheapest first."""
ROUNDS = 4
"""Rounds of added replications for the settings that matter, each doubling theirs."""
OUTCOMES = ("chosen", "not confirmed", "qualifies", "not sure", "fails")
"""A setting's fate in the cheapest mode: chosen; qualified but failed its fresh check;
qualifies (but costs more, or was not reached); its bound does not decide; surely fails."""


@dataclass(frozen=True)
class Optimization(Documented):
    """What the search found: every setting measured, and the answer.

    Attributes:
        scenario: The scenario searched (with its ``levers:``).
        seed: The seed of every setting's replications (common random numbers).
        replications: Each setting's first replications.
        table: One row per setting, in the order asked: its levers (``set PATH``), cost,
            replications, each KPI asked about (estimate, ``_lo`` and ``_hi`` of its 95% CI),
            ``bound`` (the cheapest mode) and ``outcome``.
        where: The constraint (the cheapest mode), or ``None``.
        objectives: The objectives (the front mode), or ``None``.
        confidence: With which the constraint must hold.
        chosen: The setting chosen: ``candidate``, ``levers``, ``cost``, ``kpis`` (each KPI's
            mean and 95% CI on its fresh replications) and ``replications``; or ``None``.
        checks: Each fresh check: setting, replications, confidence, bound, whether it passed.
        front: The points kept: ``candidate``, ``levers``, ``cost``, ``kpis``, ``replications``.
    """

    scenario: Scenario
    seed: int
    replications: int
    table: pd.DataFrame
    where: Criterion | None
    objectives: tuple[str, ...] | None
    confidence: float
    chosen: dict[str, Any] | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)
    front: list[dict[str, Any]] = field(default_factory=list)
    kind: ClassVar[str] = "optimize"

    def document(self) -> dict[str, Any]:
        """The answer as a JSON-ready document: provenance, the question, every setting."""
        question: dict[str, Any] = (
            {"mode": "constrained", "criterion": asdict(self.where)}
            if self.where is not None
            else {"mode": "front", "objectives": list(self.objectives or ())}
        )
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, self.replications),
            **question,
            "confidence": self.confidence,
            "levers": {p: lever.model_dump() for p, lever in self.scenario.levers.items()},
            "evaluations": len(self.table),
            "chosen": self.chosen,
            "checks": self.checks,
            "front": self.front,
            "table": json.loads(self.table.to_json(orient="records")),
        }


def optimize(
    scenario: Scenario,
    where: str | Criterion | None = None,
    *,
    objectives: Sequence[str] | None = None,
    buyer: str | None = None,
    confidence: float = 0.95,
    evaluations: int = EVALUATIONS,
    max_replications: int = MOST,
    **execution: Unpack[Execution],
) -> Optimization:
    """Search the levers: the cheapest setting meeting ``where``, or the front of ``objectives``.

    Args:
        scenario: The scenario, with ``levers:`` (and ``costs:``).
        where: The constraint, e.g. ``"quota_miss_rate<=0.1"`` or a ``Criterion``.
        objectives: Instead: the objectives of a front, KPIs and ``cost`` (two or more).
        buyer: The KPIs of this buyer's lines only (default: every buyer's).
        confidence: How sure the chosen setting's constraint must be (one-sided).
        evaluations: How many distinct settings the sampler measures (a local search then
            measures up to half as many more).
        max_replications: No setting gets more replications than this.
        **execution: How to run them: replications (each setting's first; ``FIRST`` unless
            asked), seed, workers, ... (see ``sim.experiments.runner.Execution``).

    Raises:
        ScenarioError: A question that makes no sense (no levers, no costs, ...).
        MissingOptunaError: The optional extra is not installed.
    """
    execution["replications"] = execution.get("replications") or FIRST
    n, seed = replications_and_seed(scenario, execution)
    criterion = Criterion.parse(where, buyer, "--where") if isinstance(where, str) else where
    check_question(
        scenario,
        criterion,
        objectives,
        buyer=buyer,
        confidence=confidence,
        evaluations=evaluations,
        replications=n,
        max_replications=max_replications,
    )
    space = Space.of(scenario)
    scope = buyer if criterion is None else criterion.buyer
    with runner_for(seed, execution) as runner:
        measure = partial(measured, runner, buyer=None if scope in (None, ALL) else scope)
        plan = Plan(space, seed, n, evaluations, max_replications, confidence, measure)
        if criterion is not None:
            return _cheapest(plan, criterion)
        asked = tuple(objectives or ())
        rows, kept = front(plan, asked)
        table = pd.DataFrame(rows)
        return Optimization(scenario, seed, n, table, None, asked, confidence, front=kept)


# --- the cheapest setting that surely meets a constraint --------------------------------------


def _cheapest(plan: Plan, criterion: Criterion) -> Optimization:
    found = optuna()
    sampler = found.samplers.TPESampler(
        seed=plan.sampler_seed(),
        n_startup_trials=max(2, min(10, plan.evaluations // 4)),
        multivariate=True,
    )
    study = found.create_study(direction="minimize", sampler=sampler)
    bound = partial(_bound, criterion=criterion, confidence=plan.confidence)

    def judge(c: Candidate) -> tuple[list[float], float]:
        # The search goes by the estimate: a bound from a first few replications is too wide
        # to tell the sampler where the constraint is met; the bound qualifies, after.
        over = c.estimate(criterion.kpi)["mean"] - criterion.bound
        return [c.cost], over if criterion.op == "<=" else -over

    candidates = search(plan, study, judge)
    _polish(plan, candidates, criterion, plan.evaluations // 2)
    _refine(plan, candidates, criterion)
    chosen, checks = _check(plan, candidates, criterion)
    rows = []
    checked = {c["candidate"]: c["passed"] for c in checks}
    for c in candidates:
        b = bound(c)
        meets = b is not None and bool(criterion.holds(np.array([b]))[0])
        outcome = (
            "chosen"
            if chosen is not None and c.name == chosen["candidate"]
            else "not confirmed"
            if c.name in checked
            else "qualifies"
            if meets
            else "fails"
            if _fails(c, criterion, plan.confidence)
            else "not sure"
        )
        rows.append({**row(c, [criterion.kpi]), "bound": b, "outcome": outcome})
    return Optimization(
        plan.space.scenario,
        plan.seed,
        plan.replications,
        pd.DataFrame(rows),
        criterion,
        None,
        plan.confidence,
        chosen,
        checks,
    )


def _bound(
    c: Candidate, criterion: Criterion, confidence: float, *, upper: bool | None = None
) -> float | None:
    """The one-sided bound of the constraint's KPI (on the side that must meet it)."""
    kpi = criterion.kpi
    scope = None if criterion.buyer == ALL else criterion.buyer
    return kpi_bound(
        kpi,
        c.values(kpi),
        c.units(kpi),
        confidence,
        upper=(criterion.op == "<=") if upper is None else upper,
        most=largest_value(c.variant.scenario, kpi, scope),
    )


def _meets(c: Candidate, criterion: Criterion, confidence: float) -> bool:
    b = _bound(c, criterion, confidence)
    return b is not None and bool(criterion.holds(np.array([b]))[0])


def _fails(c: Candidate, criterion: Criterion, confidence: float) -> bool:
    """Whether the bound on the other side shows the setting surely fails the constraint."""
    b = _bound(c, criterion, confidence, upper=criterion.op != "<=")
    return b is not None and not bool(criterion.holds(np.array([b]))[0])


def _polish(plan: Plan, candidates: list[Candidate], criterion: Criterion, budget: int) -> None:
    """Look next to the cheapest settings whose estimate meets the constraint, for cheaper ones.

    The sampler finds where the constraint is met; the cheapest settings there are at its edge,
    a step or two of the levers away (one lever, or two traded against each other, as fewer of
    one group of kitchens for more of another). From each such setting in turn, cheapest
    first (new ones among them), the ``BATCH`` cheaper neighbours closest in cost are measured,
    until ``budget`` settings are: a local search after the global one.
    """
    seen = {key(c.variant.settings) for c in candidates}
    done: set[str] = set()
    while budget > 0:
        meeting = [c for c in candidates if c.name not in done and _mean_meets(c, criterion)]
        if not meeting:
            return
        anchor = min(meeting, key=lambda c: (c.cost, c.name))
        done.add(anchor.name)
        nearby = [s for s in plan.space.neighbours(anchor.variant.settings) if key(s) not in seen]
        costed = [(cost_of(v.scenario), v) for v in plan.space.valid(nearby)]
        cheaper = sorted((p for p in costed if p[0] < anchor.cost), key=lambda p: -p[0])
        cheaper = cheaper[: min(BATCH, budget)]
        new = measure_new(plan, [v for __, v in cheaper], candidates)
        seen |= {key(c.variant.settings) for c in new}
        budget -= len(new)


def _mean_meets(c: Candidate, criterion: Criterion) -> bool:
    return bool(criterion.holds(np.array([c.estimate(criterion.kpi)["mean"]]))[0])


def _refine(plan: Plan, candidates: list[Candidate], criterion: Criterion) -> None:
    """More replications where they decide: the cheapest settings that meet the constraint, or may.

    Each round takes the settings not surely failing that cost no more than the ``CHECKS``-th
    cheapest qualifying one (any, while fewer qualify), those whose estimate meets the
    constraint first, at most ``BATCH``, and doubles their replications. The undecided are
    decided, and a setting that qualified by luck (the cheapest of many qualifiers is often
    the luckiest) falls back before its fresh check.
    """
    for _ in range(ROUNDS):
        costs = sorted(c.cost for c in candidates if _meets(c, criterion, plan.confidence))
        ceiling = costs[CHECKS - 1] if len(costs) >= CHECKS else np.inf
        open_ = [
            c
            for c in sorted(candidates, key=lambda c: (c.cost, c.name))
            if c.cost <= ceiling
            and c.replications < plan.most
            and not _fails(c, criterion, plan.confidence)
        ]
        first = [c for c in open_ if _mean_meets(c, criterion)]
        chosen = (first + [c for c in open_ if c not in first])[:BATCH]
        if not chosen:
            return
        r = min(plan.most, 2 * max(c.replications for c in chosen))
        kpis = plan.measure([c.variant for c in chosen], r)
        for c in chosen:
            c.kpis = kpis[c.variant.name]


def _check(
    plan: Plan, candidates: list[Candidate], criterion: Criterion
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Check the cheapest qualifying settings on fresh replications; the first that passes.

    Each check is at ``1 - (1 - confidence) / CHECKS``: whichever of them is chosen, one that
    fails the constraint is chosen with probability at most ``1 - confidence`` (Bonferroni).
    The checks go first to settings that already meet it at that stricter confidence (likely
    to pass), so that they are not all spent on settings only just inside the constraint;
    which are checked depends on the search alone, so the guarantee holds.
    """
    sign = -1 if criterion.kpi in HIGHER_IS_BETTER else 1
    qualifying = sorted(
        (c for c in candidates if _meets(c, criterion, plan.confidence)),
        key=lambda c: (c.cost, sign * c.estimate(criterion.kpi)["mean"], c.name),
    )
    each = 1 - (1 - plan.confidence) / CHECKS
    likely = [c for c in qualifying if _meets(c, criterion, each)]
    checked = (likely + [c for c in qualifying if c not in likely])[:CHECKS]
    checks = []
    for k, c in enumerate(sorted(checked, key=qualifying.index)):
        own = part_seed(plan.seed, OPTIMIZE_CHECK, k)
        fresh = Variant(f"{c.name}/check", c.variant.scenario, c.variant.settings, own)
        r = min(plan.most, 2 * max(plan.replications, c.replications))
        again = Candidate(c.name, fresh, c.cost, plan.measure([fresh], r)[fresh.name])
        b = _bound(again, criterion, each)
        passed = b is not None and bool(criterion.holds(np.array([b]))[0])
        checks.append(
            {
                "candidate": c.name,
                "replications": r,
                "confidence": each,
                "bound": b,
                "passed": passed,
            }
        )
        if passed:
            return point(again), checks
    return None, checks

"""The front of several objectives: the settings no other surely beats in all of them.

NSGA-II (Deb et al. 2002, *A fast and elitist multiobjective genetic algorithm*, IEEE TEC 6(2))
proposes settings through Optuna; each setting's objectives are estimated (cost is exact). The
settings no other dominates by estimate form the estimated front, and each gets ``GROWTH`` times
its first replications. A point is then kept only if it is *surely not dominated* by every other
point: cheaper, or better in some KPI with the paired difference's 95% interval (common random
numbers) on its side (``sim.results.intervals.difference_ci``), per comparison. Points not
distinguishable from being dominated are dropped: the clean-up step of multi-objective ranking
and selection (Hunter et al. 2019, *An introduction to multiobjective simulation optimization*,
ACM TOMACS 29(1)).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.experiments.search import BATCH, COST, Candidate, Plan, optuna, point, row, search
from sim.results.intervals import difference_ci
from sim.results.metrics import HIGHER_IS_BETTER, KPIS

GROWTH = 4
"""The estimated front's points get this many times their first replications."""
OUTCOMES = ("front", "not surely better", "dominated")
"""A setting's fate: kept; on the estimated front but not surely better than another point there
in any objective; dominated by estimate."""


def front(
    plan: Plan, objectives: tuple[str, ...]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Search, then keep the points surely not dominated.

    Returns:
        Every setting as a table's row (with its ``outcome``), and the points kept, cheapest
        first, as a document says them.
    """
    found = optuna()
    sampler = found.samplers.NSGAIISampler(
        seed=plan.sampler_seed(), population_size=max(BATCH, min(24, plan.evaluations // 2))
    )
    directions = ["maximize" if o in HIGHER_IS_BETTER else "minimize" for o in objectives]
    study = found.create_study(directions=directions, sampler=sampler)

    def judge(c: Candidate) -> tuple[list[float], None]:
        return [_objective(c, o) for o in objectives], None

    candidates = search(plan, study, judge)
    r = min(plan.most, GROWTH * plan.replications)
    growing = [c for c in _estimated_front(candidates, objectives) if c.replications < r]
    kpis = plan.measure([c.variant for c in growing], r)
    for c in growing:
        c.kpis = kpis[c.variant.name]
    on_front = _estimated_front(candidates, objectives)
    kept = [
        p for p in on_front if all(_surely_apart(p, q, objectives) for q in on_front if q is not p)
    ]
    asked = [o for o in objectives if o in KPIS]
    fate = ["front" if c in kept else OUTCOMES[1 if c in on_front else 2] for c in candidates]
    rows = [{**row(c, asked), "outcome": f} for c, f in zip(candidates, fate, strict=True)]
    return rows, [point(c, asked) for c in sorted(kept, key=lambda c: (c.cost, c.name))]


def _objective(c: Candidate, objective: str) -> float:
    return c.cost if objective == COST else float(c.estimate(objective)["mean"])


def _estimated_front(candidates: list[Candidate], objectives: tuple[str, ...]) -> list[Candidate]:
    """The settings no other beats in every objective by estimate (ties: the first of them)."""
    sign = np.array([-1.0 if o in HIGHER_IS_BETTER else 1.0 for o in objectives])
    points = np.array([[_objective(c, o) for o in objectives] for c in candidates]) * sign
    on_front = []
    for i, c in enumerate(candidates):
        others = np.delete(points, i, axis=0)
        beaten = ((others <= points[i]).all(axis=1) & (others < points[i]).any(axis=1)).any()
        tied = (points[:i] == points[i]).all(axis=1).any()
        if not beaten and not tied:
            on_front.append(c)
    return on_front


def _surely_apart(p: Candidate, q: Candidate, objectives: tuple[str, ...]) -> bool:
    """Whether ``p`` is surely not dominated by ``q``: surely better in some objective.

    Cost is exact; a KPI is surely better when the 95% CI of the paired difference (replication
    by replication: common random numbers) lies on ``p``'s side of 0.
    """
    for o in objectives:
        if o == COST:
            if p.cost < q.cost:
                return True
            continue
        m = min(p.replications, q.replications)
        lo, hi = difference_ci(o, p.values(o)[:m], q.values(o)[:m], p.units(o))["ci95"]
        better = (
            (lo is not None and lo > 0) if o in HIGHER_IS_BETTER else (hi is not None and hi < 0)
        )
        if better:
            return True
    return False

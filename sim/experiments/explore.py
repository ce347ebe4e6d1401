"""Exploring uncertain futures: every policy in every plausible future, and how robust each is.

A *future* is one value of each of the scenario's ``uncertainties`` (what we cannot know), drawn
by Latin hypercube, Sobol or plain Monte Carlo; the baseline and every policy (what we choose) run
in each future with common random numbers: future ``f``, replication ``r`` sees the same draws
under every policy, and draws of its own, shared with no other future (so that replications of
two futures are independent, as the bootstrap of the robustness figures takes them). This is
exploratory modelling as in Robust Decision Making (Lempert, Popper
& Bankes 2003; Kwakkel's EMA Workbench): the question is not which policy is best in one guess of
the world, but which performs acceptably in the most futures, and how much it can regret.

Robustness figures (``sim.experiments.robustness``) carry both sources of uncertainty: the
sample of futures and the replication noise in each future's estimate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cached_property, partial
from typing import Any, ClassVar, Unpack

import numpy as np
import pandas as pd

from sim.engine.replication import Replication
from sim.engine.streams import (
    EXPLORE_BOOTSTRAP,
    EXPLORE_FUTURE,
    EXPLORE_FUTURES,
    part_seed,
    stream,
)
from sim.experiments.compare import policy_variants
from sim.experiments.robustness import DEFAULT_TARGET, Criterion, Verdict, rank, verdict
from sim.experiments.runner import (
    Execution,
    Variant,
    replications_and_seed,
    runner_for,
)
from sim.experiments.size import SUMMARY_ROW_BYTES, check_summarised
from sim.i18n import Message
from sim.results.documents import Documented, provenance
from sim.results.scopes import ALL, estimates, per_replication
from sim.results.tables import Results
from sim.scenario.limits import MAX_DESIGN_POINTS
from sim.scenario.loading import derive
from sim.scenario.messages import ScenarioError, one_of, show
from sim.scenario.overrides import expand
from sim.scenario.schema import Scenario

SAMPLERS = ("lhs", "sobol", "mc")


def design_futures(scenario: Scenario, futures: int, sampler: str, seed: int) -> pd.DataFrame:
    """Return ``futures`` rows, one value per uncertainty (column: its path, as written).

    Drawn from the experiment's own named stream, so one seed always gives the same futures.

    Raises:
        ScenarioError: No uncertainties, an unknown sampler, or a design out of bounds.
    """
    uncertain = scenario.uncertainties
    if not uncertain:
        raise ScenarioError(
            [Message("no uncertainties: section to explore (see README, Exploring)")]
        )
    if sampler not in SAMPLERS:
        raise ScenarioError([one_of("--sampler", SAMPLERS, sampler)])
    if not 1 <= futures <= MAX_DESIGN_POINTS:
        raise ScenarioError(
            [
                Message(
                    "--futures: between 1 and {limit:number}, got {value:number}",
                    limit=MAX_DESIGN_POINTS,
                    value=futures,
                )
            ]
        )
    from scipy.stats import qmc  # noqa: PLC0415 (slow to import; only designs need it)

    rng = stream(seed, 0, EXPLORE_FUTURES)
    d = len(uncertain)
    if sampler == "lhs":
        unit = qmc.LatinHypercube(d=d, rng=rng).random(futures)
    elif sampler == "sobol":
        unit = qmc.Sobol(d=d, scramble=True, rng=rng).random(futures)
    else:
        unit = rng.random((futures, d))
    return pd.DataFrame(
        {path: [u.at(x) for x in unit[:, j]] for j, (path, u) in enumerate(uncertain.items())}
    )


def check_explore_size(
    scenario: Scenario,
    futures: int,
    policies: Mapping[str, Mapping[str, Any]] | None,
    replications: int,
) -> None:
    """Refuse, before any future is made, an exploration whose KPIs would not fit in memory.

    Raises:
        DesignTooLargeError: They would not.
    """
    choices = 1 + len(scenario.policies if policies is None else policies)
    scopes = 1 + len(scenario.buyers)  # every buyer, and each
    each = SUMMARY_ROW_BYTES * scopes
    check_summarised(futures * choices, replications, each, "--futures or --replications")


def future_variants(
    scenario: Scenario,
    futures: pd.DataFrame,
    policies: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = None,
) -> list[Variant]:
    """Return the baseline and every policy in every future, named ``f{i}/{policy}``.

    A future's values are set first, then the policy's: what we choose is applied to the world
    as it turned out. With ``seed``, each future draws from streams of its own (``part_seed``),
    shared by its policies: common random numbers across policies within a future, independent
    replications from one future to the next. Without, every future shares the experiment's.
    """
    paths = {p: expand(scenario, p, f"uncertainties.{p}") for p in futures.columns}
    choices = policy_variants(scenario, policies)
    variants = []
    for i, row in enumerate(futures.to_dict("records")):
        world = {path: _plain(row[p]) for p in futures.columns for path in paths[p]}
        own = None if seed is None else part_seed(seed, EXPLORE_FUTURE, i)
        for choice in choices:
            name = f"f{i}/{choice.name}"

            def blame(path: str, value: Any, name: str = name) -> str:
                return f"future {name}: {path}={show(value)}"

            overrides = {**world, **choice.settings}
            variants.append(Variant(name, derive(scenario, overrides, blame), overrides, own))
    return variants


def explore(
    scenario: Scenario,
    futures: int | pd.DataFrame = 100,
    sampler: str = "lhs",
    policies: Mapping[str, Mapping[str, Any]] | None = None,
    target: str | Criterion = DEFAULT_TARGET,
    **execution: Unpack[Execution],
) -> Exploration:
    """Run the baseline and every policy in every future, with common random numbers.

    Args:
        scenario: The baseline, with its ``uncertainties`` (and ``policies``).
        futures: How many futures to draw, or the futures themselves (one column per
            uncertainty path).
        sampler: ``lhs`` (Latin hypercube), ``sobol`` (scrambled Sobol) or ``mc``.
        policies: Name -> dotted-path overrides; default: the scenario's ``policies``.
        target: What counts as acceptable, for robustness: ``"quota_miss_rate<=0.1"`` or a
            ``Criterion`` (one buyer's KPI).
        **execution: How to run them: replications (per policy and future), seed, workers, ...
            (see ``sim.experiments.runner.Execution``).
    """
    criterion = target if isinstance(target, Criterion) else Criterion.parse(target)
    check_criterion(scenario, criterion)
    n, seed = replications_and_seed(scenario, execution)
    design = (
        futures
        if isinstance(futures, pd.DataFrame)
        else design_futures(scenario, futures, sampler, seed)
    )
    check_explore_size(scenario, len(design), policies, n)
    variants = future_variants(scenario, design, policies, seed)
    with runner_for(seed, execution) as runner:
        # Only the KPIs are kept: whole results of every future would not fit in memory.
        frames = runner.summarise(variants, n, partial(_kpis, seed=seed))
    names = [v.name.split("/", 1)[1] for v in variants[: len(variants) // len(design)]]
    per_replication = pd.concat(frames.values(), ignore_index=True)
    per_replication["buyer"] = per_replication["buyer"].astype(str)
    return Exploration(scenario, seed, sampler, design, names, n, per_replication, criterion)


def check_criterion(scenario: Scenario, criterion: Criterion) -> None:
    """Refuse a target for a buyer the scenario does not have."""
    if criterion.buyer != ALL and criterion.buyer not in {b.name for b in scenario.buyers}:
        raise ScenarioError(
            [Message("--buyer: no buyer named {buyer}", buyer=show(criterion.buyer))]
        )


def _kpis(variant: Variant, outcomes: list[Replication], seed: int) -> pd.DataFrame:
    """Return one variant's KPIs per replication, overall and by buyer, with future and policy."""
    future, policy = variant.name.split("/", 1)
    results = Results(variant.scenario, seed if variant.seed is None else variant.seed, outcomes)
    return per_replication(results, ((), ("buyer",)), future=int(future[1:]), policy=policy)


@dataclass(frozen=True)
class Exploration(Documented):
    """Every policy in every future: per-replication KPIs, and what follows from them.

    Attributes:
        scenario: The baseline scenario.
        seed: The experiment's seed; each future's streams derive from it (common random
            numbers across the policies within a future, independent from one future to the
            next).
        sampler: How the futures were drawn.
        futures: One row per future, one column per uncertainty.
        policies: The baseline and the policies, in order.
        replications: Replications per policy and future.
        per_replication: KPIs per future, policy, replication and scope (``all`` or a buyer).
        criterion: What counts as acceptable (robustness is measured against it).
    """

    scenario: Scenario
    seed: int
    sampler: str
    futures: pd.DataFrame
    policies: list[str]
    replications: int
    per_replication: pd.DataFrame
    criterion: Criterion
    kind: ClassVar[str] = "explore"

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per future x policy x scope x KPI: the uncertain values, estimate and CI."""
        table = estimates(self.per_replication, ["future", "policy"])
        worlds = self.futures.map(_plain).assign(future=range(len(self.futures)))
        columns = ["future", *map(str, self.futures.columns), *table.columns.drop("future")]
        return worlds.merge(table, on="future", how="right")[columns]

    def values(self, kpi: str, buyer: str = ALL) -> np.ndarray:
        """Return a KPI per policy, future and replication (policies in order)."""
        rows = self.per_replication[self.per_replication.buyer == buyer]
        if rows.empty:
            raise ScenarioError([Message("--buyer: no buyer named {buyer}", buyer=show(buyer))])
        cube = rows.pivot_table(index=["policy", "future"], columns="replication", values=kpi)
        return np.stack([cube.loc[p].to_numpy() for p in self.policies])

    def robustness(self, criterion: Criterion | None = None) -> pd.DataFrame:
        """Return the robustness table against ``criterion`` (default: the exploration's).

        See ``ranked`` for what it holds.
        """
        if criterion is None or criterion == self.criterion:
            return self.ranked
        return self._robustness(criterion)

    @cached_property
    def ranked(self) -> pd.DataFrame:
        """The policies ranked by robustness against the exploration's criterion."""
        return self._robustness(self.criterion)

    def _robustness(self, criterion: Criterion) -> pd.DataFrame:
        values = self.values(criterion.kpi, criterion.buyer)
        return rank(values, self.policies, criterion, stream(self.seed, 0, EXPLORE_BOOTSTRAP))

    def verdict(self, criterion: Criterion | None = None) -> Verdict:
        """Tell which policy is most robust, and whether the data can tell it from the next."""
        if criterion is None or criterion == self.criterion:
            return self._verdict
        return self._judge(criterion)

    @cached_property
    def _verdict(self) -> Verdict:
        return self._judge(self.criterion)

    def _judge(self, criterion: Criterion) -> Verdict:
        values = self.values(criterion.kpi, criterion.buyer)
        return verdict(values, self.policies, self.robustness(criterion), criterion)

    def document(self) -> dict[str, Any]:
        """The exploration as a JSON-ready document: provenance, futures, robustness, table."""
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, self.replications),
            "sampler": self.sampler,
            "futures": json.loads(self.futures.to_json(orient="records")),
            "uncertainties": {
                p: u.model_dump(exclude_none=True) for p, u in self.scenario.uncertainties.items()
            },
            "policies": self.policies,
            "criterion": asdict(self.criterion),
            "robustness": json.loads(self.robustness().to_json(orient="records")),
            "decision": asdict(self.verdict()),
            "table": json.loads(self.table.to_json(orient="records")),
        }


def _plain(value: Any) -> Any:
    """Turn numpy scalars into Python ones, which the schema (and JSON) accept."""
    return value.item() if isinstance(value, np.generic) else value

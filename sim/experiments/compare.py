"""Policy comparison with common random numbers: every policy against the baseline, paired.

Replication ``r`` of every policy sees the same random draws, so the difference of a KPI
between a policy and the baseline is taken replication by replication and its confidence
interval reflects the policy's effect, not the noise both share.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Unpack

import numpy as np
import pandas as pd

from sim.experiments.runner import (
    PreciseExecution,
    Variant,
    replications_and_seed,
    run_variants,
)
from sim.i18n import Message
from sim.results.documents import Documented, provenance
from sim.results.intervals import difference_ci
from sim.results.metrics import KPIS, units_of
from sim.results.precision import PrecisionReport
from sim.results.scopes import SCOPE, estimates, per_replication
from sim.results.tables import Results
from sim.scenario.loading import derive
from sim.scenario.messages import ScenarioError
from sim.scenario.schema import Scenario

BASELINE = "baseline"


def policy_variants(
    scenario: Scenario, policies: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Variant]:
    """Return the baseline and one variant per policy (default: the scenario's ``policies``)."""
    chosen = scenario.policies if policies is None else policies
    if BASELINE in chosen:
        said = Message(
            "policies.{name}: {name} names the scenario as it is: give the policy another name",
            name=BASELINE,
        )
        raise ScenarioError([said])
    variants = [Variant(BASELINE, scenario)]
    for name, overrides in chosen.items():

        def blame(path: str, value: Any, name: str = name) -> str:
            return f"policies.{name}: {path}={value}"

        variants.append(Variant(name, derive(scenario, overrides, blame), dict(overrides)))
    return variants


def compare(
    scenario: Scenario,
    policies: Mapping[str, Mapping[str, Any]] | None = None,
    **execution: Unpack[PreciseExecution],
) -> Comparison:
    """Run the baseline and every policy with common random numbers; compare them.

    Args:
        scenario: The baseline.
        policies: Name -> dotted-path overrides; default: the scenario's ``policies``.
        **execution: How to run them: replications (per policy), seed, workers, ... (see
            ``sim.experiments.runner.Execution``).
    """
    variants = policy_variants(scenario, policies)
    n, seed = replications_and_seed(scenario, execution)
    outcomes, report = run_variants(variants, n, seed, execution)
    results = {v.name: Results(v.scenario, seed, outcomes[v.name]) for v in variants}
    return Comparison(scenario, seed, variants, results, report)


@dataclass(frozen=True)
class Comparison(Documented):
    """Results of the baseline and each policy, and their paired differences.

    Attributes:
        scenario: The baseline scenario.
        seed: The seed every policy ran with.
        variants: The baseline and the policies, in order.
        results: Name -> its results.
        precision: How a precision target went, if one was set.
    """

    scenario: Scenario
    seed: int
    variants: list[Variant]
    results: dict[str, Results]
    precision: PrecisionReport | None = None
    kind: ClassVar[str] = "compare"

    @property
    def replications(self) -> int:
        """Return the number of replications of each policy."""
        return self.results[BASELINE].replications

    @cached_property
    def per_replication(self) -> pd.DataFrame:
        """KPIs per policy, replication and scope (buyer, product; ``all`` for every one)."""
        return pd.concat(
            [per_replication(r, policy=name) for name, r in self.results.items()],
            ignore_index=True,
        )

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per policy x scope x KPI: estimate, CI, and paired difference from baseline.

        ``significant`` marks differences whose 95% CI excludes zero. Rows by scope and KPI
        (sorted), then policy. The intervals are ``sim.results.intervals``'.
        """
        keys = [*SCOPE, "kpi"]
        table = estimates(self.per_replication, ["policy"])
        base_digest = self.results[BASELINE].scenario.digest()
        same = {n: r.scenario.digest() == base_digest for n, r in self.results.items()}
        diffs = []
        scopes = self.per_replication.groupby(SCOPE, sort=True, observed=True)
        for scope, block in scopes:
            wide = block.set_index(["policy", "replication"])
            for kpi in sorted(KPIS):
                units = units_of(kpi, block)
                base: np.ndarray = np.asarray(wide.loc[BASELINE, kpi], dtype=float)
                for name in self.results:
                    diff: dict[str, Any] = {"mean": np.nan, "ci95": [np.nan, np.nan]}
                    if name != BASELINE and same[name]:  # the very same simulation: exactly 0
                        diff = {"mean": 0.0, "ci95": [0.0, 0.0]}
                    elif name != BASELINE:
                        own: np.ndarray = np.asarray(wide.loc[name, kpi], dtype=float)
                        diff = difference_ci(kpi, own, base, units)
                    row = dict(zip(keys, (*scope, kpi), strict=True))
                    row |= {"policy": name, "diff": diff["mean"]}
                    row["diff_lo"], row["diff_hi"] = diff["ci95"]
                    diffs.append(row)
        table = pd.DataFrame(diffs).merge(table, on=["policy", *keys], how="left", sort=False)
        table["significant"] = (table["diff_lo"] > 0) | (table["diff_hi"] < 0)
        order = ["policy", *keys, "mean", "ci_lo", "ci_hi"]
        return table[[*order, "diff", "diff_lo", "diff_hi", "significant"]]

    def document(self) -> dict[str, Any]:
        """The comparison as a JSON-ready document: provenance, policies, table."""
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, self.replications, self.precision),
            "policies": {v.name: dict(v.settings) for v in self.variants[1:]},
            "table": json.loads(self.table.to_json(orient="records")),
        }

    def shipments(self) -> pd.DataFrame:
        """Every policy's shipment lines, with a ``policy`` column first."""
        return pd.concat(
            [r.shipments.assign(policy=name) for name, r in self.results.items()],
            ignore_index=True,
        )[["policy", *self.results[BASELINE].shipments.columns]]

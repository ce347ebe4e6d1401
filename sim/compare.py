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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.executors import Executor
from sim.experiment import Variant, run_variants
from sim.loading import derive, to_yaml
from sim.metrics import KPIS, bounds_of, mean_ci
from sim.outputs import write_atomic, write_text
from sim.precision import Precision, PrecisionReport
from sim.progress import Progress
from sim.results import Results
from sim.scenario import Scenario
from sim.store import RunStore

BASELINE = "baseline"
ALL = "all"  # the scope "every buyer" or "every product"


def policy_variants(
    scenario: Scenario, policies: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Variant]:
    """Return the baseline and one variant per policy (default: the scenario's ``policies``)."""
    chosen = scenario.policies if policies is None else policies
    if BASELINE in chosen:
        raise ValueError(f"{BASELINE!r} names the scenario as it is; rename that policy")
    variants = [Variant(BASELINE, scenario)]
    for name, overrides in chosen.items():

        def blame(path: str, value: Any, name: str = name) -> str:
            return f"policies.{name}: {path}={value}"

        variants.append(Variant(name, derive(scenario, overrides, blame), dict(overrides)))
    return variants


def compare(
    scenario: Scenario,
    policies: Mapping[str, Mapping[str, Any]] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    *,
    executor: Executor | None = None,
    store: RunStore | None = None,
    precision: Precision | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Run the baseline and every policy with common random numbers; compare them.

    Args:
        scenario: The baseline.
        policies: Name -> dotted-path overrides; default: the scenario's ``policies``.
        replications: Per policy (with ``precision``: to start with); default: the scenario's.
        seed: Default: the scenario's.
        workers: Local worker processes; default: every available core.
        executor: Run elsewhere instead (e.g. on Dask).
        store: Save finished runs there and reuse what it holds.
        precision: Add replications until every policy's quota miss rate is this precise.
        progress: A progress bar to advance.
    """
    variants = policy_variants(scenario, policies)
    seed = scenario.seed if seed is None else seed
    n = scenario.replications if replications is None else replications
    outcomes, report = run_variants(
        variants,
        n,
        seed,
        workers=workers,
        executor=executor,
        store=store,
        precision=precision,
        progress=progress,
    )
    results = {v.name: Results(v.scenario, seed, outcomes[v.name]) for v in variants}
    return Comparison(scenario, seed, variants, results, report)


@dataclass(frozen=True)
class Comparison:
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

    @property
    def replications(self) -> int:
        """Return the number of replications of each policy."""
        return self.results[BASELINE].replications

    @cached_property
    def per_replication(self) -> pd.DataFrame:
        """KPIs per policy, replication and scope (buyer, product; ``all`` for every one)."""
        frames = []
        for name, results in self.results.items():
            for by in ([], ["buyer"], ["buyer", "product"]):
                kpis = results.kpis(by).reset_index()
                for column in ("buyer", "product"):
                    if column not in kpis:
                        kpis[column] = ALL
                    kpis[column] = kpis[column].astype(str)
                frames.append(kpis.assign(policy=name))
        wide = pd.concat(frames, ignore_index=True)
        return wide.melt(
            id_vars=["policy", "replication", "buyer", "product"],
            value_vars=list(KPIS),
            var_name="kpi",
        )

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per policy x scope x KPI: estimate, CI, and paired difference from baseline.

        ``significant`` marks differences whose 95% CI excludes zero.
        """
        keys = ["buyer", "product", "kpi"]
        values = self.per_replication.pivot(  # noqa: PD010 (reshape only, nothing to aggregate)
            index=[*keys, "replication"], columns="policy", values="value"
        )
        rows = []
        for scope, block in values.groupby(level=keys, sort=False, observed=True):
            base = block[BASELINE].to_numpy()
            for name in self.results:
                own = block[name].to_numpy()
                estimate = mean_ci(own, bounds=bounds_of(str(scope[2])))
                row = dict(zip(keys, scope, strict=True))
                row |= {"policy": name, "mean": estimate["mean"]}
                row["ci_lo"], row["ci_hi"] = estimate["ci95"]
                if name == BASELINE:
                    row |= {"diff": np.nan, "diff_lo": np.nan, "diff_hi": np.nan}
                else:
                    diff = mean_ci(own - base)
                    row["diff"] = diff["mean"]
                    row["diff_lo"], row["diff_hi"] = diff["ci95"]
                rows.append(row)
        table = pd.DataFrame(rows)
        table["significant"] = (table["diff_lo"] > 0) | (table["diff_hi"] < 0)
        order = ["policy", "buyer", "product", "kpi", "mean", "ci_lo", "ci_hi"]
        return table[[*order, "diff", "diff_lo", "diff_hi", "significant"]]

    @cached_property
    def summary(self) -> dict[str, Any]:
        """The comparison as a JSON-ready document (provenance, policies, table)."""
        base = self.results[BASELINE].provenance
        document = {
            "kind": "compare",
            **{k: base[k] for k in ("scenario", "scenario_file", "seed", "replications")},
            "horizon_days": base["horizon_days"],
            "version": base["version"],
            "policies": {v.name: dict(v.settings) for v in self.variants[1:]},
            "table": json.loads(self.table.to_json(orient="records")),
        }
        if self.precision is not None:
            document["precision"] = self.precision.as_dict()
        return document

    def shipments(self) -> pd.DataFrame:
        """Every policy's shipment lines, with a ``policy`` column first."""
        return pd.concat(
            [r.shipments.assign(policy=name) for name, r in self.results.items()],
            ignore_index=True,
        )[["policy", *self.results[BASELINE].shipments.columns]]

    def plot(self, kpi: str = "quota_miss_rate") -> Any:
        """The forest plot of paired differences from the baseline."""
        from sim.plots import plot_forest  # noqa: PLC0415 (matplotlib is slow to import)

        return plot_forest(self, kpi)

    def write_files(self, out: Path) -> None:
        """Write comparison.json, comparison.csv, shipments.csv, forest.png, scenario.yaml."""
        write_text(out / "comparison.json", json.dumps(self.summary, indent=2) + "\n")
        write_atomic(out / "forest.png", lambda tmp: self.plot().savefig(tmp, dpi=120))
        write_atomic(out / "comparison.csv", lambda tmp: self.table.to_csv(tmp, index=False))
        write_atomic(out / "shipments.csv", lambda tmp: self.shipments().to_csv(tmp, index=False))
        write_text(out / "scenario.yaml", to_yaml(self.scenario))

    def format(self) -> str:
        """Return the comparison as a text table for a terminal."""
        from sim.summary_table import format_comparison  # noqa: PLC0415 (presentation)

        return format_comparison(self)

"""One-at-a-time sensitivity: each numeric lever moved down and up by a share, the rest held.

Every variant runs with the baseline's seed (common random numbers), so each lever's effect is a
paired difference; ranked, they make a tornado chart of what matters most.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Unpack

import pandas as pd

from sim.experiments.compare import Comparison, compare
from sim.experiments.runner import Execution
from sim.i18n import Message
from sim.results.documents import Documented, provenance
from sim.results.metrics import KPIS
from sim.scenario.messages import ScenarioError
from sim.scenario.overrides import read_value
from sim.scenario.schema import KitchenGroup, Scenario

# Quantities a cooperative or a trade office could change (or would like to know the weight of).
_FRACTIONS = ("share", "fraction", "reject_fraction")


def default_levers(scenario: Scenario) -> list[str]:
    """Return the dotted paths of the scenario's quantitative levers that are not zero."""
    paths = [p for g in scenario.kitchens for p in _kitchen_levers(g)]
    paths += [
        f"products.{name}.shelf_life_days"
        for name, product in scenario.products.items()
        if product.shelf_life_days is not None
    ]
    w = scenario.warehouse
    paths += ["warehouse.capacity"] if w.capacity is not None else []
    paths += [f"warehouse.max_stock.{p}" for p in w.max_stock]
    paths += ["warehouse.reject_fraction"]
    paths += [f"buyers.{b.name}.quota.{p}" for b in scenario.buyers for p in b.quota]
    for shock in scenario.shocks:
        paths += [f"shocks.{shock.name}.per_year", f"shocks.{shock.name}.multiplier"]
    paths += ["finance.fund"] if scenario.finance is not None else []
    return [p for p in paths if read_value(scenario, p)]


def _kitchen_levers(group: KitchenGroup) -> list[str]:
    at = f"kitchens.{group.name}"
    paths = [f"{at}.count"]
    if "mean" in type(group.daily_output).model_fields:
        paths.append(f"{at}.daily_output.mean")
    if group.absence is not None:
        paths.append(f"{at}.absence.fraction")
    if group.local_market is not None:
        paths.append(f"{at}.local_market.share")
    return paths


def moved(scenario: Scenario, path: str, change: float) -> tuple[Any, Any, Any]:
    """Return the lever's value, and its values -change and +change (kept valid and distinct)."""
    base = read_value(scenario, path)
    if isinstance(base, bool) or not isinstance(base, int | float):
        raise ScenarioError(
            [
                Message(
                    "--lever {lever}: must lead to a number, it is {value}",
                    lever=path,
                    value=repr(base),
                )
            ]
        )
    low, high = base * (1 - change), base * (1 + change)
    if isinstance(base, int):
        low, high = min(round(low), base - 1), max(round(high), base + 1)
        low = max(low, 0 if path.endswith(".count") else 1)  # shelf life, quota: at least 1
    if path.rsplit(".", 1)[-1] in _FRACTIONS:
        low, high = max(low, 0.0), min(high, 0.99)
    return base, low, high


@dataclass(frozen=True)
class Sensitivity(Documented):
    """Each lever's effect on a KPI when moved down and up by ``change``.

    Attributes:
        comparison: The baseline and the moved variants, run with common random numbers.
        levers: Lever -> (value, value moved down, value moved up).
        kpi: The KPI whose response is measured.
        change: The relative move, e.g. 0.2 for ±20%.
    """

    comparison: Comparison
    levers: dict[str, tuple[Any, Any, Any]]
    kpi: str
    change: float
    kind: ClassVar[str] = "sensitivity"

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per lever: its values, the KPI and paired difference each way, the range."""
        t = self.comparison.table
        t = t[(t.kpi == self.kpi) & (t.buyer == "all") & (t["product"] == "all")].set_index(
            "policy"
        )
        base = t.loc["baseline", "mean"]
        rows = []
        for path, (value, low, high) in self.levers.items():
            down, up = t.loc[_name(path, "-")], t.loc[_name(path, "+")]
            rows.append(
                {
                    "lever": path,
                    "value": value,
                    "low": low,
                    "high": high,
                    "baseline": base,
                    "mean_down": down["mean"],
                    "diff_down": down["diff"],
                    "diff_down_lo": down["diff_lo"],
                    "diff_down_hi": down["diff_hi"],
                    "mean_up": up["mean"],
                    "diff_up": up["diff"],
                    "diff_up_lo": up["diff_lo"],
                    "diff_up_hi": up["diff_hi"],
                    "range": abs(up["diff"] - down["diff"]),
                }
            )
        return pd.DataFrame(rows).sort_values("range", ascending=False, ignore_index=True)

    def document(self) -> dict[str, Any]:
        """The sensitivity as a JSON-ready document: provenance, the move, the table."""
        c = self.comparison
        return {
            "kind": self.kind,
            **provenance(c.scenario, c.seed, c.replications),
            "kpi": self.kpi,
            "change": self.change,
            "table": json.loads(self.table.to_json(orient="records")),
        }


def _name(path: str, sign: str) -> str:
    return f"{path} {sign}"


def sensitivity(
    scenario: Scenario,
    levers: Sequence[str] | None = None,
    change: float = 0.2,
    kpi: str = "quota_miss_rate",
    **execution: Unpack[Execution],
) -> Sensitivity:
    """Move each lever down and up by ``change`` and measure the KPI's paired response.

    Args:
        scenario: The baseline.
        levers: Dotted paths to numbers; default: ``default_levers(scenario)``.
        change: The relative move (0.2: ±20%).
        kpi: One of the KPIs.
        **execution: How to run them: replications (per variant), seed, workers, ... (see
            ``sim.experiments.runner.Execution``).
    """
    plan = plan_levers(scenario, levers, change, kpi)
    policies = {}
    for path, (__, low, high) in plan.items():
        policies[_name(path, "-")] = {path: low}
        policies[_name(path, "+")] = {path: high}
    comparison = compare(scenario, policies, **execution)
    return Sensitivity(comparison, plan, kpi, change)


def plan_levers(
    scenario: Scenario, levers: Sequence[str] | None, change: float, kpi: str
) -> dict[str, tuple[Any, Any, Any]]:
    """Check the question; return lever -> (value, low, high).

    Raises:
        ScenarioError: An unknown KPI, a change out of (0, 1), or a lever that is no number.
    """
    if kpi not in KPIS:
        raise ScenarioError(
            [
                Message(
                    "--metric: unknown {kpi} (one of: {choices})",
                    kpi=repr(kpi),
                    choices=", ".join(KPIS),
                )
            ]
        )
    if not 0 < change < 1:
        raise ScenarioError(
            [Message("--change: must be between 0 and 1, got {value}", value=change)]
        )
    chosen = list(levers) if levers else default_levers(scenario)
    if not chosen:
        raise ScenarioError([Message("no levers to vary: give --lever PATH")])
    return {path: moved(scenario, path, change) for path in chosen}

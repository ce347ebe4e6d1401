"""Results of a run: tidy tables and the summary document (``sim.write`` turns them into files).

Tables carry scenario, seed and replication on every row; the summary records the scenario,
its digest, the seed, the number of replications and the package version that produced it.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from sim._version import __version__
from sim.engine.replication import PRODUCT_FIELDS, Replication
from sim.engine.shipments import LINE_FIELDS
from sim.i18n import current
from sim.results.metrics import (
    NON_NEGATIVE,
    SHARE,
    cash_summary,
    contract_summary,
    line_kpis,
    mean_ci,
    scope_kpis,
    summarize_kpis,
    summarize_products,
)
from sim.results.precision import PrecisionReport
from sim.scenario.schema import Scenario
from sim.scenario.yamlio import to_yaml


class Results:
    """What a run produced, as tables (pandas) and as a summary document (dict).

    Attributes:
        scenario: The scenario that was run.
        seed: The seed it was run with.
        replications: How many replications.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        outcomes: list[Replication],
        precision: PrecisionReport | None = None,
    ) -> None:
        """Gather replications (in replication order) of one scenario and seed."""
        self.scenario = scenario
        self.seed = seed
        self.replications = len(outcomes)
        self.precision = precision
        self._outcomes = outcomes

    def __repr__(self) -> str:
        """Show what was run."""
        return (
            f"<Results {self.scenario.name!r}: {self.replications} replications, seed {self.seed}>"
        )

    @cached_property
    def shipments(self) -> pd.DataFrame:
        """One row per replication x shipment line.

        Columns: scenario, seed, replication, buyer, product, shipment (number, from 0), day
        (scheduled), departure_day, delay_days (a closed port), arrival_day (after transit),
        contract_quota (the contract's quota), quota (what the shipment owed: the contract
        quota plus any backlog), shipped, shortfall (quota - shipped), missed, on_time (arrived
        by the due date; missing where the contract has none).
        """
        rows = np.concatenate([o.lines for o in self._outcomes])
        counts = [len(o.lines) for o in self._outcomes]
        reps = np.repeat([o.replication for o in self._outcomes], counts)
        c = dict(zip(LINE_FIELDS, rows.T, strict=True))
        on_time = pd.array(c["on_time"] == 1, dtype="boolean")
        on_time[c["on_time"] < 0] = pd.NA
        return pd.DataFrame(
            {
                "scenario": self.scenario.name,
                "seed": self.seed,
                "replication": reps,
                "buyer": _names(c["buyer"], [b.name for b in self.scenario.buyers]),
                "product": _names(c["product"], self.scenario.product_names),
                "shipment": c["shipment"],
                "day": c["day"],
                "departure_day": c["departure_day"],
                "delay_days": c["departure_day"] - c["day"],
                "arrival_day": c["arrival_day"],
                "contract_quota": c["contract_quota"],
                "quota": c["quota"],
                "shipped": c["shipped"],
                "shortfall": c["quota"] - c["shipped"],
                "missed": c["missed"].astype(bool),
                "on_time": on_time,
            }
        )

    @cached_property
    def products(self) -> pd.DataFrame:
        """One row per replication x product: packs made, shipped, ..., on hand at the end."""
        names = self.scenario.product_names
        rows = np.concatenate([o.products for o in self._outcomes])
        table = pd.DataFrame(rows, columns=list(PRODUCT_FIELDS))
        table.insert(
            0, "product", pd.Series(pd.Categorical(names * self.replications, categories=names))
        )
        table.insert(
            0, "replication", np.repeat([o.replication for o in self._outcomes], len(names))
        )
        table.insert(0, "seed", self.seed)
        table.insert(0, "scenario", self.scenario.name)
        return table

    @cached_property
    def stock(self) -> np.ndarray:
        """Stock per replication, product and time ``0..horizon_days`` (end of each time)."""
        return np.stack([o.stock for o in self._outcomes])

    @cached_property
    def cash(self) -> np.ndarray:
        """Cash per replication and time ``0..horizon_days`` (no columns without finance)."""
        return np.stack([o.cash for o in self._outcomes])

    @cached_property
    def contracts(self) -> pd.DataFrame:
        """One row per replication x buyer: the day it cancelled (missing if it did not)."""
        names = [b.name for b in self.scenario.buyers]
        days = np.stack([o.cancelled for o in self._outcomes]).astype(float)
        days[days < 0] = np.nan
        return pd.DataFrame(
            {
                "replication": np.repeat([o.replication for o in self._outcomes], len(names)),
                "buyer": pd.Categorical(names * self.replications, categories=names),
                "cancelled_day": days.ravel(),
            }
        )

    def kpis(self, by: list[str] | None = None) -> pd.DataFrame:
        """Return KPIs per replication, optionally per ``"buyer"`` or ``["buyer", "product"]``."""
        return line_kpis(self.shipments, by or [])

    @cached_property
    def summary(self) -> dict[str, Any]:
        """The summary document: every statistic as ``{"mean": x, "ci95": [lo, hi]}``."""
        buyers: dict[str, Any] = {}
        per_buyer = self.kpis(["buyer"])
        per_line = self.kpis(["buyer", "product"])
        for buyer in self.scenario.buyers:
            rows = per_buyer.loc[(slice(None), buyer.name), :]
            buyers[buyer.name] = {
                **summarize_kpis(rows),
                "mean_delay_days": mean_ci(rows["mean_delay_days"], bounds=NON_NEGATIVE),
                "products": {
                    product: summarize_kpis(per_line.loc[(slice(None), buyer.name, product), :])
                    for product in buyer.quota
                },
            }
            if buyer.due_days is not None:
                buyers[buyer.name]["on_time_rate"] = mean_ci(rows["on_time_rate"], bounds=SHARE)
            if buyer.cancel_after_misses is not None:
                days = self.contracts.loc[self.contracts.buyer == buyer.name, "cancelled_day"]
                buyers[buyer.name]["contract"] = contract_summary(days.to_numpy())
        document = {
            **self.provenance,
            **summarize_kpis(self.kpis()),
            "buyers": buyers,
            "products": summarize_products(self.products, PRODUCT_FIELDS),
        }
        if self.scenario.finance is not None:
            unpaid = [o.unpaid_days for o in self._outcomes]
            document["cash"] = cash_summary(self.cash, np.array(unpaid))
        return document

    @property
    def provenance(self) -> dict[str, Any]:
        """Return what produced these results: scenario, its digest, seed, version."""
        document = provenance(self.scenario, self.seed, self.replications)
        if self.precision is not None:
            document["precision"] = self.precision.as_dict()
        return document

    def to_json(self) -> str:
        """Return the summary as a JSON document."""
        return json.dumps(self.summary, indent=2, allow_nan=False)

    def scenario_yaml(self) -> str:
        """Return the resolved scenario, with this run's seed and replications, as YAML."""
        resolved = self.scenario.model_copy(
            update={"seed": self.seed, "replications": self.replications}
        )
        header = (
            f"# Resolved scenario written by umkm-sim {__version__}"
            f" from {self.scenario.source or 'a Python object'}.\n"
            f"# Re-run it with: umkm-sim run scenario.yaml\n"
        )
        return header + to_yaml(resolved)


def kpi_per_replication(
    scenario: Scenario,
    seed: int,
    outcomes: list[Replication],
    kpi: str,
    *,
    buyer: str | None = None,
    product: str | None = None,
) -> np.ndarray:
    """One KPI per replication, over one buyer's and/or product's lines (``None``: all)."""
    shipments = Results(scenario, seed, outcomes).shipments
    values: np.ndarray = scope_kpis(shipments, buyer, product)[kpi].to_numpy(dtype=float)
    return values


def provenance(scenario: Scenario, seed: int, replications: int) -> dict[str, Any]:
    """Return what produced a result: the scenario, its file and digest, seed, version, language."""
    return {
        "scenario": scenario.name,
        "scenario_file": scenario.source,
        "scenario_sha256": scenario.digest(),
        "seed": seed,
        "replications": replications,
        "horizon_days": scenario.horizon_days,
        "version": __version__,
        "language": current(),  # of the figures and sentences written with it
    }


def _names(codes: np.ndarray, names: list[str]) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(codes, categories=pd.Index(names))

"""Results of a run: tidy tables and the summary document (``sim.write`` turns them into files).

Tables carry scenario, seed and replication on every row; the document is headed by what
produced it (``sim.results.documents.provenance``).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from sim.engine.replication import PRODUCT_FIELDS, Replication
from sim.engine.shipments import LINE_FIELDS
from sim.results.documents import Documented, provenance
from sim.results.intervals import NON_NEGATIVE, kpi_ci, mean_ci
from sim.results.metrics import (
    cash_summary,
    contract_summary,
    line_kpis,
    scope_kpis,
    summarize_kpis,
    summarize_products,
    units_of,
)
from sim.results.precision import PrecisionReport
from sim.results.scopes import estimates, per_replication
from sim.scenario.schema import Scenario


class Results(Documented):
    """What a run produced, as tables (pandas) and as a summary document (dict).

    Attributes:
        scenario: The scenario that was run.
        seed: The seed it was run with.
        replications: How many replications.
    """

    kind: ClassVar[str] = "run"

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
        by the due date; missing where the contract has none), cancelled (a line the contract
        would have shipped had the buyer not cancelled: missed, nothing shipped, no departure).

        Every replication has every line the contracts scheduled, so ``missed.mean()`` is the
        quota miss rate, overall or per buyer x product.
        """
        blocks = [np.concatenate([o.lines, self._lost(o)]) for o in self._outcomes]
        rows = np.concatenate(blocks)
        reps = np.repeat([o.replication for o in self._outcomes], [len(b) for b in blocks])
        lost = np.concatenate(
            [np.arange(len(b)) >= len(o.lines) for o, b in zip(self._outcomes, blocks, strict=True)]
        )
        c = dict(zip(LINE_FIELDS, rows.T, strict=True))
        on_time = pd.array(c["on_time"] == 1, dtype="boolean")
        on_time[c["on_time"] < 0] = pd.NA
        departure = pd.array(c["departure_day"], dtype="Int64")
        departure[lost] = pd.NA
        arrival = pd.array(c["arrival_day"], dtype="Int64")
        arrival[lost] = pd.NA
        return pd.DataFrame(
            {
                "scenario": self.scenario.name,
                "seed": self.seed,
                "replication": reps,
                "buyer": _names(c["buyer"], [b.name for b in self.scenario.buyers]),
                "product": _names(c["product"], self.scenario.product_names),
                "shipment": c["shipment"],
                "day": c["day"],
                "departure_day": departure,
                "delay_days": departure - c["day"],
                "arrival_day": arrival,
                "contract_quota": c["contract_quota"],
                "quota": c["quota"],
                "shipped": c["shipped"],
                "shortfall": c["quota"] - c["shipped"],
                "missed": c["missed"].astype(bool),
                "on_time": on_time,
                "cancelled": lost,
            }
        )

    def _lost(self, outcome: Replication) -> np.ndarray:
        """The lines a cancelled contract would have shipped after it ended, in its order.

        Each owes its contract quota, ships nothing and is missed; its departure and arrival
        are unknown (-1 here, missing in the table).
        """
        lost = []
        horizon = self.scenario.horizon_days
        for b, buyer in enumerate(self.scenario.buyers):
            if outcome.cancelled[b] < 0:
                continue
            days = np.asarray(buyer.shipment_days(horizon))
            sent = outcome.lines[outcome.lines[:, 0] == b, 2]
            after = np.arange(int(sent.max()) + 1 if sent.size else 0, len(days))
            for name, packs in buyer.quota.items():
                product = self.scenario.product_names.index(name)
                line = np.tile([b, product, 0, 0, -1, -1, packs, packs, 0, 1, -1], (len(after), 1))
                line[:, 2], line[:, 3] = after, days[after]
                lost.append(line)
        if not lost:
            return np.zeros((0, len(LINE_FIELDS)), dtype=np.int64)
        # in the order the contract would have shipped them: by shipment, then the buyer's
        # products in its quota's order
        block = np.concatenate(lost)
        return block[np.lexsort((np.arange(len(block)), block[:, 2], block[:, 0]))]

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
    def table(self) -> pd.DataFrame:
        """One row per scope x KPI: ``buyer``, ``product`` (``all``: every one), mean, 95% CI."""
        return estimates(per_replication(self))

    def document(self) -> dict[str, Any]:
        """The summary document, as summary.json holds it: provenance, then every statistic.

        Each statistic is ``{"mean": x, "ci95": [lo, hi]}``: overall, per buyer and per
        buyer x product; the packs per product; the cash, with finance.
        """
        return {
            "kind": self.kind,
            **provenance(self.scenario, self.seed, self.replications, self.precision),
            **self._statistics,
        }

    @cached_property
    def _statistics(self) -> dict[str, Any]:
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
                buyers[buyer.name]["on_time_rate"] = kpi_ci(
                    "on_time_rate", rows["on_time_rate"], units_of("on_time_rate", rows)
                )
            if buyer.cancel_after_misses is not None:
                days = self.contracts.loc[self.contracts.buyer == buyer.name, "cancelled_day"]
                buyers[buyer.name]["contract"] = contract_summary(days.to_numpy())
        document = {
            **summarize_kpis(self.kpis()),
            "buyers": buyers,
            "products": summarize_products(self.products, PRODUCT_FIELDS),
        }
        if self.scenario.finance is not None:
            unpaid = [o.unpaid_days for o in self._outcomes]
            document["cash"] = cash_summary(self.cash, np.array(unpaid))
        return document


def largest_value(
    scenario: Scenario, kpi: str, buyer: str | None = None, product: str | None = None
) -> float | None:
    """The most a KPI can be in a replication, for a KPI that is 0 unless something was missed.

    ``mean_shortfall``: what the lines would owe on average if nothing were ever shipped (their
    quota; with backorder, the quota piled up since the first shipment). ``longest_miss_run``:
    the most shipments a series holds. ``None`` for the other KPIs.
    """
    owed: list[int] = []
    runs = [0]
    for b in scenario.buyers:
        if buyer not in (None, b.name):
            continue
        shipments = len(b.shipment_days(scenario.horizon_days))
        runs.append(shipments)
        for name, quota in b.quota.items():
            if product in (None, name):
                piled = b.shortfall == "backorder"
                owed += [quota * (k if piled else 1) for k in range(1, shipments + 1)]
    if kpi == "mean_shortfall":
        return sum(owed) / len(owed) if owed else None
    if kpi == "longest_miss_run":
        return float(max(runs))
    return None


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
    return kpi_and_units(scenario, seed, outcomes, kpi, buyer=buyer, product=product)[0]


def kpi_and_units(
    scenario: Scenario,
    seed: int,
    outcomes: list[Replication],
    kpi: str,
    *,
    buyer: str | None = None,
    product: str | None = None,
) -> tuple[np.ndarray, float]:
    """``kpi_per_replication``, and the units it is a share of (``units_of``) for its interval."""
    kpis = scope_kpis(Results(scenario, seed, outcomes).shipments, buyer, product)
    return kpis[kpi].to_numpy(dtype=float), units_of(kpi, kpis)


def _names(codes: np.ndarray, names: list[str]) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(codes, categories=pd.Index(names))

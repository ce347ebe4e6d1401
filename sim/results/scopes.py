"""KPIs by scope (every buyer, each buyer, each buyer x product): one table shape for all results.

A *scope* is the set of shipment lines a KPI is taken over: ``buyer`` and ``product`` name it,
``all`` standing for every one. ``per_replication`` gives a results' KPIs per replication and
scope; ``estimates`` turns such rows (of any number of variants) into one row per variant x
scope x KPI with its mean and 95% CI: the table of compare, sweep and explore alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from sim.results.intervals import kpi_ci
from sim.results.metrics import KPIS, units_of

if TYPE_CHECKING:
    from sim.results.tables import Results

ALL = "all"
"""The scope "every buyer" or "every product"."""
SCOPES: tuple[tuple[str, ...], ...] = ((), ("buyer",), ("buyer", "product"))
"""Every buyer, each buyer, each buyer x product."""
SCOPE = ["buyer", "product"]


def per_replication(
    results: Results, scopes: Sequence[Sequence[str]] = SCOPES, **labels: str | int
) -> pd.DataFrame:
    """Return KPIs per replication and scope: ``labels``, replication, buyer, product, KPIs.

    Also ``lines`` and ``arrivals``, the units each replication's KPIs are over. ``labels``
    become columns first (``policy="baseline"``), so variants can be stacked.
    """
    frames = []
    for by in scopes:
        kpis = results.kpis(list(by)).reset_index()
        for column in SCOPE:
            kpis[column] = kpis[column].astype(str) if column in kpis else ALL
        frames.append(kpis)
    table = pd.concat(frames, ignore_index=True)
    table = table[["replication", *SCOPE, *KPIS, "lines", "arrivals"]]
    for i, (name, value) in enumerate(labels.items()):
        table.insert(i, name, [value] * len(table))
    return table


def estimates(per_rep: pd.DataFrame, keys: Sequence[str] = ()) -> pd.DataFrame:
    """Return one row per ``keys`` x scope x KPI: mean, 95% CI (``ci_lo``, ``ci_hi``).

    Rows keep the order in which variants and scopes first appear, KPIs in ``KPIS`` order.
    Each interval is made as ``sim.results.intervals`` says for its KPI.
    """
    groups = [*keys, *SCOPE]
    rows = []
    for key, block in per_rep.groupby(groups, sort=False, observed=True):
        named = dict(zip(groups, key if isinstance(key, tuple) else (key,), strict=True))
        for kpi in KPIS:
            estimate = kpi_ci(kpi, block[kpi], units_of(kpi, block))
            lo, hi = estimate["ci95"]
            rows.append(named | {"kpi": kpi, "mean": estimate["mean"], "ci_lo": lo, "ci_hi": hi})
    return pd.DataFrame(rows)

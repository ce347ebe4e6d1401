"""KPIs as pure functions of the result tables, each a mean across replications with a 95% CI.

A shipment *line* is one buyer x product x shipment the contracts scheduled over the horizon:
every replication has the same lines, those a cancelled contract would have shipped included
(they count as missed: the buyer wanted them). Per replication:

- ``quota_miss_rate``: the share of the lines not delivered in full (within the buyer's
  tolerance). Every replication has the same number of lines, so the mean across replications
  is also the share of all lines missed: what ``shipments.csv``'s ``missed.mean()`` gives.
- ``fill_rate``: packs shipped / packs contracted, over the same lines.
- ``mean_shortfall``: the mean of (owed - shipped) per line (a lost line owes its quota).
- ``longest_miss_run``: consecutive missed lines of a buyer x product, or consecutive shipments
  of a buyer with any line missed, while the contract ran (lines lost to a cancellation are not
  a run of the kitchens' misses).
- ``lost_to_cancellation``: the share of the lines a cancelled contract would have shipped.

Their confidence intervals are made in ``sim.results.intervals``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.results.intervals import NON_NEGATIVE, kpi_ci, mean_ci, share_ci

HIGHER_IS_BETTER = frozenset({"fill_rate", "on_time_rate"})
"""KPIs where more is better; for every other, less is."""

KPIS = (
    "quota_miss_rate",
    "fill_rate",
    "mean_shortfall",
    "longest_miss_run",
    "lost_to_cancellation",
)


def line_kpis(shipments: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Return KPIs per replication and ``by`` group, one row each.

    Args:
        shipments: The shipment-line table (``replication, buyer, product, shipment,
            contract_quota, quota, shipped, missed, cancelled``).
        by: Extra grouping columns: ``[]``, ``["buyer"]`` or ``["buyer", "product"]``.

    Also ``lines``, the lines each replication's KPIs are over (the same in every one), and
    ``arrivals``, those of them with a due date that carried something (``on_time_rate``'s).
    """
    keys = ["replication", *by]
    sent = shipments["shipped"] > 0
    lines = shipments.assign(
        shortfall=shipments["quota"] - shipments["shipped"],
        delay=shipments["departure_day"] - shipments["day"],
        # on time among lines that carried something and have a due date
        arrived_on_time=shipments["on_time"].astype("Float64").where(sent),
    )
    grouped = lines.groupby(keys, sort=True, observed=True)
    kpis = pd.DataFrame(
        {
            "quota_miss_rate": grouped["missed"].mean(),
            "fill_rate": grouped["shipped"].sum() / grouped["contract_quota"].sum(),
            "mean_shortfall": grouped["shortfall"].mean(),
            "mean_delay_days": grouped["delay"].mean(),
            "on_time_rate": grouped["arrived_on_time"].mean().astype(float),
            "lost_to_cancellation": grouped["cancelled"].mean(),
            "lines": grouped.size(),
            "arrivals": grouped["arrived_on_time"].count(),
        }
    )
    shipped = shipments[~shipments["cancelled"]]
    kpis["longest_miss_run"] = _longest_miss_run(shipped, by).reindex(kpis.index, fill_value=0)
    return kpis


def scope_kpis(
    shipments: pd.DataFrame, buyer: str | None = None, product: str | None = None
) -> pd.DataFrame:
    """Return KPIs per replication over the lines of one buyer and/or product (default: all)."""
    lines = shipments
    if buyer is not None:
        lines = lines[lines["buyer"] == buyer]
    if product is not None:
        lines = lines[lines["product"] == product]
    if lines.empty:
        raise ValueError(f"no shipment lines for buyer {buyer!r} and product {product!r}")
    return line_kpis(lines, [])


def _longest_miss_run(shipments: pd.DataFrame, by: list[str]) -> pd.Series:
    """Longest run of consecutive misses per replication and group.

    Per buyer x product the run is over that line's shipments; per buyer (or overall) over
    the buyer's shipments, a shipment counting as missed when any of its lines missed; overall
    it is the longest of any buyer.
    """
    series = ["replication", "buyer", *(["product"] if "product" in by else [])]
    shipped = (
        shipments.groupby([*series, "shipment"], sort=True, observed=True)["missed"]
        .any()
        .reset_index()
    )
    longest = _runs(shipped, series)
    if by == []:
        return longest.groupby("replication", observed=True).max()
    return longest


def _runs(table: pd.DataFrame, series: list[str]) -> pd.Series:
    """Longest run of True in ``missed`` within each series (rows sorted by shipment)."""
    missed = table["missed"].to_numpy()
    same_series = np.ones(max(len(table) - 1, 0), dtype=bool)
    for column in series:
        values = table[column].to_numpy()
        same_series &= values[1:] == values[:-1]
    starts = np.r_[True, ~same_series | (missed[1:] != missed[:-1])]
    runs = table.assign(_run=np.cumsum(starts))[missed]
    lengths = runs.groupby([*series, "_run"], observed=True).size()
    longest = lengths.groupby(level=series, observed=True).max()
    every_series = pd.MultiIndex.from_frame(table[series].drop_duplicates())
    return longest.reindex(every_series, fill_value=0)


def contract_summary(cancelled_day: np.ndarray) -> dict[str, Any]:
    """Summarise when contracts ended, from each replication's cancellation day (NaN: never).

    ``survival`` is the probability the contract lasts the horizon; ``cancelled_day`` the
    mean and quantiles of the day it ended, over replications where it did.
    """
    days = np.asarray(cancelled_day, dtype=float)
    ended = days[~np.isnan(days)]
    quantiles = (
        {f"p{q}": float(np.percentile(ended, q)) for q in (10, 50, 90)} if ended.size else {}
    )
    return {
        "survival": share_ci(np.isnan(days).astype(float)),
        "cancellations": int(ended.size),
        "cancelled_day": {**mean_ci(ended, bounds=NON_NEGATIVE), **quantiles},
    }


def cash_summary(cash: np.ndarray, unpaid_days: np.ndarray) -> dict[str, Any]:
    """Summarise the cooperative's cash: lowest and final, and days it turned output away."""
    return {
        "min": mean_ci(cash.min(axis=1), bounds=NON_NEGATIVE),
        "end": mean_ci(cash[:, -1], bounds=NON_NEGATIVE),
        "days_turning_output_away": mean_ci(unpaid_days, bounds=NON_NEGATIVE),
    }


def units_of(kpi: str, per_replication: pd.DataFrame) -> float:
    """The units a KPI is a share of, on average per replication: lines, or arrivals."""
    return float(per_replication["arrivals" if kpi == "on_time_rate" else "lines"].mean())


def summarize_kpis(per_replication: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Return ``{kpi: {"mean", "ci95"}}`` from one row per replication (``line_kpis``)."""
    return {kpi: kpi_ci(kpi, per_replication[kpi], units_of(kpi, per_replication)) for kpi in KPIS}


def summarize_products(products: pd.DataFrame, fields: tuple[str, ...]) -> dict[str, Any]:
    """Return ``{product: {field: {"mean", "ci95"}}}`` from one row per replication x product."""
    return {
        str(name): {field: mean_ci(rows[field], bounds=NON_NEGATIVE) for field in fields}
        for name, rows in products.groupby("product", sort=False, observed=True)
    }

"""KPIs as pure functions of the result tables, each a mean across replications with a 95% CI.

A shipment *line* is one buyer x product x shipment. Per replication: the quota miss rate is
the fraction of lines missed, the fill rate is packs shipped / packs contracted, the mean
shortfall is the mean of (owed - shipped) per line, and the longest miss run counts consecutive
missed lines of a buyer x product, or consecutive shipments of a buyer with any line missed.
Replications are independent, so a Student-t interval over their values is honest.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # inverse Student-t CDF; scipy.stats is slow to import

KPIS = ("quota_miss_rate", "fill_rate", "mean_shortfall", "longest_miss_run")
SHARES = frozenset({"quota_miss_rate", "fill_rate", "on_time_rate"})

Bounds = tuple[float | None, float | None]
SHARE: Bounds = (0.0, 1.0)
NON_NEGATIVE: Bounds = (0.0, None)


def bounds_of(kpi: str) -> Bounds:
    """Return the values a KPI can take: a share lies in [0, 1], the others are >= 0."""
    return SHARE if kpi in SHARES else NON_NEGATIVE


def mean_ci(values: Any, level: float = 0.95, bounds: Bounds = (None, None)) -> dict[str, Any]:
    """Return ``{"mean": m, "ci95": [lo, hi]}``: Student-t interval of independent values.

    Missing values (NaN) are left out. With a single value the interval is unknown:
    ``[None, None]``; with none, the mean is too (``None``). ``bounds`` are the values the
    quantity can take (a share: 0 and 1): the interval is cut to them, since with few
    replications a t-interval of a share near 0 can reach below it.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]  # replications where it is undefined (e.g. nothing shipped) are left out
    n = x.size
    if n == 0:
        return {"mean": None, "ci95": [None, None]}
    mean = float(x.mean())
    if n < 2:  # noqa: PLR2004 (a spread needs two values)
        return {"mean": mean, "ci95": [None, None]}
    half = float(stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(n))
    lo, hi = mean - half, mean + half
    if bounds[0] is not None:
        lo = max(lo, bounds[0])
    if bounds[1] is not None:
        hi = min(hi, bounds[1])
    return {"mean": mean, "ci95": [lo, hi]}


def line_kpis(shipments: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Return KPIs per replication and ``by`` group, one row each.

    Args:
        shipments: The shipment-line table (``replication, buyer, product, shipment,
            contract_quota, quota, shipped, missed``).
        by: Extra grouping columns: ``[]``, ``["buyer"]`` or ``["buyer", "product"]``.
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
        }
    )
    kpis["longest_miss_run"] = _longest_miss_run(shipments, by).reindex(kpis.index, fill_value=0)
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
        "survival": mean_ci(np.isnan(days).astype(float), bounds=SHARE),
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


def summarize_kpis(per_replication: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Return ``{kpi: {"mean", "ci95"}}`` from one row per replication."""
    return {kpi: mean_ci(per_replication[kpi], bounds=bounds_of(kpi)) for kpi in KPIS}


def summarize_products(products: pd.DataFrame, fields: tuple[str, ...]) -> dict[str, Any]:
    """Return ``{product: {field: {"mean", "ci95"}}}`` from one row per replication x product."""
    return {
        str(name): {field: mean_ci(rows[field], bounds=NON_NEGATIVE) for field in fields}
        for name, rows in products.groupby("product", sort=False, observed=True)
    }

"""KPIs from hand-made shipment tables, where the answer is known."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.results.metrics import line_kpis, mean_ci


def lines(rows: list[tuple]) -> pd.DataFrame:
    """A shipment table from (replication, buyer, product, shipment, quota, shipped) rows."""
    df = pd.DataFrame(
        rows, columns=["replication", "buyer", "product", "shipment", "quota", "shipped"]
    )
    return df.assign(
        contract_quota=df["quota"],
        missed=df["shipped"] < df["quota"],
        day=df["shipment"],
        departure_day=df["shipment"],
        on_time=pd.array([pd.NA] * len(df), dtype="boolean"),
    )


def test_mean_ci_is_the_student_t_interval():
    """Values 1..5: mean 3, sd √2.5, t(0.975, 4) = 2.776."""
    ci = mean_ci([1, 2, 3, 4, 5])
    half = 2.7764451051977987 * math.sqrt(2.5) / math.sqrt(5)
    assert ci["mean"] == 3
    assert ci["ci95"] == pytest.approx([3 - half, 3 + half])


def test_mean_ci_of_one_value_has_no_interval():
    """A single replication gives a mean but no interval (JSON null, not NaN)."""
    assert mean_ci([0.25]) == {"mean": 0.25, "ci95": [None, None]}


def test_miss_rate_fill_rate_and_shortfall_per_replication():
    """Four lines, one missed by 30 packs of 100: miss 25%, fill 370/400, shortfall 7.5."""
    table = lines(
        [
            (0, "a", "x", 0, 100, 100),
            (0, "a", "x", 1, 100, 70),
            (0, "a", "x", 2, 100, 100),
            (0, "a", "x", 3, 100, 100),
        ]
    )
    kpis = line_kpis(table, [])
    assert kpis.loc[0, "quota_miss_rate"] == 0.25
    assert kpis.loc[0, "fill_rate"] == 370 / 400
    assert kpis.loc[0, "mean_shortfall"] == 7.5
    assert kpis.loc[0, "longest_miss_run"] == 1


def test_longest_run_per_line_per_buyer_and_overall():
    """Per line, runs count that line's misses; per buyer, shipments with any line missed.

    Buyer a: product x misses shipments 0, 1; product y misses 2, 3 -> each line's longest
    run is 2, but a's shipments 0-3 all missed something -> 4. Buyer b misses 0 and 2 -> 1.
    """
    table = lines(
        [
            *[(0, "a", "x", s, 10, 5 if s in (0, 1) else 10) for s in range(5)],
            *[(0, "a", "y", s, 10, 5 if s in (2, 3) else 10) for s in range(5)],
            *[(0, "b", "x", s, 10, 5 if s in (0, 2) else 10) for s in range(3)],
        ]
    )
    per_line = line_kpis(table, ["buyer", "product"])["longest_miss_run"]
    assert per_line.to_dict() == {(0, "a", "x"): 2, (0, "a", "y"): 2, (0, "b", "x"): 1}
    per_buyer = line_kpis(table, ["buyer"])["longest_miss_run"]
    assert per_buyer.to_dict() == {(0, "a"): 4, (0, "b"): 1}
    assert line_kpis(table, [])["longest_miss_run"].to_dict() == {0: 4}


def test_runs_do_not_join_across_replications():
    """A miss at the end of one replication and the start of the next are two runs of 1."""
    table = lines([(0, "a", "x", 0, 10, 10), (0, "a", "x", 1, 10, 0), (1, "a", "x", 0, 10, 0)])
    assert line_kpis(table, [])["longest_miss_run"].to_dict() == {0: 1, 1: 1}


def test_fill_rate_with_backorder_counts_contracted_packs_once():
    """Backorder: owed 80, 90, 100 while 70 ship each time: fill = 210 / 240, not / 270."""
    table = lines([(0, "a", "x", s, q, 70) for s, q in enumerate([80, 90, 100])])
    table["contract_quota"] = 80
    assert line_kpis(table, [])["fill_rate"].iloc[0] == 210 / 240


def test_an_interval_never_leaves_the_values_a_quantity_can_take():
    """Three replications of a share near 0: the t-interval is cut at 0, not below it."""
    ci = mean_ci([0.0, 0.0, 0.3], bounds=(0.0, 1.0))
    assert ci["ci95"][0] == 0.0
    assert ci["ci95"][1] < 1.0
    unbounded = mean_ci([0.0, 0.0, 0.3])
    assert unbounded["ci95"][0] < 0

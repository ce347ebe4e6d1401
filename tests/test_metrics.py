"""KPIs from hand-made shipment tables, where the answer is known."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import sim
from sim.results.intervals import mean_ci
from sim.results.metrics import line_kpis, units_of

from conftest import ROOT


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
        cancelled=False,
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


def test_lines_lost_to_a_cancellation_are_missed_but_no_run_of_misses():
    """Lost lines are missed, and no run of the kitchens' misses.

    Two lines shipped (one missed), two lost to the cancellation: missed 3 of 4, lost 2 of 4,
    the longest run the one missed while the contract ran.
    """
    table = lines([(0, "a", "x", s, 10, q) for s, q in enumerate([10, 5, 0, 0])])
    table["cancelled"] = [False, False, True, True]
    kpis = line_kpis(table, [])
    assert kpis.loc[0, "quota_miss_rate"] == 0.75
    assert kpis.loc[0, "lost_to_cancellation"] == 0.5
    assert kpis.loc[0, "fill_rate"] == 15 / 40
    assert kpis.loc[0, "longest_miss_run"] == 1
    assert kpis.loc[0, "lines"] == 4


def test_the_headline_is_the_share_of_shipments_csv_lines_missed(tmp_path):
    """One definition: the share of shipments.csv's lines missed is summary.json's miss rate.

    Pandas' missed.mean(), overall and per buyer x product, cancelled contracts' lost lines
    included.
    """
    scenario = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    out = sim.write(sim.run(scenario, replications=12, seed=5, workers=1), tmp_path / "run")
    lines = pd.read_csv(out / "shipments.csv")
    summary = json.loads((out / "summary.json").read_text())
    assert lines["cancelled"].any()  # Shanghai walks away in some years: its lines are there
    assert lines["missed"].mean() == pytest.approx(summary["quota_miss_rate"]["mean"], abs=1e-12)
    for (buyer, product), block in lines.groupby(["buyer", "product"]):
        said = summary["buyers"][buyer]["products"][product]
        assert block["missed"].mean() == pytest.approx(said["quota_miss_rate"]["mean"], abs=1e-12)
        lost = block["cancelled"].mean()
        assert lost == pytest.approx(said["lost_to_cancellation"]["mean"], abs=1e-12)


def test_the_on_time_rate_is_a_share_of_the_lines_that_arrived():
    """4 lines, 2 carried something with a due date (1 on time): on time 1/2 over 2 units.

    Its interval is Clopper-Pearson at those 2 lines' worth, not at 4 (sim.results.intervals).
    """
    table = lines([(r, "a", "x", s, 10, q) for r in (0, 1) for s, q in enumerate([10, 5, 0, 0])])
    table["on_time"] = pd.array([True, False, pd.NA, pd.NA] * 2, dtype="boolean")
    kpis = line_kpis(table, [])
    assert kpis["on_time_rate"].tolist() == [0.5, 0.5]
    assert kpis["arrivals"].tolist() == [2, 2]
    assert units_of("on_time_rate", kpis) == 2
    assert units_of("quota_miss_rate", kpis) == 4

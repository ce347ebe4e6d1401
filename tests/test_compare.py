"""Policy comparison: paired differences under common random numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import sim
from sim.experiments.compare import compare

from conftest import scenario

POISSON = {
    "kitchens.k.count": 4,
    "kitchens.k.daily_output": {"distribution": "poisson", "mean": 25},
    "buyers.b.quota.p": 700,
}


def poisson_scenario(**policies) -> sim.Scenario:
    """Four Poisson kitchens against a weekly quota near their mean, with policies."""
    return scenario(POISSON, horizon_days=91, policies=policies)


def test_a_policy_that_changes_nothing_differs_by_exactly_zero():
    """Same streams, same scenario: every paired difference is 0 with a zero-width CI."""
    comparison = compare(
        poisson_scenario(same={"kitchens.k.count": 4}), replications=20, seed=3, workers=1
    )
    rows = comparison.table[comparison.table.policy == "same"]
    assert (rows["diff"] == 0).all()
    assert (rows["diff_lo"] == 0).all()
    assert (rows["diff_hi"] == 0).all()
    assert not rows["significant"].any()


def test_estimates_are_those_of_plain_runs_with_the_same_seed():
    """The baseline and each policy are exactly what `run` gives for them."""
    s = poisson_scenario(more={"kitchens.k.count": 5})
    comparison = compare(s, replications=15, seed=4, workers=1)
    table = comparison.table.set_index(["policy", "buyer", "product", "kpi"])
    alone = sim.run(sim.derive(s, {"kitchens.k.count": 5}), replications=15, seed=4, workers=1)
    assert (
        table.loc[("more", "all", "all", "fill_rate"), "mean"]
        == (alone.document()["fill_rate"]["mean"])
    )


def test_paired_differences_are_narrower_than_unpaired_ones():
    """Common random numbers: the paired CI of a difference is much narrower than Welch's.

    One more kitchen (4 -> 5) against a quota above both outputs, so the fill rate is
    output / quota: replication r of both sees the same draws for kitchens 1-4, the noise
    they share cancels in the paired difference, and only kitchen 5's remains (theory: a
    ratio of about sqrt(1 / (4 + 5)) = 0.33).
    """
    s = sim.derive(poisson_scenario(more={"kitchens.k.count": 5}), {"buyers.b.quota.p": 1000})
    comparison = compare(s, replications=60, seed=5, workers=1)
    per_rep = comparison.per_replication
    fill = per_rep[(per_rep.buyer == "all") & (per_rep["product"] == "all")]
    base = fill[fill.policy == "baseline"]["fill_rate"].to_numpy()
    more = fill[fill.policy == "more"]["fill_rate"].to_numpy()
    n = len(base)
    paired = stats.t.ppf(0.975, n - 1) * np.std(more - base, ddof=1) / math.sqrt(n)
    unpaired = stats.t.ppf(0.975, 2 * n - 2) * math.sqrt(
        (np.var(base, ddof=1) + np.var(more, ddof=1)) / n
    )
    row = comparison.table.query("policy == 'more' and buyer == 'all' and kpi == 'fill_rate'")
    stated = (row["diff_hi"] - row["diff_lo"]).iloc[0] / 2  # Newcombe's, with the correlation
    print(f"paired / unpaired CI half-width: {paired / unpaired:.3f} (stated {stated:.4f})")
    assert paired < 0.5 * unpaired
    assert stated < 0.5 * unpaired


def test_significance_marks_exactly_the_intervals_that_exclude_zero():
    """`significant` is true where the difference's CI lies wholly above or below zero."""
    s = poisson_scenario(more={"kitchens.k.count": 6}, fewer={"kitchens.k.count": 3})
    table = compare(s, replications=20, seed=6, workers=1).table.dropna(subset=["diff"])
    expected = (table.diff_lo > 0) | (table.diff_hi < 0)
    assert table["significant"].tolist() == expected.tolist()
    assert table["significant"].any()


def test_policy_named_baseline_is_refused():
    """'baseline' is the scenario itself."""
    with pytest.raises(ValueError, match="baseline"):
        compare(poisson_scenario(baseline={"kitchens.k.count": 5}), replications=2, workers=1)


def test_bad_policies_are_reported_at_their_line(write_yaml):
    """A policy that breaks the scenario is reported with the line of the override."""
    text = """\
name: x
horizon_days: 14
products: {p: {}}
kitchens:
  - {name: k, count: 1, product: p, daily_output: {distribution: constant, value: 1}}
buyers:
  - {name: b, every_days: 7, quota: {p: 5}}
policies:
  fine:
    kitchens.k.count: 2
  broken:
    kitchens.k.count: -2
  lost:
    kitchens.nobody.count: 2
"""
    with pytest.raises(sim.ScenarioError) as caught:
        sim.load_scenario(write_yaml(text))
    path = caught.value.problems[0].split(":")[0]
    assert [p.removeprefix(path) for p in caught.value.problems] == [
        ":12: policies.broken: kitchens[k].count: must be >= 0, got -2",
        ":14: policies.lost: no item named 'nobody' in kitchens (names: k)",
    ]

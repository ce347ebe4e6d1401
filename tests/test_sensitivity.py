"""One-at-a-time sensitivity, on a scenario where each lever's effect is known exactly."""

from __future__ import annotations

import pytest

import sim
from sim.experiments.sensitivity import default_levers, moved, sensitivity

from conftest import ROOT, scenario


def test_each_lever_moves_down_and_up_with_paired_differences():
    """One kitchen of 10 a day, quota 70 a week: count -20% is 0 kitchens (all missed), +20% 2."""
    result = sensitivity(
        scenario(), ["kitchens.k.count", "buyers.b.quota.p"], 0.2, replications=2, workers=1
    )
    rows = result.table.set_index("lever")
    assert rows.loc["kitchens.k.count", ["low", "high"]].tolist() == [0, 2]
    assert rows.loc["kitchens.k.count", ["diff_down", "diff_up"]].tolist() == [1.0, 0.0]
    # quota 56 (met) and 84 (missed): the range is 1, as for the count; both rank top
    assert rows.loc["buyers.b.quota.p", ["low", "high", "diff_down", "diff_up"]].tolist() == [
        56,
        84,
        0.0,
        1.0,
    ]
    assert set(result.table["range"]) == {1.0}


def test_moves_stay_valid():
    """Whole numbers move by at least 1 (a shelf life stays >= 1); shares stay below 1."""
    s = scenario({"products.p.shelf_life_days": 1, "kitchens.k.local_market": {"share": 0.9}})
    assert moved(s, "products.p.shelf_life_days", 0.2) == (1, 1, 2)
    assert moved(s, "kitchens.k.local_market.share", 0.2)[1:] == pytest.approx((0.72, 0.99))


def test_default_levers_are_the_scenarios_quantities():
    """For the default scenario: counts, output, shares, quotas, the fund, shocks, ..."""
    levers = default_levers(sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml"))
    for expected in (
        "kitchens.peyek-makers.count",
        "finance.fund",
        "buyers.zurich.quota.bonting",
        "shocks.lpg-shortage.per_year",
    ):
        assert expected in levers


def test_bad_questions_are_refused():
    """A change outside (0, 1), an unknown metric, or a lever that is not a number."""
    with pytest.raises(sim.ScenarioError, match="--change"):
        sensitivity(scenario(), ["kitchens.k.count"], 1.5)
    with pytest.raises(sim.ScenarioError, match="must lead to a number"):
        sensitivity(scenario(), ["name"])

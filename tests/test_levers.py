"""The app's levers: each turns a value into the overrides a policy would hold."""

from __future__ import annotations

import sim
from sim.app.levers import levers_of

from conftest import ROOT


def test_every_main_lever_is_offered_and_unchanged_levers_change_nothing():
    """Kitchens, output, fund, buffer stock, quotas and the mechanisms; at their values, no-ops."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    levers = {lever.path: lever for lever in levers_of(scenario)}
    assert "kitchens.peyek-makers.count" in levers
    assert "kitchens.bonting-makers.daily_output.mean" in levers
    assert "finance.fund" in levers
    assert "warehouse.initial_stock.bonting" in levers
    assert "buyers.shanghai.quota.cake_salak" in levers
    assert {"absence", "shocks", "cancellation", "finance"} <= set(levers)
    assert all(lever.overrides(lever.value) == {} for lever in levers.values())
    for lever in levers.values():
        assert lever.low <= lever.value <= lever.high or lever.kind == "switch"


def test_moved_levers_make_a_valid_variant():
    """More kitchens, no shocks, no cash limit: the overrides derive a scenario that says so."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    levers = {lever.path: lever for lever in levers_of(scenario)}
    overrides = (
        levers["kitchens.peyek-makers.count"].overrides(12)
        | levers["shocks"].overrides(value=False)
        | levers["finance"].overrides(value=False)
    )
    variant = sim.derive(scenario, overrides)
    assert variant.kitchens[0].count == 12
    assert variant.shocks == []
    assert variant.finance is None

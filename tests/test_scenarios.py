"""Every scenario in scenarios/ loads and runs; the teaching ones give their worked answers."""

from __future__ import annotations

import pytest
from scipy import stats

import sim

from conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_every_scenario_runs_briefly(path):
    """Each shipped scenario loads, runs a few replications, and yields finite KPIs."""
    results = sim.run(sim.load_scenario(path), replications=3, workers=1)
    summary = results.document()
    assert 0 <= summary["quota_miss_rate"]["mean"] <= 1
    assert 0 <= summary["fill_rate"]["mean"] <= 1
    assert summary["scenario_file"] == str(path)


def test_shelf_life_teaching_scenario_gives_its_worked_answer():
    """Shelf life 5 caps each weekly shipment at 50 of 60 packs (see the file's comment)."""
    results = sim.run(sim.load_scenario(ROOT / "scenarios/teaching-shelf-life.yaml"), workers=1)
    s = results.document()
    assert s["quota_miss_rate"]["mean"] == 1
    assert s["fill_rate"]["mean"] == pytest.approx(50 / 60)
    packs = {k: v["mean"] for k, v in s["products"]["cake"].items()}
    assert {k: v for k, v in packs.items() if v} == {
        "made": 3640,
        "shipped": 2600,
        "spoiled": 1040,
    }
    fresher = sim.load_scenario(
        ROOT / "scenarios/teaching-shelf-life.yaml", {"products.cake.shelf_life_days": 6}
    )
    assert sim.run(fresher, workers=1).document()["quota_miss_rate"]["mean"] == 0


def test_poisson_teaching_scenario_brackets_its_worked_answer():
    """P(Poisson(700) < 680) = 0.220 lies inside the simulated miss rate's 95% CI."""
    results = sim.run(sim.load_scenario(ROOT / "scenarios/teaching-poisson.yaml"), workers=1)
    lo, hi = results.document()["quota_miss_rate"]["ci95"]
    theory = stats.poisson.cdf(679, 700)
    assert round(theory, 3) == 0.220
    assert lo <= theory <= hi

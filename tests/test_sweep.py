"""Sweeps: grid and Latin hypercube designs, tidy tables, plots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiments.sweep import design, sweep
from sim.reporting.plots import plot_sweep
from sim.scenario.designs import Sweep

from conftest import scenario


def test_a_grid_is_every_combination_of_values_and_stepped_ranges():
    """Lists are used as given; a range with a step is expanded, whole numbers kept whole."""
    plan = Sweep.model_validate(
        {"levers": {"a": [1, 2], "b": {"low": 10, "high": 30, "step": 10}, "c": ["x"]}}
    )
    points = design(plan, seed=1)
    assert points.to_dict("list") == {
        "a": [1, 1, 1, 2, 2, 2],
        "b": [10, 20, 30, 10, 20, 30],
        "c": ["x"] * 6,
    }
    assert all(isinstance(v, int) for v in points["b"])


def test_a_latin_hypercube_puts_one_point_in_each_stratum_of_every_lever():
    """N samples: each lever's range cut into N equal strata holds exactly one point."""
    plan = Sweep.model_validate(
        {
            "levers": {"a": {"low": 0.0, "high": 1.0}, "b": {"low": 100.0, "high": 200.0}},
            "samples": 20,
        }
    )
    points = design(plan, seed=7)
    assert len(points) == 20
    for lever, low in (("a", 0.0), ("b", 100.0)):
        strata = np.floor((points[lever] - low) / ((1 if lever == "a" else 100) / 20))
        assert sorted(strata.astype(int)) == list(range(20))
    pd.testing.assert_frame_equal(points, design(plan, seed=7))
    assert not points.equals(design(plan, seed=8))


def test_latin_hypercube_over_whole_numbers_rounds_and_drops_repeats():
    """An integer range gives integers; repeated points are run once."""
    plan = Sweep.model_validate({"levers": {"n": {"low": 1, "high": 3}}, "samples": 10})
    points = design(plan, seed=1)
    assert sorted(points["n"]) == [1, 2, 3]


def test_each_point_is_exactly_a_run_with_those_overrides():
    """Common random numbers: a point's estimate equals a plain run of it, same seed."""
    s = scenario({"kitchens.k.daily_output": {"distribution": "poisson", "mean": 10}})
    result = sweep(s, {"kitchens.k.count": [1, 2, 3]}, replications=8, seed=2, workers=1)
    alone = sim.run(sim.derive(s, {"kitchens.k.count": 2}), replications=8, seed=2, workers=1)
    row = result.headline().query("`kitchens.k.count` == 2")
    assert row["mean"].iloc[0] == alone.document()["quota_miss_rate"]["mean"]


def test_table_is_tidy_one_row_per_point_scope_and_kpi():
    """3 points x (all + 1 buyer + 1 buyer-product) scopes x 5 KPIs."""
    s = scenario({"kitchens.k.daily_output": {"distribution": "poisson", "mean": 10}})
    result = sweep(s, {"kitchens.k.count": [1, 2, 3]}, replications=4, workers=1)
    assert len(result.table) == 3 * 3 * 5
    assert {
        "point",
        "kitchens.k.count",
        "buyer",
        "product",
        "kpi",
        "mean",
        "ci_lo",
        "ci_hi",
    } <= set(result.table.columns)


@pytest.mark.parametrize(
    ("levers", "samples", "kind"),
    [
        ({"kitchens.k.count": [1, 2, 3]}, None, "curve"),
        ({"kitchens.k.count": [1, 2], "buyers.b.quota.p": [60, 70, 80]}, None, "heatmap"),
        ({"kitchens.k.count": {"low": 1, "high": 4}}, 4, "points"),
    ],
)
def test_the_plot_fits_the_design(levers, samples, kind):
    """A curve with a CI band for one lever, a heatmap for two on a grid, points otherwise."""
    s = scenario({"kitchens.k.daily_output": {"distribution": "poisson", "mean": 10}})
    fig = plot_sweep(sweep(s, levers, samples, replications=4, workers=1))
    ax = fig.axes[0]
    if kind == "heatmap":
        assert ax.images
        assert len(fig.axes) == 2  # the map and its colour bar
    elif kind == "curve":
        assert ax.collections  # the CI band
        assert ax.lines
    else:
        assert ax.containers  # error bars
    assert ax.get_xlabel() == next(iter(levers))


def test_bad_sweeps_say_what_is_wrong():
    """A sweep with no step and no samples, or a point that breaks the scenario."""
    s = scenario()
    with pytest.raises(sim.ScenarioError, match="needs a step for a grid, or give samples"):
        sweep(s, {"kitchens.k.count": {"low": 1, "high": 3}}, workers=1)
    with pytest.raises(sim.ScenarioError, match=r"sweep kitchens.k.count: .*must be >= 0, got -1"):
        sweep(s, {"kitchens.k.count": [-1, 2]}, workers=1)
    with pytest.raises(sim.ScenarioError, match="no levers to sweep"):
        sweep(s, workers=1)

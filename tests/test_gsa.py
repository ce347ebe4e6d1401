"""Global sensitivity with SALib: the dominant uncertainty first, one without effect at zero."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.experiments.executors import LocalProcesses, Serial
from sim.experiments.gsa import gsa
from sim.scenario.messages import ScenarioError
from sim.scenario.yamlio import to_yaml

from conftest import cli, scenario

pytest.importorskip("SALib", reason="the explore extra: pip install 'umkm-sim[explore]'")

OUTPUT = "kitchens.k.daily_output.mean"
SHELF = "products.p.shelf_life_days"


def case() -> sim.Scenario:
    """Three Poisson kitchens against 600 a week, with two uncertainties.

    Output decides; a shelf life of 200 to 300 days over a 63-day run can never change
    anything (nothing grows that old).
    """
    return scenario(
        {
            "kitchens.k.count": 3,
            "kitchens.k.daily_output": {"distribution": "poisson", "mean": 30},
            "buyers.b.quota.p": 600,
        },
        horizon_days=63,
        uncertainties={OUTPUT: {"low": 20, "high": 40}, SHELF: {"low": 200, "high": 300}},
    )


def test_sobol_ranks_the_dominant_uncertainty_first_and_finds_no_effect_of_the_idle_one():
    """ST of the output is large; ST of the shelf life has a CI that contains 0."""
    found = gsa(case(), "sobol", 32, replications=4, seed=2, workers=1)
    ranked = found.ranked().set_index("factor")
    assert list(ranked.index) == [OUTPUT, SHELF]
    assert ranked.loc[OUTPUT, "value"] > 0.5
    assert ranked.loc[SHELF, "ci_lo"] <= 0 <= ranked.loc[SHELF, "ci_hi"]
    assert "No detectable effect" in sim.say(found)
    assert SHELF in sim.say(found).split("No detectable effect")[1]
    assert set(found.convergence.n) == {4, 8, 16, 32}


def test_morris_screens_the_same_way():
    """mu* of the output first; the shelf life's elementary effects are exactly zero."""
    found = gsa(case(), "morris", 8, replications=3, seed=2, workers=1)
    ranked = found.ranked().set_index("factor")
    assert list(ranked.index) == [OUTPUT, SHELF]
    assert ranked.loc[SHELF, "value"] == 0


def test_one_seed_one_answer_whatever_runs_it():
    """The same indices serially and on two local processes, even with seed 0.

    SALib would take a seed of 0 as no seed at all, and its bootstrap would differ run to run.
    """
    one = gsa(case(), "sobol", 8, replications=3, seed=0, executor=Serial())
    with LocalProcesses(2) as pool:
        two = gsa(case(), "sobol", 8, replications=3, seed=0, executor=pool)
    pd.testing.assert_frame_equal(one.table, two.table)
    pd.testing.assert_frame_equal(one.points, two.points)


def test_the_command_writes_its_files_and_refuses_nonsense(tmp_path):
    """Exit 0 with the table and figures; a bad method or n: exit 2, one line each."""
    path = tmp_path / "case.yaml"
    path.write_text(to_yaml(case()), encoding="utf-8")
    out = tmp_path / "gsa"
    done = cli("gsa", path, "--n", "8", "--replications", "3", "--workers", "1", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "matters most" in done.stdout
    written = {p.name for p in out.iterdir()}
    assert {"gsa.json", "gsa.csv", "gsa.png", "convergence.png"} <= written
    bad = cli("gsa", path, "--n", "12")
    assert bad.returncode == 2
    assert "--n: a power of two" in bad.stderr


def test_a_kpi_that_never_varies_is_refused_in_words():
    """Only the shelf life varies, which changes nothing: no indices of 0/0, one sentence."""
    base = case()
    flat = base.model_copy(update={"uncertainties": {SHELF: base.uncertainties[SHELF]}})
    with pytest.raises(ScenarioError, match="at every one of the 12 points: nothing varies"):
        gsa(flat, "sobol", 4, replications=2, executor=Serial())

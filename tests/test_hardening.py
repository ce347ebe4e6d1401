"""No wrong answer with exit 0, no work that cannot finish: each class of the hardening campaign.

Each case is one of a class (the held-out cases are more): a path an experiment would vary in
vain, integer ranges drawn unevenly, a tie said as a difference, records that pool two products,
sizes found out only by running out of memory, a box that restricts nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_hostile import hostile

import sim
from sim.experiments.sweep import design
from sim.inputs import read_deliveries
from sim.reporting import published
from sim.scenario.designs import Sweep, Uncertainty

from conftest import ROOT, cli

BALIKPAPAN = ROOT / "scenarios" / "balikpapan.yaml"
POISSON = ROOT / "scenarios" / "teaching-poisson.yaml"
MEAN = "kitchens.four-kitchens.daily_output.mean"
TINY = """\
name: tiny
horizon_days: 28
products: {p: {}}
kitchens:
  - {name: k, count: 2, product: p, daily_output: {distribution: poisson, mean: 10}}
buyers:
  - {name: b, every_days: 7, quota: {p: 100}}
policies:
  more: {kitchens.k.count: 3}
"""


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("uncertainties:\n  shocks.*.per_year: {low: 1, high: 2}\n", "matches nothing"),
        ("uncertainties:\n  seed: {low: 1, high: 5}\n", "changes nothing that is simulated"),
        ("uncertainties:\n  replications: {low: 1, high: 5}\n", "changes nothing"),
        ("uncertainties:\n  name: {values: [a, b]}\n", "changes nothing"),
        (
            "uncertainties:\n  policies.more.kitchens.k.count: {low: 2, high: 5}\n",
            "changes nothing",
        ),
        ("sweep:\n  levers:\n    description: [a, b]\n", "changes nothing"),
    ],
)
def test_a_path_that_changes_no_run_is_refused_with_its_line(section, expected, write_yaml):
    """An uncertainty or lever that cannot move what is simulated would explore noise."""
    path = write_yaml(TINY + section)
    with pytest.raises(sim.ScenarioError) as caught:
        sim.load_scenario(path)
    (problem,) = caught.value.problems
    line = TINY.count("\n") + section.count("\n")  # the path's own line: the section's last
    assert problem.startswith(f"{path}:{line}: ")
    assert expected in problem


def test_a_sweep_flag_that_changes_nothing_is_refused_before_anything_runs():
    """--sweep seed=1,2 is the same run twice."""
    done = hostile("sweep", BALIKPAPAN, "--sweep", "seed=1,2", "--replications", "2")
    assert done.returncode == 2
    assert "--sweep seed: changes nothing that is simulated" in done.stderr


def test_whole_number_ranges_give_every_value_the_same_chance():
    """{low: 1, high: 3}: a third each, not 25% / 50% / 25%; in a sweep's hypercube too."""
    u = Uncertainty(low=1, high=3)
    drawn = [u.at(x) for x in np.linspace(0, 1, 3000, endpoint=False)]
    assert {v: drawn.count(v) for v in (1, 2, 3)} == {1: 1000, 2: 1000, 3: 1000}
    assert u.at(0.0) == 1
    assert u.at(np.nextafter(1.0, 0.0)) == 3
    plan = Sweep.model_validate(
        {"levers": {"kitchens.k.count": {"low": 1, "high": 3}}, "samples": 3}
    )
    assert sorted(design(plan, 1)["kitchens.k.count"]) == [1, 2, 3]


def test_equal_costs_are_said_to_be_equal():
    """Two candidates that qualify at the same cost: the other is not said to cost more."""
    s = sim.load_scenario(BALIKPAPAN)
    s = sim.derive(s, {"horizon_days": 28})
    s = s.model_copy(update={"policies": {"same-price": {"warehouse.reject_fraction": 0.01}}})
    answer = sim.cheapest(s, "quota_miss_rate<=1", replications=3, seed=1, workers=1)
    said = dict(zip(answer.table.candidate, published(answer)["why"], strict=True))
    assert answer.table.outcome.tolist().count("costs the same") == 1
    other = next(c for c, why in said.items() if "same cost" in why)
    assert "costs more" not in said[other]


def test_records_of_two_products_are_refused_without_product(tmp_path):
    """One fit pools one product's kitchens: two products need --product."""
    path = tmp_path / "records.csv"
    rows = [f"K{k},2025-01-{d:02d},{5 + k},{'ab'[k % 2]}" for k in range(4) for d in range(1, 20)]
    path.write_text("kitchen,date,packs,product\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError, match=r"holds 2 products \(a, b\)"):
        read_deliveries(path)
    assert set(read_deliveries(path, product="a").kitchen) == {"K0", "K2"}
    done = hostile("fit", path)
    assert done.returncode == 2
    assert "--product" in done.stderr


def test_a_date_with_a_time_zone_is_its_local_day(tmp_path):
    """2025-01-01T08:00+07:00 and 2025-01-02T08:00+08:00 in one column: their local days."""
    path = tmp_path / "records.csv"
    path.write_text(
        "kitchen,date,packs\nK1,2025-01-01T08:00+07:00,5\nK1,2025-01-02T08:00+08:00,6\n",
        encoding="utf-8",
    )
    days = read_deliveries(path).date
    assert list(days) == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-02")]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("explore", BALIKPAPAN, "--futures", "10000", "--replications", "1000000"), "--futures"),
        (("gsa", BALIKPAPAN, "--n", "512", "--replications", "1000000"), "--n or --replications"),
        (
            ("compare", BALIKPAPAN, "--select", "best", "--max-replications", "1000000"),
            "--max-replications",
        ),
        (
            ("run", BALIKPAPAN, "--precision", "0.0001", "--max-replications", "1000000"),
            "--max-replications",
        ),
    ],
)
def test_an_experiment_too_big_is_refused_before_it_starts(args, expected, tmp_path):
    """Said in one line, in seconds, with the number, the limit and the flag to change."""
    done = hostile(*args, "--out", tmp_path / "o")
    assert done.returncode == 2
    assert "GiB limit" in done.stderr
    assert expected in done.stderr
    assert not (tmp_path / "o").exists()  # refused before the folder was made


def test_a_file_too_large_to_build_is_refused_while_it_is_read(tmp_path):
    """Thirty thousand kitchen groups: refused from the parser's events, in seconds."""
    groups = "".join(
        f"  - {{name: g{i}, count: 1, product: p, daily_output: {{distribution: poisson, "
        f"mean: 10}}}}\n"
        for i in range(30_000)
    )
    path = tmp_path / "big.yaml"
    path.write_text(TINY.replace("kitchens:\n", "kitchens:\n" + groups), encoding="utf-8")
    done = hostile("check", path)
    assert done.returncode == 2
    assert "too large to read: more than 400,000 values" in done.stderr


def test_a_box_that_restricts_nothing_is_refused(tmp_path):
    """A box that is every future, or a threshold out of (0, 1], is said in one line.

    Box 0 of PRIM's trajectory restricts nothing.
    """
    out = tmp_path / "e"
    assert hostile("explore", BALIKPAPAN, "--futures", "12", "--replications", "2", "--out", out)
    for flags, expected in (
        (("--box", "0"), "the boxes that restrict something"),
        (("--threshold", "5"), "--threshold: a density above 0 and at most 1"),
    ):
        done = hostile("discover", out, "--where", "quota_miss_rate>0.5", *flags)
        assert done.returncode == 2
        assert expected in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["explore", BALIKPAPAN, "--buyer", "nobody", "--futures", "4", "--replications", "2"],
        ["cheapest", BALIKPAPAN, "--where", "quota_miss_rate<=0.3", "--replications", "1"],
        ["compare", BALIKPAPAN, "--select", "subset", "--replications", "1"],
        ["target", POISSON, "--lever", MEAN, "--low", "-5", "--high", "-1", "--at-most", "0.1"],
        ["fit", ROOT / "README.md"],
    ],
    ids=["explore-buyer", "cheapest-one", "subset-one", "target-ends", "fit-bad-records"],
)
def test_a_refused_question_makes_no_folder(tmp_path, argv):
    """Refused with exit 2 and a line naming the flag, before the folder is made."""
    done = cli(*argv, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_policy_named_baseline_is_refused_with_its_line(tmp_path):
    """'baseline' is the scenario as it is: check says so, with the file and line."""
    path = tmp_path / "s.yaml"
    path.write_text(TINY.replace("  more:", "  baseline:"))
    for command in ("check", "compare"):
        done = cli(command, path)
        assert done.returncode == 2
        assert f"{path}:8: policies: 'baseline' names the scenario as it is" in done.stderr


def test_records_that_never_vary_are_refused_not_fitted(tmp_path):
    """Every day the same 12 packs: nothing to fit, and the scenario line that says it."""
    path = tmp_path / "r.csv"
    days = pd.date_range("2026-01-01", periods=40).strftime("%Y-%m-%d")
    rows = [f"k{k},{d},12" for k in range(3) for d in days]
    path.write_text("kitchen,date,packs\n" + "\n".join(rows) + "\n")
    done = cli("fit", path, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "all have the same value, 12" in done.stderr
    assert "{distribution: constant, value: 12}" in done.stderr
    assert not (tmp_path / "out").exists()

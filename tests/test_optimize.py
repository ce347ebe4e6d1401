"""Designing a policy: levers searched for the cheapest sure setting, or for a front.

The exact cases: two groups of Poisson kitchens (small: 10 packs a day for 1,000,000 Rp a year;
big: 25 a day for 2,200,000) against 700 packs a week, leftovers cleared, 26 weeks. A week's
output of ``a`` small and ``b`` big kitchens is Poisson with mean ``7 (10 a + 25 b)``, and each
week is independent: a line is missed with probability ``P(Poisson(7 (10 a + 25 b)) < 700)``.
"""

from __future__ import annotations

import builtins
import itertools
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main
from sim.experiments.levers import Space
from sim.experiments.pareto import _surely_apart
from sim.experiments.runner import Variant
from sim.experiments.search import Candidate

from conftest import ROOT, cli

optuna = pytest.importorskip(
    "optuna", reason="the optimize extra: pip install 'umkm-sim[optimize]'"
)

TWO_GROUPS = """\
name: two-groups
horizon_days: 182
products: {p: {}}
kitchens:
  - {name: small, count: 2, product: p, daily_output: {distribution: poisson, mean: 10}}
  - {name: big, count: 1, product: p, daily_output: {distribution: poisson, mean: 25}}
buyers:
  - {name: b, every_days: 7, quota: {p: 700}}
warehouse: {leftover: clear}
costs: {kitchen_per_year: {small: 1000000, big: 2200000}}
levers:
  kitchens.small.count: {low: 0, high: 8}
  kitchens.big.count: {low: 0, high: 5}
"""
SETTINGS = list(itertools.product(range(9), range(6)))


def miss(a: int, b: int) -> float:
    """The exact probability that a week misses the quota: P(Poisson(7 (10a + 25b)) < 700)."""
    mean = 7 * (10 * a + 25 * b)
    return float(stats.poisson.cdf(699, mean)) if mean else 1.0


def cost(a: int, b: int) -> float:
    """What the setting costs over 182 days (the kitchens' yearly cost, prorated)."""
    return (a * 1_000_000 + b * 2_200_000) * 182 / 365


def kitchens(levers: dict) -> tuple[int, int]:
    """The setting's (small, big) kitchens."""
    return levers["kitchens.small.count"], levers["kitchens.big.count"]


@pytest.fixture(scope="module")
def two_groups(tmp_path_factory) -> sim.Scenario:
    """The exact case, loaded from its file (so its levers are checked as a user's are)."""
    path = tmp_path_factory.mktemp("two") / "two.yaml"
    path.write_text(TWO_GROUPS)
    return sim.load_scenario(path)


def test_the_cheapest_sure_setting_is_the_exact_one_and_a_failing_one_is_rarely_chosen(
    two_groups,
):
    """Ten seeds, miss rate <= 5% at 95% confidence.

    Exactly, the cheapest setting that meets it is 1 small and 4 big kitchens (miss 0.50%,
    Rp 4.89 M); 3 small and 3 big cost less but miss 9.4%. The search found it in 20 of 20
    seeds when this was written: in at least 7 of 10 here (1.3% likely at 0.9 a seed). A
    setting that fails 5% may be chosen with probability at most 5% a seed (fresh replications,
    Bonferroni): at most 2 of 10 (P(Bin(10, 0.05) >= 3) = 1.2%).
    """
    best = min((cost(*k), k) for k in SETTINGS if miss(*k) <= 0.05)[1]
    assert best == (1, 4)
    chosen = [
        sim.optimize(two_groups, "quota_miss_rate<=0.05", seed=seed, workers=1).chosen
        for seed in range(1, 11)
    ]
    picked = [kitchens(c["levers"]) for c in chosen if c is not None]
    assert sum(k == best for k in picked) >= 7, picked
    assert sum(miss(*k) > 0.05 for k in picked) <= 2, picked
    for c in chosen:
        assert c is None or c["cost"] == pytest.approx(cost(*kitchens(c["levers"])))


def test_the_front_keeps_no_point_that_an_evaluated_setting_beats_by_far(two_groups):
    """Miss rate against cost, four seeds: the front is the exact front, up to noise.

    No kept point may be matched in cost by an evaluated setting whose exact miss probability is
    lower by more than 2 points (the 95% CIs at 80 replications are narrower than that); each
    front reaches a setting that misses at most 1% exactly.
    """
    for seed in range(1, 5):
        answer = sim.optimize(
            two_groups, objectives=["quota_miss_rate", "cost"], seed=seed, workers=1
        )
        kept = [kitchens(p["levers"]) for p in answer.front]
        table = answer.table
        measured = list(
            zip(table["set kitchens.small.count"], table["set kitchens.big.count"], strict=True)
        )
        for k in kept:
            better = [j for j in measured if cost(*j) <= cost(*k) and miss(*j) < miss(*k) - 0.02]
            assert not better, (seed, k, better)
        assert min(miss(*k) for k in kept) <= 0.01, (seed, kept)
        assert list(answer.table.outcome).count("front") == len(kept)


def candidate(values: list[float], price: float, scenario: sim.Scenario) -> Candidate:
    """A setting measured to miss ``values`` of 26 lines in each replication."""
    kpis = pd.DataFrame({"quota_miss_rate": values, "lines": 26})
    return Candidate("c", Variant("c", scenario, {}), price, kpis)


def test_a_point_is_surely_apart_only_when_cheaper_or_surely_better(two_groups):
    """Cheaper: apart. At equal cost, the same misses: not; fewer in every replication: apart."""
    rng = np.random.default_rng(1)
    noisy = list(rng.uniform(0.2, 0.4, 30))
    same = candidate(noisy, 1.0, two_groups)
    assert _surely_apart(candidate(noisy, 0.5, two_groups), same, ("quota_miss_rate", "cost"))
    assert not _surely_apart(candidate(noisy, 1.0, two_groups), same, ("quota_miss_rate", "cost"))
    fewer = candidate([x - 0.1 for x in noisy], 2.0, two_groups)
    assert _surely_apart(fewer, same, ("quota_miss_rate", "cost"))
    assert not _surely_apart(candidate(noisy, 2.0, two_groups), fewer, ("quota_miss_rate", "cost"))


def test_the_answer_is_the_same_on_one_worker_or_two(two_groups):
    """The batches are fixed and every setting has the experiment's seed: same table."""
    one = sim.optimize(two_groups, "quota_miss_rate<=0.05", evaluations=16, seed=3, workers=1)
    two = sim.optimize(two_groups, "quota_miss_rate<=0.05", evaluations=16, seed=3, workers=2)
    pd.testing.assert_frame_equal(one.table, two.table)
    assert one.chosen == two.chosen


def test_levers_become_optuna_distributions_whole_numbers_staying_whole(two_groups):
    """{low, high} of integers samples integers; {values} chooses among positions."""
    s = sim.derive(two_groups, {"levers": {"kitchens.small.count": {"values": [1, 3]}}})
    space = Space.of(s)
    assert isinstance(
        space.distributions()["kitchens.small.count"], optuna.distributions.CategoricalDistribution
    )
    assert space.settings({"kitchens.small.count": 1}) == {"kitchens.small.count": 3}
    assert isinstance(
        Space.of(two_groups).distributions()["kitchens.big.count"],
        optuna.distributions.IntDistribution,
    )
    assert Space.of(two_groups).size() == 9 * 6


def test_the_command_prints_the_contract_and_writes_its_files(tmp_path):
    """--json: chosen.levers/cost/kpis; --out: optimize.json, candidates.csv, tradeoff.png."""
    path = tmp_path / "two.yaml"
    path.write_text(TWO_GROUPS)
    out = tmp_path / "out"
    args = ["optimize", path, "--where", "quota_miss_rate<=0.05", "--evaluations", "16"]
    done = cli(*args, "--workers", "1", "--json", "--quiet", "--out", out)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    chosen = document["chosen"]
    assert set(chosen["levers"]) == {"kitchens.small.count", "kitchens.big.count"}
    assert chosen["cost"] == pytest.approx(cost(*kitchens(chosen["levers"])))
    assert set(chosen["kpis"]["quota_miss_rate"]) == {"mean", "ci95"}
    assert {"optimize.json", "candidates.csv", "tradeoff.png", "scenario.yaml"} <= {
        p.name for p in out.iterdir()
    }
    table = pd.read_csv(out / "candidates.csv")
    assert 16 <= len(table) <= 16 + 8  # the sampler's, then at most half as many nearby
    for column in ("candidate", "set kitchens.small.count", "cost", "replications"):
        assert column in table
    for column in ("quota_miss_rate", "quota_miss_rate_lo", "quota_miss_rate_hi", "outcome"):
        assert column in table
    again = cli(*args, "--workers", "1", "--json", "--quiet", "--out", out, "--resume")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["table"] == document["table"]
    front = cli(
        "optimize",
        path,
        "--objectives",
        "quota_miss_rate,cost",
        "--evaluations",
        "16",
        "--workers",
        "1",
        "--json",
        "--quiet",
    )
    assert front.returncode == 0, front.stderr
    points = json.loads(front.stdout)["front"]
    assert points
    assert all({"levers", "cost", "kpis"} <= set(p) for p in points)


@pytest.mark.parametrize(
    ("extra", "flags", "said"),
    [
        ("", [], "give --where"),
        ("", ["--where", "fill_rate>=0.9", "--objectives", "cost,fill_rate"], "not both"),
        ("", ["--objectives", "cost,speed"], "--objectives: unknown 'speed'"),
        ("", ["--objectives", "cost"], "at least two"),
        ("", ["--where", "quota_miss_rate==0.1"], "--where"),
        ("", ["--where", "quota_miss_rate<=0.1", "--replications", "1"], "at least 2"),
        ("", ["--where", "quota_miss_rate<=0.1", "--confidence", "1.5"], "--confidence"),
        ("", ["--where", "quota_miss_rate<=0.1", "--buyer", "nobody"], "no buyer named"),
        (
            "uncertainties:\n  kitchens.big.count: {low: 0, high: 2}\n",
            ["--where", "quota_miss_rate<=0.1"],
            "also in uncertainties",
        ),
        ("", ["--where", "quota_miss_rate<=0.1", "--set", "levers={}"], "no levers"),
    ],
)
def test_a_question_that_makes_no_sense_is_refused_before_anything_runs(
    tmp_path, extra, flags, said
):
    """Exit 2, what is wrong and which flag or section, no traceback, no folder."""
    path = tmp_path / "two.yaml"
    path.write_text(TWO_GROUPS + extra)
    out = tmp_path / "out"
    done = cli("optimize", path, *flags, "--out", out)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_a_lever_is_checked_with_its_file_and_line(tmp_path):
    """A lever that changes nothing simulated or costed is refused at its line."""
    path = tmp_path / "two.yaml"
    path.write_text(TWO_GROUPS + "  name: {values: [a, b]}\n")
    done = cli("check", path)
    assert done.returncode == 2
    assert f"{path}:14: levers.name" in done.stderr


def test_without_optuna_the_command_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    """Exit 2, one line naming the extra, no folder made."""
    real_import = builtins.__import__

    def no_optuna(name, *args, **kwargs):
        if name.startswith("optuna"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    path = tmp_path / "two.yaml"
    path.write_text(TWO_GROUPS)
    monkeypatch.setattr(builtins, "__import__", no_optuna)
    out = tmp_path / "out"
    assert main(["optimize", str(path), "--where", "fill_rate>=0.9", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "pip install 'umkm-sim[optimize]'" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_default_scenario_has_levers_that_check():
    """balikpapan.yaml's levers: kitchens per group, initial stock, fund."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    assert {"kitchens.peyek-makers.count", "warehouse.initial_stock", "finance.fund"} <= set(
        scenario.levers
    )


def test_a_combination_of_levers_that_makes_no_valid_scenario_is_not_searched(tmp_path):
    """Each lever's ends are valid alone; a stock above the capacity together is skipped."""
    path = tmp_path / "two.yaml"
    path.write_text(
        TWO_GROUPS
        + "  warehouse.capacity: {values: [100, 5000]}\n"
        + "  warehouse.initial_stock: {values: [{p: 0}, {p: 1000}]}\n"
    )
    answer = sim.optimize(
        sim.load_scenario(path), "quota_miss_rate<=0.05", evaluations=16, seed=1, workers=1
    )
    stock = [s["p"] for s in answer.table["set warehouse.initial_stock"]]
    capacity = list(answer.table["set warehouse.capacity"])
    assert all(s <= c for s, c in zip(stock, capacity, strict=True))
    assert len(answer.table) >= 16

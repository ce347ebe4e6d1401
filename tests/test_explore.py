"""Exploring uncertain futures: the uncertainties section, the futures, robustness and regret."""

from __future__ import annotations

import builtins
import json
import textwrap

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.experiments.executors import Dask, Serial
from sim.experiments.explore import Exploration, design_futures, explore
from sim.experiments.robustness import Criterion

from conftest import ROOT, cli, scenario

POISSON = ROOT / "scenarios" / "teaching-poisson.yaml"


def uncertain(**extra: object) -> sim.Scenario:
    """Four Poisson kitchens, an uncertain mean, and a policy of one more kitchen."""
    s = sim.load_scenario(POISSON)
    data = s.model_dump(mode="python", exclude_none=True)
    data["uncertainties"] = {"kitchens.four-kitchens.daily_output.mean": {"low": 20, "high": 30}}
    data["policies"] = {"one-more": {"kitchens.four-kitchens.count": 5}}
    data["horizon_days"] = 84
    return sim.Scenario.model_validate(data | extra)


def test_a_wildcard_stands_for_every_item_and_bad_paths_are_located():
    """kitchens.*.x sets x in every group; unknown paths and impossible ends name their line."""
    text = POISSON.read_text(encoding="utf-8") + textwrap.dedent(
        """\
        uncertainties:
          kitchens.*.count: {low: 2, high: 6}
          kitchens.nobody.count: {low: 1, high: 2}
          buyers.weekly-buyer.quota.peyek: {low: 0, high: 9}
          warehouse.reject_fraction: {values: [0.1, 2]}
        """
    )
    with pytest.raises(sim.ScenarioError) as caught:
        sim.parse_scenario(text, "u.yaml")
    assert caught.value.problems == [
        (
            "u.yaml:27: uncertainties.kitchens.nobody.count: no item named 'nobody' in "
            "kitchens (names: four-kitchens)"
        ),
        (
            "u.yaml:28: uncertainties.buyers.weekly-buyer.quota.peyek: "
            "buyers[weekly-buyer].quota.peyek: must be >= 1, got 0"
        ),
        (
            "u.yaml:29: uncertainties.warehouse.reject_fraction: warehouse.reject_fraction: "
            "must be <= 1, got 2"
        ),
    ]


def test_futures_are_reproducible_stratified_and_within_their_ranges():
    """One seed, one design; a Latin hypercube puts one future in each of N strata."""
    s = uncertain(
        uncertainties={
            "kitchens.four-kitchens.daily_output.mean": {"low": 20.0, "high": 30.0},
            "kitchens.four-kitchens.count": {"low": 2, "high": 6},
            "buyers.weekly-buyer.every_days": {"values": [7, 14]},
        }
    )
    a = design_futures(s, 10, "lhs", seed=3)
    pd.testing.assert_frame_equal(a, design_futures(s, 10, "lhs", seed=3))
    assert not a.equals(design_futures(s, 10, "lhs", seed=4))
    mean = a["kitchens.four-kitchens.daily_output.mean"]
    assert sorted(np.floor((mean - 20) / 1.0).astype(int)) == list(range(10))  # one per stratum
    assert set(a["kitchens.four-kitchens.count"]) <= set(range(2, 7))
    assert a["kitchens.four-kitchens.count"].map(type).eq(int).all()
    assert set(a["buyers.weekly-buyer.every_days"]) == {7, 14}
    for sampler in ("sobol", "mc"):
        b = design_futures(s, 8, sampler, seed=3)
        assert b["kitchens.four-kitchens.daily_output.mean"].between(20, 30).all()


def hand_made(values: dict[str, list[list[float]]]) -> Exploration:
    """An exploration whose per-replication miss rates are given: policy -> futures x reps."""
    rows = [
        {
            "future": f,
            "policy": p,
            "replication": r,
            "buyer": "all",
            "product": "all",
            **dict.fromkeys(["fill_rate", "mean_shortfall", "longest_miss_run"], 0.0),
            "quota_miss_rate": v,
            "lost_to_cancellation": 0.0,
            "lines": 52,
        }
        for p, futures in values.items()
        for f, reps in enumerate(futures)
        for r, v in enumerate(reps)
    ]
    futures = pd.DataFrame({"x": range(len(next(iter(values.values()))))})
    return Exploration(
        scenario(),
        1,
        "mc",
        futures,
        list(values),
        2,
        pd.DataFrame(rows),
        Criterion.parse("quota_miss_rate<=0.1"),
    )


def test_robustness_and_regret_match_a_hand_computation():
    """Two policies, four futures, two replications each, worked out by hand.

    Means per future: a = [0.05, 0.15, 0.05, 0.30], b = [0.10, 0.10, 0.20, 0.20].
    a meets <= 0.1 in futures 0 and 2 (share 0.5); b in 0 and 1 (share 0.5).
    The best per future is [0.05, 0.10, 0.05, 0.20]: a's regret [0, 0.05, 0, 0.10] (median
    0.025, max 0.10), b's [0.05, 0, 0.15, 0] (median 0.025, max 0.15).
    """
    e = hand_made(
        {
            "a": [[0.0, 0.1], [0.1, 0.2], [0.05, 0.05], [0.3, 0.3]],
            "b": [[0.1, 0.1], [0.1, 0.1], [0.2, 0.2], [0.1, 0.3]],
        }
    )
    table = e.robustness().set_index("policy")
    assert table.loc["a", "share"] == pytest.approx(0.5)
    assert table.loc["b", "share"] == pytest.approx(0.5)
    assert table.loc["a", "mean"] == pytest.approx(0.1375)
    assert table.loc["a", "regret_p50"] == pytest.approx(0.025)
    assert table.loc["a", "regret_max"] == pytest.approx(0.10)
    assert table.loc["b", "regret_max"] == pytest.approx(0.15)
    assert table.loc["a", "share_lo"] <= 0.5 <= table.loc["a", "share_hi"]
    assert list(table.index) == ["a", "b"]  # equal shares: the smaller regret p90 first
    assert sim.say(e).splitlines()[-1].startswith("The data cannot tell a and b apart")


def test_common_random_numbers_make_regret_sharper_than_independent_runs():
    """Regret compares policies within a future; with CRN its noise largely cancels.

    The same exploration with the policy's runs taken from another seed (independent draws)
    must give wider bootstrap intervals for the regret.
    """
    # Twelve futures alike, and a policy close to the baseline (a slightly smaller quota): what
    # moves the regret from one future to the next is then replication noise alone, which CRN
    # cancels within each future.
    s = uncertain(policies={"one-more": {"buyers.weekly-buyer.quota.peyek": 660}})
    world = pd.DataFrame({"kitchens.four-kitchens.daily_output.mean": [25.0] * 12})  # P(miss) 0.22
    crn = explore(s, world, "lhs", replications=10, seed=1, executor=Serial())
    other = explore(s, crn.futures, "lhs", replications=10, seed=2, executor=Serial())
    mixed = crn.per_replication[crn.per_replication.policy == "baseline"]
    mixed = pd.concat([mixed, other.per_replication[other.per_replication.policy == "one-more"]])
    independent = Exploration(
        s, 1, "lhs", crn.futures, crn.policies, 10, mixed.reset_index(drop=True), crn.criterion
    )

    def width(e: Exploration) -> float:
        row = e.robustness().set_index("policy").loc["baseline"]  # its gap to the policy
        return float(row.regret_p50_hi - row.regret_p50_lo)

    assert width(crn) < width(independent)


def test_explore_from_the_command_line_resumes_and_matches_dask(tmp_path):
    """--out writes the tables; a resumed run and a Dask cluster give identical tables."""
    path = tmp_path / "s.yaml"
    path.write_text(sim.scenario.to_yaml(uncertain()), encoding="utf-8")
    args = ("explore", path, "--futures", "4", "--replications", "6", "--quiet")
    done = cli(*args, "--workers", "1", "--out", tmp_path / "a")
    assert done.returncode == 0, done.stderr
    assert "acceptable in" in done.stdout
    written = {p.name for p in (tmp_path / "a").iterdir()}
    assert {"experiments.csv", "experiments.json", "robustness.csv"} <= written
    table = pd.read_csv(tmp_path / "a" / "experiments.csv")
    assert len(table) == 4 * 2 * 2 * 5  # futures x policies x scopes (all, the buyer) x KPIs
    again = cli(*args, "--workers", "1", "--out", tmp_path / "a", "--resume")
    assert again.returncode == 0, again.stderr
    assert pd.read_csv(tmp_path / "a" / "experiments.csv").equals(table)
    s = uncertain()
    with Dask("local", workers=2) as cluster:
        on_dask = explore(s, 4, "lhs", replications=6, seed=1, executor=cluster)
    serial = explore(s, 4, "lhs", replications=6, seed=1, executor=Serial())
    pd.testing.assert_frame_equal(on_dask.table, serial.table)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ((), "no uncertainties: section to explore"),
        (("--target", "miss<0.1"), "--target: unknown KPI 'miss'"),
        (("--target", "quota_miss_rate=0.1"), "--target 'quota_miss_rate=0.1': expected KPI<=X"),
        (("--buyer", "nobody"), "--buyer: no buyer named 'nobody'"),
    ],
)
def test_bad_explore_requests_exit_2_in_one_line(extra, expected, tmp_path):
    """No uncertainties, a malformed target or an unknown buyer: said before anything runs."""
    path = POISSON
    if extra:
        path = tmp_path / "s.yaml"
        path.write_text(sim.scenario.to_yaml(uncertain()), encoding="utf-8")
    done = cli("explore", path, "--futures", "2", "--replications", "2", *extra)
    assert done.returncode == 2
    assert expected in done.stderr


def two_lines() -> sim.Scenario:
    """Two products, one kitchen each making a constant (uncertain) number of packs a day.

    A line is missed every week when its kitchen makes under 9.5 packs a day (rounded, under
    the 70 a week owed), and never otherwise: more than 75% of lines are missed exactly when
    both kitchens make under 9.5 a day. The buyer's payment terms change nothing here.
    """
    kitchen = {"count": 1, "daily_output": {"distribution": "constant", "value": 10.0}}
    return sim.Scenario.model_validate(
        {
            "name": "two-lines",
            "horizon_days": 70,
            "products": {"a": {}, "b": {}},
            "kitchens": [
                {"name": "ka", "product": "a", **kitchen},
                {"name": "kb", "product": "b", **kitchen},
            ],
            "buyers": [{"name": "b", "every_days": 7, "quota": {"a": 70, "b": 70}}],
            "uncertainties": {
                "kitchens.ka.daily_output.value": {"low": 5.0, "high": 15.0},
                "kitchens.kb.daily_output.value": {"low": 5.0, "high": 15.0},
                "buyers.b.payment_days": {"low": 10, "high": 60},
            },
        }
    )


def test_discover_finds_the_box_where_both_kitchens_fall_short(tmp_path):
    """PRIM restricts the two kitchens' output near 9.5 and leaves payment terms free.

    So does CART, the alternative view.
    """
    e = explore(two_lines(), 300, "lhs", replications=2, seed=5, executor=Serial())
    sim.write(e, tmp_path / "e")
    done = cli("discover", tmp_path / "e", "--where", "quota_miss_rate>0.75", "--cart")
    assert done.returncode == 0, done.stderr
    rules = done.stdout.split("CART")[1].split("\n\n")[0]
    assert "kitchens.ka.daily_output.value <= 9." in rules  # the tree splits at the same place
    assert "payment_days" not in rules
    found = json.loads((tmp_path / "e" / "discovery.json").read_text(encoding="utf-8"))
    chosen = found["trajectory"][found["box"]]
    assert chosen["coverage"] > 0.9
    assert chosen["density"] > 0.9
    limits = found["limits"]
    assert set(limits) == {"kitchens.ka.daily_output.value", "kitchens.kb.daily_output.value"}
    for path in limits:
        assert limits[path]["max"] == pytest.approx(9.5, abs=0.3)
    assert "kitchens.ka.daily_output.value at most" in done.stdout
    assert max(found["feature_scores"], key=found["feature_scores"].get) != "buyers.b.payment_days"


def test_discover_explains_what_it_needs(tmp_path):
    """Not an explore folder, or a policy that never fails: one line, exit 2."""
    done = cli("discover", tmp_path, "--where", "quota_miss_rate>0.1")
    assert done.returncode == 2
    assert "not the results of umkm-sim explore" in done.stderr


def test_missing_workbench_is_one_line_naming_the_install_command(tmp_path, monkeypatch, capsys):
    """Without the optional extra, discover says how to install it, with exit 2."""
    e = explore(two_lines(), 20, "lhs", replications=1, seed=5, executor=Serial())
    sim.write(e, tmp_path / "e")
    real_import = builtins.__import__

    def no_workbench(name, *args, **kwargs):
        if name.startswith("ema_workbench"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_workbench)
    assert main(["discover", str(tmp_path / "e"), "--where", "quota_miss_rate>0.75"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "scenario discovery needs the EMA Workbench: pip install 'umkm-sim[explore]'"


def test_discover_gives_the_same_stability_for_the_same_seed():
    """The Workbench resamples with numpy's global generator: one seed, one answer."""
    from sim.experiments.discover import discover  # noqa: PLC0415 (needs the explore extra)

    rng = np.random.default_rng(3)
    futures = pd.DataFrame({"a": rng.uniform(0, 1, 200), "b": rng.uniform(0, 1, 200)})
    failed = (futures.a < 0.3).to_numpy() | (rng.uniform(0, 1, 200) < 0.1)
    where = Criterion.parse("quota_miss_rate>0.1")
    np.random.seed(1)  # noqa: NPY002, TID251 (whatever the global state, the same answer)
    first = discover(futures, failed, where, "p", seed=4).stability
    np.random.seed(2)  # noqa: NPY002, TID251
    again = discover(futures, failed, where, "p", seed=4).stability
    assert not first.empty
    pd.testing.assert_frame_equal(first, again)

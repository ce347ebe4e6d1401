"""The cheapest policy that meets a target: its costs, its choice, and what it rules out."""

from __future__ import annotations

import pytest

import sim
from sim.experiments.cheapest import cheapest
from sim.reporting import published
from sim.scenario.costs import cost_of
from sim.scenario.yamlio import to_yaml

from conftest import ROOT, cli, scenario

COSTS = {"kitchen_per_year": {"k": 3_650_000}, "initial_stock_per_pack": {"p": 1000}}


def kitchens(policies: dict[str, dict]) -> sim.Scenario:
    """Kitchens of exactly 10 packs a day against 205 a week, 73 days (0.2 year), with costs.

    The baseline has 1 kitchen; n kitchens cost 0.2 x 3,650,000 x n = 730,000 n Rp.
    """
    base = scenario({"buyers.b.quota.p": 205}, horizon_days=73, costs=COSTS)
    return base.model_copy(update={"policies": policies})


def test_costs_add_up_over_the_horizon():
    """Kitchens by the year (prorated), buffer stock once per pack, fund and capacity yearly."""
    s = scenario(
        {"kitchens.k.count": 4, "warehouse.initial_stock": {"p": 50}},
        horizon_days=73,
        costs={**COSTS, "capacity_per_pack_year": 10},
        warehouse={"capacity": 1000},
    )
    assert cost_of(s) == pytest.approx(0.2 * (4 * 3_650_000 + 1000 * 10) + 50 * 1000)
    assert cost_of(scenario()) == 0


def test_the_cheapest_that_surely_meets_it_is_chosen_and_the_rest_explained():
    """2 kitchens (140 a week) always miss; 3 and 4 never do: 3 is chosen, 4 is the runner-up.

    No miss in any of 60 replications bounds the rate at 1 - 0.05**(1/60) = 4.9% with 95%
    confidence, however the lines cluster: enough to meet 5% (5 replications would not be).
    """
    policies = {f"k{n}": {"kitchens.k.count": n} for n in (2, 3, 4)}
    answer = cheapest(kitchens(policies), "quota_miss_rate<=0.05", replications=60, workers=1)
    assert answer.chosen == "k3"
    why = dict(zip(answer.table.candidate, published(answer)["why"], strict=True))
    assert why["k3"].startswith("CHOSEN")
    assert why["k4"].startswith("meets it")
    assert "costs more than k3" in why["k4"]
    assert why["k2"].startswith("ruled out")
    assert why["baseline"].startswith("ruled out")
    assert list(answer.table.cost) == sorted(answer.table.cost)
    assert "the runner-up, k4, costs Rp 2,920,000" in sim.say(answer)


def test_an_estimate_that_meets_the_target_is_not_enough_without_the_confidence():
    """Poisson kitchens whose miss rate is near the bound: the mean meets it, the bound not."""
    s = kitchens({"noisy": {"kitchens.k.count": 3}})
    s = sim.derive(s, {"kitchens.k.daily_output": {"distribution": "poisson", "mean": 10}})
    first = cheapest(s, "quota_miss_rate<=0.5", replications=4, seed=2, workers=1)
    row = first.table.set_index("candidate").loc["noisy"]
    between = (row["mean"] + row["bound"]) / 2  # the estimate meets it; its 95% bound does not
    answer = cheapest(s, f"quota_miss_rate<={between}", replications=4, seed=2, workers=1)
    row = answer.table.set_index("candidate").loc["noisy"]
    assert row["mean"] <= between < row["bound"]
    assert not row["qualifies"]
    assert answer.chosen is None
    assert "No candidate meets" in sim.say(answer)


def test_costs_name_what_exists(write_yaml):
    """A cost for a kitchen group nobody has is refused, with its line."""
    text = to_yaml(scenario()).replace(
        "buyers:", "costs:\n  kitchen_per_year: {ghosts: 5}\nbuyers:", 1
    )
    path = write_yaml(text)
    done = cli("run", path)
    assert done.returncode == 2
    assert "costs.kitchen_per_year.ghosts" in done.stderr
    assert "unknown kitchen group 'ghosts'" in done.stderr


def test_the_command_answers_on_the_balikpapan_scenario_and_refuses_without_costs(tmp_path):
    """Exit 0 with a chosen policy; exit 2 with one line when a scenario has no costs."""
    done = cli(
        "cheapest",
        ROOT / "scenarios" / "balikpapan.yaml",
        "--where",
        "quota_miss_rate<=0.35",
        "--replications",
        "100",
        "--out",
        tmp_path / "cheap",
        "--report",
    )
    assert done.returncode == 0, done.stderr
    assert "quota-at-90pct is the cheapest candidate" in done.stdout
    assert (tmp_path / "cheap" / "cheapest.csv").exists()
    assert "Which is the cheapest way" in (tmp_path / "cheap" / "report.html").read_text()
    plain = tmp_path / "plain.yaml"
    plain.write_text(to_yaml(scenario()), encoding="utf-8")
    refused = cli("cheapest", plain)
    assert refused.returncode == 2
    assert "no costs: section" in refused.stderr


def test_no_miss_in_too_few_replications_is_not_enough_to_be_sure():
    """5 replications without a miss bound the rate at 45%, not 0: no candidate is chosen."""
    policies = {f"k{n}": {"kitchens.k.count": n} for n in (3, 4)}
    answer = cheapest(kitchens(policies), "quota_miss_rate<=0.05", replications=5, workers=1)
    assert answer.chosen is None
    assert set(answer.table.outcome) == {"not sure"}
    assert answer.table.bound.min() == pytest.approx(1 - 0.05 ** (1 / 5))


def test_a_shortfall_never_seen_is_bounded_by_the_most_it_could_be():
    """3 and 4 kitchens never fall short: bounded as a share of the most a line owes (205).

    If none of 60 replications fell short, P(short) <= 1 - 0.05**(1/60) with 95% confidence,
    and the mean shortfall <= 205 x that = 10.2 (a line owes at most its quota).
    """
    policies = {f"k{n}": {"kitchens.k.count": n} for n in (3, 4)}
    answer = cheapest(kitchens(policies), "mean_shortfall<=20", replications=60, workers=1)
    assert answer.chosen == "k3"
    bound = answer.table.set_index("candidate").loc["k3", "bound"]
    assert bound == pytest.approx(205 * (1 - 0.05 ** (1 / 60)))
    loose = cheapest(kitchens(policies), "mean_shortfall<=5", replications=60, workers=1)
    assert loose.chosen is None
    assert "not surely yet: ask for more replications" in sim.say(loose)


def test_equal_candidates_are_said_equal_and_the_advice_fits_the_estimates():
    """Two ways to 3 kitchens: same cost, same estimate; a target no one meets even on average."""
    policies = {"three": {"kitchens.k.count": 3}, "also-three": {"kitchens.k.count": 3}}
    answer = cheapest(kitchens(policies), "quota_miss_rate<=0.05", replications=60, workers=1)
    why = dict(zip(answer.table.candidate, published(answer)["why"], strict=True))
    assert why["also-three"] == "meets it (bound 4.87%) at the same cost and estimate as three"
    hopeless = cheapest(
        kitchens({"two": {"kitchens.k.count": 2}}), "fill_rate>=0.99", replications=5, workers=1
    )
    assert "nor even on average" in sim.say(hopeless)


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("quota_miss_rate<=1.5", "--where: quota_miss_rate is a share, from 0 to 1"),
        ("mean_shortfall<=-1", "--where: mean_shortfall is never negative"),
        ("nothing<=1", "--where: unknown KPI 'nothing'"),
    ],
)
def test_a_bound_no_kpi_can_reach_is_refused_naming_the_flag(where, said):
    """A constraint that holds always, or never, decides nothing."""
    with pytest.raises(sim.ScenarioError, match=said):
        cheapest(kitchens({"k3": {"kitchens.k.count": 3}}), where, replications=5, workers=1)

"""Inverse questions answered by bisection, on scenarios whose answers are known exactly."""

from __future__ import annotations

import pytest

import sim
from sim.experiments.target import Goal, target

from conftest import scenario

MISS_5 = Goal("quota_miss_rate", 0.05, at_most=True)
STRICT_5 = Goal("quota_miss_rate", 0.05, at_most=True, conservative=True)
NOBODY = Goal("quota_miss_rate", 0.1, at_most=True, buyer="nobody")
NO_Q = Goal("quota_miss_rate", 0.1, at_most=True, product="q")


def constant_kitchens(quota: int = 205) -> sim.Scenario:
    """Kitchens of exactly 10 packs a day: n kitchens ship 70n a week."""
    return scenario({"buyers.b.quota.p": quota}, horizon_days=28)


def test_smallest_number_of_kitchens_meeting_the_quota():
    """205 a week needs 3 kitchens (210); 2 (140) miss every time."""
    answer = target(
        constant_kitchens(), "kitchens.k.count", MISS_5, low=1, high=10, replications=2, workers=1
    )
    assert (answer.seeking, answer.value, answer.neighbour) == ("smallest", 3, 2)
    assert answer.evaluations[3]["mean"] == 0
    assert answer.evaluations[2]["mean"] == 1


def test_largest_quota_that_can_be_promised():
    """3 kitchens make 210 a week: the largest quota never missed is 210."""
    s = sim.derive(constant_kitchens(), {"kitchens.k.count": 3})
    answer = target(s, "buyers.b.quota.p", MISS_5, low=100, high=400, replications=2, workers=1)
    assert (answer.seeking, answer.value, answer.neighbour) == ("largest", 210, 211)


def test_real_valued_lever_is_bisected_to_the_resolution():
    """210 a week against 250: tolerance 1 - 210/250 = 0.16 is the smallest that never misses."""
    s = sim.derive(constant_kitchens(250), {"kitchens.k.count": 3})
    answer = target(
        s,
        "buyers.b.tolerance",
        MISS_5,
        low=0.0,
        high=0.5,
        resolution=1e-4,
        replications=2,
        workers=1,
    )
    assert answer.seeking == "smallest"
    assert 0.16 <= answer.value <= 0.16 + 1e-4
    assert answer.neighbour < 0.16


def test_a_target_out_of_reach_is_said_plainly():
    """No count in [1, 2] makes 205 a week: no answer, and the text says NOT MET."""
    answer = target(
        constant_kitchens(), "kitchens.k.count", MISS_5, low=1, high=2, replications=2, workers=1
    )
    assert answer.value is None
    assert not answer.met
    assert "NOT MET" in answer.describe()


def test_a_target_met_at_the_bound_says_the_answer_may_lie_beyond():
    """Already met at the lower bound: the answer is the bound, flagged as such."""
    answer = target(
        constant_kitchens(), "kitchens.k.count", MISS_5, low=4, high=8, replications=2, workers=1
    )
    assert answer.value == 4
    assert answer.neighbour is None
    assert "may lie beyond" in answer.describe()


def test_at_least_and_scopes():
    """Fill rate at least 0.99 for buyer b and product p: 3 kitchens (2 give 140/205)."""
    goal = Goal("fill_rate", 0.99, at_most=False, buyer="b", product="p")
    answer = target(
        constant_kitchens(), "kitchens.k.count", goal, low=1, high=6, replications=2, workers=1
    )
    assert answer.value == 3


def test_conservative_goal_uses_the_confidence_bound():
    """Noisy output: the whole CI must meet the target, so the answer is never smaller."""
    s = scenario(
        {
            "kitchens.k.daily_output": {"distribution": "poisson", "mean": 10},
            "buyers.b.quota.p": 205,
        },
        horizon_days=91,
    )
    kwargs = {"low": 1, "high": 10, "replications": 10, "seed": 3, "workers": 1}
    plain = target(s, "kitchens.k.count", MISS_5, **kwargs)
    strict = target(
        s,
        "kitchens.k.count",
        Goal("quota_miss_rate", 0.05, at_most=True, conservative=True),
        **kwargs,
    )
    assert strict.value >= plain.value


@pytest.mark.parametrize(
    ("lever", "goal", "message"),
    [
        ("name", MISS_5, "must lead to a number"),
        ("kitchens.k.nothing", MISS_5, "no 'nothing' here"),
        (
            "kitchens.k.count",
            Goal("quota_miss_rate", 0.1, at_most=True, buyer="nobody"),
            "unknown buyer",
        ),
        (
            "kitchens.k.count",
            Goal("quota_miss_rate", 0.1, at_most=True, product="q"),
            "does not buy 'q'",
        ),
    ],
)
def test_questions_that_make_no_sense_are_refused(lever, goal, message):
    """Unknown scope, a lever that is not a number or does not exist."""
    with pytest.raises(sim.ScenarioError, match=message):
        target(constant_kitchens(), lever, goal, replications=2, workers=1)

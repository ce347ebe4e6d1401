"""Inverse questions answered by bisection, on scenarios whose answers are known exactly."""

from __future__ import annotations

import pytest

import sim
from sim.experiments.target import Goal, TargetResult, target
from sim.reporting.kinds.target import words as target_words
from sim.results import theory

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
    assert "NOT MET" in sim.say(answer)


def test_a_target_met_at_the_bound_says_the_answer_may_lie_beyond():
    """Already met at the lower bound: the answer is the bound, flagged as such."""
    answer = target(
        constant_kitchens(), "kitchens.k.count", MISS_5, low=4, high=8, replications=2, workers=1
    )
    assert answer.value == 4
    assert answer.neighbour is None
    assert "may lie beyond" in sim.say(answer)


def test_at_least_and_scopes():
    """Fill rate at least 0.99 for buyer b and product p: 3 kitchens (2 give 140/205)."""
    goal = Goal("fill_rate", 0.99, at_most=False, buyer="b", product="p")
    answer = target(
        constant_kitchens(), "kitchens.k.count", goal, low=1, high=6, replications=2, workers=1
    )
    assert answer.value == 3


def test_conservative_goal_uses_the_confidence_bound():
    """Noisy output: the whole CI must meet the target, so the answer is never smaller.

    80 replications: enough for the CI of a value that never misses to end below 5%
    (1 - 0.025**(1/80) = 4.5%).
    """
    s = scenario(
        {
            "kitchens.k.daily_output": {"distribution": "poisson", "mean": 10},
            "buyers.b.quota.p": 205,
        },
        horizon_days=91,
    )
    kwargs = {"low": 1, "high": 10, "replications": 80, "seed": 3, "workers": 1}
    plain = target(s, "kitchens.k.count", MISS_5, **kwargs)
    strict = target(
        s,
        "kitchens.k.count",
        Goal("quota_miss_rate", 0.05, at_most=True, conservative=True),
        **kwargs,
    )
    assert strict.value >= plain.value


def test_an_unknown_end_of_the_interval_may_meet_the_goal_but_is_not_sure_to():
    """No spread seen in the shortfall: its upper end is unknown (None), not the mean."""
    goal = Goal("mean_shortfall", 1.0, at_most=True, conservative=True)
    unknown = {"mean": 0.0, "ci95": [0.0, None]}
    assert not goal.met(unknown)
    assert not goal.met(unknown, "pessimistic")
    assert goal.met(unknown, "optimistic")
    assert goal.met(unknown, "estimate")


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


def poisson_kitchens() -> sim.Scenario:
    """4 kitchens of Poisson(25) a day, a weekly quota, nothing carried over, 52 weeks.

    A week's quota ``q`` is missed with probability P(Poisson(700) < q)
    (``theory.poisson_miss_probability``), the same every week: the miss rate's mean.
    """
    return scenario(
        {
            "kitchens.k.count": 4,
            "kitchens.k.daily_output": {"distribution": "poisson", "mean": 25},
            "warehouse.leftover": "clear",
        },
        horizon_days=364,
    )


def largest_quota_at(p: float) -> int:
    """The exact answer: the largest weekly quota missed with probability at most ``p``."""
    q = 700
    while theory.poisson_miss_probability(4, 25, 7, q) > p:
        q -= 1
    return q


def quota_answer(seed: int, replications: int) -> TargetResult:
    """The largest quota promised at 95% reliability, as the simulation finds it."""
    return target(
        poisson_kitchens(),
        "buyers.b.quota.p",
        MISS_5,
        low=500,
        high=800,
        replications=replications,
        seed=seed,
        workers=1,
    )


def test_the_answer_comes_with_a_confidence_interval_in_the_levers_units():
    """The interval holds the exact answer, holds the estimate, and narrows with replications.

    Over seeds, it holds the exact answer at least as often as a 95% interval should (it is
    made by inverting the metric's 95% CI at each value): 12 seeds, at least 10 must hold it
    (for a true coverage of 95%, fewer would happen with probability 2%).
    """
    exact = largest_quota_at(0.05)
    few, many = quota_answer(1, 40), quota_answer(1, 320)
    for answer in (few, many):
        lo, hi = answer.interval
        assert lo <= exact <= hi
        assert lo <= answer.value <= hi
        assert not answer.open_ends[1]  # the quotas that surely fail end it above
    assert many.interval[1] - many.interval[0] < (few.interval[1] - few.interval[0]) / 2
    assert "(95% CI " in sim.say(many)
    covered = sum(
        a.interval[0] <= exact <= a.interval[1] for a in (quota_answer(s, 40) for s in range(12))
    )
    assert covered >= 10


def test_precision_adds_replications_at_each_value_until_the_ci_is_narrow_enough():
    """With a precision, every value evaluated ends with a CI that narrow (or at the cap)."""
    answer = target(
        poisson_kitchens(),
        "buyers.b.quota.p",
        MISS_5,
        low=600,
        high=700,
        replications=10,
        seed=2,
        workers=1,
        precision=sim.Precision(0.01, max_replications=400),
    )
    table = answer.table
    narrow = (table.ci_hi - table.ci_lo) / 2 <= 0.01
    assert (narrow | (table.replications == 400)).all()
    assert (table.replications > 10).any()


def test_the_answer_is_rounded_to_what_its_interval_supports():
    """A 285-wide interval: the answer to the nearest 10, said as "about"."""
    answer = TargetResult(
        constant_kitchens(), "buyers.b.quota.p", MISS_5, 1, 100, 200, 4000, value=1331
    )
    answer.interval = (1215, 1500)
    said = target_words(answer.document())
    assert said["answer"] == "about 1,330 (95% CI 1,215 to 1,500)"
    answer.interval, answer.open_ends = (1331, 4000), (False, True)
    said = target_words(answer.document())
    assert said["answer"] == "about 1,300 (95% CI 1,331 to at least 4,000)"

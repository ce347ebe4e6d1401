"""Where a lever's KPI crosses a target: bisection, and the answer's confidence interval.

Used by ``sim.experiments.target``; every evaluation there runs with the same seed (common
random numbers), so the KPI is a smooth, nearly monotone function of the lever.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sim.i18n import Message
from sim.scenario.loading import derive
from sim.scenario.messages import ScenarioError, show
from sim.scenario.overrides import read_value

if TYPE_CHECKING:
    from sim.experiments.target import Goal, TargetResult
    from sim.scenario.schema import Scenario


def bisect(
    answer: TargetResult, estimate: Callable[[float], dict[str, Any]], step: float, integer: bool
) -> None:
    """Fill in the answer: which way to seek, the value and its neighbour, and its interval.

    The interval inverts a test (Casella & Berger 2002, section 9.2.1): a lever value belongs to
    the 95% confidence set of the answer when the 95% CI of the metric there contains the
    bound, i.e. when a test of "the metric equals the bound here" does not reject. With the
    metric monotone in the lever (and smooth under common random numbers) the set is an
    interval, found by bisecting for where each end of the CI crosses the bound.
    """
    goal, lo, hi = answer.goal, answer.low, answer.high
    lo_ok, hi_ok = goal.met(estimate(lo)), goal.met(estimate(hi))
    e_lo, e_hi = estimate(lo)["mean"], estimate(hi)["mean"]
    better_up = e_hi < e_lo if goal.at_most else e_hi > e_lo
    # Both meet or neither: the answer lies at or beyond a bound, or nowhere in them.
    smallest = (better_up or (lo_ok and e_hi == e_lo)) if lo_ok == hi_ok else hi_ok
    answer.seeking = "smallest" if smallest else "largest"

    def edge(side: str | None) -> tuple[float | None, float | None]:
        return _edge(answer, lambda x: goal.met(estimate(x), side), step, integer)

    answer.value, answer.neighbour = edge(None)
    optimistic, open_near = edge("optimistic")
    pessimistic, __ = edge("pessimistic")
    if optimistic is None:  # not even the CI's better end meets it: no answer, no interval
        return
    far = hi if smallest else lo
    ends = (optimistic, far if pessimistic is None else pessimistic)
    opens = (open_near is None, pessimistic is None)
    if not smallest:
        ends, opens = ends[::-1], opens[::-1]
    answer.interval, answer.open_ends = (min(ends), max(ends)), opens


def _edge(
    answer: TargetResult, meets: Callable[[float], bool], step: float, integer: bool
) -> tuple[float | None, float | None]:
    """Bisect for the smallest (or largest, as ``answer.seeking``) value meeting ``meets``.

    Returns it and its neighbour that does not meet; ``(None, None)`` when no value in the
    bounds meets, and ``(bound, None)`` when the nearest bound already does.
    """
    good, bad = (
        (answer.high, answer.low) if answer.seeking == "smallest" else (answer.low, answer.high)
    )
    if not meets(good):
        return None, None
    if meets(bad):
        return bad, None
    while abs(good - bad) > step:
        mid = (good + bad) / 2
        mid = math.floor(mid) if integer and good > bad else math.ceil(mid) if integer else mid
        if meets(mid):
            good = mid
        else:
            bad = mid
    return good, bad


def search_range(
    scenario: Scenario,
    lever: str,
    goal: Goal,
    *,
    low: float | None = None,
    high: float | None = None,
    resolution: float | None = None,
) -> tuple[float, float, float, bool]:
    """Check the question makes sense; return (low, high, step, whole numbers?) to search.

    Raises:
        ScenarioError: Unknown buyer or product, a lever that is not a number, bad bounds.
    """
    _check_scope(scenario, goal)
    current = read_value(scenario, lever)
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise ScenarioError(
            [
                Message(
                    "--lever {lever}: must lead to a number, it is {value}",
                    lever=lever,
                    value=repr(current),
                )
            ]
        )
    integer = isinstance(current, int)
    lo = _bound(low, current / 4, integer)
    hi = _bound(high, current * 4, integer)
    if not lo < hi:
        raise ScenarioError(
            [Message("--low/--high: need low < high, got low={low}, high={high}", low=lo, high=hi)]
        )
    if resolution is not None and resolution <= 0:
        raise ScenarioError([Message("--resolution: must be > 0, got {value}", value=resolution)])
    for flag, end in (("--low", lo), ("--high", hi)):  # a scenario at each end, checked now
        derive(scenario, {lever: end}, partial(_blame, flag))
    return lo, hi, 1 if integer else (resolution or (hi - lo) / 1000), integer


def _blame(flag: str, _path: str, value: Any) -> str:
    """A problem at an end of the range is the flag's (or its default's): ``--low 0``."""
    return f"{flag} {show(value)}"


def _check_scope(scenario: Scenario, goal: Goal) -> None:
    buyers = {b.name: b for b in scenario.buyers}
    if goal.buyer is not None and goal.buyer not in buyers:
        raise ScenarioError(
            [
                Message(
                    "--buyer: unknown buyer {buyer} (buyers: {buyers})",
                    buyer=repr(goal.buyer),
                    buyers=", ".join(buyers),
                )
            ]
        )
    bought = {p for b in buyers.values() for p in b.quota if goal.buyer in (None, b.name)}
    if goal.product is not None and goal.product not in bought:
        values = {
            "buyer": repr(goal.buyer),
            "product": repr(goal.product),
            "bought": ", ".join(sorted(bought)),
        }
        said = (
            Message("--product: buyer {buyer} does not buy {product} (bought: {bought})", **values)
            if goal.buyer
            else Message("--product: any buyer does not buy {product} (bought: {bought})", **values)
        )
        raise ScenarioError([said])


def _bound(given: float | None, default: float, integer: bool) -> float:
    value = default if given is None else given
    return round(value) if integer else float(value)

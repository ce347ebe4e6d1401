"""Properties that hold for every scenario, checked on random ones with Hypothesis."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.engine.replication import PRODUCT_FIELDS, simulate
from sim.engine.shipments import LINE_FIELDS

from strategies import scenarios

COLUMNS = LINE_FIELDS
seeds = st.integers(min_value=0, max_value=2**32)
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def table(lines: np.ndarray) -> pd.DataFrame:
    """Shipment lines with named columns."""
    return pd.DataFrame(lines, columns=list(COLUMNS))


@quick
@given(scenarios(), seeds)
def test_every_pack_is_accounted_for_and_stock_is_never_negative(s, seed):
    """Initial + made = shipped + spoiled + overflow + cleared + on hand; stock >= 0 always."""
    r = simulate(s, seed, 0)
    t = dict(zip(PRODUCT_FIELDS, r.products.T, strict=True))
    gone = sum(t[field] for field in PRODUCT_FIELDS[2:])
    assert (t["initial_stock"] + t["made"] == gone).all()
    assert (r.stock >= 0).all()
    assert (r.stock[:, -1] == t["on_hand_end"]).all()
    if s.warehouse.capacity is not None:
        assert (r.stock.sum(axis=0) <= s.warehouse.capacity).all()
    for p, name in enumerate(s.products):
        if name in s.warehouse.max_stock:  # an initial stock above the limit only drains
            limit = max(s.warehouse.max_stock[name], s.warehouse.initial_stock.get(name, 0))
            assert (r.stock[p] <= limit).all()


@quick
@given(scenarios(), seeds)
def test_shipped_never_exceeds_what_is_owed_and_backlog_carries_over(s, seed):
    """0 <= shipped <= quota; quota = contract quota (+ the previous shortfall if backorder)."""
    lines = table(simulate(s, seed, 0).lines)
    assert (lines["shipped"] >= 0).all()
    assert (lines["shipped"] <= lines["quota"]).all()
    for (buyer, _), line in lines.groupby(["buyer", "product"]):
        owed = line["quota"].to_numpy()
        contract = line["contract_quota"].to_numpy()
        if s.buyers[buyer].shortfall == "lost":
            assert (owed == contract).all()
        else:
            backlog = np.r_[0, (owed - line["shipped"].to_numpy())[:-1]]
            assert (owed == contract + backlog).all()


@quick
@given(scenarios(), seeds)
def test_same_seed_gives_the_same_results(s, seed):
    """A replication is a pure function of (scenario, seed, replication number)."""
    a, b = simulate(s, seed, 3), simulate(s, seed, 3)
    assert np.array_equal(a.lines, b.lines)
    assert np.array_equal(a.products, b.products)
    assert np.array_equal(a.stock, b.stock)


@quick
@given(scenarios(), seeds)
def test_adding_a_kitchen_group_leaves_the_other_groups_draws_unchanged(s, seed):
    """Streams are keyed by name: a new group (of a new product) changes nothing else made.

    (Without boosts, whose output follows the stock, which a newcomer can change by taking
    room or cash.)
    """
    data = s.model_dump()
    for group in data["kitchens"]:
        group["boost"] = None
    s = sim.Scenario.model_validate(data)
    data["products"]["extra"] = {}
    data["kitchens"].insert(0, {**data["kitchens"][0], "name": "newcomers", "product": "extra"})
    if data["finance"] is not None:
        data["finance"]["purchase_price"]["extra"] = 1.0
    bigger = sim.Scenario.model_validate(data)
    made = simulate(s, seed, 0).products[:, 1]
    made_bigger = simulate(bigger, seed, 0).products[:, 1]
    assert made_bigger[: len(made)].tolist() == made.tolist()


@quick
@given(scenarios(shelf_life=False), seeds, st.integers(1, 5))
def test_more_kitchens_never_raise_misses_under_common_random_numbers(s, seed, extra):
    """Without shelf life, capacity or backorders, more kitchens can only fill more lines.

    With common random numbers kitchen k draws the same output whatever the group's size,
    so the bigger group's daily output is at least the smaller one's, and so is every stock.
    Mechanisms that react to stock or cash, or draw per delivery, are off: a shared capacity
    or fund lets more of one product crowd out another, a boost eases off as stock grows,
    a batch-size rule moves deliveries to other days, and quality control's draws follow
    the deliveries.
    """
    data = s.model_dump()
    data["warehouse"] |= {"capacity": None, "max_stock": {}, "reject_fraction": 0.0}
    data["finance"] = None
    for group in data["kitchens"]:
        group["boost"] = None
        group["delivery"]["batch_size"] = None
    for buyer in data["buyers"]:
        buyer |= {"shortfall": "lost", "min_shelf_life_days": None, "cancel_after_misses": None}
    s = sim.Scenario.model_validate(data)
    data["kitchens"][0]["count"] += extra
    more = sim.Scenario.model_validate(data)
    missed = LINE_FIELDS.index("missed")
    fewer_missed = simulate(s, seed, 0).lines[:, missed]
    more_missed = simulate(more, seed, 0).lines[:, missed]
    assert (more_missed <= fewer_missed).all()


@settings(max_examples=4, deadline=None)
@given(scenarios(), seeds)
def test_results_do_not_depend_on_the_number_of_workers(s, seed):
    """One seed gives identical tables with 1 worker or 2 worker processes."""
    one = sim.run(s, replications=5, seed=seed, workers=1)
    two = sim.run(s, replications=5, seed=seed, workers=2)
    pd.testing.assert_frame_equal(one.shipments, two.shipments)
    pd.testing.assert_frame_equal(one.products, two.products)
    assert np.array_equal(one.stock, two.stock)
    assert json.dumps(one.document()) == json.dumps(two.document())  # NaN == NaN there

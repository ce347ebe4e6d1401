"""Small deterministic scenarios whose every number can be worked out by hand.

They pin down the event-ordering contract: day d is [d, d+1); output of day d arrives at d+1;
a shipment at t departs after every arrival at times <= t and takes the oldest packs first;
a pack made on day d expires at d + 1 + shelf_life_days and no shipment at or after that time
can take it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.engine.kitchens import produce_in_bulk
from sim.engine.replication import PRODUCT_FIELDS, AccountingError, simulate
from sim.engine.shipments import LINE_FIELDS
from sim.engine.warehouse import Flow, Warehouse
from sim.scenario.distributions import Normal

from conftest import BASE, scenario

COLUMNS = LINE_FIELDS


def lines(s) -> dict[str, list[int]]:
    """Shipment lines of replication 0 as columns."""
    table = simulate(s, seed=0, replication=0).lines
    return {name: table[:, i].tolist() for i, name in enumerate(COLUMNS)}


def totals(s) -> dict[str, list[int]]:
    """Per-product pack totals of replication 0 as columns."""
    table = simulate(s, seed=0, replication=0).products
    return {name: table[:, i].tolist() for i, name in enumerate(PRODUCT_FIELDS)}


def test_a_weekly_shipment_sees_exactly_seven_days_of_output():
    """every_days 7, first_day 7: output of days 0-6 (arriving 1-7) goes on the day-7 ship."""
    s = scenario({"buyers.b.quota.p": 1000})
    got = lines(s)
    assert got["day"] == [7, 14, 21]
    assert got["shipped"] == [70, 70, 70]
    assert totals(s)["on_hand_end"] == [0]


def test_quota_met_exactly_is_not_a_miss_and_one_more_pack_is():
    """Shipped == quota is met; quota 71 against 70 packs misses every time."""
    assert lines(scenario())["missed"] == [0, 0, 0]
    assert lines(scenario({"buyers.b.quota.p": 71}))["missed"] == [1, 1, 1]


def test_shelf_life_spoils_the_oldest_lots_at_the_stated_times():
    """Shelf life 5: lots of days 0 and 1 expire at 6 and 7, before the day-7 shipment."""
    s = scenario({"products.p.shelf_life_days": 5, "buyers.b.quota.p": 100})
    result = simulate(s, seed=0, replication=0)
    assert lines(s)["shipped"] == [50, 50, 50]
    assert totals(s)["spoiled"] == [60]
    # stock at the end of each time 0..21: lots arrive, lot d leaves at d + 6, ship at 7k
    week = [10, 20, 30, 40, 50, 50, 0]
    assert result.stock[0].tolist() == [0, *week, *week, *week]


@pytest.mark.parametrize(("shelf_life", "shipped"), [(6, 60), (7, 70)])
def test_a_pack_expiring_at_departure_time_cannot_be_taken(shelf_life, shipped):
    """Made day 0, shelf life 6: expires at 7, so the day-7 shipment cannot take it."""
    s = scenario(
        {"products.p.shelf_life_days": shelf_life, "buyers.b.quota.p": 100}, horizon_days=7
    )
    assert lines(s)["shipped"] == [shipped]
    assert totals(s)["spoiled"] == [70 - shipped]


def test_backorder_adds_the_shortfall_to_the_next_quota():
    """Quota 80 against 70 a week: owed 80, 90, 100; the contract quota stays 80."""
    got = lines(scenario({"buyers.b.quota.p": 80, "buyers.b.shortfall": "backorder"}))
    assert got["contract_quota"] == [80, 80, 80]
    assert got["quota"] == [80, 90, 100]
    assert got["shipped"] == [70, 70, 70]
    assert got["missed"] == [1, 1, 1]


def test_lost_shortfall_is_forgotten_and_leftover_stock_is_kept():
    """Quota 50 against 70 a week with keep: 20 carried over each week, quota always met."""
    s = scenario({"buyers.b.quota.p": 50})
    assert lines(s)["quota"] == [50, 50, 50]
    assert totals(s)["on_hand_end"] == [60]


def test_leftover_clear_removes_unshipped_stock_after_each_shipment():
    """Quota 50 with clear: 20 packs leave after each shipment."""
    s = scenario({"buyers.b.quota.p": 50, "warehouse.leftover": "clear"})
    assert lines(s)["shipped"] == [50, 50, 50]
    assert totals(s)["cleared"] == [60]
    assert totals(s)["on_hand_end"] == [0]


@pytest.mark.parametrize(("tolerance", "missed"), [(0.05, 0), (0.02, 1)])
def test_tolerance_decides_a_miss(tolerance, missed):
    """70 of 72 packs is within 5% (70 >= 68.4) but not within 2% (70 < 70.56)."""
    got = lines(scenario({"buyers.b.quota.p": 72, "buyers.b.tolerance": tolerance}))
    assert got["missed"] == [missed] * 3


def test_buyers_shipping_at_the_same_time_are_served_in_list_order():
    """Two buyers each owed 50 of a week's 70 packs: the first listed gets 50."""
    first = {"name": "first", "every_days": 7, "quota": {"p": 50}}
    second = {"name": "second", "every_days": 7, "quota": {"p": 50}}
    assert lines(scenario(buyers=[first, second]))["shipped"] == [50, 20] * 3
    swapped = lines(scenario(buyers=[second, first]))
    assert swapped["buyer"] == [0, 1] * 3
    assert swapped["shipped"] == [50, 20] * 3


def test_capacity_turns_away_arrivals_beyond_it():
    """Capacity 35: each week 35 packs are received and 35 overflow."""
    s = scenario({"warehouse.capacity": 35})
    assert lines(s)["shipped"] == [35, 35, 35]
    assert totals(s)["overflow"] == [105]


def test_max_stock_turns_away_deliveries_of_that_product_only():
    """max_stock 35 for p: as capacity 35, but a second product is not crowded out."""
    second = {
        "name": "k2",
        "count": 1,
        "product": "q",
        "daily_output": {"distribution": "constant", "value": 10},
    }
    s = scenario(
        {"warehouse.max_stock": {"p": 35}, "warehouse.capacity": 200},
        products={"p": {}, "q": {}},
        kitchens=[BASE["kitchens"][0], second],
        buyers=[{"name": "b", "every_days": 7, "quota": {"p": 70, "q": 70}}],
    )
    got = lines(s)
    assert got["shipped"] == [35, 70] * 3
    assert totals(s)["overflow"] == [105, 0]


def test_expired_stock_leaves_before_arrivals_at_the_same_time():
    """Capacity 20, shelf life 2: the lot expiring at t frees room for the lot arriving at t."""
    s = scenario(
        {"warehouse.capacity": 20, "products.p.shelf_life_days": 2, "buyers.b.quota.p": 1},
        horizon_days=7,
    )
    assert totals(s)["overflow"] == [0]
    assert lines(s)["shipped"] == [1]


def test_working_days_count_from_the_weekday_of_day_zero():
    """Mon-Fri kitchens: without start_date day 0 is a Monday, so days 5 and 6 are idle."""
    weekdays = {"kitchens.k.working_days": ["mon", "tue", "wed", "thu", "fri"]}
    s = scenario(weekdays, horizon_days=7)
    made_per_day = np.diff(simulate(s, 0, 0).stock[0])
    assert made_per_day.tolist() == [10, 10, 10, 10, 10, 0, 0 - 50]
    wednesday = scenario(weekdays, horizon_days=7, start_date=dt.date(2027, 1, 6))
    made_per_day = np.diff(simulate(wednesday, 0, 0).stock[0])
    assert made_per_day.tolist() == [10, 10, 10, 0, 0, 10, 10 - 50]


def test_groups_making_one_product_pool_their_output():
    """Two groups of one product fill one quota together: 70 + 2 x 5 x 7 = 140 a week."""
    second = {
        "name": "k2",
        "count": 2,
        "product": "p",
        "daily_output": {"distribution": "constant", "value": 5},
    }
    s = scenario({"buyers.b.quota.p": 140}, kitchens=[BASE["kitchens"][0], second])
    assert lines(s)["shipped"] == [140, 140, 140]
    assert totals(s)["made"] == [420]


def test_output_is_rounded_to_whole_packs_and_never_negative():
    """Normal output with a large spread: negative draws count as 0, the rest are whole."""
    group = (
        scenario({"kitchens.k.count": 50})
        .kitchens[0]
        .model_copy(update={"daily_output": Normal(distribution="normal", mean=1, sd=5)})
    )
    rng = np.random.default_rng(0)
    output = produce_in_bulk(
        None,
        0,
        group,
        works=np.ones(100, dtype=bool),
        multiplier=np.ones(100),
        output_rng=rng,
        absence_rng=rng,
    )
    assert output.dtype.kind == "i"
    assert (output >= 0).all()
    # E[rint(max(X, 0))] for X ~ N(1, 5) is about 2.5 per kitchen-day; clipping matters
    assert 50 * 2.2 < output.mean() < 50 * 2.9


def test_initial_stock_is_on_hand_at_time_zero_and_ages_from_the_day_before():
    """A buffer of 30 packs (made day -1, shelf life 5: expires at 5) tops up week one only."""
    s = scenario(
        {
            "warehouse.initial_stock": {"p": 30},
            "products.p.shelf_life_days": 5,
            "buyers.b.quota.p": 100,
        }
    )
    result = simulate(s, 0, 0)
    assert result.stock[0, :2].tolist() == [30, 40]
    assert lines(s)["shipped"] == [50, 50, 50]  # the buffer spoiled at time 5, before day 7
    assert totals(s)["spoiled"] == [30 + 60]
    assert totals(s)["initial_stock"] == [30]
    long_lived = scenario({"warehouse.initial_stock": {"p": 30}, "buyers.b.quota.p": 100})
    assert lines(long_lived)["shipped"] == [100, 70, 70]


def test_broken_books_fail_loudly(monkeypatch):
    """A warehouse that loses a pack on each shipment is caught by the accounting check."""
    take = Warehouse.take

    def leaky_take(self, product, wanted, fresh_until=None):
        taken = take(self, product, wanted, fresh_until)
        self.flows[Flow.SHIPPED, product, int(self.env.now)] -= 1  # book one fewer than shipped
        return taken

    monkeypatch.setattr(Warehouse, "take", leaky_take)
    with pytest.raises(AccountingError, match="do not balance"):
        simulate(scenario(), 0, 0)

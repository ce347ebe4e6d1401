"""Each mechanism on a small scenario whose numbers can be worked out by hand.

The tiny scenario: one kitchen making exactly 10 packs a day, every day; a buyer owed 70 every
7 days. Days and packs below are counted from that.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import sim
from sim.engine.replication import PRODUCT_FIELDS, simulate

from conftest import scenario


def run(s: sim.Scenario) -> sim.Results:
    """One replication, in this process."""
    return sim.run(s, replications=1, seed=0, workers=1)


def packs(s: sim.Scenario) -> dict[str, int]:
    """Per-product pack totals of replication 0 (first product)."""
    return dict(zip(PRODUCT_FIELDS, simulate(s, 0, 0).products[0].tolist(), strict=True))


# --- kitchens -------------------------------------------------------------------------------


def test_local_market_takes_its_share_and_more_during_a_surge():
    """Share 0.3 of 10 packs = 3 a day; a 7-day surge at 0.5 takes 5 a day."""
    monday = dt.date(2027, 1, 4)
    s = scenario(
        {
            "kitchens.k.local_market": {
                "share": 0.3,
                "surges": [{"start": monday, "end": monday + dt.timedelta(days=6), "share": 0.5}],
            },
            "buyers.b.quota.p": 1000,
        },
        start_date=monday,
    )
    assert run(s).shipments["shipped"].tolist() == [35, 49, 49]
    assert packs(s)["sold_locally"] == 7 * 5 + 14 * 3


def test_deliveries_every_few_days_with_transport_time():
    """Every 3 days, 2 days on the road: days 0-2 arrive at 5, 3-5 at 8, 6-8 at 11, ...

    So the day-7 shipment sees 30 packs, the day-14 one the arrivals at 8, 11 and 14.
    """
    s = scenario(
        {"kitchens.k.delivery": {"every_days": 3, "transport_days": 2}, "buyers.b.quota.p": 1000}
    )
    result = simulate(s, 0, 0)
    assert np.diff(result.stock[0])[:8].tolist() == [0, 0, 0, 0, 30, 0, -30, 30]
    assert run(s).shipments["shipped"].tolist() == [30, 90, 60]
    # days 18-20 are delivered on day 20 and arrive at 23, after the 21-day run
    assert packs(s)["undelivered_end"] == 30


def test_a_full_batch_is_delivered_before_its_day_comes():
    """Every 7 days or at 25 packs: a batch leaves after days 2, 5 (30 packs), not 6."""
    s = scenario({"kitchens.k.delivery": {"every_days": 7, "batch_size": 25}}, horizon_days=7)
    arrivals = np.diff(simulate(s, 0, 0).stock[0])
    assert np.flatnonzero(arrivals > 0).tolist() == [2, 5]


def test_boost_raises_output_while_stock_is_low_for_a_limited_run():
    """Below 25 in stock: x2 output for at most 2 days in a row, then a normal day."""
    s = scenario(
        {
            "kitchens.k.boost": {"when_stock_below": 25, "factor": 2, "max_days_in_row": 2},
            "buyers.b.quota.p": 1000,
        },
        horizon_days=7,
    )
    made = np.diff(simulate(s, 0, 0).stock[0])[:6]
    # stock 0 -> 20 -> 40 (>= 25: normal) -> 50 ...: boosted on days 0 and 1 only
    assert made.tolist() == [20, 20, 10, 10, 10, 10]
    assert packs(s)["made"] == 90


def test_absent_kitchens_make_nothing():
    """Every kitchen absent nearly always: hardly anything is made."""
    s = scenario(
        {"kitchens.k.count": 50, "kitchens.k.absence": {"fraction": 0.99, "mean_spell_days": 200}}
    )
    assert packs(s)["made"] < 0.05 * 50 * 10 * 21


# --- supply ---------------------------------------------------------------------------------


def test_monthly_supply_and_a_periodic_dip_multiply_output():
    """January x1, February x0.5; a 2-day dip x0 every 10 days from day 3."""
    monthly = [1.0, 0.5] + [1.0] * 10
    s = scenario(
        {
            "products.p.supply": {
                "monthly": monthly,
                "dip": {"every_days": 10, "length_days": 2, "multiplier": 0, "first_day": 3},
            },
            "buyers.b.quota.p": 1000,
        },
        horizon_days=35,
        start_date=dt.date(2027, 1, 25),  # days 0-6 in January, 7 on in February
    )
    made = np.diff(simulate(s, 0, 0).stock[0])
    made[np.arange(1, 36) % 7 == 0] = -1  # shipment days are not arrivals only
    expected = [10 if d < 7 else 5 for d in range(35)]
    for start in (3, 13, 23, 33):
        for d in (start, start + 1):
            if d < 35:
                expected[d] = 0
    got = made.tolist()
    assert [g for g, e in zip(got, expected, strict=True) if g >= 0] == [
        e for g, e in zip(got, expected, strict=True) if g >= 0
    ]


def test_a_shock_hits_only_its_scope():
    """A shock that is always on (x0.5) hits product p's kitchens, not q's."""
    second = {
        "name": "k2",
        "count": 1,
        "product": "q",
        "daily_output": {"distribution": "constant", "value": 10},
    }
    always = {
        "name": "lpg",
        "per_year": 36_500,  # the most allowed: every day is hit
        "duration_days": {"distribution": "constant", "value": 400},
        "multiplier": 0.5,
        "products": ["p"],
    }
    s = scenario(
        products={"p": {}, "q": {}},
        kitchens=[scenario().model_dump()["kitchens"][0], second],
        buyers=[{"name": "b", "every_days": 7, "quota": {"p": 70, "q": 70}}],
        shocks=[always],
    )
    made = simulate(s, 0, 0).products[:, PRODUCT_FIELDS.index("made")]
    assert made.tolist() == [105, 210]


# --- warehouse ------------------------------------------------------------------------------


def test_quality_control_rejects_its_share_before_anything_else():
    """Rejected packs are not received, not paid, not shipped; about 10% of 100 x 21 x 10."""
    s = scenario({"kitchens.k.count": 100, "warehouse.reject_fraction": 0.1})
    p = packs(s)
    n = 100 * 10 * 21
    assert abs(p["rejected"] - 0.1 * n) < 4 * np.sqrt(n * 0.1 * 0.9)


# --- buyers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "freshness", [{"min_shelf_life_days": 5}, {"min_shelf_life_fraction": 0.5}]
)
def test_buyers_take_only_packs_with_enough_shelf_life_left(freshness):
    """Shelf life 10: 5 days left at day 7 means expiry >= 12, i.e. made on day 1 or later."""
    s = scenario(
        {"products.p.shelf_life_days": 10, "buyers.b.quota.p": 1000}
        | {f"buyers.b.{k}": v for k, v in freshness.items()},
        horizon_days=7,
    )
    assert run(s).shipments["shipped"].tolist() == [60]


def test_transit_and_due_date_decide_arrival_on_time():
    """Transit 5 days: due within 5 days of the scheduled day is on time, within 4 late."""
    for due, on_time in ((5, True), (4, False)):
        s = scenario(
            {
                "buyers.b.transit_days": {"distribution": "constant", "value": 5},
                "buyers.b.due_days": due,
            }
        )
        shipments = run(s).shipments
        assert shipments["arrival_day"].tolist() == [12, 19, 26]
        assert shipments["on_time"].tolist() == [on_time] * 3


def test_a_buyer_cancels_after_missed_shipments_in_a_row_and_stops_shipping():
    """Quota 80 against 70 a week: missed every time; cancelled after the second, on day 14.

    The third line, on day 21, is lost to the cancellation: missed, nothing shipped, no
    departure; the miss rate counts it, the longest run of the kitchens' misses does not.
    """
    s = scenario({"buyers.b.quota.p": 80, "buyers.b.cancel_after_misses": 2})
    results = run(s)
    lines = results.shipments
    assert lines["day"].tolist() == [7, 14, 21]
    assert lines["cancelled"].tolist() == [False, False, True]
    assert lines["shipped"].tolist() == [70, 70, 0]
    assert lines["departure_day"].isna().tolist() == [False, False, True]
    assert lines["missed"].all()
    assert results.contracts["cancelled_day"].tolist() == [14]
    kpis = results.kpis()
    assert kpis["lost_to_cancellation"].tolist() == [1 / 3]
    assert kpis["longest_miss_run"].tolist() == [2]
    contract = results.document()["buyers"]["b"]["contract"]
    assert contract["survival"]["mean"] == 0


def test_after_cancellation_nothing_is_cleared_on_the_buyers_old_days():
    """With leftover: clear, stock leaves only after real shipments: none after day 7 here."""
    s = scenario(
        {
            "buyers.b.quota.p": 80,
            "buyers.b.cancel_after_misses": 1,
            "warehouse.leftover": "clear",
        }
    )
    p = packs(s)
    assert (p["shipped"], p["cleared"], p["on_hand_end"]) == (70, 0, 140)


# --- finance --------------------------------------------------------------------------------


def test_without_cash_deliveries_are_turned_away_until_the_buyer_pays():
    """Fund 35 at 1 a pack: bought at times 1-3 and 5 packs at 4; turned away at 4-9.

    The day-7 shipment (35 packs) pays 2 x 35 at time 10, before that day's delivery is
    bought; the day-14 one (50 packs) pays 100 at 17; from then cash never runs short.
    """
    s = scenario(
        {
            "finance": {"fund": 35, "purchase_price": {"p": 1}},
            "buyers.b.price": {"p": 2},
            "buyers.b.payment_days": 3,
        }
    )
    r = simulate(s, 0, 0)
    assert r.cash.tolist() == [
        35,
        25,
        15,
        5,
        *[0] * 6,
        60,
        50,
        40,
        30,
        20,
        10,
        0,
        90,
        80,
        70,
        60,
        50,
    ]
    assert run(s).shipments["shipped"].tolist() == [35, 50, 70]
    assert r.unpaid_days == 6

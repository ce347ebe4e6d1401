"""Calendars: holidays and joint leave, Lebaran, closures, port closures that delay shipments."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import sim
from sim.engine.replication import simulate
from sim.scenario.calendar import Calendar

from conftest import scenario

MONDAY = dt.date(2027, 1, 4)


def day(date: dt.date) -> int:
    """Day number of a date, counted from the Monday 2027-01-04."""
    return (date - MONDAY).days


def open_days(**calendar) -> np.ndarray:
    """Whether kitchens working every day are open, over 2027, with this calendar."""
    s = scenario({"calendar": calendar}, horizon_days=360, start_date=MONDAY)
    return Calendar(s).kitchens_open(list(s.kitchens[0].working_days))[:360]


def test_public_holidays_and_joint_leave_close_the_kitchens():
    """2027 (SKB list, domain notes §6): 5 Jan holiday, 5 Feb and 9 Mar joint leave; 4 Jan open."""
    works = open_days(holidays=True)
    for date in (
        dt.date(2027, 1, 5),
        dt.date(2027, 2, 5),
        dt.date(2027, 3, 9),
        dt.date(2027, 8, 17),
    ):
        assert not works[day(date)], date
    assert works[day(dt.date(2027, 1, 4))]
    assert works[day(dt.date(2027, 1, 6))]
    # 17 public holidays and 8 joint-leave days fall in 2027 (holidays package, domain notes §6);
    # the horizon ends on 30 Dec, after the last of them.
    assert 20 <= (~works).sum() <= 25


def test_lebaran_closes_kitchens_from_before_to_after_eid():
    """Eid al-Fitr 2027 is 10 March (estimated): -7..+7 days closes 3-17 March, 15 days."""
    works = open_days(lebaran={"before_days": 7, "after_days": 7})
    closed = [MONDAY + dt.timedelta(days=int(d)) for d in np.flatnonzero(~works)]
    assert closed == [dt.date(2027, 3, 3) + dt.timedelta(days=i) for i in range(15)]


def test_closures_by_date_and_around_eid_al_adha():
    """A dated closure, and one around Eid al-Adha (17 May 2027, estimated)."""
    works = open_days(
        closures=[
            {"start": dt.date(2027, 6, 1), "end": dt.date(2027, 6, 2)},
            {"around": "eid_al_adha", "after_days": 1},
        ]
    )
    closed = [MONDAY + dt.timedelta(days=int(d)) for d in np.flatnonzero(~works)]
    assert closed == [
        dt.date(2027, 5, 17),
        dt.date(2027, 5, 18),
        dt.date(2027, 6, 1),
        dt.date(2027, 6, 2),
    ]


def test_a_shipment_on_a_closed_port_day_departs_on_the_next_open_day():
    """Port closed on days 7-8: the day-7 shipment leaves on day 9 with 90 packs, 2 days late."""
    s = scenario(
        {
            "calendar.port_closures": [
                {"start": MONDAY + dt.timedelta(days=7), "end": MONDAY + dt.timedelta(days=8)}
            ],
            "buyers.b.quota.p": 1000,
        },
        start_date=MONDAY,
    )
    lines = simulate(s, 0, 0).lines
    results = sim.run(s, replications=1, workers=1).shipments
    assert results["departure_day"].tolist() == [9, 14, 21]
    assert results["delay_days"].tolist() == [2, 0, 0]
    assert results["shipped"].tolist() == [90, 50, 70]
    assert len(lines) == 3


def test_dates_need_a_start_date():
    """Holidays, Lebaran and dated windows need to know day 0's date."""
    with pytest.raises(sim.ScenarioError, match=r"calendar\.holidays: needs start_date"):
        scenario({"calendar.holidays": True})

"""Which days kitchens work: weekly working days, counted from the weekday of day 0.

Day 0 is ``start_date`` when the scenario gives one, otherwise a Monday.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.scenario import WEEKDAYS, Weekday


def weekday_of_day0(start_date: dt.date | None) -> int:
    """Return the weekday of day 0, Monday = 0."""
    return 0 if start_date is None else start_date.weekday()


def working_mask(
    working_days: list[Weekday], horizon_days: int, start_date: dt.date | None
) -> np.ndarray:
    """Return one boolean per day ``0..horizon_days-1``: does the kitchen work that day?"""
    weekday = (np.arange(horizon_days) + weekday_of_day0(start_date)) % 7
    works = np.array([day in working_days for day in WEEKDAYS])
    return works[weekday]

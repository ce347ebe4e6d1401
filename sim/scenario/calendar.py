"""Which days kitchens work and shipments can leave: weekdays, holidays, Lebaran, closures.

Day 0 is ``start_date`` when the scenario gives one, otherwise a Monday (and then nothing that
needs a date is allowed). Indonesian public holidays, joint-leave (cuti bersama) days and the
dates of Eid come from the ``holidays`` package, never from a hand-typed list; its dates for
years not yet decreed are marked "estimated" there.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np

from sim.scenario.fields import WEEKDAYS, Weekday
from sim.scenario.mechanisms import AroundEid, Window
from sim.scenario.schema import Scenario

_EID_NAMES = {"eid_al_fitr": "Eid al-Fitr", "eid_al_adha": "Eid al-Adha"}


# Masks reach this far past the horizon, so that a port closure running past the end of the
# run still says when the next departure can be.
_BEYOND = 366


class Calendar:
    """The days of one scenario's run, as boolean masks indexed by day from 0.

    Masks run a year past the horizon, so a shipment delayed past the end knows its day.
    """

    def __init__(self, scenario: Scenario) -> None:
        """Work out the dates (if any) of every day of the run."""
        self.scenario = scenario
        self.size = scenario.horizon_days + 1 + _BEYOND
        start = scenario.start_date
        self.dates = (
            None if start is None else [start + dt.timedelta(days=d) for d in range(self.size)]
        )
        self.weekday = (np.arange(self.size) + (0 if start is None else start.weekday())) % 7

    def kitchens_open(self, working_days: list[Weekday]) -> np.ndarray:
        """Return, per day, whether kitchens with these weekdays work (not closed that day)."""
        works: np.ndarray = np.array([day in working_days for day in WEEKDAYS])[self.weekday]
        open_days: np.ndarray = works & ~self._kitchen_closures()
        return open_days

    def port_open(self) -> np.ndarray:
        """Return, per day, whether shipments can depart."""
        closed = np.zeros(self.size, dtype=bool)
        for window in self.scenario.calendar.port_closures:
            closed |= self.window(window)
        return ~closed

    def month(self) -> np.ndarray:
        """Return the calendar month (1-12) of each day; needs start_date."""
        assert self.dates is not None  # noqa: S101 (the schema requires start_date)
        return np.array([d.month for d in self.dates])

    def window(self, window: Window) -> np.ndarray:
        """Return, per day, whether it lies in the window."""
        if window.around is None:
            assert window.start is not None  # noqa: S101 (the schema requires both dates)
            assert window.end is not None  # noqa: S101
            return self._between(window.start, window.end)
        return self._around(window.around, window.before_days, window.after_days)

    def _kitchen_closures(self) -> np.ndarray:
        c = self.scenario.calendar
        closed = np.zeros(self.size, dtype=bool)
        if c.holidays:
            off = holidays_between(self._first(), self._last())
            closed |= np.array([d in off for d in self.dates or []], dtype=bool)
        if c.lebaran is not None:
            closed |= self._around_lebaran(c.lebaran)
        for window in c.closures:
            closed |= self.window(window)
        return closed

    def _around_lebaran(self, lebaran: AroundEid) -> np.ndarray:
        return self._around("eid_al_fitr", lebaran.before_days, lebaran.after_days)

    def _around(self, holiday: str, before: int, after: int) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        first, last = self._first(), self._last()
        for day in eid_dates(holiday, first.year - 1, last.year + 1):
            mask |= self._between(day - dt.timedelta(days=before), day + dt.timedelta(days=after))
        return mask

    def _between(self, start: dt.date, end: dt.date) -> np.ndarray:
        offsets = np.arange(self.size)
        first = (start - self._first()).days
        last = (end - self._first()).days
        return (offsets >= first) & (offsets <= last)

    def _first(self) -> dt.date:
        assert self.dates is not None  # noqa: S101 (the schema requires start_date)
        return self.dates[0]

    def _last(self) -> dt.date:
        assert self.dates is not None  # noqa: S101 (the schema requires start_date)
        return self.dates[-1]


@cache
def holidays_between(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """Return Indonesian public holidays and joint-leave days from ``first`` to ``last``."""
    import holidays  # noqa: PLC0415 (slow to import; only calendars with holidays need it)

    days = holidays.country_holidays(
        "ID",
        years=range(first.year, last.year + 1),
        categories=("public", "government"),  # government: cuti bersama, joint leave
        language="en_US",
    )
    return frozenset(d for d in days if first <= d <= last)


@cache
def eid_dates(holiday: str, first_year: int, last_year: int) -> tuple[dt.date, ...]:
    """Return the first day of Eid al-Fitr (or al-Adha) in each year, from the holidays package."""
    import holidays  # noqa: PLC0415 (slow to import; only calendars with Eid need it)

    name = _EID_NAMES[holiday]
    days = holidays.country_holidays(
        "ID", years=range(first_year, last_year + 1), categories=("public",), language="en_US"
    )
    return tuple(
        sorted(
            d
            for d, label in days.items()
            if label.startswith(name) and "Second" not in label and "Joint" not in label
        )
    )

"""Day numbers and working-day arithmetic for the simulation.

The simulation counts days as integers (days since 1970-01-01, Arrow's ``date32``), which makes
date arithmetic cheap and lets whole columns become Arrow dates in one cast. Working days come
from ``casegrip.calendar.WorkingCalendar`` (England's bank holidays and the authority's closure
days) and follow its conventions; this index only makes them O(1) for the million or so lookups
a city's five years need.
"""

import calendar as _calendar
from datetime import date
from functools import cache
from itertools import accumulate

from casegrip.calendar import WorkingCalendar

EPOCH = date(1970, 1, 1).toordinal()


def to_day(d: date) -> int:
    return d.toordinal() - EPOCH


def to_date(day: int) -> date:
    return date.fromordinal(day + EPOCH)


@cache
def add_months(day: int, months: int) -> int:
    """The same day of the month ``months`` later (the month's last day if it is shorter)."""
    d = to_date(day)
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return to_day(date(year, month, min(d.day, _calendar.monthrange(year, month)[1])))


def add_years(day: int, years: int) -> int:
    return add_months(day, 12 * years)


class Days:
    """Working days between ``first`` and ``last``, as day numbers."""

    def __init__(self, working: WorkingCalendar, first: date, last: date) -> None:
        self.calendar = working
        self.base = to_day(first)
        self.last = to_day(last)
        flags = [working.is_working_day(to_date(d)) for d in range(self.base, self.last + 1)]
        self.is_wd = bytes(flags)
        # count[i]: working days from ``first`` up to and including day base + i.
        self.count = list(accumulate(flags))
        self.workdays = [self.base + i for i, flag in enumerate(flags) if flag]

    def is_working_day(self, day: int) -> bool:
        return bool(self.is_wd[day - self.base])

    def between(self, start: int, end: int) -> int:
        """Working days after ``start`` up to and including ``end`` (as the calendar counts)."""
        return self.count[end - self.base] - self.count[start - self.base]

    def add(self, day: int, n: int) -> int:
        """The ``n``-th working day after ``day`` (before it when ``n`` is negative)."""
        if n == 0:
            return day
        i = self.count[day - self.base]
        if n < 0:
            i -= self.is_wd[day - self.base]
        return self.workdays[i - 1 + n] if n > 0 else self.workdays[i + n]

    def on_or_after(self, day: int) -> int:
        """``day`` if it is a working day, else the next one."""
        return day if self.is_wd[day - self.base] else self.add(day, 1)

    def on_or_before(self, day: int) -> int:
        return day if self.is_wd[day - self.base] else self.add(day, -1)

"""Working days: England's bank holidays plus an authority's own closure days.

Statutory timescales are in working days (an assessment within 45, an initial conference within
15). Weekends, England's bank holidays (from the ``holidays`` package) and the days the council
closes (configured) are not working days.

Conventions, pinned by tests:
- ``working_days_between(a, b)`` counts the working days after ``a`` up to and including ``b``;
  it is negative when ``b`` is before ``a``, and 0 when they are the same day. A referral on
  Monday 1st and an assessment authorised on Tuesday 2nd took 1 working day.
- ``add_working_days(d, n)`` is the ``n``-th working day after ``d`` (before it when ``n`` is
  negative); ``d`` itself need not be a working day. ``add_working_days(d, 0)`` is ``d``.
- In the calendar table, ``working_day_index`` counts working days from the table's first date
  up to and including each date, so ``index(b) - index(a)`` equals ``working_days_between(a, b)``
  inside any engine, as a join and a subtraction.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cached_property

import holidays
import pyarrow as pa

FIRST_YEAR = 2000
LAST_YEAR = 2040


class WorkingCalendar:
    def __init__(
        self,
        closures: Iterable[date] = (),
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> None:
        self.first = date(first_year, 1, 1)
        self.last = date(last_year, 12, 31)
        self.bank_holidays: dict[date, str] = dict(
            holidays.country_holidays(
                "GB", subdiv="ENG", years=range(first_year, last_year + 1)
            ).items()
        )
        self.closures = frozenset(closures)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays and day not in self.closures

    @cached_property
    def _ordinals(self) -> list[int]:
        """Cumulative working days from ``first`` to each day, for O(1) counting."""
        counts, total = [], 0
        day = self.first
        while day <= self.last:
            total += self.is_working_day(day)
            counts.append(total)
            day += timedelta(days=1)
        return counts

    def _index(self, day: date) -> int:
        offset = (day - self.first).days
        if not 0 <= offset < len(self._ordinals):
            raise ValueError(f"{day} is outside the calendar ({self.first} to {self.last}).")
        return self._ordinals[offset]

    def working_days_between(self, start: date, end: date) -> int:
        return self._index(end) - self._index(start)

    def add_working_days(self, day: date, n: int) -> date:
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def subtract_working_days(self, day: date, n: int) -> date:
        return self.add_working_days(day, -n)

    def table(self, start: date | None = None, end: date | None = None) -> pa.Table:
        """One row a day: date, is_working_day, working_day_index, bank_holiday (name or null)."""
        start, end = start or self.first, end or self.last
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        base = self._index(start) - self.is_working_day(start)
        return pa.table(
            {
                "date": pa.array(days, pa.date32()),
                "is_working_day": pa.array([self.is_working_day(d) for d in days], pa.bool_()),
                "working_day_index": pa.array([self._index(d) - base for d in days], pa.int64()),
                "bank_holiday": pa.array([self.bank_holidays.get(d) for d in days], pa.string()),
            }
        )

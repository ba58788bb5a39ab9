"""The reference engine: every primitive again, in plain Python over plain values.

This is the oracle the engines are checked against (``tests/measures/test_engines_agree.py``),
so it is written to be obviously right rather than fast: days are walked one at a time, lists
are sorted, nothing is clever. Each function means exactly what its namesake in
``primitives.py`` means; read that module's docstrings for the meanings.

Rows are dicts; a "calendar" here is a mapping from each date of the calendar table to whether
it is a working day (``calendar_from_rows`` builds one from the ``calendar`` table's rows).
Dates missing from it lie outside the calendar.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

Row = dict[str, Any]
Calendar = Mapping[date, bool]

ONE_DAY = timedelta(days=1)


def calendar_from_rows(rows: Iterable[Row]) -> dict[date, bool]:
    """The calendar table's rows (date, is_working_day, ...) as {date: is_working_day}."""
    return {row["date"]: bool(row["is_working_day"]) for row in rows}


def _keys(key: str | Sequence[str]) -> list[str]:
    return [key] if isinstance(key, str) else list(key)


def _value(row: Row, value: Any) -> Any:
    """A column of ``row`` when ``value`` is a column name, else the value itself."""
    return row[value] if isinstance(value, str) else value


# -- ages and dates ------------------------------------------------------------------------


def age_in_years(dob: date | None, at: date | None) -> int | None:
    if dob is None or at is None:
        return None
    age = at.year - dob.year
    # Not yet had this year's birthday? (29 February's comes round on 1 March in a common
    # year: (2, 28) is before (2, 29), (3, 1) is not.)
    if (at.month, at.day) < (dob.month, dob.day):
        age -= 1
    return age


def working_days_between(start: date | None, end: date | None, calendar: Calendar) -> int | None:
    if start is None or end is None or start not in calendar or end not in calendar:
        return None
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if calendar[day]:
            count += 1
    return count


def add_working_days(day: date | None, n: int | None, calendar: Calendar) -> date | None:
    if day is None or n is None or day not in calendar:
        return None
    step = ONE_DAY if n >= 0 else -ONE_DAY
    remaining = abs(n)
    while remaining > 0:
        day += step
        if day not in calendar:
            return None
        if calendar[day]:
            remaining -= 1
    return day


def with_working_days_between(
    rows: Iterable[Row], start: str, end: str, calendar: Calendar, name: str
) -> list[Row]:
    return [{**row, name: working_days_between(row[start], row[end], calendar)} for row in rows]


def with_add_working_days(
    rows: Iterable[Row], date: str, n: int | str, calendar: Calendar, name: str
) -> list[Row]:
    return [{**row, name: add_working_days(row[date], _value(row, n), calendar)} for row in rows]


def overlaps(
    start: date | None, end: date | None, period_start: date | None, period_end: date | None
) -> bool:
    if start is None or period_start is None or period_end is None:
        return False
    if start > period_end:
        return False
    return end is None or end >= period_start


# -- events per key ------------------------------------------------------------------------


class _NullFirst:
    """Sorts a value with nulls below everything else."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: "_NullFirst") -> bool:
        if self.value is None:
            return other.value is not None
        if other.value is None:
            return False
        return self.value < other.value  # strings: by code point, as Python compares them

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NullFirst) and self.value == other.value

    __hash__ = None


def latest_before(
    rows: Sequence[Row],
    key: str | Sequence[str],
    date: str,
    at: date | str | None,
    inclusive: bool = True,
    tiebreak: Sequence[str] | None = None,
) -> list[Row]:
    keys = _keys(key)
    if tiebreak is None:
        # The table's columns, in its order: every row is a dict with the same keys in the
        # same order (the order of the table's columns).
        columns = list(rows[0]) if rows else []
        tiebreak = [c for c in columns if c not in keys and c != date]
    best: dict[tuple, Row] = {}
    for row in rows:
        day, bound = row[date], _value(row, at)
        if day is None or bound is None:
            continue
        if not (day <= bound if inclusive else day < bound):
            continue
        group = tuple(row[k] for k in keys)
        if group not in best or _rank(best[group], date, tiebreak) < _rank(row, date, tiebreak):
            best[group] = row
    return list(best.values())


def _rank(row: Row, date: str, tiebreak: Sequence[str]) -> list[_NullFirst]:
    return [_NullFirst(row[date])] + [_NullFirst(row[c]) for c in tiebreak]


def count_in_window(
    rows: Iterable[Row],
    key: str | Sequence[str],
    date: str,
    start: date | str | None,
    end: date | str | None,
    name: str = "n",
) -> list[Row]:
    keys = _keys(key)
    counts: dict[tuple, int] = {}
    for row in rows:
        group = tuple(row[k] for k in keys)
        counts.setdefault(group, 0)
        day, first, last = row[date], _value(row, start), _value(row, end)
        if day is not None and first is not None and last is not None and first <= day <= last:
            counts[group] += 1
    return [{**dict(zip(keys, group, strict=True)), name: n} for group, n in counts.items()]


# -- values --------------------------------------------------------------------------------


def least(*values: Any) -> Any:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def greatest(*values: Any) -> Any:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def median(values: Iterable[float | int | None]) -> float | None:
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2

"""The primitives measures are built from: a small, closed set with one meaning on every engine.

Ibis compiles each primitive for DuckDB, PostgreSQL and Spark, but the same Ibis expression does
not always *mean* the same on each of them (a difference in years is a count of New Years on
DuckDB and completed years on PostgreSQL; string order follows the database's collation on
PostgreSQL and code points elsewhere). Each primitive is therefore written in terms whose meaning
the engines share, or dispatches on the engine where they do not, and its docstring says
precisely what it means. ``tests/measures/test_primitives.py`` pins each meaning as a table of
cases on every engine and on the reference engine (``reference.py``); ``test_engines_agree.py``
checks with generated data that every engine agrees with the reference engine.

Arguments that name columns take a column name (``str``) of the table they belong to, or an Ibis
expression; arguments that are values take a Python value (a ``date``, an ``int``) or an Ibis
expression.

Columns whose names start with ``_cg_`` are the primitives' own scratch columns: tables given to
them must not have such columns.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir


@dataclass(frozen=True)
class Primitive:
    name: str
    meaning: str


PRIMITIVES: tuple[Primitive, ...] = (
    Primitive(
        "age_in_years",
        "completed years at a date; a birthday counts on the day; born 29 February, a year "
        "older on 1 March in a common year",
    ),
    Primitive(
        "with_working_days_between",
        "working days after the start up to and including the end (negative when the end is "
        "first), from the snapshot's calendar",
    ),
    Primitive(
        "with_add_working_days",
        "the n-th working day after a date (before it when n is negative; the date itself "
        "when n is 0)",
    ),
    Primitive(
        "overlaps",
        "an interval (a missing end: still open) shares at least one day with a period, both "
        "ends inclusive",
    ),
    Primitive(
        "latest_before",
        "per key, the latest event on or before a date (or strictly before); ties go to the "
        "greatest values of the other columns",
    ),
    Primitive(
        "count_in_window",
        "per key, the number of events dated within a window, both ends inclusive",
    ),
    Primitive("least", "the smallest of the values given, ignoring nulls"),
    Primitive("greatest", "the largest of the values given, ignoring nulls"),
    Primitive(
        "median",
        "the exact median; with an even count, the mean of the two middle values; nulls ignored",
    ),
)

Column = str | ir.Value
Value = date | int | float | str | None | ir.Value

_PREFIX = "_cg_"


def engine_of(expr: ir.Expr) -> str | None:
    """The engine an expression is bound to ("duckdb", "postgres", "spark"), or None if unbound."""
    backends, _ = expr._find_backends()
    if len(backends) != 1:
        return None
    name = backends[0].name
    return "spark" if name == "pyspark" else name


def _column(table: ir.Table, column: Column) -> ir.Value:
    return table[column] if isinstance(column, str) else column


def _value(value: Value, kind: str | None = None) -> ir.Value:
    if isinstance(value, ir.Value):
        return value
    return ibis.literal(value, type=kind) if kind else ibis.literal(value)


def _value_of(table: ir.Table, value: Value | str, kind: str | None = None) -> ir.Value:
    """A column of ``table`` when ``value`` is a column name, else the value itself."""
    if isinstance(value, str):
        return table[value]
    return _value(value, kind)


def _keys(key: str | Sequence[str]) -> list[str]:
    return [key] if isinstance(key, str) else list(key)


# -- ages and dates ------------------------------------------------------------------------


def age_in_years(dob: Value, at: Value) -> ir.IntegerValue:
    """Completed years of age at ``at``, for someone born on ``dob``; null if either is null.

    The age goes up on the birthday itself. Someone born on 29 February turns a year older on
    1 March in a common year, and on 29 February in a leap year (in English law a person
    attains an age at the start of the anniversary of their birth, and in a common year the
    anniversary of 29 February is 1 March). An ``at`` before ``dob`` gives a negative age
    (-1 on the day before the date of birth).

    Why not Ibis's ``delta(..., unit="year")``: DuckDB counts the New Years crossed
    (31 December 2021 to 1 January 2022 is 1 year), PostgreSQL and Spark count completed years.
    Years, months and days of the month mean the same on every engine, so the age is built
    from them: the difference in years, less one when the birthday (month and day) has not yet
    come round in ``at``'s year.
    """
    dob, at = _value(dob, "date"), _value(at, "date")
    years = at.year().cast("int64") - dob.year().cast("int64")
    day_in_year_at = at.month().cast("int64") * 100 + at.day().cast("int64")
    birthday = dob.month().cast("int64") * 100 + dob.day().cast("int64")
    return years - (day_in_year_at < birthday).ifelse(1, 0).cast("int64")


def _calendar_days(calendar: ir.Table, tag: str) -> ir.Table:
    return calendar.select(
        **{
            f"{_PREFIX}{tag}_day": calendar["date"],
            f"{_PREFIX}{tag}_index": calendar["working_day_index"].cast("int64"),
            f"{_PREFIX}{tag}_working": calendar["is_working_day"],
        }
    )


def with_working_days_between(
    table: ir.Table, start: Column, end: Column, calendar: ir.Table, name: str
) -> ir.Table:
    """``table`` with a column ``name``: the working days after ``start`` up to and including
    ``end``, by ``calendar`` (the snapshot's ``calendar`` table).

    A referral on Monday 1st and an assessment on Tuesday 2nd took 1 working day; the same day
    is 0; an ``end`` before ``start`` is negative (the working days after ``end`` up to and
    including ``start``, negated). Neither date needs to be a working day. Null when either
    date is null or falls outside the calendar table. Computed as a join on the calendar twice
    and a subtraction of ``working_day_index``, so it costs the same on every engine.
    """
    s, e = f"{_PREFIX}start", f"{_PREFIX}end"
    base = table.mutate(**{s: _column(table, start), e: _column(table, end)})
    first, last = _calendar_days(calendar, "s"), _calendar_days(calendar, "e")
    joined = base.left_join(first, base[s] == first[f"{_PREFIX}s_day"]).left_join(
        last, base[e] == last[f"{_PREFIX}e_day"]
    )
    days = joined[f"{_PREFIX}e_index"] - joined[f"{_PREFIX}s_index"]
    kept = [c for c in table.columns if c != name]
    return joined.select(*kept, **{name: days})


def with_add_working_days(
    table: ir.Table, date: Column, n: int | Column, calendar: ir.Table, name: str
) -> ir.Table:
    """``table`` with a column ``name``: the ``n``-th working day after ``date``, by ``calendar``.

    ``n`` is an int or an int column. ``n = 0`` gives ``date`` itself (a working day or not);
    ``n = 1`` the first working day after ``date``; ``n = -1`` the last working day before it.
    Null when ``date`` or ``n`` is null, or when ``date`` or the answer lies outside the
    calendar table.

    How: ``working_day_index`` counts working days up to and including each date, so the
    working day with index ``index(date) + n`` is the answer for ``n > 0``; going back, the
    first working day before a non-working ``date`` shares its index, hence ``+ 1`` then.
    """
    d, k = f"{_PREFIX}date", f"{_PREFIX}n"
    steps = table[n] if isinstance(n, str) else _value(n, "int64")
    base = table.mutate(**{d: _column(table, date), k: steps.cast("int64")})
    start = _calendar_days(calendar, "d")
    index, working = start[f"{_PREFIX}d_index"], start[f"{_PREFIX}d_working"]
    back_from_a_day_off = (base[k] < 0) & ~working
    target = index + base[k] + back_from_a_day_off.ifelse(1, 0).cast("int64")
    working_days = calendar.filter(calendar["is_working_day"]).select(
        **{
            f"{_PREFIX}t_index": calendar["working_day_index"].cast("int64"),
            f"{_PREFIX}t_day": calendar["date"],
        }
    )
    found = base.left_join(start, base[d] == start[f"{_PREFIX}d_day"]).left_join(
        working_days, working_days[f"{_PREFIX}t_index"] == target
    )
    answer = (found[k] == 0).ifelse(found[f"{_PREFIX}d_day"], found[f"{_PREFIX}t_day"])
    kept = [c for c in table.columns if c != name]
    return found.select(*kept, **{name: answer})


def overlaps(start: Value, end: Value, period_start: Value, period_end: Value) -> ir.BooleanValue:
    """True when the interval ``start``..``end`` shares at least one day with the period.

    Both ends of both are inclusive: an interval ending on the period's first day, or starting
    on its last day, overlaps. A null ``end`` means the interval is still open. Never null:
    false when ``start``, ``period_start`` or ``period_end`` is null. No check that ``end`` is
    not before ``start`` (such rows are data-quality findings): the test is
    ``start <= period_end and (end is null or end >= period_start)``.
    """
    start, end = _value(start, "date"), _value(end, "date")
    period_start, period_end = _value(period_start, "date"), _value(period_end, "date")
    # Spelled out: with an open interval, "end is null or end >= period_start" is true even
    # when period_start is null, so the nulls are tested for, not left to three-valued logic.
    known = start.notnull() & period_start.notnull() & period_end.notnull()
    reaches = end.isnull() | (end >= period_start)
    return (known & (start <= period_end) & reaches).fill_null(False)


# -- events per key ------------------------------------------------------------------------


@ibis.udf.scalar.builtin(name="convert_to")
def _pg_utf8_bytes(text: str, encoding: str) -> dt.binary:
    """PostgreSQL's convert_to: a string's UTF-8 bytes, which sort by code point."""


def _in_code_point_order(value: ir.Value, engine: str | None) -> ir.Value:
    """``value`` as something that sorts strings by code point on ``engine``.

    DuckDB and Spark compare strings by their UTF-8 bytes, which is code point order.
    PostgreSQL compares by the database's collation (en_GB.UTF-8 puts "a" before "B"; C puts
    "B" first), so there strings are compared as their UTF-8 bytes.
    """
    if engine == "postgres" and value.type().is_string():
        return _pg_utf8_bytes(value, "UTF8")
    return value


def latest_before(
    events: ir.Table,
    key: str | Sequence[str],
    date: str,
    at: Value,
    inclusive: bool = True,
    tiebreak: Sequence[str] | None = None,
) -> ir.Table:
    """Per ``key``, the one latest row of ``events`` whose ``date`` is on or before ``at``.

    ``at`` is a date, or a column (name) of ``events`` such as a window's end. With
    ``inclusive=False``, strictly before ``at``. Rows with a null ``date`` never qualify; a null
    ``at`` selects nothing; a key with no qualifying row has no row in the result. Rows whose
    key is null are one key together (as SQL groups them).

    Ties on ``date`` go to the row with the greatest values of the ``tiebreak`` columns, compared
    in order (by default every other column of ``events``, in the table's order): numbers and
    dates by value, false before true, strings by Unicode code point (not the database's
    collation), and a null below any value. Rows that tie on every column are identical, so
    the answer is the same on every engine.

    Returns the chosen rows with all of ``events``' columns.
    """
    keys = _keys(key)
    engine = engine_of(events)
    day, bound = events[date], _value_of(events, at, "date")
    candidates = events.filter(day <= bound if inclusive else day < bound)
    if tiebreak is None:
        tiebreak = [c for c in events.columns if c not in keys and c != date]
    order = [candidates[date].desc()] + [
        _in_code_point_order(candidates[c], engine).desc(nulls_first=False) for c in tiebreak
    ]
    rank = f"{_PREFIX}rank"
    ranked = candidates.mutate(**{rank: ibis.row_number().over(group_by=keys, order_by=order)})
    return ranked.filter(ranked[rank] == 0).drop(rank)


def count_in_window(
    events: ir.Table,
    key: str | Sequence[str],
    date: str,
    start: Value,
    end: Value,
    name: str = "n",
) -> ir.Table:
    """Per ``key``, the number of rows of ``events`` dated from ``start`` to ``end`` inclusive.

    ``start`` and ``end`` are dates or columns (names) of ``events``. Every key that has any row
    in ``events`` gets a row, with 0 when none falls in the window; rows with a null ``date``
    (or a null bound) are not counted. Columns: the key columns and ``name`` (an int).
    """
    keys = _keys(key)
    day = events[date]
    inside = (day >= _value_of(events, start, "date")) & (day <= _value_of(events, end, "date"))
    counted = ibis.ifelse(inside.fill_null(False), 1, 0).cast("int64")
    return events.group_by(keys).aggregate(**{name: counted.sum().fill_null(0).cast("int64")})


# -- values --------------------------------------------------------------------------------


def _ignoring_nulls(exprs: tuple[Any, ...]) -> list[ir.Value]:
    """Each value, or where it is null the first of the others that is not: the least and the
    greatest are unchanged, and nothing is null unless all are, whatever the engine's
    GREATEST/LEAST do with nulls (DuckDB, PostgreSQL and Spark skip them; SQL Server before
    2022 has no GREATEST; MySQL returns null)."""
    values = [_value(e) for e in exprs]
    if not values:
        raise TypeError("Give at least one value.")
    return [ibis.coalesce(v, *values[:i], *values[i + 1 :]) for i, v in enumerate(values)]


def least(*exprs: Value) -> ir.Value:
    """The smallest of the values, ignoring nulls; null only when every value is null."""
    values = _ignoring_nulls(exprs)
    return values[0] if len(values) == 1 else ibis.least(*values)


def greatest(*exprs: Value) -> ir.Value:
    """The largest of the values, ignoring nulls; null only when every value is null."""
    values = _ignoring_nulls(exprs)
    return values[0] if len(values) == 1 else ibis.greatest(*values)


def median(expr: ir.NumericValue) -> ir.FloatingScalar:
    """The exact median of a numeric column, as a float; nulls are ignored.

    With an odd count of values, the middle one; with an even count, the mean of the two middle
    ones ([1, 2, 3, 10] gives 2.5). Null when there are no values. Use it in an aggregation
    (``t.group_by(...).aggregate(m=median(t.days))``).

    Ibis compiles it to an exact, interpolating percentile on each engine: DuckDB
    ``quantile_cont``, PostgreSQL ``percentile_cont`` and Spark ``percentile`` (not
    ``percentile_approx``, whose answer is one of the values, never a mean, and depends on an
    accuracy setting). The column is made a float first so no engine interpolates in integers.
    """
    if not expr.type().is_numeric():
        raise TypeError(f"median needs a numeric column, not {expr.type()}.")
    return expr.cast("float64").median()

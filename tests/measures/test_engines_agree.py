"""Every engine agrees with the reference engine on every primitive, for generated data.

Each example is a batch of cases (dates from 2015 to 2030, nulls included) that goes to the
engine as one table and one query, and to the reference engine row by row; the answers must be
the same, case by case. Examples are kept few (Spark takes a good part of a second a query).
"""

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

FIRST, LAST = date(2015, 1, 1), date(2030, 12, 31)
EXAMPLES = settings(max_examples=25, deadline=None, database=None)

days = st.dates(FIRST, LAST)
maybe_days = st.one_of(st.none(), days)
# Events crowd onto a few days, ids and notes, so that ties (and their breaking) are common.
crowded_days = st.one_of(st.none(), days, st.sampled_from([date(2024, 2, 29), date(2025, 12, 24)]))
children = st.one_of(st.none(), st.sampled_from(["A", "B", "a", "b", "Ä"]))
notes = st.one_of(st.none(), st.text(alphabet="aAbBzZé_ ,\"'", max_size=3))


def batch(strategy):
    return st.lists(strategy, min_size=1, max_size=30)


def events():
    return st.lists(
        st.fixed_dictionaries(
            {
                "child": children,
                "day": crowded_days,
                "event_id": st.one_of(st.none(), st.integers(0, 3)),
                "note": notes,
            }
        ),
        max_size=30,
    )


def same_answers(engine_answers, reference_answers, cases):
    for case, got, expected in zip(cases, engine_answers, reference_answers, strict=True):
        assert got == expected, f"for {case!r}: engine {got!r}, reference {expected!r}"


@EXAMPLES
@given(cases=batch(st.tuples(maybe_days, maybe_days)))
def test_age_in_years(engine, reference, cases):
    same_answers(engine.age_in_years(cases), reference.age_in_years(cases), cases)


@EXAMPLES
@given(cases=batch(st.tuples(maybe_days, maybe_days)))
def test_working_days_between(engine, reference, cases):
    same_answers(engine.working_days_between(cases), reference.working_days_between(cases), cases)


@EXAMPLES
@given(cases=batch(st.tuples(maybe_days, st.one_of(st.none(), st.integers(-400, 400)))))
def test_add_working_days(engine, reference, cases):
    same_answers(engine.add_working_days(cases), reference.add_working_days(cases), cases)


@EXAMPLES
@given(cases=batch(st.tuples(maybe_days, maybe_days, maybe_days, maybe_days)))
def test_overlaps(engine, reference, cases):
    same_answers(engine.overlaps(cases), reference.overlaps(cases), cases)


@EXAMPLES
@given(cases=batch(st.tuples(maybe_days, maybe_days, maybe_days)))
def test_least_and_greatest(engine, reference, cases):
    kind = pa.date32()
    same_answers(engine.least(cases, kind), reference.least(cases, kind), cases)
    same_answers(engine.greatest(cases, kind), reference.greatest(cases, kind), cases)


@EXAMPLES
@given(rows=events(), at=maybe_days, inclusive=st.booleans())
def test_latest_before(engine, reference, rows, at, inclusive):
    assert engine.latest_before(rows, at, inclusive) == reference.latest_before(rows, at, inclusive)


@EXAMPLES
@given(rows=events(), start=maybe_days, end=maybe_days)
def test_count_in_window(engine, reference, rows, start, end):
    assert engine.count_in_window(rows, start, end) == reference.count_in_window(rows, start, end)


values = st.one_of(
    st.none(),
    st.integers(-1000, 1000),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)


@EXAMPLES
@given(groups=st.dictionaries(st.sampled_from("pqrst"), st.lists(values, min_size=1, max_size=9)))
def test_median(engine, reference, groups):
    got, expected = engine.median(groups), reference.median(groups)
    assert got.keys() == expected.keys()
    for group, value in expected.items():
        assert got[group] == (value if value is None else pytest.approx(value, rel=1e-12))

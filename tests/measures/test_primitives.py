"""What each primitive means, as tables of cases, on every engine and on the reference engine.

Each table's cases run as one batch (one table, one query) per engine; each case is then its
own test, named by what it shows. Every engine and the reference engine must give exactly the
answer in the table. Working days use England's bank holidays: 25 and 26 December 2025,
1 January 2026, and Monday 25 August 2025 (the summer bank holiday).
"""

from datetime import date

import psycopg
import pyarrow as pa
import pytest

from casegrip.measures import primitives as p

from .conftest import EVENT_SCHEMA


def d(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def ids(cases: list[tuple]) -> list[str]:
    return [case[-1] for case in cases]


# -- age_in_years --------------------------------------------------------------------------

AGE = [
    # born,        on,           age,  what it shows
    ("2010-06-15", "2020-06-14", 9, "the day before the 10th birthday: 9"),
    ("2010-06-15", "2020-06-15", 10, "on the 10th birthday: 10"),
    ("2010-06-15", "2020-06-16", 10, "the day after the 10th birthday: 10"),
    ("2008-02-29", "2016-02-28", 7, "born 29 February, on 28 February of a leap year: 7"),
    ("2008-02-29", "2016-02-29", 8, "born 29 February, on 29 February of a leap year: 8"),
    ("2008-02-29", "2017-02-28", 8, "born 29 February, on 28 February of a common year: 8"),
    ("2008-02-29", "2017-03-01", 9, "born 29 February, on 1 March of a common year: 9"),
    ("2021-12-31", "2022-01-01", 0, "born on New Year's Eve, the next day: 0, not 1"),
    ("2007-01-01", "2024-12-31", 17, "the last day before the 18th birthday: 17"),
    ("2007-01-01", "2025-01-01", 18, "the 18th birthday: 18"),
    ("2010-06-15", "2010-06-15", 0, "the day of birth: 0"),
    ("2010-06-15", "2010-06-14", -1, "the day before birth: -1"),
    (None, "2020-06-14", None, "no date of birth: null"),
    ("2010-06-15", None, None, "no date to measure at: null"),
]


@pytest.fixture(scope="module")
def ages(runner):
    return runner.age_in_years([(d(born), d(on)) for born, on, *_ in AGE])


@pytest.mark.parametrize("case", range(len(AGE)), ids=ids(AGE))
def test_age_in_years(ages, case):
    assert ages[case] == AGE[case][2]


# -- working days --------------------------------------------------------------------------

BETWEEN = [
    # start,       end,          days, what it shows
    ("2025-12-01", "2025-12-02", 1, "Monday to Tuesday: 1"),
    ("2025-12-05", "2025-12-08", 1, "Friday to Monday: 1"),
    ("2025-12-24", "2026-01-02", 4, "across Christmas and New Year: 4"),
    ("2025-08-22", "2025-08-26", 1, "Friday to Tuesday over the bank holiday Monday: 1"),
    ("2025-08-22", "2025-08-25", 0, "Friday to the bank holiday Monday: 0"),
    ("2025-09-01", "2025-11-03", 45, "exactly 45 working days"),
    ("2025-11-03", "2026-01-08", 45, "45 working days across Christmas"),
    ("2025-09-01", "2025-11-04", 46, "one working day more: 46"),
    ("2025-12-03", "2025-12-03", 0, "the same day: 0"),
    ("2025-12-27", "2025-12-27", 0, "the same day, a Saturday: 0"),
    ("2025-12-27", "2025-12-29", 1, "Saturday to Monday: 1"),
    ("2026-01-02", "2025-12-24", -4, "the end before the start: negative"),
    (None, "2025-12-02", None, "no start: null"),
    ("2025-12-01", None, None, "no end: null"),
    ("1999-12-31", "2000-01-04", None, "a start outside the calendar: null"),
]


@pytest.fixture(scope="module")
def between(runner):
    return runner.working_days_between([(d(start), d(end)) for start, end, *_ in BETWEEN])


@pytest.mark.parametrize("case", range(len(BETWEEN)), ids=ids(BETWEEN))
def test_working_days_between(between, case):
    assert between[case] == BETWEEN[case][2]


ADD = [
    # from,        n,    gives,        what it shows
    ("2025-12-24", 1, "2025-12-29", "the next working day after Christmas Eve: Monday 29th"),
    ("2025-12-24", 0, "2025-12-24", "0 working days: the day itself"),
    ("2025-12-27", 0, "2025-12-27", "0 working days from a Saturday: that Saturday"),
    ("2025-12-27", 1, "2025-12-29", "1 working day from a Saturday: the Monday"),
    ("2025-12-29", -1, "2025-12-24", "1 working day back from Monday 29th: Christmas Eve"),
    ("2025-12-27", -1, "2025-12-24", "1 working day back from a Saturday: the last before it"),
    ("2025-12-24", -1, "2025-12-23", "1 working day back from a working day: the day before"),
    ("2025-08-22", 1, "2025-08-26", "over the bank holiday Monday: Tuesday"),
    ("2025-09-01", 45, "2025-11-03", "a 45 working day assessment from 1 September"),
    ("2025-11-03", 45, "2026-01-08", "a 45 working day assessment across Christmas"),
    ("2026-01-08", -45, "2025-11-03", "45 working days back across Christmas"),
    ("2025-12-19", 5, "2025-12-30", "a 5 working day visit from Friday 19 December"),
    (None, 1, None, "no date: null"),
    ("2025-12-24", None, None, "no number of days: null"),
    ("2040-12-31", 1, None, "an answer beyond the calendar: null"),
    ("1999-12-31", 0, None, "a date before the calendar: null"),
]


@pytest.fixture(scope="module")
def added(runner):
    return runner.add_working_days([(d(day), n) for day, n, *_ in ADD])


@pytest.mark.parametrize("case", range(len(ADD)), ids=ids(ADD))
def test_add_working_days(added, case):
    assert added[case] == d(ADD[case][2])


# -- overlaps ------------------------------------------------------------------------------

JANUARY = ("2026-01-01", "2026-01-31")
OVERLAPS = [
    # start,       end,          period,  overlaps, what it shows
    ("2026-01-05", "2026-01-10", JANUARY, True, "inside the period"),
    ("2025-06-01", "2026-06-30", JANUARY, True, "around the period"),
    ("2025-12-01", "2026-01-01", JANUARY, True, "ending on the period's first day"),
    ("2026-01-31", "2026-02-05", JANUARY, True, "starting on the period's last day"),
    ("2026-01-15", "2026-01-15", JANUARY, True, "one day, inside"),
    ("2025-12-01", "2025-12-31", JANUARY, False, "ending the day before the period"),
    ("2026-02-01", "2026-02-05", JANUARY, False, "starting the day after the period"),
    ("2025-06-01", None, JANUARY, True, "open, started before the period"),
    ("2026-01-31", None, JANUARY, True, "open, started on the period's last day"),
    ("2026-02-01", None, JANUARY, False, "open, starting after the period"),
    (None, "2026-01-10", JANUARY, False, "no start: false"),
    ("2026-01-05", "2026-01-10", (None, "2026-01-31"), False, "no period start: false"),
]


@pytest.fixture(scope="module")
def overlapping(runner):
    return runner.overlaps(
        [(d(start), d(end), d(first), d(last)) for start, end, (first, last), *_ in OVERLAPS]
    )


@pytest.mark.parametrize("case", range(len(OVERLAPS)), ids=ids(OVERLAPS))
def test_overlaps(overlapping, case):
    assert overlapping[case] is OVERLAPS[case][3]


# -- least and greatest --------------------------------------------------------------------

EXTREMES = [
    # values,                                      least,        greatest,     what it shows
    (("2026-01-05", "2025-12-01", "2026-03-01"), "2025-12-01", "2026-03-01", "three dates"),
    ((None, "2025-12-01", "2026-03-01"), "2025-12-01", "2026-03-01", "a null is ignored"),
    (("2026-03-01", None, None), "2026-03-01", "2026-03-01", "one date and two nulls"),
    ((None, None, None), None, None, "all null: null"),
    (("2026-01-05", "2026-01-05", None), "2026-01-05", "2026-01-05", "equal dates"),
]


@pytest.fixture(scope="module")
def extremes(runner):
    cases = [tuple(d(v) for v in values) for values, *_ in EXTREMES]
    return runner.least(cases, pa.date32()), runner.greatest(cases, pa.date32())


@pytest.mark.parametrize("case", range(len(EXTREMES)), ids=ids(EXTREMES))
def test_least(extremes, case):
    assert extremes[0][case] == d(EXTREMES[case][1])


@pytest.mark.parametrize("case", range(len(EXTREMES)), ids=ids(EXTREMES))
def test_greatest(extremes, case):
    assert extremes[1][case] == d(EXTREMES[case][2])


def test_least_and_greatest_of_numbers(runner):
    cases = [(3, None, 1), (None, None, None), (-2, 5, 0)]
    assert runner.least(cases, pa.int64()) == [1, None, -2]
    assert runner.greatest(cases, pa.int64()) == [3, None, 5]


# -- events per key: latest_before and count_in_window --------------------------------------

EVENTS = [
    # child, day,         event_id, note
    ("A", "2026-01-10", 1, "A first"),
    ("A", "2026-01-20", 2, "A second"),
    ("A", "2026-02-01", 3, "A after the date"),
    ("B", "2026-01-31", 4, "B on the date"),
    ("C", "2026-01-15", 5, "C lower id"),
    ("C", "2026-01-15", 6, "C higher id"),
    ("D", "2026-01-15", 7, "Banana"),
    ("D", "2026-01-15", 7, "apple"),
    ("E", None, 8, "E undated"),
    ("F", "2026-01-15", 9, None),
    ("F", "2026-01-15", 9, "F with a note"),
    ("G", "2026-01-01", 10, "G on the first day"),
    ("H", "2025-12-31", 11, "H the day before"),
    (None, "2026-01-03", 12, "nobody first"),
    (None, "2026-01-04", 13, "nobody second"),
]
AT = "2026-01-31"

LATEST = [
    # child, inclusive, chosen note, what it shows
    ("A", True, "A second", "the latest on or before the date; a later one is ignored"),
    ("B", True, "B on the date", "an event on the date counts"),
    ("B", False, None, "strictly before: an event on the date does not count"),
    ("A", False, "A second", "strictly before: the latest before the date"),
    ("C", True, "C higher id", "a tie on the date goes to the greater next column (event_id)"),
    ("D", True, "apple", "then to the greater note by code point ('a' > 'B'), not by collation"),
    ("F", True, "F with a note", "a null ranks below any value"),
    ("E", True, None, "an undated event never counts"),
    ("H", True, "H the day before", "an event long before still counts"),
    (None, True, "nobody second", "events with no key are one key together"),
]


def event_rows() -> list[dict]:
    return [
        {"child": child, "day": d(day), "event_id": event_id, "note": note}
        for child, day, event_id, note in EVENTS
    ]


@pytest.fixture(scope="module")
def latest(runner):
    return {
        inclusive: runner.latest_before(event_rows(), d(AT), inclusive=inclusive)
        for inclusive in (True, False)
    }


@pytest.mark.parametrize("case", range(len(LATEST)), ids=ids(LATEST))
def test_latest_before(latest, case):
    child, inclusive, note, _ = LATEST[case]
    chosen = latest[inclusive].get(child)
    assert (chosen and chosen["note"]) == note


def test_latest_before_returns_whole_rows_one_per_key(latest):
    assert sorted(latest[True], key=str) == ["A", "B", "C", "D", "F", "G", "H", None]
    assert latest[True]["C"] == {
        "child": "C",
        "day": date(2026, 1, 15),
        "event_id": 6,
        "note": "C higher id",
    }


COUNTS = [
    # child, events in January 2026, what it shows
    ("A", 2, "two in the window, one after it"),
    ("B", 1, "an event on the window's last day counts"),
    ("G", 1, "an event on the window's first day counts"),
    ("H", 0, "an event the day before does not count; the key is still there, with 0"),
    ("C", 2, "two on the same day count twice"),
    ("E", 0, "an undated event is not counted"),
    (None, 2, "events with no key are one key together"),
]


@pytest.fixture(scope="module")
def counts(runner):
    return runner.count_in_window(event_rows(), d(JANUARY[0]), d(JANUARY[1]))


@pytest.mark.parametrize("case", range(len(COUNTS)), ids=ids(COUNTS))
def test_count_in_window(counts, case):
    child, n, _ = COUNTS[case]
    assert counts[child] == n


def test_count_in_window_gives_every_key_a_row(counts):
    assert sorted(counts, key=str) == ["A", "B", "C", "D", "E", "F", "G", "H", None]


# -- median --------------------------------------------------------------------------------

MEDIAN = [
    # values,               median, what it shows
    ([3, 1, 2], 2.0, "an odd count: the middle value"),
    ([1, 2, 3, 10], 2.5, "an even count: the mean of the two middle values"),
    ([10, 20], 15.0, "two values: their mean"),
    ([7], 7.0, "one value"),
    ([1, None, 4], 2.5, "nulls are ignored"),
    ([None, None], None, "only nulls: null"),
    ([5, 5, 5, 6], 5.0, "repeated values"),
    ([-3, -1], -2.0, "negative values"),
    ([0.5, 0.75], 0.625, "fractions"),
]


@pytest.fixture(scope="module")
def medians(runner):
    return runner.median({why: values for values, _, why in MEDIAN})


@pytest.mark.parametrize("case", range(len(MEDIAN)), ids=ids(MEDIAN))
def test_median(medians, case):
    _, expected, why = MEDIAN[case]
    assert medians[why] == expected


def test_on_postgres_ties_go_by_code_point_whatever_the_collation(
    postgres_connection, pg_engine_url
):
    """PostgreSQL orders strings by collation: under en-GB, 'Banana' sorts after 'apple'."""
    connection = postgres_connection
    rows = [row for row in event_rows() if row["child"] == "D"]
    connection.load("collated", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
    with psycopg.connect(pg_engine_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_collation WHERE collname = 'en-GB-x-icu'").fetchone():
            pytest.skip("this PostgreSQL has no ICU collations")
        conn.execute(
            f'ALTER TABLE "{connection.schema}".collated '
            'ALTER COLUMN note TYPE text COLLATE "en-GB-x-icu"'
        )
    t = connection.table("collated")

    by_collation = connection.to_pylist(t.order_by(t.note.desc()).limit(1))
    assert by_collation[0]["note"] == "Banana"  # what a plain ORDER BY would pick

    chosen = connection.to_pylist(p.latest_before(t, "child", "day", d(AT)))
    assert [row["note"] for row in chosen] == ["apple"]


# -- many windows at once -------------------------------------------------------------------

WINDOWS = [("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-28")]
CHILD_EVENTS = [("A", "2026-01-10"), ("A", "2026-01-20"), ("A", "2026-02-05"), ("B", "2026-02-27")]
PER_WINDOW = [
    # child, window end,  latest event, events in the window, what it shows
    ("A", "2026-01-31", "2026-01-20", 2, "January: the latest by 31 January; two in January"),
    ("A", "2026-02-28", "2026-02-05", 1, "February: the latest by 28 February; one in February"),
    ("B", "2026-01-31", None, 0, "an event after the window: none by then, none in it"),
    ("B", "2026-02-28", "2026-02-27", 1, "the next window finds it"),
]


@pytest.fixture(scope="module")
def per_window(runner):
    """The events repeated for each window, as a measure's rows function does."""
    rows = [
        {"child": child, "day": d(day), "window_start": d(first), "window_end": d(last)}
        for first, last in WINDOWS
        for child, day in CHILD_EVENTS
    ]
    return runner.per_window(rows)


@pytest.mark.parametrize("case", range(len(PER_WINDOW)), ids=ids(PER_WINDOW))
def test_the_date_and_window_may_be_columns(per_window, case):
    child, window_end, latest_day, count, _ = PER_WINDOW[case]
    latest, counts = per_window
    assert latest.get((child, d(window_end))) == d(latest_day)
    assert counts[(child, d(window_end))] == count


# -- Python values for arguments, and the closed set ------------------------------------------


def test_arguments_may_be_python_values(engine):
    connection = engine.connection
    t = connection.load(
        "one",
        pa.table({"born": pa.array([date(2010, 6, 15)]), "open": pa.array([date(2025, 1, 1)])}),
    )
    t = p.with_add_working_days(t, "open", 1, engine.calendar, "next_working_day")
    row = connection.to_pylist(
        t.select(
            "next_working_day",
            age=p.age_in_years(t.born, date(2020, 6, 15)),
            still_open=p.overlaps(t.open, None, date(2026, 1, 1), date(2026, 1, 31)),
            earliest=p.least(t.open, date(2024, 1, 1), None),
        )
    )
    assert row == [
        {
            "next_working_day": date(2025, 1, 2),
            "age": 10,
            "still_open": True,
            "earliest": date(2024, 1, 1),
        }
    ]


def test_every_primitive_has_an_engine_version_and_a_reference_version():
    from casegrip.measures import reference

    names = [primitive.name for primitive in p.PRIMITIVES]
    assert len(names) == len(set(names))
    for name in names:
        assert callable(getattr(p, name)), name
        assert callable(getattr(reference, name)), name

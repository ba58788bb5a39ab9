"""Engines for the primitive tests, one of each for the whole run, and one way to drive them.

A ``Runner`` puts a batch of cases through one primitive and returns one answer per case. The
engine runners load the cases into their engine as ONE table and run ONE query (Spark takes a
good fraction of a second a query, however small); the reference runner calls the reference
engine row by row. Spec tests and Hypothesis tests share the runners, so both ask every engine
exactly the same question.

Engine tests never skip silently: PostgreSQL goes through the ``pg_engine_url`` gate (skips
only when PostgreSQL does not answer and CASEGRIP_REQUIRE_POSTGRES is not 1); Spark fails,
saying to run scripts/ensure-java, when there is no Java.
"""

import shutil
from collections.abc import Sequence
from datetime import date
from typing import Any

import ibis
import pyarrow as pa
import pytest

from casegrip.calendar import WorkingCalendar
from casegrip.engines.connect import EngineConnection, connect, stop_spark
from casegrip.measures import primitives as p
from casegrip.measures import reference as ref

ENGINES = ("duckdb", "postgres", "spark")
EVENT_SCHEMA = pa.schema(
    [
        ("child", pa.string()),
        ("day", pa.date32()),
        ("event_id", pa.int64()),
        ("note", pa.string()),
    ]
)

WINDOW_KEY = ("child", "window_end")
WINDOW_SCHEMA = pa.schema(
    [
        ("child", pa.string()),
        ("day", pa.date32()),
        ("window_start", pa.date32()),
        ("window_end", pa.date32()),
    ]
)


@pytest.fixture(scope="session")
def calendar_table() -> pa.Table:
    return WorkingCalendar().table()


def _ids(n: int) -> pa.Array:
    return pa.array(range(n), pa.int64())


def _column(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    return pa.array(list(values), kind)


class Runner:
    """Put cases through a primitive; one answer per case, in the order of the cases."""

    name: str

    def age_in_years(self, cases: Sequence[tuple[date | None, date | None]]) -> list:
        raise NotImplementedError

    def working_days_between(self, cases: Sequence[tuple[date | None, date | None]]) -> list:
        raise NotImplementedError

    def add_working_days(self, cases: Sequence[tuple[date | None, int | None]]) -> list:
        raise NotImplementedError

    def overlaps(self, cases: Sequence[tuple]) -> list:
        raise NotImplementedError

    def least(self, cases: Sequence[tuple], kind: pa.DataType) -> list:
        raise NotImplementedError

    def greatest(self, cases: Sequence[tuple], kind: pa.DataType) -> list:
        raise NotImplementedError

    def latest_before(
        self, events: Sequence[dict], at: date | None, inclusive: bool = True
    ) -> dict[str | None, dict]:
        """child -> the chosen event (child, day, event_id, note)."""
        raise NotImplementedError

    def count_in_window(
        self, events: Sequence[dict], start: date | None, end: date | None
    ) -> dict[str | None, int]:
        raise NotImplementedError

    def median(self, groups: dict[str, Sequence[float | None]]) -> dict[str, float | None]:
        raise NotImplementedError

    def per_window(self, rows: Sequence[dict]) -> tuple[dict, dict]:
        """Events repeated for each window (child, day, window_start, window_end): per child
        and window, the day of the latest event by the window's end, and the count in it."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.name


class ReferenceRunner(Runner):
    name = "reference"

    def __init__(self, calendar_rows: list[dict]) -> None:
        self.calendar = ref.calendar_from_rows(calendar_rows)

    def age_in_years(self, cases):
        return [ref.age_in_years(dob, at) for dob, at in cases]

    def working_days_between(self, cases):
        rows = [{"start": s, "end": e} for s, e in cases]
        return [
            r["days"]
            for r in ref.with_working_days_between(rows, "start", "end", self.calendar, "days")
        ]

    def add_working_days(self, cases):
        rows = [{"day": d, "n": n} for d, n in cases]
        return [r["due"] for r in ref.with_add_working_days(rows, "day", "n", self.calendar, "due")]

    def overlaps(self, cases):
        return [ref.overlaps(*case) for case in cases]

    def least(self, cases, kind):
        return [ref.least(*case) for case in cases]

    def greatest(self, cases, kind):
        return [ref.greatest(*case) for case in cases]

    def latest_before(self, events, at, inclusive=True):
        # Columns in the table's order, as the engines have them: ties are broken column by
        # column in that order.
        rows = [{name: row[name] for name in EVENT_SCHEMA.names} for row in events]
        chosen = ref.latest_before(rows, "child", "day", at, inclusive=inclusive)
        return {row["child"]: row for row in chosen}

    def count_in_window(self, events, start, end):
        return {
            row["child"]: row["n"]
            for row in ref.count_in_window(events, "child", "day", start, end)
        }

    def median(self, groups):
        return {group: ref.median(values) for group, values in groups.items()}

    def per_window(self, rows):
        return _per_window(
            ref.latest_before(list(rows), WINDOW_KEY, "day", "window_end"),
            ref.count_in_window(rows, WINDOW_KEY, "day", "window_start", "window_end"),
        )


class EngineRunner(Runner):
    def __init__(self, connection: EngineConnection) -> None:
        self.connection = connection
        self.name = connection.name
        self.calendar = connection.table("calendar")

    def _cases(self, columns: dict[str, pa.Array]) -> ibis.Table:
        n = len(next(iter(columns.values())))
        return self.connection.load("cases", pa.table({"case_id": _ids(n), **columns}))

    def _run(self, expr: ibis.Table, column: str) -> list:
        # Put in order here, not with ORDER BY: Spark sorts with two more jobs.
        rows = sorted(self.connection.to_pylist(expr), key=lambda row: row["case_id"])
        return [row[column] for row in rows]

    def _pairs(self, cases, first: pa.DataType, second: pa.DataType) -> ibis.Table:
        return self._cases(
            {
                "a": _column([c[0] for c in cases], first),
                "b": _column([c[1] for c in cases], second),
            }
        )

    def age_in_years(self, cases):
        t = self._pairs(cases, pa.date32(), pa.date32())
        return self._run(t.select("case_id", age=p.age_in_years(t.a, t.b)), "age")

    def working_days_between(self, cases):
        t = self._pairs(cases, pa.date32(), pa.date32())
        return self._run(p.with_working_days_between(t, "a", "b", self.calendar, "days"), "days")

    def add_working_days(self, cases):
        t = self._pairs(cases, pa.date32(), pa.int64())
        return self._run(p.with_add_working_days(t, "a", "b", self.calendar, "due"), "due")

    def overlaps(self, cases):
        names = ("start", "end", "period_start", "period_end")
        t = self._cases(
            {name: _column([c[i] for c in cases], pa.date32()) for i, name in enumerate(names)}
        )
        return self._run(
            t.select("case_id", hit=p.overlaps(t.start, t.end, t.period_start, t.period_end)),
            "hit",
        )

    def _extreme(self, cases, kind, primitive) -> list:
        width = len(cases[0])
        t = self._cases({f"v{i}": _column([c[i] for c in cases], kind) for i in range(width)})
        values = [t[f"v{i}"] for i in range(width)]
        return self._run(t.select("case_id", answer=primitive(*values)), "answer")

    def least(self, cases, kind):
        return self._extreme(cases, kind, p.least)

    def greatest(self, cases, kind):
        return self._extreme(cases, kind, p.greatest)

    def _events(self, events) -> ibis.Table:
        return self.connection.load(
            "events", pa.Table.from_pylist(list(events), schema=EVENT_SCHEMA)
        )

    def latest_before(self, events, at, inclusive=True):
        t = self._events(events)
        chosen = self.connection.to_pylist(
            p.latest_before(t, "child", "day", at, inclusive=inclusive)
        )
        return {row["child"]: row for row in chosen}

    def count_in_window(self, events, start, end):
        t = self._events(events)
        counted = self.connection.to_pylist(p.count_in_window(t, "child", "day", start, end))
        return {row["child"]: row["n"] for row in counted}

    def median(self, groups):
        rows = [(group, v) for group, values in groups.items() for v in values]
        t = self.connection.load(
            "values",
            pa.table(
                {
                    "grp": _column([g for g, _ in rows], pa.string()),
                    "v": _column([v for _, v in rows], pa.float64()),
                }
            ),
        )
        found = self.connection.to_pylist(t.group_by("grp").aggregate(m=p.median(t.v)))
        return {row["grp"]: row["m"] for row in found}

    def per_window(self, rows):
        t = self.connection.load("windows", pa.Table.from_pylist(list(rows), schema=WINDOW_SCHEMA))
        return _per_window(
            self.connection.to_pylist(p.latest_before(t, WINDOW_KEY, "day", "window_end")),
            self.connection.to_pylist(
                p.count_in_window(t, WINDOW_KEY, "day", "window_start", "window_end")
            ),
        )


def _per_window(latest: list[dict], counts: list[dict]) -> tuple[dict, dict]:
    return (
        {(row["child"], row["window_end"]): row["day"] for row in latest},
        {(row["child"], row["window_end"]): row["n"] for row in counts},
    )


@pytest.fixture(scope="session")
def duckdb_connection(calendar_table):
    with connect("duckdb", tables={"calendar": calendar_table}) as connection:
        yield connection


@pytest.fixture(scope="session")
def postgres_connection(calendar_table, pg_engine_url):
    with connect(
        "postgres", tables={"calendar": calendar_table}, postgres_url=pg_engine_url
    ) as connection:
        yield connection


@pytest.fixture(scope="session")
def spark_connection(calendar_table):
    if shutil.which("java") is None:
        pytest.fail(
            "The Spark engine tests need Java 17 and there is none: run scripts/ensure-java.",
            pytrace=False,
        )
    try:
        with connect("spark", tables={"calendar": calendar_table}) as connection:
            yield connection
    finally:
        stop_spark()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> EngineRunner:
    """Each engine in turn."""
    return EngineRunner(request.getfixturevalue(f"{request.param}_connection"))


@pytest.fixture(scope="session")
def reference(calendar_table) -> ReferenceRunner:
    return ReferenceRunner(calendar_table.to_pylist())


@pytest.fixture(scope="session", params=("reference", *ENGINES))
def runner(request) -> Runner:
    """The reference engine, then each engine in turn."""
    if request.param == "reference":
        return request.getfixturevalue("reference")
    return EngineRunner(request.getfixturevalue(f"{request.param}_connection"))

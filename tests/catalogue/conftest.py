"""Spec tests for indicators: small readable case records, run on every engine CI has."""

from datetime import date

import pyarrow as pa
import pytest

from casegrip.calendar import WorkingCalendar
from casegrip.config import parse_config
from casegrip.engines.connect import connect
from casegrip.measures.frame import Frame, Window
from casegrip.model.schema import TABLES, conform, empty

ENGINES = ["duckdb", "postgres", "spark"]
CONFIG = parse_config(
    {
        "name": "Testshire",
        "la_code": "998",
        "child_population": 10_000,
        "services": [
            {
                "id": "S1",
                "name": "Care",
                "localities": [
                    {"id": "L1", "name": "North", "teams": [{"id": "T1", "name": "North team"}]}
                ],
                "teams": [{"id": "T2", "name": "Front door"}],
            }
        ],
    }
)
CALENDAR = WorkingCalendar().table(date(2020, 1, 1), date(2030, 12, 31))


def case_record(**tables: list[dict]) -> dict[str, pa.Table]:
    """Every canonical table (empty unless given), plus the calendar."""
    record = {name: empty(name) for name in TABLES}
    for name, rows in tables.items():
        columns = {key: [row.get(key) for row in rows] for row in rows for key in row}
        spec = TABLES[name].arrow_schema()
        record[name] = conform(
            name, pa.table({k: pa.array(v, spec.field(k).type) for k, v in columns.items()})
        )
    record["calendar"] = CALENDAR
    return record


@pytest.fixture(params=ENGINES)
def engine(request, pg_engine_url):
    return request.param


@pytest.fixture
def frame_for(engine, pg_engine_url):
    """frame_for(record, windows) -> Frame on the engine under test."""
    opened = []

    def make(record: dict[str, pa.Table], windows: list[Window]) -> Frame:
        connection = connect(engine, tables=record, postgres_url=pg_engine_url)
        opened.append(connection)
        return Frame(connection, windows, CONFIG)

    yield make
    for connection in opened:
        connection.close()


def month(year: int, month: int) -> Window:
    from casegrip.measures.frame import month_end

    start = date(year, month, 1)
    return Window(start, month_end(start))


def as_at(day: date) -> Window:
    return Window(day, day)


def only_point(measure_id: str, frame: Frame):
    """The one point a measure gives for a frame of one window, for the whole authority."""
    from casegrip.measures.catalogue import get
    from casegrip.measures.runner import run

    [point] = run(get(measure_id), frame)
    return point


def places(measure_id: str, frame: Frame, window_end: date | None = None) -> dict:
    """Each child's place in the figure (numerator, denominator only or excluded; a set when a
    child has rows in more than one place), for one window or all."""
    from casegrip.measures.catalogue import get
    from casegrip.measures.runner import evaluate

    out: dict[str, set[str]] = {}
    for row in frame.connection.to_pylist(evaluate(get(measure_id), frame, attribute=False)):
        if window_end is not None and row["window_end"] != window_end:
            continue
        assert row["reason"], "every row says why"
        where = (
            "numerator"
            if row["in_numerator"] and row["in_denominator"]
            else "denominator only"
            if row["in_denominator"]
            else "excluded"
        )
        out.setdefault(row["child_id"], set()).add(where)
    return {child: wheres.pop() if len(wheres) == 1 else wheres for child, wheres in out.items()}

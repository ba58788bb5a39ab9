"""Connecting to each engine: a snapshot's tables, or Arrow tables loaded for the occasion.

Whichever engine runs the query, the rows come back alike: dates as dates, ints as ints.
"""

from datetime import date
from pathlib import Path

import psycopg
import pyarrow as pa
import pytest

from casegrip.config import parse_config
from casegrip.engines.connect import PARQUET_FOLDER, TEMP_SCHEMA_PREFIX, connect
from casegrip.model.extract import Extract, SourceFile
from casegrip.model.schema import conform
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import import_extract

CONFIG = parse_config(
    {
        "name": "Testshire",
        "la_code": "998",
        "child_population": 1000,
        "services": [{"id": "S", "name": "Care", "teams": [{"id": "T1", "name": "Team"}]}],
        "snapshots_to_keep": 1,
    }
)
PEOPLE = [
    ("C1", date(2015, 1, 1), None),
    ("C2", date(2008, 2, 29), date(2024, 5, 1)),
    ("C3", None, None),
]


def extract() -> Extract:
    person = conform(
        "ssd_person",
        pa.table(
            {
                "pers_person_id": [p[0] for p in PEOPLE],
                "pers_dob": pa.array([p[1] for p in PEOPLE], pa.date32()),
                "pers_death_date": pa.array([p[2] for p in PEOPLE], pa.date32()),
            }
        ),
    )
    return Extract(
        source="ssd",
        tables={"ssd_person": person},
        files=[SourceFile("ssd_person.csv", "0" * 64, len(PEOPLE))],
        extract_date=date(2024, 3, 31),
    )


def people(connection) -> list[dict]:
    t = connection.table("ssd_person")
    query = t.select("pers_person_id", "pers_dob", "pers_death_date", "_source_row")
    return connection.to_pylist(query.order_by("pers_person_id"))


def assert_the_people(rows: list[dict]) -> None:
    assert [(r["pers_person_id"], r["pers_dob"], r["pers_death_date"]) for r in rows] == PEOPLE
    assert all(type(r["_source_row"]) is int for r in rows)


def assert_the_calendar(connection) -> None:
    calendar = connection.table("calendar")
    christmas = connection.to_pylist(calendar.filter(calendar.date == date(2025, 12, 25)))
    assert christmas[0]["is_working_day"] is False
    assert christmas[0]["bank_holiday"] == "Christmas Day"
    assert type(christmas[0]["working_day_index"]) is int


@pytest.fixture(scope="module")
def duckdb_snapshot(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    import_extract(extract(), config=CONFIG, source_path="test", home=home)
    return live_snapshot(home)


@pytest.fixture(scope="module")
def postgres_snapshot(tmp_path_factory, pg_engine_url):
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASEGRIP_ENGINE_URL", pg_engine_url)
        import_extract(extract(), config=CONFIG, source_path="test", home=home, engine="postgres")
    snapshot = live_snapshot(home)
    yield snapshot
    with psycopg.connect(pg_engine_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{snapshot.location}" CASCADE')


def test_duckdb_reads_a_snapshot_read_only(duckdb_snapshot):
    with connect("duckdb", snapshot=duckdb_snapshot) as connection:
        assert connection.name == "duckdb"
        assert_the_people(people(connection))
        assert_the_calendar(connection)
        with pytest.raises(Exception, match="read-only"):
            connection.backend.raw_sql("CREATE TABLE scribble (x INTEGER)")


def test_postgres_reads_a_snapshot_in_its_schema(postgres_snapshot, pg_engine_url):
    with connect("postgres", snapshot=postgres_snapshot, postgres_url=pg_engine_url) as connection:
        assert connection.name == "postgres"
        assert_the_people(people(connection))
        assert_the_calendar(connection)
        assert postgres_snapshot.location in connection.sql(connection.table("ssd_person"))
    with psycopg.connect(pg_engine_url) as conn:  # closing left the snapshot alone
        table = f'"{postgres_snapshot.location}".ssd_person'
        count = conn.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert count.fetchone() == (len(PEOPLE),)


def test_spark_reads_a_duckdb_snapshot_through_parquet_written_once(
    duckdb_snapshot, spark_connection
):
    folder = Path(duckdb_snapshot.location).parent / PARQUET_FOLDER
    with connect("spark", snapshot=duckdb_snapshot) as connection:
        assert connection.name == "spark"
        assert_the_people(people(connection))
        assert_the_calendar(connection)
    written = (folder / "ssd_person.parquet").stat().st_mtime_ns
    assert (folder / "calendar.parquet").exists()

    with connect("spark", snapshot=duckdb_snapshot) as again:
        assert_the_people(people(again))
    assert (folder / "ssd_person.parquet").stat().st_mtime_ns == written


def test_spark_reads_a_postgres_snapshot(postgres_snapshot, pg_engine_url, spark_connection):
    with connect("spark", snapshot=postgres_snapshot, postgres_url=pg_engine_url) as connection:
        assert_the_people(people(connection))


def test_spark_says_which_table_is_missing(duckdb_snapshot, spark_connection):
    with (
        connect("spark", snapshot=duckdb_snapshot) as connection,
        pytest.raises(KeyError, match="no_such_table"),
    ):
        connection.table("no_such_table")


MIXED = pa.table(
    {
        "id": pa.array([2, 1, 3], pa.int32()),
        "day": pa.array([date(2024, 2, 29), None, date(2030, 12, 31)], pa.date32()),
        "score": pa.array([0.1 + 0.2, None, -2.0], pa.float64()),  # every bit must survive
        "name": pa.array(['é, "quoted"', "", None], pa.string()),
        "flag": pa.array([True, None, False], pa.bool_()),
        "count": pa.array([None, 7, 2**53 + 1], pa.int64()),  # beyond a float's precision
    }
)
MIXED_ROWS = [
    {"id": 1, "day": None, "score": None, "name": "", "flag": None, "count": 7},
    {
        "id": 2,
        "day": date(2024, 2, 29),
        "score": 0.1 + 0.2,
        "name": 'é, "quoted"',
        "flag": True,
        "count": None,
    },
    {
        "id": 3,
        "day": date(2030, 12, 31),
        "score": -2.0,
        "name": None,
        "flag": False,
        "count": 2**53 + 1,
    },
]


def test_loaded_tables_come_back_alike_on_every_engine(engine):
    connection = engine.connection
    t = connection.load("mixed", MIXED)
    rows = connection.to_pylist(t.order_by("id"))
    assert rows == MIXED_ROWS
    assert [type(r["id"]) for r in rows] == [int, int, int]
    assert connection.to_pyarrow(t).schema.field("day").type == pa.date32()
    # A column, or a single value, comes back as a table too.
    assert connection.to_pylist(t.day.max()) == [{"Max(day)": date(2030, 12, 31)}]
    assert "mixed" in connection.sql(t)


def test_postgres_drops_its_temporary_schema_on_close(pg_engine_url):
    connection = connect("postgres", tables={"t": MIXED}, postgres_url=pg_engine_url)
    schema = connection.schema
    assert schema.startswith(TEMP_SCHEMA_PREFIX)
    assert len(connection.to_pylist(connection.table("t"))) == 3
    connection.close()
    with psycopg.connect(pg_engine_url) as conn:
        found = conn.execute(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (schema,)
        ).fetchone()
    assert found is None


def test_spark_connections_do_not_see_each_others_tables(spark_connection):
    first = connect("spark", tables={"t": MIXED})
    second = connect("spark", tables={"t": MIXED.slice(0, 1)})
    try:
        assert len(first.to_pylist(first.table("t"))) == 3
        assert len(second.to_pylist(second.table("t"))) == 1
    finally:
        first.close()
        second.close()
    views = {v.name for v in spark_connection.session.catalog.listTables()}
    assert not any(v.endswith("_t") for v in views)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one"),
        ({"tables": {}, "snapshot": object()}, "exactly one"),
    ],
)
def test_connect_wants_a_snapshot_or_tables(kwargs, message):
    with pytest.raises(ValueError, match=message):
        connect("duckdb", **kwargs)


def test_connect_names_the_engines_it_knows():
    with pytest.raises(ValueError, match="duckdb, postgres, spark"):
        connect("oracle", tables={})

"""Work shared between two DuckDB cursors: every item once, each thread's own start and finish,
and an error raised to the caller."""

import duckdb
import pytest

from casegrip.returns.validation.cursors import on_two_cursors


def test_every_item_is_worked_once_on_a_cursor_that_sees_the_database():
    con = duckdb.connect()
    con.execute("CREATE TABLE done (thread INTEGER, item INTEGER)")
    started: list[int] = []

    def start(cursor, thread):
        started.append(thread)
        cursor.execute("BEGIN")

    on_two_cursors(
        con,
        list(range(200)),
        lambda cursor, thread, item: cursor.execute(
            "INSERT INTO done VALUES (?, ?)", [thread, item]
        ),
        name="test",
        start=start,
        finish=lambda cursor, _: cursor.execute("COMMIT"),
    )
    assert sorted(started) == [0, 1]
    items = [item for (item,) in con.execute("SELECT item FROM done ORDER BY item").fetchall()]
    assert items == list(range(200))
    assert {t for (t,) in con.execute("SELECT DISTINCT thread FROM done").fetchall()} <= {0, 1}


def test_an_error_in_one_item_reaches_the_caller():
    con = duckdb.connect()
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        on_two_cursors(
            con,
            ["SELECT 1", "SELECT * FROM no_such_table", "SELECT 2"],
            lambda cursor, _, sql: cursor.execute(sql),
            name="test",
        )

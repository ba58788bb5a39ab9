"""A case record in an in-memory DuckDB, for tests of the store.

``case_record(ssd_person=[{...}], ...)`` creates every canonical table, empty, from its
``arrow_schema()`` and inserts the rows given (dicts of canonical column names; a column left
out is null; a name that is not a column is an error). A row's ``_source_row`` is its position
in the list unless the dict gives one.
"""

import duckdb
import pyarrow as pa

from casegrip.model.schema import SOURCE_ROW, TABLES, table

_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create(name: str) -> str:
    columns = ", ".join(
        f"{_quote(f.name)} {_DUCKDB_TYPES[f.type]}" for f in table(name).arrow_schema()
    )
    return f"CREATE TABLE {_quote(name)} ({columns})"


def insert(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict]) -> None:
    """Append ``rows`` to canonical table ``name``."""
    schema = table(name).arrow_schema()
    unknown = {key for row in rows for key in row} - set(schema.names)
    if unknown:
        raise KeyError(f"{name} has no column {sorted(unknown)}")
    data = pa.Table.from_pylist(
        [{SOURCE_ROW: i, **row} for i, row in enumerate(rows)], schema=schema
    )
    con.register("_rows", data)
    try:
        con.execute(f"INSERT INTO {_quote(name)} SELECT * FROM _rows")  # noqa: S608 (schema name)
    finally:
        con.unregister("_rows")


def case_record(**tables: list[dict]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every canonical table, holding the rows given per table."""
    con = duckdb.connect()
    con.execute("; ".join(_create(name) for name in TABLES))
    for name, rows in tables.items():
        insert(con, name, rows)
    return con

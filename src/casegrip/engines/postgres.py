"""Keeping snapshots in PostgreSQL: one schema per snapshot, filled from Arrow with COPY."""

import io

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv

PG_TYPES = {
    pa.string(): "text",
    pa.date32(): "date",
    pa.int64(): "bigint",
    pa.float64(): "double precision",
    pa.bool_(): "boolean",
}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, connect_timeout=10)


def create_schema(conn: psycopg.Connection, schema: str) -> None:
    conn.execute(f"CREATE SCHEMA {quote(schema)}")


def drop_schema(conn: psycopg.Connection, schema: str) -> None:
    conn.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")


def copy_table(conn: psycopg.Connection, schema: str, name: str, data: pa.Table) -> None:
    """Create ``schema.name`` with ``data``'s columns and COPY the rows in as CSV."""
    columns = ", ".join(f"{quote(f.name)} {PG_TYPES[f.type]}" for f in data.schema)
    conn.execute(f"CREATE TABLE {quote(schema)}.{quote(name)} ({columns})")
    if data.num_rows == 0:
        return
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False))
    target = f"{quote(schema)}.{quote(name)}"
    with conn.cursor().copy(f"COPY {target} FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())


def schemas_with_prefix(conn: psycopg.Connection, prefix: str) -> list[str]:
    rows = conn.execute(
        "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s",
        (prefix.replace("_", r"\_") + "%",),
    )
    return sorted(row[0] for row in rows)

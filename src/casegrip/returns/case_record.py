"""The case record a return is built from: an in-memory DuckDB database whose ``snap`` schema
holds the canonical tables, read-only.

A DuckDB snapshot is attached as it is (nothing is copied); a PostgreSQL one is read table by
table through the store. The builders then work in plain DuckDB SQL on ``snap.<table>`` and
keep their working tables in memory, so the snapshot is never written to.
"""

import duckdb
import pyarrow as pa

from casegrip.engines.duck import quiet_connection
from casegrip.model.schema import TABLES, conform, empty
from casegrip.store.live import LiveSnapshot
from casegrip.store.snapshots import read_table


def open_case_record(snapshot: LiveSnapshot) -> duckdb.DuckDBPyConnection:
    """A connection with the snapshot's canonical tables as ``snap.<table>``."""
    if snapshot.engine == "duckdb":
        con = quiet_connection(":memory:")
        location = snapshot.location.replace("'", "''")
        con.execute(f"ATTACH '{location}' AS snap (READ_ONLY)")
        return con
    return case_record_from_tables({name: read_table(snapshot, name) for name in TABLES})


def case_record_from_tables(tables: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    """A connection with the given tables (conformed; any canonical table not given is empty)
    as ``snap.<table>``: for a PostgreSQL snapshot and for tests."""
    con = quiet_connection(":memory:")
    con.execute("CREATE SCHEMA snap")
    for name in TABLES:
        data = tables.get(name)
        data = empty(name) if data is None else conform(name, data)
        con.register("incoming", data)
        con.execute(f'CREATE TABLE snap."{name}" AS SELECT * FROM incoming')
        con.unregister("incoming")
    return con

"""DuckDB, the default engine: an embedded file per snapshot."""

import duckdb


def quiet_connection(database: str = ":memory:", **kwargs) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that prints nothing (DuckDB draws progress bars on the terminal)."""
    con = duckdb.connect(database, **kwargs)
    con.execute("SET enable_progress_bar = false")
    return con

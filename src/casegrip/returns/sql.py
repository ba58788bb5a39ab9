"""Small pieces of SQL text the builders put together from layout data (codes and words
from the YAML, never from the case record), and the name of a case record table to read."""

import duckdb

from casegrip.model.schema import empty


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_case(expression: str, mapping: dict[str, str], otherwise: str) -> str:
    """``CASE expression WHEN 'key' THEN 'value' ... ELSE otherwise END`` from a mapping."""
    if not mapping:
        return otherwise
    whens = " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v)}" for k, v in mapping.items())
    return f"CASE {expression} {whens} ELSE {otherwise} END"


def sql_list(values) -> str:
    """``('a', 'b')`` for ``IN``; never empty."""
    return "(" + ", ".join(sql_text(v) for v in values) + ")" if values else "(NULL)"


def case_table(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The case record's table ``name`` for a builder to read: ``snap.<name>``, or an empty
    stand-in for a snapshot made before the canonical schema had that table."""
    try:
        con.execute(f'SELECT 1 FROM snap."{name}" LIMIT 0')
        return f'snap."{name}"'
    except duckdb.CatalogException:
        con.register(f"empty_{name}", empty(name))
        return f"empty_{name}"

"""A kept findings CSV (as ``run.findings_csv`` writes it), summarised by DuckDB from the file:
counts, by rule, the fix list by child. A return full of errors has 100,000s of findings, and
making each a Python object on every page view took seconds; DuckDB reads the file in tens of
milliseconds."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .findings import FINDING_COLUMNS

TYPES = {"row": "BIGINT"}  # every other column is text


@contextmanager
def _findings(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the file as the view ``findings`` (child_id '' where none)."""
    columns = ", ".join(f"'{c}': '{TYPES.get(c, 'VARCHAR')}'" for c in FINDING_COLUMNS)
    literal = "'" + str(path).replace("'", "''") + "'"
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute(
            "CREATE VIEW findings AS SELECT * REPLACE (coalesce(child_id, '') AS child_id)"
            f" FROM read_csv({literal}, header = true, auto_detect = false,"
            f" columns = {{{columns}}}, quote = '\"', escape = '\"', delim = ',')"
        )
        yield con
    finally:
        con.close()


def summary(path: Path) -> tuple[int, int, int]:
    """(findings, children named, rules broken) in the file."""
    with _findings(path) as con:
        return con.execute(
            "SELECT count(*), count(DISTINCT child_id) FILTER (WHERE child_id <> ''),"
            " count(DISTINCT rule_code) FROM findings"
        ).fetchone()


def by_rule(path: Path) -> list[tuple[str, str, int, int]]:
    """As ``run.by_rule``: (rule, message, findings, children) per rule, most findings first."""
    with _findings(path) as con:
        return con.execute(
            "SELECT rule_code, first(message), count(*),"
            " count(DISTINCT child_id) FILTER (WHERE child_id <> '')"
            " FROM findings GROUP BY rule_code ORDER BY count(*) DESC, rule_code"
        ).fetchall()


def by_child(path: Path) -> list[tuple[str, int, str]]:
    """As ``run.by_child``: (child, findings, rules) per child, most findings first."""
    with _findings(path) as con:
        return con.execute(
            "SELECT child_id, count(*), string_agg(DISTINCT rule_code, ', ' ORDER BY rule_code)"
            " FROM findings WHERE child_id <> '' GROUP BY child_id"
            " ORDER BY count(*) DESC, child_id"
        ).fetchall()


def children(path: Path) -> list[str]:
    """Every child the file names, once each."""
    with _findings(path) as con:
        return [
            child
            for (child,) in con.execute(
                "SELECT DISTINCT child_id FROM findings WHERE child_id <> '' ORDER BY 1"
            ).fetchall()
        ]

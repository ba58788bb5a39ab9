"""A kept findings CSV (as ``run.findings_csv`` writes it), read once into DuckDB and
summarised there: counts, by rule, the fix list by child. A return full of errors has 100,000s
of findings, and making each a Python object on every page view took seconds; DuckDB reads and
summarises the file in a fraction of that."""

from pathlib import Path
from types import TracebackType

import duckdb

from .findings import FINDING_COLUMNS
from .sql import literal

TYPES = {"row": "BIGINT"}  # every other column is text


class FindingsFile:
    """The findings in ``path``, with child_id '' where a finding names no child. Use it in a
    ``with`` block: it holds a DuckDB connection."""

    def __init__(self, path: Path) -> None:
        columns = ", ".join(f"'{c}': '{TYPES.get(c, 'VARCHAR')}'" for c in FINDING_COLUMNS)
        self.con = duckdb.connect(config={"threads": 1})
        self.con.execute(
            "CREATE TABLE findings AS SELECT * REPLACE (coalesce(child_id, '') AS child_id)"
            f" FROM read_csv({literal(str(path))}, header = true, auto_detect = false,"
            f" columns = {{{columns}}}, quote = '\"', escape = '\"', delim = ',')"
        )

    def __enter__(self) -> "FindingsFile":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.con.close()

    def summary(self) -> tuple[int, int, int]:
        """(findings, children named, rules broken)."""
        return self.con.execute(
            "SELECT count(*), count(DISTINCT child_id) FILTER (WHERE child_id <> ''),"
            " count(DISTINCT rule_code) FROM findings"
        ).fetchone()

    def by_rule(self) -> list[tuple[str, str, int, int]]:
        """As ``run.by_rule``: (rule, message, findings, children) per rule, most findings
        first."""
        return self.con.execute(
            "SELECT rule_code, first(message), count(*),"
            " count(DISTINCT child_id) FILTER (WHERE child_id <> '')"
            " FROM findings GROUP BY rule_code ORDER BY count(*) DESC, rule_code"
        ).fetchall()

    def by_child(self) -> list[tuple[str, int, str]]:
        """As ``run.by_child``: (child, findings, rules) per child, most findings first."""
        return self.con.execute(
            "SELECT child_id, count(*), string_agg(DISTINCT rule_code, ', ' ORDER BY rule_code)"
            " FROM findings WHERE child_id <> '' GROUP BY child_id"
            " ORDER BY count(*) DESC, child_id"
        ).fetchall()

    def children(self) -> list[str]:
        """Every child the findings name, once each."""
        found = self.con.execute(
            "SELECT DISTINCT child_id FROM findings WHERE child_id <> '' ORDER BY 1"
        ).fetchall()
        return [child for (child,) in found]

"""What every source hands to the store: canonical tables, findings and provenance."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa

from .findings import Finding


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha256: str
    rows: int


class HeldTable:
    """A canonical table a source has already loaded into the extract's DuckDB database.

    Reading Parquet straight into DuckDB and keeping it there spares two copies of every value
    (DuckDB to Arrow, Arrow back to DuckDB). It reads like an Arrow table when asked."""

    def __init__(self, database: Any, name: str, num_rows: int) -> None:
        self.database = database
        self.name = name
        self.num_rows = num_rows
        self._arrow: pa.Table | None = None

    def to_arrow(self) -> pa.Table:
        if self._arrow is None:
            self._arrow = self.database.table(self.name).to_arrow_table()
        return self._arrow

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.to_arrow(), attribute)


@dataclass
class Extract:
    """A case record in canonical form, ready to be checked and stored as a snapshot."""

    source: str  # "ssd", "ssda903", "cin_census"
    tables: dict[str, "pa.Table | HeldTable"]  # canonical table name -> conformed table
    findings: list[Finding] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    extract_date: date | None = None  # as-at date of the extract; None: the import date
    # An in-memory DuckDB connection holding the HeldTables; the import builds the snapshot in it.
    database: Any = None

    def close(self) -> None:
        if self.database is not None:
            self.database.close()
            self.database = None

    def row_counts(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in sorted(self.tables.items())}

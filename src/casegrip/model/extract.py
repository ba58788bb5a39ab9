"""What every source hands to the store: canonical tables, findings and provenance."""

from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from .findings import Finding


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha256: str
    rows: int


@dataclass
class Extract:
    """A case record in canonical form, ready to be checked and stored as a snapshot."""

    source: str  # "ssd", "ssda903", "cin_census"
    tables: dict[str, pa.Table]  # canonical table name -> conformed table
    findings: list[Finding] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    extract_date: date | None = None  # as-at date of the extract; None: the import date

    def row_counts(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in sorted(self.tables.items())}

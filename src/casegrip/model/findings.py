"""Findings: what a source or a data-quality check says is wrong with the case record.

A finding names the table, the 0-based row of the source file, the field, the value and the
rule, so that whoever fixes the extract can go straight to it. Findings never hold more of a
child's record than the one value at fault.
"""

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the value is unusable and was dropped (or the row cannot be counted)
    WARNING = "warning"  # the value is kept but suspicious


@dataclass(frozen=True)
class Finding:
    rule: str
    table: str
    row: int | None
    field: str
    value: str
    message: str
    severity: Severity = Severity.WARNING
    file: str = ""

    def as_row(self) -> dict:
        row = asdict(self)
        row["severity"] = str(self.severity)
        return row


FINDING_COLUMNS = ("rule", "table", "row", "field", "value", "message", "severity", "file")


class SourceError(Exception):
    """An input that cannot be imported at all: which file, and why. Nothing is changed."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


# What the problems sources meet while reading are called, for reports beside the checks' rules.
SOURCE_RULE_TITLES = {
    "unparseable_date": "Date that cannot be read",
    "unparseable_number": "Number that cannot be read",
    "unknown_column": "Column casegrip does not read",
    "unknown_table": "File casegrip does not read",
    "table_not_imported": "Table this format cannot bring in",
}

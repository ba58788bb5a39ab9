"""Reading one SSDA903 CSV file and recognising which 903 table it holds.

Councils name their 903 files as they like (``header.csv``, ``SSDA903_2024_episodes.csv``,
``903 Head.csv``...), so a file is recognised by its header row: each 903 table has columns no
other table has (``DECOM`` for Episodes, ``DUC`` for UASC...). Column names are compared
case-insensitively and without surrounding spaces.
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from casegrip.model.findings import Finding, SourceError


@dataclass(frozen=True)
class Table903:
    name: str  # the DfE name, e.g. "Episodes"
    columns: tuple[str, ...]  # every column the DfE specification gives it
    marks: frozenset[str]  # columns only this table has: they recognise it
    canonical: str | None  # the canonical table most of it lands in; None: not imported
    why_not: str = ""  # for a table that is not imported, why
    unused: frozenset[str] = frozenset()  # its columns that have no canonical column


TABLES_903 = (
    Table903(
        "Header",
        ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
        frozenset({"ETHNIC"}),
        "ssd_person",
        unused=frozenset({"MC_DOB"}),
    ),
    Table903(
        "Episodes",
        (
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
        ),
        frozenset({"DECOM", "RNE"}),
        "ssd_cla_episodes",
    ),
    Table903(
        "Reviews",
        ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
        frozenset({"REVIEW", "REVIEW_CODE"}),
        "ssd_cla_reviews",
    ),
    Table903(
        "UASC",
        ("CHILD", "SEX", "DOB", "DUC"),
        frozenset({"DUC"}),
        "ssd_immigration_status",
    ),
    Table903(
        "OC2",
        (
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ),
        frozenset(
            {
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            }
        ),
        "ssd_cla_health",
        # The SSD has no item for an intervention offered but not received.
        unused=frozenset({"INTERVENTION_OFFERED"}),
    ),
    Table903(
        "OC3",
        ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
        frozenset({"IN_TOUCH", "ACTIV", "ACCOM"}),
        "ssd_care_leavers",
    ),
    Table903(
        "AD1",
        (
            "CHILD",
            "DOB",
            "DATE_INT",
            "DATE_MATCH",
            "FOSTER_CARE",
            "NB_ADOPTR",
            "SEX_ADOPTR",
            "LS_ADOPTR",
        ),
        frozenset(
            {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}
        ),
        "ssd_permanence",
    ),
    Table903(
        "PlacedAdoption",
        ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
        frozenset({"DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"}),
        "ssd_permanence",
    ),
    Table903(
        "PrevPerm",
        ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
        frozenset({"PREV_PERM", "LA_PERM", "DATE_PERM"}),
        None,
        "the canonical schema has no previous-permanence table "
        "(the SSD's ssd_cla_previous_permanence is not in it)",
    ),
    Table903(
        "Missing",
        ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
        frozenset({"MISSING", "MIS_START", "MIS_END"}),
        "ssd_missing",
    ),
    Table903(
        "SWEpisodes",
        ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
        frozenset({"SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}),
        "ssd_involvements",
    ),
    Table903(
        "DoLo",
        ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
        frozenset({"DOLO_START", "DOLO_END"}),
        None,
        "the canonical schema has no deprivation-of-liberty table",
    ),
)


def recognise(columns: list[str]) -> Table903 | None:
    """The 903 table whose own columns the header has most of; None if it has none of them.

    A header that has no ``CHILD`` column is no 903 table. A tie is no answer either.
    """
    names = set(columns)
    if "CHILD" not in names:
        return None
    scored = sorted(((len(t.marks & names), t) for t in TABLES_903), key=lambda s: -s[0])
    best, runner_up = scored[0], scored[1]
    if best[0] == 0 or best[0] == runner_up[0]:
        return None
    return best[1]


@dataclass
class File903:
    """One 903 CSV file: which table it is, and its rows keyed by (upper-case) column."""

    name: str
    table: Table903
    sha256: str
    rows: list[tuple[int, dict[str, str | None]]]  # (0-based data row, values)
    findings: list[Finding] = field(default_factory=list)


def _decode(name: str, data: bytes) -> str:
    # UTF-8 (with or without the byte-order mark Excel writes) first; then Windows-1252, which
    # is what a council's Excel "Save as CSV" gives on an English Windows desktop.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(name, "is neither UTF-8 nor Windows-1252 text")


def _column_finding(rule: str, table: Table903, column: str, message: str, file: str) -> Finding:
    return Finding(rule, table.canonical or table.name, None, column, "", message, file=file)


def read_file(path: Path) -> File903:
    """Read and recognise one 903 CSV file. Raises ``SourceError`` if it is no 903 table."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(name, f"cannot be read: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        raise SourceError(name, "is not a CSV file (it holds binary data)")
    text = _decode(name, data)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise SourceError(name, f"is not a readable CSV file: {exc}") from exc
    if not records or not any(cell.strip() for cell in records[0]):
        raise SourceError(name, "is empty: it has no header row")
    header = [cell.strip().upper() for cell in records[0]]
    table = recognise(header)
    if table is None:
        raise SourceError(
            name,
            "has no recognisable SSDA903 header (expected CHILD and the columns of one of "
            + ", ".join(t.name for t in TABLES_903)
            + f"; found {', '.join(c for c in header if c) or 'none'})",
        )

    findings = []
    known = set(table.columns)
    seen: set[str] = set()
    keep: list[tuple[int, str]] = []
    for position, column in enumerate(header):
        if not column and not any(
            position < len(record) and record[position].strip() for record in records[1:]
        ):
            continue  # an unnamed, empty column: the trailing comma of some exports
        if column in known and column not in seen:
            seen.add(column)
            keep.append((position, column))
            continue
        given = records[0][position].strip() or f"(unnamed column {position + 1})"
        rule, why = (
            ("duplicate_column", "appears twice; the first one was read")
            if column in known
            else ("unknown_column", f"is not part of the 903 {table.name} table and was ignored")
        )
        findings.append(_column_finding(rule, table, given, f"Column {given!r} {why}.", name))
    for column in table.columns:
        # DOB outside the Header only repeats the Header's: nothing is read from it.
        read = column not in table.unused and (column != "DOB" or table.name == "Header")
        if column not in seen and read:
            message = (
                f"The 903 {table.name} table should have a {column} column; "
                "its values are taken as blank."
            )
            findings.append(_column_finding("missing_column", table, column, message, name))
    if table.canonical is None:
        findings = []  # the file is not imported: one finding says so, not one per column

    rows = []
    for index, record in enumerate(records[1:]):
        if not any(cell.strip() for cell in record):
            continue  # a blank line; the row numbers of later rows still count it
        values = {}
        for position, column in keep:
            cell = record[position].strip() if position < len(record) else ""
            values[column] = cell or None
        rows.append((index, values))
    return File903(name, table, hashlib.sha256(data).hexdigest(), rows, findings)

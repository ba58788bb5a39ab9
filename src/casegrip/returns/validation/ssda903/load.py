"""Load an SSDA903 return's CSV files into DuckDB: one raw table and one typed table per table.

``<Table>_file`` holds the file's rows in order, every column as VARCHAR exactly as written;
the view ``<Table>_raw`` adds ``_row`` (0-based row in its file). ``<Table>`` has the same rows
with text upper-cased (as the DfE validator reads them), blanks as NULL, dates as DATE (NULL
when not a valid DD/MM/YYYY date) and whole numbers as INTEGER. A previous year's return loads
as ``<Table>_last_raw`` and ``<Table>_last``.

Files are recognised by their columns, not their names, as the DfE validator does."""

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb

from casegrip.returns.layouts import latest_ssda903_year, ssda903_layout
from casegrip.returns.validation.cursors import on_two_cursors
from casegrip.returns.validation.sql import literal

from .postcodes import load_reference
from .providers import PROVIDERS, PROVIDERS_SQL, load_providers

# Every table any collection year may hold (the newest layout has them all).
_NEWEST = ssda903_layout(latest_ssda903_year())
TABLES: dict[str, tuple[str, ...]] = {name: table.columns for name, table in _NEWEST.tables.items()}
DATES = _NEWEST.dates
NUMBERS = frozenset({"SDQ_SCORE", "NB_ADOPTR"})
# Not a table: rules that compare placements with the return's own authority name it among
# their tables, so that they run only when the authority is known.
AUTHORITY = "authority"


class UnreadableFile(ValueError):
    """A return file that cannot be read as CSV; the message names the file, the line and why
    (never a value from it)."""


def _columns_of(path: Path) -> tuple[str, ...]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise _not_utf8(path) from exc
    return tuple(column.strip().upper() for column in first)


def _not_utf8(path: Path, line: str = "") -> UnreadableFile:
    return UnreadableFile(
        f"{path.name} is not UTF-8 text{line}: save it as CSV UTF-8 and try again."
        " Nothing from the return was checked."
    )


def _read_error(path: Path, exc: duckdb.Error) -> UnreadableFile:
    """What DuckDB could not read, in words, without the line itself (it names a child)."""
    text = str(exc)
    found = re.search(r"CSV Error on Line: (\d+)", text)
    line = f" (line {int(found.group(1)):,})" if found else ""
    if "not utf-8" in text.lower():
        return _not_utf8(path, line)
    return UnreadableFile(
        f"{path.name} cannot be read as CSV{line}. Nothing from the return was checked."
    )


def find_tables(folder: Path) -> dict[str, Path]:
    """Each SSDA903 table found among ``folder``'s CSV files, by its set of columns."""
    by_columns = {frozenset(columns): name for name, columns in TABLES.items()}
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.csv")):
        name = by_columns.get(frozenset(_columns_of(path)))
        if name is not None and name not in found:
            found[name] = path
    return found


def _typed(column: str) -> str:
    text = f"NULLIF(upper(\"{column}\"), '')"
    if column in DATES:
        return f"try_strptime({text}, '%d/%m/%Y')::DATE AS \"{column}\""
    if column in NUMBERS:
        return f'TRY_CAST({text} AS INTEGER) AS "{column}"'
    return f'{text} AS "{column}"'


def _type_of(column: str) -> str:
    """The SQL type of ``column`` in a typed table (what ``_typed`` makes of it)."""
    return "DATE" if column in DATES else "INTEGER" if column in NUMBERS else "VARCHAR"


def _raw_view(name: str, columns: tuple[str, ...]) -> str:
    # A table's rows keep the file's order, so its row id is the 0-based row in the file.
    selected = ", ".join(f'"{c}"' for c in columns)
    return f'CREATE VIEW "{name}_raw" AS SELECT rowid AS _row, {selected} FROM "{name}_file"'


def create_empty_tables(con: duckdb.DuckDBPyConnection, names: list[tuple[str, str]]) -> None:
    """``<table><suffix>_raw`` and its typed copy, with no rows, for each (table, suffix) in
    ``names``: in one call, with the types declared (making each from a query took three times
    as long, and a return without last year's has eleven of them)."""
    statements = []
    for table, suffix in names:
        columns = TABLES[table]
        name = f"{table}{suffix}"
        listed = ", ".join(f'"{c}" VARCHAR' for c in columns)
        typed = ", ".join(f'"{c}" {_type_of(c)}' for c in columns)
        statements += [
            f'CREATE TABLE "{name}_file" ({listed})',
            _raw_view(name, columns),
            f'CREATE TABLE "{name}" (_row BIGINT, {typed})',
        ]
    if statements:
        con.execute(";\n".join(statements))


def create_table(con: duckdb.DuckDBPyConnection, table: str, path: Path, suffix: str = "") -> None:
    """``<table><suffix>_raw`` from the file ``path`` and its typed copy."""
    columns = TABLES[table]
    name = f"{table}{suffix}"
    selected = ", ".join(f'"{c}"' for c in columns)
    # The header's own order decides which value is which column. Every column is named
    # and typed, so DuckDB need not sniff the file (sniffing took three times as long as
    # reading it). A literal path: binding it as a parameter makes DuckDB re-plan slowly.
    header = _columns_of(path)
    types = ", ".join(f"'{c}': 'VARCHAR'" for c in header)
    try:
        con.execute(
            f'CREATE TABLE "{name}_file" AS SELECT {selected}'
            f" FROM read_csv({literal(str(path))}, header = true, auto_detect = false,"
            f" columns = {{{types}}},"
            " quote = '\"', escape = '\"', delim = ',', strict_mode = false,"
            " null_padding = true)"
        )
    except duckdb.Error as exc:
        raise _read_error(path, exc) from exc
    con.execute(_raw_view(name, columns))
    typed = ", ".join(_typed(c) for c in columns)
    # A table rather than a view: the rules read each table many times, and parsing the dates
    # once halves the time the whole validation takes.
    con.execute(f'CREATE TABLE "{name}" AS SELECT rowid AS _row, {typed} FROM "{name}_file"')


def load(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    previous: Path | None = None,
    authority: str | None = None,
    providers: Sequence[Path] | None = None,
) -> set[str]:
    """Every table of the return in ``folder`` (and of the previous year's in ``previous``);
    a table with no file is created empty. Returns the names of the tables that had a file
    (previous year's with the suffix ``_last``), and ``AUTHORITY`` when ``authority`` (the
    return's local authority, its ONS code such as E09000027) is given, and ``PROVIDERS`` when
    Ofsted's provider lists ``providers`` (XLSX files) are given.

    Also ``_metadata`` (authority), the postcodes the episodes and providers give
    (``postcodes``) and the providers (``_providers``, see ``providers``)."""
    present: set[str] = set()
    if providers:
        # First: a provider list that cannot be read stops the validation before any work.
        load_providers(con, providers)
        present.add(PROVIDERS)
    files: list[tuple[str, Path, str]] = []
    empty: list[tuple[str, str]] = []
    for suffix, source in (("", folder), ("_last", previous)):
        found = find_tables(source) if source is not None else {}
        present |= {f"{name}{suffix}" for name in found}
        files += [(table, path, suffix) for table, path in found.items()]
        empty += [(table, suffix) for table in TABLES if table not in found]

    create_empty_tables(con, empty)
    # Largest files first: each of the two threads takes the next file when it is free, so
    # neither is left reading a large one alone at the end.
    files.sort(key=lambda item: item[1].stat().st_size, reverse=True)
    on_two_cursors(
        con,
        files,
        lambda cursor, _, item: create_table(cursor, *item),
        name="ssda903-load",
    )
    load_reference(
        con,
        ["Episodes", "Episodes_last"],
        [("_providers_read", "POSTCODE")] if providers else [],
    )
    if providers:
        con.execute(PROVIDERS_SQL)
    con.execute(
        f"CREATE OR REPLACE TABLE _metadata AS SELECT {literal(authority or '')} AS authority"
    )
    if authority:
        present.add(AUTHORITY)
    return present

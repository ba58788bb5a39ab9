"""The SSD source: a folder of ``ssd_<table>.csv`` / ``.parquet`` files, or a PostgreSQL schema.

Parsing is lenient and set-based: every file is read by DuckDB as text (CSV) or as typed
columns (Parquet), and each canonical column is coerced in one SQL pass. A value that cannot be
read (a date in an unknown format, a number with letters) becomes null and a finding names its
file, row, field and value. Unknown tables and columns are ignored with a finding. A file that
cannot be read at all stops the import with a ``SourceError``: nothing is half-imported.
"""

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import duckdb

from casegrip.engines.duck import quiet_connection
from casegrip.model.extract import Extract, HeldTable, SourceFile
from casegrip.model.findings import Finding, Severity, SourceError
from casegrip.model.schema import SOURCE_ROW, TABLES, table

FILE_PATTERN = re.compile(r"^(ssd_[a-z0-9_]+)\.(csv|parquet)$", re.IGNORECASE)

# The date formats councils' extracts use, tried in order. DuckDB takes the first that fits.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y%m%d",
)
# Column types of the canonical schema as DuckDB names them (see model/schema.py).
_DUCK_TYPES = {
    "string": "VARCHAR",
    "json": "VARCHAR",
    "date": "DATE",
    "integer": "BIGINT",
    "float": "DOUBLE",
}
_FORMATS_SQL = "[" + ", ".join(f"'{f}'" for f in DATE_FORMATS) + "]"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _files(folder: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(folder.iterdir()):
        match = FILE_PATTERN.match(path.name)
        if match and path.is_file():
            yield match.group(1).lower(), path


def _coerce(
    column: str, kind: str, source_type: str, parquet: bool = False
) -> tuple[str, str | None]:
    """SQL for the canonical value, and SQL that is true where a given value was unreadable."""
    raw = _quote(column)
    text = f"NULLIF(trim(CAST({raw} AS VARCHAR)), '')"
    typed = source_type.upper()
    if kind in {"string", "json"}:
        if typed == "VARCHAR" and parquet:
            # A typed Parquet text keeps its spaces (an id is what the system holds); only an
            # empty one means missing. Trimming every text doubled the cost of a Parquet load.
            return f"NULLIF({raw}, '')", None
        return text, None
    if kind == "date":
        if typed.startswith(("DATE", "TIMESTAMP")):
            return f"CAST({raw} AS DATE)", None
        value = f"CAST(try_strptime({text}, {_FORMATS_SQL}) AS DATE)"
        return value, f"{text} IS NOT NULL AND {value} IS NULL"
    if kind == "integer":
        if typed in {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT"}:
            return f"CAST({raw} AS BIGINT)", None
        value = f"TRY_CAST(TRY_CAST({text} AS DOUBLE) AS BIGINT)"
        return value, f"{text} IS NOT NULL AND {value} IS NULL"
    if kind == "float":
        value = f"TRY_CAST({text} AS DOUBLE)"
        return value, f"{text} IS NOT NULL AND {value} IS NULL"
    raise ValueError(f"unknown column type {kind!r}")


def _read_file(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> tuple[int, list[Finding]]:
    """Load one file into ``con`` as the canonical table ``name``, leniently."""
    spec = table(name)
    parquet = path.suffix.lower() == ".parquet"
    try:
        if parquet:
            # Parquet keeps its row order and types: read it in place, no staging copy.
            source = "read_parquet($path, file_row_number = true)"
            described = con.execute(f"DESCRIBE SELECT * FROM {source}", {"path": str(path)})
            described = [(c, t) for c, t, *_ in described.fetchall() if c != "file_row_number"]
            row_number = "CAST(file_row_number AS BIGINT)"
        else:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE raw AS SELECT *, "
                "CAST(row_number() OVER () - 1 AS BIGINT) AS file_row_number FROM "
                "read_csv($path, all_varchar = true, header = true, sample_size = -1)",
                {"path": str(path)},
            )
            source = "raw"
            described = [
                (c, t)
                for c, t, *_ in con.execute("DESCRIBE raw").fetchall()
                if c != "file_row_number"
            ]
            row_number = "file_row_number"
    except duckdb.Error as exc:
        raise SourceError(path.name, f"cannot be read: {str(exc).splitlines()[0]}") from exc
    params = {"path": str(path)} if parquet else {}

    findings: list[Finding] = []
    aliases = spec.aliases()
    present: dict[str, tuple[str, str]] = {}  # canonical -> (column in file, its type)
    for column, source_type in described:
        canonical = aliases.get(column.strip().lower(), column.strip().lower())
        if spec.has(canonical) and canonical not in present:
            present[canonical] = (column, source_type)
        else:
            findings.append(
                Finding(
                    rule="unknown_column",
                    table=name,
                    row=None,
                    field=column,
                    value="",
                    message=f"Column {column!r} is not part of {name} and was ignored.",
                    file=path.name,
                )
            )

    selects, problems = [], []
    for col in spec.columns:
        if col.name not in present:
            selects.append(f"CAST(NULL AS {_DUCK_TYPES[col.type]}) AS {_quote(col.name)}")
            continue
        source_column, source_type = present[col.name]
        value, unreadable = _coerce(source_column, col.type, source_type, parquet)
        selects.append(f"{value} AS {_quote(col.name)}")
        if unreadable:
            problems.append(
                f"SELECT {row_number} AS row, '{col.name}' AS field, '{col.type}' AS kind, "
                f"CAST({_quote(source_column)} AS VARCHAR) AS value "
                f"FROM {source} WHERE {unreadable}"
            )
    selects.append(f"{row_number} AS {SOURCE_ROW}")
    con.execute(f"CREATE TABLE {_quote(name)} AS SELECT {', '.join(selects)} FROM {source}", params)
    rows = con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
    if problems:
        for row, field, kind, value in con.execute(
            " UNION ALL ".join(problems) + " ORDER BY row, field", params
        ).fetchall():
            what = "date" if kind == "date" else "number"
            findings.append(
                Finding(
                    rule=f"unparseable_{what}",
                    table=name,
                    row=row,
                    field=field,
                    value=str(value)[:100],
                    message=f"{value!r} is not a {what} casegrip can read; it was left empty.",
                    severity=Severity.ERROR,
                    file=path.name,
                )
            )
    if not parquet:
        con.execute("DROP TABLE raw")
    return rows, findings


def _read_on_cursor(
    con: duckdb.DuckDBPyConnection, name: str, path: Path
) -> tuple[int, list[Finding], str]:
    cursor = con.cursor()
    try:
        rows, findings = _read_file(cursor, name, path)
    finally:
        cursor.close()
    return rows, findings, sha256(path)


def read_ssd_folder(folder: Path, extract_date: date | None = None) -> Extract:
    """Read every ``ssd_<table>`` file in ``folder`` into canonical tables."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(str(folder), "is not a folder of ssd_<table> files")
    found = list(_files(folder))
    if not any(name in TABLES for name, _ in found):
        raise SourceError(
            str(folder), "holds no ssd_<table>.csv or .parquet file of a known SSD table"
        )
    con = quiet_connection()
    extract = Extract(source="ssd", tables={}, extract_date=extract_date, database=con)
    wanted: list[tuple[str, Path]] = []
    try:
        for name, path in found:
            if name not in TABLES:
                extract.findings.append(
                    Finding(
                        rule="unknown_table",
                        table=name,
                        row=None,
                        field="",
                        value="",
                        message=f"{path.name} is not a table casegrip reads; it was ignored.",
                        file=path.name,
                    )
                )
                continue
            if name in {n for n, _ in wanted}:
                raise SourceError(path.name, f"is a second file for {name}; keep only one")
            wanted.append((name, path))
        # Files load side by side, each on its own cursor: a file of one row group is read by
        # one thread, so loading them one after another would leave cores idle.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            loaded = list(pool.map(lambda item: _read_on_cursor(con, *item), wanted))
        for (name, path), (rows, findings, digest) in zip(wanted, loaded, strict=True):
            extract.tables[name] = HeldTable(con, name, rows)
            extract.findings.extend(findings)
            extract.files.append(SourceFile(path.name, digest, rows))
    except BaseException:
        extract.close()
        raise
    return extract


def read_ssd_postgres(url: str, schema: str, extract_date: date | None = None) -> Extract:
    """Read the SSD tables that live in a PostgreSQL schema, as the folder reader does."""
    import psycopg

    try:
        conn = psycopg.connect(url, connect_timeout=10)
    except psycopg.Error as exc:
        raise SourceError(url.split("@")[-1], f"PostgreSQL does not answer: {exc}") from exc
    with conn, tempfile.TemporaryDirectory(prefix="casegrip-ssd-") as scratch:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        ]
        for name in names:
            if FILE_PATTERN.match(f"{name}.csv") is None:
                continue
            target = Path(scratch) / f"{name.lower()}.csv"
            query = (
                f"COPY (SELECT * FROM {_quote(schema)}.{_quote(name)}) TO STDOUT WITH CSV HEADER"
            )
            with target.open("wb") as out, conn.cursor().copy(query) as copy:
                for block in copy:
                    out.write(block)
        extract = read_ssd_folder(Path(scratch), extract_date)
    extract.source = "ssd_postgres"
    return extract

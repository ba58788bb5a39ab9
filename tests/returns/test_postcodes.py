"""The postcode directory the SSDA903 placement rules read: the real one from its package, and
the tests' own (``tests/postcodes.py``)."""

import brotli
import duckdb
import msgpack
import pytest

from casegrip.returns.validation.ssda903.postcodes import (
    POSTCODES_DIR_VARIABLE,
    load_reference,
    postcodes_dir,
)
from tests.postcodes import write_postcodes


def looked_up(con: duckdb.DuckDBPyConnection, *postcodes: str) -> dict:
    """The directory's rows for ``postcodes``, given as a typed table holds them (upper case)."""
    con.execute("CREATE OR REPLACE TABLE Episodes (HOME_POST VARCHAR, PL_POST VARCHAR)")
    con.executemany("INSERT INTO Episodes VALUES (?, NULL)", [[p.upper()] for p in postcodes])
    load_reference(con, ["Episodes"])
    rows = con.execute("SELECT pcd_abbr, laua, east, north FROM _postcodes").fetchall()
    return {code: (laua, east, north) for code, laua, east, north in rows}


def test_the_real_directory_is_read_from_its_package_and_cached_once(tmp_path, monkeypatch):
    monkeypatch.delenv(POSTCODES_DIR_VARIABLE)
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    # The smallest letter of the real directory: Shetland's postcodes, in Scotland.
    source = postcodes_dir() / "postcodes_Z.msgpack.br"
    real = msgpack.unpackb(brotli.decompress(source.read_bytes()))["data"]["pcd"][0]
    with duckdb.connect() as con:
        found = looked_up(con, real.lower())
        assert list(found) == [real.replace(" ", "")]
        assert found[real.replace(" ", "")][0].startswith("S")
        assert con.execute("SELECT count(*) FROM _authorities").fetchone()[0] > 300
    # Shetland's postcodes are all in the area ZE.
    cached = list((tmp_path / "cache" / "postcodes").glob("Z-*/*.parquet"))
    assert [p.name for p in cached] == ["ZE.parquet"]
    made = cached[0].stat().st_mtime_ns
    with duckdb.connect() as con:
        looked_up(con, real)
    assert cached[0].stat().st_mtime_ns == made


def test_a_missing_district_or_grid_reference_is_null_not_nan(tmp_path, monkeypatch):
    monkeypatch.setenv(POSTCODES_DIR_VARIABLE, str(write_postcodes(tmp_path)))
    with duckdb.connect() as con:
        assert looked_up(con, "ZD1 1AA") == {"ZD11AA": (None, None, None)}
        assert looked_up(con, "za1 1ab") == {"ZA11AB": ("E07000008", 400000.0, 510000.0)}


@pytest.mark.parametrize("postcode", ["ZZ9 9ZZ", "QQ1 1AA", "1AB 2CD", "/ETC", " ZA1 1AA"])
def test_a_postcode_not_in_the_directory_is_simply_not_found(postcode, tmp_path, monkeypatch):
    # No file for Q, none for digits or symbols, and (as the validator) none for a space.
    monkeypatch.setenv(POSTCODES_DIR_VARIABLE, str(write_postcodes(tmp_path)))
    with duckdb.connect() as con:
        assert looked_up(con, postcode) == {}
    assert [p.name[0] for p in (tmp_path / "cache").glob("*")] in ([], ["Z"])


def test_the_cache_holds_a_file_per_postcode_area_and_a_return_reads_the_areas_it_names(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(POSTCODES_DIR_VARIABLE, str(write_postcodes(tmp_path)))
    with duckdb.connect() as con:
        found = looked_up(con, "ZA1 1AA", "ZB1 1AA", "ZA9 9ZZ")
        assert sorted(found) == ["ZA11AA", "ZB11AA"]
        [letter] = (tmp_path / "cache").glob("Z-*")
        areas = {p.stem: p for p in letter.glob("*.parquet")}
        assert sorted(areas) == ["ZA", "ZB", "ZC", "ZD", "ZF", "ZG"]
        in_za = con.execute("SELECT pcd_abbr FROM read_parquet(?)", [str(areas["ZA"])]).fetchall()
        assert sorted(in_za) == [("ZA11AA",), ("ZA11AB",)]

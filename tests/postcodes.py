"""A small postcode directory for the tests, in the form of the ONS one the DfE validator reads
(``postcodes_<letter>.msgpack.br``): made-up postcodes in the ZZ-like area Z, at made-up grid
references, in real district codes (so the real district-to-authority lookup places them)."""

import os
from pathlib import Path

import brotli
import msgpack

# The authority the tests' returns belong to (Hartlepool's ONS code: a unitary authority).
OWN_AUTHORITY = "E06000001"

# postcode: (district, easting, northing), metres on the Ordnance Survey grid.
POSTCODES: dict[str, tuple[str | None, float | None, float | None]] = {
    "ZA1 1AA": (OWN_AUTHORITY, 400000.0, 500000.0),  # in the own authority
    "ZA1 1AB": ("E07000008", 400000.0, 510000.0),  # Cambridge, so Cambridgeshire: 6.2 miles
    "ZB1 1AA": ("S12000013", 400000.0, 1100000.0),  # Scotland: 372.8 miles from ZA1 1AA
    "ZC1 1AA": ("W06000001", 300000.0, 300000.0),  # Wales
    "ZD1 1AA": (None, None, None),  # in the directory, but with no district or grid reference
    "ZF1 1AA": ("S12000013", 400000.0, 1700000.0),  # far north: 1,056.4 miles from ZG1 1AA
    "ZG1 1AA": (OWN_AUTHORITY, 400000.0, 0.0),
}
NOT_A_POSTCODE = "ZZ9 9ZZ"
# Fixed, so that the file's cached copy keeps its name from one test run to the next.
MTIME = 1_700_000_000


def write_postcodes(folder: Path) -> Path:
    """The directory's files in ``folder``, missing values as the ONS file marks them (NaN)."""
    nan = float("nan")
    by_letter: dict[str, list[tuple]] = {}
    for code, (district, east, north) in POSTCODES.items():
        by_letter.setdefault(code[0], []).append((code, district, east, north))
    for letter, rows in by_letter.items():
        data = {
            "columns": ["pcd", "laua", "oseast1m", "osnrth1m"],
            "data": {
                "pcd": [r[0] for r in rows],
                "laua": [r[1] if r[1] is not None else nan for r in rows],
                "oseast1m": [r[2] if r[2] is not None else nan for r in rows],
                "osnrth1m": [r[3] if r[3] is not None else nan for r in rows],
            },
        }
        path = folder / f"postcodes_{letter}.msgpack.br"
        path.write_bytes(brotli.compress(msgpack.packb(data)))
        os.utime(path, (MTIME, MTIME))
    return folder

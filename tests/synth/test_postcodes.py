"""The synthetic authorities' postcodes: the ONS directory's, placed as the DfE validator places
them (ADR 0017)."""

import os
import random
import subprocess
import sys
from pathlib import Path

from casegrip.returns.validation.ssda903.postcodes import POSTCODES_DIR_VARIABLE
from casegrip.synth.postcodes import HOME_AUTHORITY, _postcodes, home, miles, placement

ROOT = Path(__file__).resolve().parents[2]


def test_committed_postcodes_are_what_the_ons_directory_gives(tmp_path):
    # The real directory (the package's), not the tests' small one; its cache in tmp_path.
    env = {k: v for k, v in os.environ.items() if k != POSTCODES_DIR_VARIABLE}
    result = subprocess.run(
        [sys.executable, "scripts/synth_postcodes.py", "--check"],
        cwd=ROOT,
        env=env | {"CASEGRIP_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_home_area_is_the_authoritys_and_the_others_are_not():
    areas = _postcodes()
    assert {p.authority for p in areas["home"]} == {HOME_AUTHORITY}
    assert HOME_AUTHORITY not in {p.authority for p in areas["near"] + areas["far"]}
    assert len(areas["home"]) == len({p.code for p in areas["home"]}) == 300


def test_a_child_has_one_home_and_own_provision_is_in_the_area():
    assert home("CHILD1") == home("CHILD1")
    assert len({home(f"CHILD{n}") for n in range(200)}) > 100
    rng = random.Random(1)
    in_area = {p.code for p in _postcodes()["home"]}
    assert all(placement(rng, provider) in in_area for provider in ("PR0", "PR1") * 50)
    assert all(placement(rng, "PR4", in_area=True) in in_area for _ in range(50))
    elsewhere = [placement(rng, "PR4") for _ in range(1000)]
    share_in_area = sum(code in in_area for code in elsewhere) / len(elsewhere)
    assert 0.4 < share_in_area < 0.6


def test_distance_is_in_miles_to_a_tenth_as_the_validator_works_it_out():
    areas = {p.code: p for codes in _postcodes().values() for p in codes}
    a, b = _postcodes()["home"][0], _postcodes()["far"][-1]
    metres = ((a.easting - b.easting) ** 2 + (a.northing - b.northing) ** 2) ** 0.5
    assert miles(a.code, b.code) == round(metres / 1000 / 1.6093, 1)
    assert miles(a.code, a.code) == 0.0
    # Birmingham is about a hundred miles from Richmond.
    assert 80 < miles(a.code, b.code) < 120
    assert areas[b.code].authority == "E08000025"

"""Where synthetic children live and are placed: real postcodes from the ONS postcode directory
(``postcodes.csv``, made by ``scripts/synth_postcodes.py``; ADR 0017).

A postcode covers a street or part of one, never an address, and the children stay made up.
Real postcodes let the SSDA903's placement rules, which look postcodes up, run on a synthetic
return as on a council's. Every synthetic authority lives in the same area, Richmond upon
Thames (E09000027): validate its SSDA903 return with ``--la E09000027``."""

import csv
import math
import random
import zlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

# The ONS code of the synthetic authorities' own area.
HOME_AUTHORITY = "E09000027"
# Providers whose placements are in the authority's own area: the child's parents (PR0) and
# the authority's own provision (PR1; SSDA903 rule 1015).
IN_AREA_PROVIDERS = frozenset({"PR0", "PR1"})
# Where other providers' placements are: in the area, a neighbour, or further away.
AWAY = (("home", 0.5), ("near", 0.35), ("far", 0.15))


@dataclass(frozen=True, slots=True)
class Postcode:
    code: str
    area: str
    authority: str
    easting: int
    northing: int


@cache
def _postcodes() -> dict[str, tuple[Postcode, ...]]:
    text = files("casegrip.synth").joinpath("postcodes.csv").read_text(encoding="utf-8")
    by_area: dict[str, list[Postcode]] = {}
    for row in csv.DictReader(text.splitlines()):
        postcode = Postcode(
            row["postcode"], row["area"], row["authority"], int(row["easting"]),
            int(row["northing"]),
        )  # fmt: skip
        by_area.setdefault(postcode.area, []).append(postcode)
    return {area: tuple(codes) for area, codes in by_area.items()}


@cache
def _by_code() -> dict[str, Postcode]:
    return {p.code: p for codes in _postcodes().values() for p in codes}


def home(person_id: str) -> str:
    """The postcode of the home of the child ``person_id``: the same wherever it is asked for,
    so that the placements (made first) and the address (made later) agree."""
    homes = _postcodes()["home"]
    return homes[zlib.crc32(person_id.encode()) % len(homes)].code


def placement(
    rng: random.Random, provider: str | None, in_area: bool = False, not_at: str | None = None
) -> str:
    """A postcode for a placement with ``provider``, other than ``not_at`` (the child's home):
    in the area for the child's parents, the authority's own provision and when ``in_area``;
    otherwise in the area, a neighbour or further away."""
    areas = _postcodes()
    if in_area or provider in IN_AREA_PROVIDERS:
        area = "home"
    else:
        draw = rng.random()
        area = "far"
        for name, share in AWAY:
            if draw < share:
                area = name
                break
            draw -= share
    codes = areas[area]
    while True:
        chosen = codes[int(rng.random() * len(codes))].code
        if chosen != not_at:
            return chosen


def miles(home_postcode: str, placement_postcode: str) -> float:
    """The straight-line distance between two of the postcodes, in miles to a tenth, as the
    DfE validator works out PL_DISTANCE."""
    a, b = _by_code()[home_postcode], _by_code()[placement_postcode]
    metres = math.hypot(a.easting - b.easting, a.northing - b.northing)
    return round(metres / 1000 / 1.6093, 1)

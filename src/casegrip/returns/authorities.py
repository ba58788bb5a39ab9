"""English local authorities' DfE codes (352) beside their ONS codes (E08000003).

The DfE names an authority by its three-digit code; the SSDA903 placement rules compare with
ONS codes, as the DfE validator does. ``authorities.csv`` pairs them, as the DfE's published
statistics do (old_la_code, new_la_code; for each DfE code the latest pairing, 2017 to 2025,
from the files in shared/reference/dfe-stats)."""

import csv
import re
from functools import cache
from importlib.resources import files

ONS_CODE = re.compile(r"E(06|07|08|09|10)\d{6}")


class UnknownAuthority(ValueError):
    """Neither an English local authority's DfE code nor its ONS code."""


@cache
def _by_dfe_code() -> dict[str, str]:
    with files("casegrip.returns").joinpath("authorities.csv").open(encoding="utf-8") as handle:
        return {row["la_code"]: row["ons_code"] for row in csv.DictReader(handle)}


def ons_code(code: str) -> str:
    """The ONS code of the authority ``code`` names, by its DfE code (352) or its ONS code."""
    given = code.strip().upper()
    if ONS_CODE.fullmatch(given):
        return given
    found = _by_dfe_code().get(given)
    if found is None:
        raise UnknownAuthority(
            f"{code} is not an English local authority's DfE code (such as 352)"
            " or ONS code (such as E08000003)."
        )
    return found

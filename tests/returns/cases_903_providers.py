"""Failing and passing cases for the SSDA903 rules that look up a placement's URN in Ofsted's
provider lists (``rules_providers``), and the made-up lists they read: a Children's Homes list
and a Social Care Providers list written with openpyxl, their postcodes from the tests' own
postcode directory (``tests/postcodes.py``). Used by ``test_validate_903.py``, which passes in
its ``Case`` and ``row``."""

from datetime import datetime
from pathlib import Path

import openpyxl

# Made-up providers. A children's home in the return's own authority, offering K2 placements
# by its own authority or another (written "PR1/PR2", as Ofsted writes them):
HOME = "SC000001"
# An open fostering agency in Cambridgeshire (another authority), PR2, its placement codes
# written "K1, U1" (so, read as the validator reads them, K1 or " U1"):
AGENCY = "SC000002"
# A home, also in the own authority, that closed on 30 September 2024:
CLOSED = "SC000003"
# A home whose URN the list writes in lower case: the return's, upper-cased, never match it.
LOWER = "sc000004"
NOT_LISTED = "SC999999"

CH_HEADER = (
    "Local Authority", "URN", "Setting Name", "Closed Date", "Provider Code",
    "Provider Placement Code", "Setting Address Postcode",
)  # fmt: skip
SCP_HEADER = (
    "URN", "Setting name", "Setting postcode", "Local authority", "Placement code",
    "Placement provider code",
)  # fmt: skip


def write_workbook(path: Path, sheets: dict[str, list[tuple]]) -> Path:
    """An XLSX file of ``sheets`` (title: rows, the first row the columns)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(values)
    book.save(path)
    return path


def write_provider_lists(folder: Path) -> list[Path]:
    """The made-up Children's Homes and Social Care Providers lists, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    homes = write_workbook(
        folder / "homes.xlsx",
        {
            "Provider information": [
                CH_HEADER,
                ("Hartlepool", HOME, "A Home", "-", "K2", "PR1/PR2", "za1 1aa"),
                (
                    "Hartlepool",
                    CLOSED,
                    "A Closed Home",
                    datetime(2024, 9, 30),
                    "K2",
                    "PR3",
                    "ZA1 1AA",
                ),
                ("Hartlepool", LOWER, "A Home", None, "K2", "PR1", "ZA1 1AA"),
            ],
            "Registration Conditions": [("URN", "Conditions"), (HOME, "None")],
        },
    )
    agencies = write_workbook(
        folder / "agencies.xlsx",
        {
            "Current providers": [
                SCP_HEADER,
                (AGENCY, "An Agency", "ZA1 1AB", "Cambridgeshire", "K1, U1", "PR2"),
            ],
            "Providers closed in 2024-25": [(*SCP_HEADER, "Deregistration date")],
        },
    )
    return [homes, agencies]


def provider_cases(Case, row) -> list:
    def looked_up(code: str, bad: dict, good: dict, year: int = 2025) -> object:
        return Case(code, {"Episodes": [row(**bad)]}, {"Episodes": [row(**good)]}, year)

    return [
        looked_up("219", {"URN": HOME, "PLACE": "K1"}, {"URN": HOME, "PLACE": "K2"}),
        # Codes are split on commas alone: the agency's "K1, U1" offers K1 and " U1", not U1.
        looked_up("219", {"URN": AGENCY, "PLACE": "U1"}, {"URN": AGENCY, "PLACE": "K1"}),
        looked_up(
            "221",
            {"URN": HOME, "PLACE": "K2", "PL_POST": "ZA1 1AB"},
            {"URN": HOME, "PLACE": "K2", "PL_POST": "ZA11AA"},
        ),
        # Which placements must be at the provider's postcode changes with the year: K1, K2,
        # R3 and S1; H5 too in 2024; K3 instead of H5 from 2025.
        looked_up(
            "221",
            {"URN": HOME, "PLACE": "S1", "PL_POST": "ZA1 1AB"},
            {"URN": HOME, "PLACE": "K3", "PL_POST": "ZA1 1AB"},
            2023,
        ),
        looked_up(
            "221",
            {"URN": HOME, "PLACE": "H5", "PL_POST": "ZA1 1AB"},
            {"URN": HOME, "PLACE": "K3", "PL_POST": "ZA1 1AB"},
            2024,
        ),
        looked_up(
            "221",
            {"URN": NOT_LISTED, "PLACE": "K3", "PL_POST": "ZA1 1AB"},
            {"URN": NOT_LISTED, "PLACE": "H5", "PL_POST": "ZA1 1AB"},
            2026,
        ),
        looked_up(
            "224",
            {"URN": HOME, "PLACE_PROVIDER": "PR3"},
            {"URN": HOME, "PLACE_PROVIDER": "PR2"},
        ),
        looked_up(
            "227",
            {"URN": CLOSED, "DECOM": "30/09/2024"},
            {"URN": CLOSED, "DECOM": "29/09/2024"},
        ),
        # An episode still open at the year's end, at a home that closed in it; a DEC that is
        # not a date counts as open.
        looked_up(
            "228",
            {"URN": CLOSED, "DECOM": "01/06/2024", "DEC": "31/09/2024"},
            {"URN": CLOSED, "DECOM": "01/06/2024", "DEC": "30/09/2024"},
        ),
        looked_up(
            "229",
            {"URN": AGENCY, "PLACE": "K1", "PLACE_PROVIDER": "PR1"},
            {"URN": HOME, "PLACE": "K2", "PLACE_PROVIDER": "PR1"},
        ),
        looked_up(
            "229",
            {"URN": HOME, "PLACE": "K2", "PLACE_PROVIDER": "PR2"},
            {"URN": AGENCY, "PLACE": "K1", "PLACE_PROVIDER": "PR2"},
        ),
        looked_up(
            "229",
            {"URN": NOT_LISTED, "PLACE": "K3", "PLACE_PROVIDER": "PR1"},
            {"URN": HOME, "PLACE": "K3", "PLACE_PROVIDER": "PR1"},
        ),
        # From 2026 supported accommodation (K3) and the like are left out.
        looked_up(
            "229",
            {"URN": NOT_LISTED, "PLACE": "U1", "PLACE_PROVIDER": "PR1"},
            {"URN": NOT_LISTED, "PLACE": "K3", "PLACE_PROVIDER": "PR1"},
            2026,
        ),
        looked_up("1008", {"URN": NOT_LISTED}, {"URN": HOME}),
        # The return is upper-cased; the lists' URNs are matched as written.
        looked_up("1008", {"URN": LOWER}, {"URN": "XXXXXXX"}),
    ]

"""Failing and passing cases for the SSDA903 rules on where a child is placed (worked out from
postcodes: ``rules_placement``), on the tests' own postcode directory (``tests/postcodes.py``).
Used by ``test_validate_903.py``, which passes in its ``Case`` and ``row``."""

from tests.postcodes import NOT_A_POSTCODE

HOME = "ZA1 1AA"  # in the return's own authority
NEARBY = "ZA1 1AB"  # Cambridgeshire, 6.2 miles from HOME
SCOTLAND = "ZB1 1AA"  # 372.8 miles from HOME
WALES = "ZC1 1AA"
NO_DISTRICT = "ZD1 1AA"
FAR_NORTH, FAR_SOUTH = "ZF1 1AA", "ZG1 1AA"  # 1,056.4 miles apart


def placement_cases(Case, row) -> list:
    def placed(code: str, bad: dict, good: dict, year: int = 2026, **tables: list) -> object:
        return Case(
            code,
            {"Episodes": [row(**bad)], **tables},
            {"Episodes": [row(**good)], **tables},
            year,
        )

    open_care = {"DECOM": "01/01/2025", "RNE": "S", "LS": "C2", "PLACE": "U1"}

    def against_last_year(code: str, last: dict, bad: dict, good: dict) -> object:
        return Case(
            code,
            {"Episodes": [row(**open_care, **bad)]},
            {"Episodes": [row(**open_care, **good)]},
            2026,
            fail_last={"Episodes": [row(**open_care, **last)]},
            ok_last={"Episodes": [row(**open_care, **last)]},
        )

    uasc = {"Header": [row()], "UASC": [row(DUC="01/01/2030")]}
    not_uasc = {"Header": [row()], "UASC": []}
    return [
        placed("169", {"LS": "C2", "PL_POST": NOT_A_POSTCODE}, {"LS": "C2", "PL_POST": NEARBY}),
        placed("179", {"LS": "C2", "PL_POST": NO_DISTRICT}, {"LS": "C2", "PL_POST": SCOTLAND}),
        placed("392c", {"HOME_POST": NOT_A_POSTCODE}, {"HOME_POST": "za11aa", "PL_POST": WALES}),
        placed("420", {"LS": "V3", "PL_POST": HOME}, {"LS": "V3"}),
        placed(
            "1015",
            {"PLACE": "R1", "LS": "C2", "PLACE_PROVIDER": "PR1", "PL_POST": NEARBY},
            {"PLACE": "R1", "LS": "C2", "PLACE_PROVIDER": "PR1", "PL_POST": HOME},
        ),
        # Foster placements are not own provision in the sense of the rule, from 2026 K3 too.
        placed(
            "1015",
            {"PLACE": "K3", "LS": "C2", "PLACE_PROVIDER": "PR1", "PL_POST": NEARBY},
            {"PLACE": "U1", "LS": "C2", "PLACE_PROVIDER": "PR1", "PL_POST": NEARBY},
            2025,
        ),
        placed(
            "241",
            {"URN": "SC123456", "PLACE": "K3", "PL_POST": NEARBY},
            {"URN": "SC123456", "PLACE": "K3", "PL_POST": HOME},
        ),
        placed("243", {"URN": "SC123456", "PL_POST": SCOTLAND}, {"PL_POST": SCOTLAND}),
        placed("218", {"PLACE": "U1", "PL_POST": HOME}, {"PLACE": "U1", "PL_POST": WALES}),
        # Until 2024 an H5 placement needed no URN, and a blank PL_LA was outside England.
        placed("218", {"PLACE": "H5", "PL_POST": HOME}, {"PLACE": "P1", "PL_POST": HOME}, 2025),
        placed("218", {"PLACE": "U1", "PL_POST": HOME}, {"PLACE": "H5", "PL_POST": HOME}, 2024),
        placed("218", {"PLACE": "U1", "PL_POST": HOME}, {"PLACE": "U1"}, 2024),
        placed("230", {"PLACE": "H5", "PL_POST": HOME}, {"PLACE": "H5", "PL_POST": WALES}, 2024),
        placed(
            "454",
            {"HOME_POST": HOME, "PL_POST": SCOTLAND},
            {"HOME_POST": HOME, "PL_POST": NEARBY},
        ),
        placed(
            "164",
            {"HOME_POST": FAR_SOUTH, "PL_POST": FAR_NORTH},
            {"HOME_POST": HOME, "PL_POST": FAR_NORTH},
            **not_uasc,
        ),
        placed(
            "392a",
            {"LS": "C2", "HOME_POST": HOME, "PL_POST": NOT_A_POSTCODE},
            {"LS": "C2", "HOME_POST": HOME, "PL_POST": NEARBY},
            **not_uasc,
        ),
        # A UASC child needs no distance.
        Case(
            "392a",
            {"Episodes": [row(LS="C2", HOME_POST=HOME)], "Header": [row()], "UASC": []},
            {"Episodes": [row(LS="C2", HOME_POST=HOME)], "Header": [row()], "UASC": [row()]},
            2026,
        ),
        placed("406", {"HOME_POST": HOME, "PL_POST": NEARBY}, {"PL_POST": NEARBY}, **uasc),
        against_last_year("452", {"PL_POST": HOME}, {"PL_POST": NEARBY}, {"PL_POST": HOME}),
        against_last_year(
            "453",
            {"HOME_POST": HOME, "PL_POST": HOME},
            {"HOME_POST": HOME, "PL_POST": NEARBY},
            {"HOME_POST": HOME, "PL_POST": HOME},
        ),
        against_last_year(
            "503G",
            {"HOME_POST": HOME, "PL_POST": NEARBY},
            {"HOME_POST": HOME, "PL_POST": HOME},
            {"HOME_POST": HOME, "PL_POST": NEARBY},
        ),
        against_last_year("503H", {"PL_POST": WALES}, {"PL_POST": SCOTLAND}, {"PL_POST": WALES}),
        against_last_year("503J", {"PL_POST": HOME}, {"PL_POST": WALES}, {"PL_POST": HOME}),
    ]

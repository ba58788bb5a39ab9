"""Failing and passing cases for the SSDA903 rules that apply only to collection years before
2025 (used by ``test_validate_903.py``, which passes in its ``Case`` and ``row``)."""


def earlier_year_cases(Case, row) -> list:
    def independent_living(dob: str, decom: str) -> dict:
        return {
            "Episodes": [row(DECOM=decom, DEC="01/09/2023", PLACE="P2")],
            "Header": [row(DOB=dob)],
        }

    def sw(code: str, bad: dict, good: dict) -> object:
        return Case(code, {"SWEpisodes": [row(**bad)]}, {"SWEpisodes": [row(**good)]}, 2024)

    def sw_pair(code: str, first: dict, bad: dict, good: dict) -> object:
        return Case(
            code,
            {"SWEpisodes": [row(**first), row(**bad)]},
            {"SWEpisodes": [row(**first), row(**good)]},
            2024,
        )

    freed = {"LS": "D1", "DECOM": "01/06/2022"}
    cases = [
        # At least 15 in 2023, and 16 from 2024: a child of 15 passes in 2023 but not in 2024.
        Case(
            "370",
            independent_living("01/07/2008", "01/06/2023"),
            independent_living("01/06/2008", "01/06/2023"),
            2023,
        ),
        Case(
            "370",
            independent_living("01/06/2008", "01/06/2023"),
            independent_living("01/06/2007", "01/06/2023"),
            2024,
        ),
        Case(
            "217t",
            {"Episodes": [row(DECOM="01/06/2023", PLACE="P2", DEC="29/10/2023")]},
            {"Episodes": [row(DECOM="01/06/2023", PLACE="P2", DEC="28/10/2023")]},
            2024,
        ),
        Case(
            "SW01STG1",
            {"Episodes": [row(DECOM="01/06/2023", LS="C2")]},
            {
                "Episodes": [row(DECOM="01/06/2023", LS="C2")],
                "SWEpisodes": [row(SW_ID="SW1", SW_DECOM="01/06/2023", SW_REASON="MANAGE")],
            },
            2024,
        ),
        Case(
            "SW01STG1",
            {
                "Episodes": [row(DECOM="01/06/2023", LS="C2")],
                "SWEpisodes": [row(SW_ID="SW1", SW_DECOM="01/06/2023")],
            },
            {
                "Episodes": [row(DECOM="01/06/2023", LS="V3")],
                "SWEpisodes": [row(SW_ID="SW1", SW_DECOM="01/06/2023")],
            },
            2024,
        ),
        sw(
            "SW03STG1",
            {"SW_ID": "SW1", "SW_DECOM": "01/06/2023"},
            {"SW_ID": "SW1", "SW_DECOM": "01/06/2023", "SW_REASON": "MANAGE"},
        ),
        # In 2024 the period starts on 1 April 2023, not a year earlier as from 2025.
        sw("SW07STG2", {"SW_DEC": "01/03/2023"}, {"SW_DEC": "01/04/2023"}),
        # In 2024 a change the family asked for (FCONTA) must follow on too.
        sw_pair(
            "SW10STG2",
            {"SW_DECOM": "01/01/2023", "SW_DEC": "01/02/2023"},
            {"SW_DECOM": "01/04/2023", "SW_REASON": "FCONTA"},
            {"SW_DECOM": "08/02/2023", "SW_REASON": "FCONTA"},
        ),
        sw_pair(
            "SW11aSTG2",
            {"SW_DECOM": "01/06/2023", "SW_DEC": "01/09/2023"},
            {"SW_DECOM": "01/10/2023"},
            {"SW_DECOM": "06/09/2023"},
        ),
        # An episode with no start follows the one before it; one that ended within five days of
        # the year's end is left to SW11bSTG2.
        Case(
            "SW11aSTG2",
            {"SWEpisodes": [row(SW_DECOM="01/06/2023", SW_DEC="26/03/2024"), row(SW_ID="SW2")]},
            {"SWEpisodes": [row(SW_DECOM="01/06/2023", SW_DEC="27/03/2024"), row(SW_ID="SW2")]},
            2024,
        ),
        # In 2024 an episode that ended years ago still needs its social worker episodes.
        Case(
            "SW12STG2",
            {
                "Episodes": [row(DECOM="01/01/2020", RNE="P", DEC="01/06/2020", REC="E11")],
                "SWEpisodes": [row(SW_DECOM="01/06/2023")],
            },
            {
                "Episodes": [row(DECOM="01/01/2020", RNE="P", DEC="01/06/2020", REC="E11")],
                "SWEpisodes": [row(SW_DECOM="01/05/2020")],
            },
            2024,
        ),
        # In 2024 a blank reason is wrong whenever the episode started.
        sw(
            "SW13STG1",
            {"SW_DECOM": "01/01/2020"},
            {"SW_DECOM": "01/01/2020", "SW_REASON": "MANAGE"},
        ),
        sw_pair(
            "SW14STG2",
            {"SW_DECOM": "01/06/2023"},
            {"SW_DECOM": "01/08/2023"},
            {"SW_DECOM": "01/05/2023", "SW_DEC": "31/05/2023"},
        ),
    ]
    for year in (2023, 2024):
        cases += [
            Case(
                "445",
                {"Episodes": [row(LS="D1", DECOM="01/01/2006")]},
                {"Episodes": [row(LS="D1", DECOM="31/12/2005")]},
                year,
            ),
            Case(
                "451",
                {"Episodes": [row(**freed)]},
                {"Episodes": [row(**freed, DEC="01/09/2022", REC="E11")]},
                year,
            ),
            Case(
                "555",
                {"Episodes": [row(**freed)]},
                {"Episodes": [row(**freed)], "PlacedAdoption": [row(DATE_PLACED="01/05/2022")]},
                year,
            ),
            # While the freeing order is open, the placement may not have ceased.
            Case(
                "555",
                {
                    "Episodes": [row(**freed)],
                    "PlacedAdoption": [row(DATE_PLACED="01/05/2022", REASON_PLACED_CEASED="RD1")],
                },
                {
                    "Episodes": [row(**freed, DEC="01/09/2022")],
                    "PlacedAdoption": [row(DATE_PLACED="01/05/2022", REASON_PLACED_CEASED="RD1")],
                },
                year,
            ),
            Case(
                "556",
                {"Episodes": [row(**freed)], "PlacedAdoption": [row(DATE_PLACED="01/07/2022")]},
                {"Episodes": [row(**freed)], "PlacedAdoption": [row(DATE_PLACED="01/06/2022")]},
                year,
            ),
        ]
    return cases

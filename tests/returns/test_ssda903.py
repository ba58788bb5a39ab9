"""The SSDA903 return built from hand-worked children, checked row by row."""

import csv
from datetime import date as D

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from casegrip.returns.case_record import case_record_from_tables
from casegrip.returns.layouts import UnsupportedYear, ssda903_layout
from casegrip.returns.ssda903 import Return903, build_ssda903

from .conftest import record

# Collection year 2026: 1 April 2025 to 31 March 2026.
PEOPLE = [
    {"pers_person_id": "A", "pers_sex": "F", "pers_dob": D(2012, 5, 10),
     "pers_ethnicity": "WBRI", "pers_upn": "A123456789012"},
    {"pers_person_id": "B", "pers_sex": "M", "pers_dob": D(2010, 1, 1), "pers_ethnicity": "WBRI",
     "pers_upn_unknown": "UN5"},
    {"pers_person_id": "C", "pers_sex": "M", "pers_dob": D(2015, 3, 3), "pers_ethnicity": "BAFR",
     "pers_upn_unknown": "UN2"},
    {"pers_person_id": "D", "pers_sex": "F", "pers_dob": D(2006, 7, 1), "pers_ethnicity": "WIRI",
     "pers_upn_unknown": "UN5"},
    {"pers_person_id": "E", "pers_sex": "M", "pers_dob": D(2021, 2, 2), "pers_ethnicity": "MOTH",
     "pers_upn_unknown": "UN1"},
    {"pers_person_id": "F", "pers_sex": "F", "pers_dob": D(2009, 9, 9), "pers_ethnicity": "WOTH",
     "pers_is_mother": "Y", "pers_upn": "F123456789012"},
    {"pers_person_id": "G", "pers_sex": "M", "pers_dob": D(2008, 6, 1), "pers_ethnicity": "WBRI",
     "pers_upn_unknown": "UN5"},
]  # fmt: skip


def episode(child, n, start, rne, placement, ceased=None, reason=None, cla=None):
    return {
        "clae_cla_episode_id": f"{child}-E{n}", "clae_person_id": child,
        "clae_cla_id": cla or f"{child}-P", "clae_cla_placement_id": placement,
        "clae_cla_episode_start_date": start, "clae_cla_episode_start_reason": rne,
        "clae_cla_primary_need_code": "N1", "clae_cla_episode_ceased_date": ceased,
        "clae_cla_episode_ceased_reason": reason,
    }  # fmt: skip


def placement(pid, child, start, kind, end=None, change=None, provider="PR1"):
    return {
        "clap_cla_placement_id": pid, "clap_cla_id": f"{child}-P", "clap_person_id": child,
        "clap_cla_placement_start_date": start, "clap_cla_placement_type": kind,
        "clap_cla_placement_provider": provider, "clap_cla_placement_postcode": "AB1 2CD",
        "clap_cla_placement_end_date": end, "clap_cla_placement_change_reason": change,
    }  # fmt: skip


def legal(child, code, start, end=None):
    return {"lega_person_id": child, "lega_legal_status": code,
            "lega_legal_status_start_date": start, "lega_legal_status_end_date": end}  # fmt: skip


CASE_RECORD = record(
    ssd_person=PEOPLE,
    ssd_cla_episodes=[
        # A starts in the year, moves placement, then her legal status changes.
        episode("A", 1, D(2025, 5, 10), "S", "A-PL1", D(2025, 6, 1), "X1"),
        episode("A", 2, D(2025, 6, 1), "P", "A-PL2", D(2025, 9, 1), "X1"),
        episode("A", 3, D(2025, 9, 1), "L", "A-PL2"),
        # B left care before the year began.
        episode("B", 1, D(2020, 1, 1), "S", "B-PL1", D(2025, 2, 1), "E8"),
        # C has been looked after since 2023, in one placement.
        episode("C", 1, D(2023, 6, 1), "S", "C-PL1"),
        # E is adopted in the year: only the last episode is in it.
        episode("E", 1, D(2023, 1, 1), "S", "E-PL1", D(2024, 6, 1), "X1"),
        episode("E", 2, D(2024, 6, 1), "L", "E-PL1", D(2025, 1, 15), "X1"),
        episode("E", 3, D(2025, 1, 15), "P", "E-PL2", D(2025, 10, 1), "E11"),
        # F's episode ends after 31 March: DEC and REC stay blank.
        episode("F", 1, D(2025, 12, 1), "S", "F-PL1", D(2026, 5, 1), "E4A"),
        # G turned 17 looked after (so no OC3), and left care at 17.
        episode("G", 1, D(2024, 1, 1), "S", "G-PL1", D(2025, 7, 1), "E8"),
    ],
    ssd_cla_placement=[
        placement("A-PL1", "A", D(2025, 5, 10), "U6", D(2025, 6, 1), "CARPL"),
        placement("A-PL2", "A", D(2025, 6, 1), "U4", provider="PR4"),
        placement("B-PL1", "B", D(2020, 1, 1), "U4", D(2025, 2, 1)),
        placement("C-PL1", "C", D(2023, 6, 1), "U1"),
        placement("E-PL1", "E", D(2023, 1, 1), "U3", D(2025, 1, 15), "PLACE"),
        placement("E-PL2", "E", D(2025, 1, 15), "A5", D(2025, 10, 1)),
        placement("F-PL1", "F", D(2025, 12, 1), "K2"),
        placement("G-PL1", "G", D(2024, 1, 1), "R1", D(2025, 7, 1)),
    ],
    ssd_legal_status=[
        legal("A", "V2", D(2025, 5, 10), D(2025, 9, 1)),
        legal("A", "C2", D(2025, 9, 1)),
        legal("B", "V2", D(2020, 1, 1), D(2025, 2, 1)),
        legal("C", "C2", D(2023, 6, 1)),
        legal("E", "C2", D(2023, 1, 1), D(2024, 6, 1)),
        legal("E", "E1", D(2024, 6, 1), D(2025, 10, 1)),
        legal("F", "V2", D(2025, 12, 1)),
        legal("G", "V2", D(2024, 1, 1), D(2025, 7, 1)),
    ],
    ssd_cla_reviews=[
        {"clar_cla_review_id": "R1", "clar_cla_person_id": "C",
         "clar_cla_review_date": D(2025, 5, 1), "clar_cla_review_participation": "PN1"},
        {"clar_cla_review_id": "R2", "clar_cla_person_id": "C", "clar_cla_review_cancelled": "Y",
         "clar_cla_review_date": D(2025, 11, 1), "clar_cla_review_participation": "PN1"},
        {"clar_cla_review_id": "R3", "clar_cla_person_id": "C",
         "clar_cla_review_date": D(2024, 12, 1), "clar_cla_review_participation": "PN1"},
    ],
    ssd_cla_health=[
        {"clah_health_check_id": "H1", "clah_person_id": "C",
         "clah_health_check_type": "Review health assessment",
         "clah_health_check_date": D(2025, 7, 1), "clah_health_check_status": "Completed"},
        {"clah_health_check_id": "H2", "clah_person_id": "C",
         "clah_health_check_type": "Dental check",
         "clah_health_check_date": D(2024, 1, 1), "clah_health_check_status": "Completed"},
    ],
    ssd_missing=[
        {"miss_table_id": "M1", "miss_person_id": "C", "miss_missing_episode_type": "Missing",
         "miss_missing_episode_start_date": D(2025, 8, 1),
         "miss_missing_episode_end_date": D(2025, 8, 2)},
        {"miss_table_id": "M2", "miss_person_id": "C", "miss_missing_episode_type": "A",
         "miss_missing_episode_start_date": D(2024, 8, 1),
         "miss_missing_episode_end_date": D(2024, 8, 2)},
        {"miss_table_id": "M3", "miss_person_id": "F", "miss_missing_episode_type": "A",
         "miss_missing_episode_start_date": D(2026, 3, 30)},
    ],
    ssd_care_leavers=[
        {"clea_table_id": "L1", "clea_person_id": "D", "clea_care_leaver_in_touch": "Yes",
         "clea_care_leaver_latest_contact": D(2025, 7, 20), "clea_care_leaver_activity": "F2",
         "clea_care_leaver_accommodation": "B", "clea_care_leaver_accom_suitable": "Y"},
        {"clea_table_id": "L0", "clea_person_id": "D", "clea_care_leaver_in_touch": "NO",
         "clea_care_leaver_latest_contact": D(2024, 7, 20)},
        {"clea_table_id": "L2", "clea_person_id": "G", "clea_care_leaver_in_touch": "YES",
         "clea_care_leaver_latest_contact": D(2025, 8, 1), "clea_care_leaver_activity": "F2",
         "clea_care_leaver_accommodation": "U1"},
    ],
    ssd_permanence=[
        {"perm_table_id": "PM1", "perm_person_id": "E", "perm_cla_id": "E-P",
         "perm_adm_decision_date": D(2023, 9, 1), "perm_placement_order_date": D(2024, 6, 1),
         "perm_matched_date": D(2024, 12, 20), "perm_placed_for_adoption_date": D(2025, 1, 15),
         "perm_adopted_by_carer_flag": "Y", "perm_number_of_adopters": 2,
         "perm_adopter_sex": "MF", "perm_adopter_legal_status": "L0",
         "perm_permanence_order_date": D(2025, 10, 1), "perm_permanence_order_type": "Adoption"},
        # F was under a special guardianship order before coming into care.
        {"perm_table_id": "PM2", "perm_person_id": "F", "perm_cla_id": "F-OLD",
         "perm_permanence_order_date": D(2019, 3, 4),
         "perm_permanence_order_type": "Special guardianship order"},
    ],
    ssd_involvements=[
        {"invo_involvements_id": "I1", "invo_person_id": "C", "invo_professional_id": "W1",
         "invo_professional_role_id": "CW", "invo_involvement_start_date": D(2023, 6, 1),
         "invo_involvement_end_date": D(2025, 9, 30), "invo_worker_change_reason": "Worker left"},
        {"invo_involvements_id": "I2", "invo_person_id": "C", "invo_professional_id": "W2",
         "invo_professional_role_id": "CW", "invo_involvement_start_date": D(2025, 9, 30)},
        {"invo_involvements_id": "I3", "invo_person_id": "C", "invo_professional_id": "W3",
         "invo_professional_role_id": "IRO", "invo_involvement_start_date": D(2023, 6, 1)},
        {"invo_involvements_id": "I4", "invo_person_id": "B", "invo_professional_id": "W1",
         "invo_professional_role_id": "CW", "invo_involvement_start_date": D(2020, 1, 1)},
    ],
    ssd_professionals=[
        {"prof_professional_id": "W1", "prof_social_worker_registration_no": "SW100001"},
        {"prof_professional_id": "W2", "prof_social_worker_registration_no": "SW100002"},
    ],
)  # fmt: skip


@pytest.fixture(scope="module")
def built():
    con = case_record_from_tables(CASE_RECORD)
    try:
        yield build_ssda903(con, 2026, la_code="998", roles=["CW"])
    finally:
        con.close()


def built_2026(tables: dict) -> Return903:
    """The 2026 return of the case record ``tables``."""
    con = case_record_from_tables(tables)
    try:
        return build_ssda903(con, 2026, la_code="998")
    finally:
        con.close()


def rows(built, table: str, child: str) -> list[dict]:
    return [r for r in built.rows(table) if r["CHILD"] == child]


def test_header_holds_the_children_looked_after_in_the_year_and_the_care_leavers(built):
    assert [r["CHILD"] for r in built.rows("Header")] == ["A", "C", "D", "E", "F", "G"]
    a, c, d = (rows(built, "Header", x)[0] for x in "ACD")
    assert a == {"CHILD": "A", "SEX": "F", "DOB": "10/05/2012", "ETHNIC": "WBRI",
                 "UPN": "A123456789012", "MOTHER": "0", "MC_DOB": None}  # fmt: skip
    assert (c["UPN"], c["MOTHER"]) == ("UN2", None)  # a boy has no mother status
    assert d["MOTHER"] is None  # a care leaver not looked after in the year
    assert rows(built, "Header", "F")[0]["MOTHER"] == "1"
    assert any("MOTHER written as 0" in str(n) and n.count == 1 for n in built.notes)


def test_episodes_take_legal_status_and_placement_on_their_start_and_the_change_reason(built):
    assert [tuple(r.values())[1:11] for r in rows(built, "Episodes", "A")] == [
        ("10/05/2025", "S", "V2", "N1", "U6", "PR1", "01/06/2025", "X1", "CARPL", None),
        ("01/06/2025", "P", "V2", "N1", "U4", "PR4", "01/09/2025", "X1", None, None),
        ("01/09/2025", "L", "C2", "N1", "U4", "PR4", None, None, None, None),
    ]
    assert rows(built, "Episodes", "A")[0]["PL_POST"] == "AB1 2CD"
    assert rows(built, "Episodes", "B") == []  # ended before 1 April 2025
    [adopted] = rows(built, "Episodes", "E")
    assert (adopted["DECOM"], adopted["LS"], adopted["PLACE"], adopted["REC"]) == (
        "15/01/2025", "E1", "A5", "E11")  # fmt: skip
    [f] = rows(built, "Episodes", "F")
    assert (f["DEC"], f["REC"]) == (None, None)  # ends in May 2026


def test_reviews_missing_and_health_are_the_years(built):
    assert [(r["REVIEW"], r["REVIEW_CODE"]) for r in built.rows("Reviews")] == [
        ("01/05/2025", "PN1")  # not the cancelled one, nor December 2024's
    ]
    assert [(r["CHILD"], r["MISSING"], r["MIS_START"], r["MIS_END"])
            for r in built.rows("Missing")] == [
        ("C", "M", "01/08/2025", "02/08/2025"), ("F", "A", "30/03/2026", None)]  # fmt: skip
    # Only C was looked after all year; A and F started, E and G left.
    [c] = built.rows("OC2")
    assert (c["CHILD"], c["HEALTH_ASSESSMENT"], c["TEETH_CHECK"]) == ("C", "1", "0")
    assert c["HEALTH_CHECK"] is None  # 11 at 31 March: health checks are for under-fives
    assert (c["IMMUNISATIONS"], c["SDQ_SCORE"]) == (None, None)


def test_care_leavers_around_a_birthday_in_the_year(built):
    # D turned 19 in July 2025 (her latest record); G turned 17 while looked after.
    assert built.rows("OC3") == [
        {"CHILD": "D", "DOB": "01/07/2006", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "B1"}
    ]


def test_a_young_person_who_came_into_care_after_their_17th_birthday_is_no_care_leaver():
    # G turned 17 on 1 June 2025, then was looked after from July to December (rule 1016).
    tables = CASE_RECORD | record(
        ssd_cla_episodes=[
            {"clae_cla_episode_id": "G1", "clae_person_id": "G", "clae_cla_id": "G",
             "clae_cla_episode_start_date": D(2025, 7, 1),
             "clae_cla_episode_start_reason": "S", "clae_cla_episode_ceased_date": D(2025, 12, 1),
             "clae_cla_episode_ceased_reason": "E8"},
        ]
    )  # fmt: skip
    built = built_2026(tables)
    assert [r["CHILD"] for r in built.rows("Episodes")] == ["G"]
    assert [r["CHILD"] for r in built.rows("OC3")] == ["D"]  # not G


def test_a_short_break_has_no_home_or_placement_postcode():
    # C's care is short breaks (V3) from July, in the same placement, living at home: no
    # distance or placement area is reported for them (rules 398 and 420).
    tables = CASE_RECORD | record(
        ssd_cla_episodes=[
            episode("C", 1, D(2025, 5, 1), "S", "C-PL1", D(2025, 7, 1), "X1"),
            episode("C", 2, D(2025, 7, 1), "L", "C-PL1"),
        ],
        ssd_legal_status=[legal("C", "C2", D(2025, 5, 1), D(2025, 7, 1)),
                          legal("C", "V3", D(2025, 7, 1))],
        ssd_address=[{"addr_table_id": "AD1", "addr_person_id": "C",
                      "addr_address_type": "Home", "addr_address_start_date": D(2015, 3, 3),
                      "addr_address_postcode": "EF3 4GH"}],
    )  # fmt: skip
    built = built_2026(tables)
    assert [(r["LS"], r["HOME_POST"], r["PL_POST"]) for r in rows(built, "Episodes", "C")] == [
        ("C2", "EF3 4GH", "AB1 2CD"),
        ("V3", None, None),
    ]


def test_a_young_person_first_looked_after_after_the_year_is_no_care_leaver_of_it():
    # G turned 17 on 1 June 2025 but first came into care in June 2026, after the year: the
    # care leaver record is of a later leaving. With no episodes at all (a 903 import), kept.
    episodes = record(
        ssd_cla_episodes=[
            {"clae_cla_episode_id": "G1", "clae_person_id": "G", "clae_cla_id": "G",
             "clae_cla_episode_start_date": D(2026, 6, 1),
             "clae_cla_episode_start_reason": "S", "clae_cla_episode_ceased_date": D(2026, 8, 1),
             "clae_cla_episode_ceased_reason": "E8"},
        ]
    )  # fmt: skip
    leaver = record(
        ssd_care_leavers=[
            {"clea_table_id": "CLG", "clea_person_id": "G", "clea_care_leaver_in_touch": "YES",
             "clea_care_leaver_latest_contact": D(2026, 9, 1),
             "clea_care_leaver_activity": "F2", "clea_care_leaver_accommodation": "B",
             "clea_care_leaver_accom_suitable": "1"},
        ]
    )  # fmt: skip
    others = CASE_RECORD["ssd_cla_episodes"]
    others = others.filter(pc.not_equal(others.column("clae_person_id"), "G"))
    leavers = CASE_RECORD["ssd_care_leavers"]
    for later, expected in ((episodes["ssd_cla_episodes"], ["D"]), (None, ["D", "G"])):
        tables = dict(CASE_RECORD)
        tables["ssd_cla_episodes"] = pa.concat_tables([others, later]) if later else others
        tables["ssd_care_leavers"] = pa.concat_tables([leavers, leaver["ssd_care_leavers"]])
        built = built_2026(tables)
        assert [r["CHILD"] for r in built.rows("OC3")] == expected


def test_adoption_and_previous_permanence(built):
    assert built.rows("AD1") == [
        {"CHILD": "E", "DOB": "02/02/2021", "DATE_INT": "01/09/2023", "DATE_MATCH": "20/12/2024",
         "FOSTER_CARE": "1", "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L0"}
    ]  # fmt: skip
    assert [tuple(r.values()) for r in built.rows("PlacedAdoption")] == [
        ("E", "02/02/2021", "01/09/2023", None, None)
    ]
    assert [tuple(r.values()) for r in built.rows("PrevPerm")] == [
        ("A", "10/05/2012", "Z1", None, None),
        ("F", "09/09/2009", "P2", "998", "04/03/2019"),
    ]


def test_social_worker_episodes_name_the_registration_number_and_the_reason_code(built):
    # SW_REASON is why an episode started: the first is a first contact; the second took over
    # when the first worker left.
    assert [tuple(r.values())[2:] for r in built.rows("SWEpisodes")] == [
        ("SW100001", "01/06/2023", "30/09/2025", "FCONTA"),
        ("SW100002", "30/09/2025", None, "LEFTRL"),
    ]


def test_a_social_worker_episode_after_a_gap_is_a_new_contact():
    tables = CASE_RECORD | record(ssd_involvements=[
        {"invo_involvements_id": "I1", "invo_person_id": "C", "invo_professional_id": "W1",
         "invo_professional_role_id": "CW", "invo_involvement_start_date": D(2023, 6, 1),
         "invo_involvement_end_date": D(2025, 5, 1), "invo_worker_change_reason": "Case closed"},
        {"invo_involvements_id": "I2", "invo_person_id": "C", "invo_professional_id": "W2",
         "invo_professional_role_id": "CW", "invo_involvement_start_date": D(2025, 9, 30),
         "invo_involvement_end_date": D(2025, 12, 1),
         "invo_worker_change_reason": "Change of worker requested by family"},
        {"invo_involvements_id": "I3", "invo_person_id": "C", "invo_professional_id": "W1",
         "invo_professional_role_id": "CW", "invo_involvement_start_date": D(2025, 12, 5)},
    ])  # fmt: skip
    built = built_2026(tables)
    assert [r["SW_REASON"] for r in built.rows("SWEpisodes")] == ["FCONTA", "FCONTA", "PCCHAN"]


def test_files_have_the_dfe_headers_and_the_years_codes(built, tmp_path):
    written = built.write(tmp_path / "903")
    assert sorted(p.name for p in written) == sorted(
        ["header.csv", "episodes.csv", "reviews.csv", "uasc.csv", "oc2.csv", "oc3.csv",
         "ad1.csv", "placed_for_adoption.csv", "previous_permanence.csv", "missing.csv",
         "sw_episodes.csv"]
    )  # fmt: skip
    layout = ssda903_layout(2026)
    for table in layout.tables.values():
        with (tmp_path / "903" / table.file).open(newline="") as handle:
            found = list(csv.DictReader(handle))
            handle.seek(0)
            assert next(csv.reader(handle)) == list(table.columns)
        for row in found:
            for column, value in row.items():
                if value == "":
                    assert column in table.blank or table.name == "OC2", (table.name, column)
                elif column in layout.codes:
                    assert value in layout.codes[column], (table.name, column, value)
                elif column in layout.dates:
                    assert D(*reversed([int(x) for x in value.split("/")]))


def test_each_year_has_its_own_layout():
    con = case_record_from_tables(CASE_RECORD)
    try:
        earlier = build_ssda903(con, 2024, la_code="998")
        before_social_workers = build_ssda903(con, 2023, la_code="998")
    finally:
        con.close()
    # SEX was 1/2 until 2024; C was looked after then.
    assert rows(earlier, "Header", "C")[0]["SEX"] == "1"
    assert "SWEpisodes" in earlier.tables
    assert "SWEpisodes" not in before_social_workers.tables
    assert ssda903_layout(2026).codes["PLACE"][-1] == "Z14"
    assert "H5" not in ssda903_layout(2025).codes["PLACE"]
    with pytest.raises(UnsupportedYear, match="2017 to 2027"):
        ssda903_layout(2031)


def test_2027_adds_an_empty_deprivation_of_liberty_table_with_a_note(tmp_path):
    con = case_record_from_tables(CASE_RECORD)
    try:
        built = build_ssda903(con, 2027, la_code="998")
    finally:
        con.close()
    assert "DoLo" not in ssda903_layout(2026).tables
    assert built.tables["DoLo"] == []
    assert any(n.table == "DoLo" and "deprivation of liberty" in n.message for n in built.notes)
    written = built.write(tmp_path / "903")
    dolo = tmp_path / "903" / "deprivation_of_liberty.csv"
    assert dolo in written
    assert dolo.read_text(encoding="utf-8").strip() == "CHILD,DOB,DOLO_START,DOLO_END"

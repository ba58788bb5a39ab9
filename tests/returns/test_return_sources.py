"""The return columns that come from the SSD's SDQ, immunisation, substance misuse, conviction,
address, immigration status and disability tables: built from them, blank (with a note) when
they are empty, and the same values back after importing a return and building it again."""

from datetime import date as D
from datetime import datetime

import pytest
from defusedxml.ElementTree import parse

from casegrip.returns.case_record import case_record_from_tables
from casegrip.returns.cin_census import build_cin_census
from casegrip.returns.ssda903 import build_ssda903
from casegrip.returns.validation.ssda903 import validate
from casegrip.sources.cin_census import read_cin_census
from casegrip.sources.ssda903 import read_ssda903

from .conftest import CIN_SCHEMAS, record
from .xsd import Schema

YEAR = 2026  # 1 April 2025 to 31 March 2026


def person(child, dob, sex="M"):
    return {"pers_person_id": child, "pers_sex": sex, "pers_dob": dob,
            "pers_ethnicity": "WBRI", "pers_upn_unknown": "UN5"}  # fmt: skip


def in_care(child, start=D(2023, 6, 1), ceased=None, reason=None):
    """An episode (its own placement and C2 legal status) from ``start``."""
    return {
        "ssd_cla_episodes": {
            "clae_cla_episode_id": f"{child}-E", "clae_person_id": child, "clae_cla_id": child,
            "clae_cla_placement_id": f"{child}-PL", "clae_cla_episode_start_date": start,
            "clae_cla_episode_start_reason": "S", "clae_cla_primary_need_code": "N1",
            "clae_cla_episode_ceased_date": ceased, "clae_cla_episode_ceased_reason": reason,
        },
        "ssd_cla_placement": {
            "clap_cla_placement_id": f"{child}-PL", "clap_person_id": child,
            "clap_cla_placement_start_date": start, "clap_cla_placement_type": "U1",
            "clap_cla_placement_provider": "PR1", "clap_cla_placement_postcode": "AB1 2CD",
            "clap_cla_placement_end_date": ceased,
        },
        "ssd_legal_status": {
            "lega_legal_status_id": f"{child}-LS", "lega_person_id": child,
            "lega_legal_status": "C2", "lega_legal_status_start_date": start,
            "lega_legal_status_end_date": ceased,
        },
    }  # fmt: skip


def case_record(people: list[dict], episodes: list[dict], **others: list[dict]) -> dict:
    rows: dict[str, list[dict]] = {"ssd_person": people, **others}
    for made in episodes:
        for name, row in made.items():
            rows.setdefault(name, []).append(row)
    return record(**rows)


# K (13) and L (7) have been looked after since 2023, M (3) since 2024.
PEOPLE = [person("K", D(2012, 5, 1)), person("L", D(2019, 1, 1), "F"), person("M", D(2023, 1, 1))]
EPISODES = [in_care("K"), in_care("L"), in_care("M", D(2024, 2, 1))]
OUTCOMES = {
    "ssd_sdq_scores": [
        {"csdq_table_id": "S1", "csdq_person_id": "K", "csdq_sdq_completed_date": D(2025, 6, 1),
         "csdq_sdq_score": 30},
        {"csdq_table_id": "S2", "csdq_person_id": "K", "csdq_sdq_completed_date": D(2025, 12, 1),
         "csdq_sdq_score": 12},
        {"csdq_table_id": "S3", "csdq_person_id": "K", "csdq_sdq_completed_date": D(2026, 5, 1),
         "csdq_sdq_score": 5},  # after 31 March
        {"csdq_table_id": "S4", "csdq_person_id": "L", "csdq_sdq_completed_date": D(2025, 5, 1),
         "csdq_sdq_score": 20},
        {"csdq_table_id": "S5", "csdq_person_id": "L", "csdq_sdq_completed_date": D(2025, 10, 1),
         "csdq_sdq_reason": "sdq2"},  # the latest: a reason, not the earlier score
        {"csdq_table_id": "S6", "csdq_person_id": "M", "csdq_sdq_completed_date": D(2025, 10, 1),
         "csdq_sdq_score": 8},  # under 4 at 31 March: no SDQ (rule 188)
    ],
    "ssd_cla_immunisations": [
        {"clai_person_id": "K", "clai_immunisations_status": "Y",
         "clai_immunisations_status_date": D(2025, 9, 1)},
        {"clai_person_id": "L", "clai_immunisations_status": "N",
         "clai_immunisations_status_date": D(2025, 9, 1)},
    ],
    "ssd_cla_substance_misuse": [
        {"clas_substance_misuse_id": "SM1", "clas_person_id": "K",
         "clas_substance_misuse_date": D(2025, 10, 1), "clas_intervention_received": "N"},
        {"clas_substance_misuse_id": "SM2", "clas_person_id": "L",
         "clas_substance_misuse_date": D(2024, 10, 1), "clas_intervention_received": "Y"},
    ],
    "ssd_cla_convictions": [
        {"clac_cla_conviction_id": "C1", "clac_person_id": "K",
         "clac_cla_conviction_date": D(2025, 11, 1)},
        {"clac_cla_conviction_id": "C2", "clac_person_id": "L",
         "clac_cla_conviction_date": D(2025, 11, 1)},  # L is 7: no CONVICTED (rule 542)
    ],
    "ssd_address": [
        {"addr_table_id": "AD1", "addr_person_id": "K", "addr_address_type": "Home",
         "addr_address_start_date": D(2020, 1, 1), "addr_address_postcode": " ZZ1 1AA "},
        {"addr_table_id": "AD2", "addr_person_id": "K", "addr_address_type": "Placement",
         "addr_address_start_date": D(2023, 6, 1), "addr_address_postcode": "AB1 2CD"},
        {"addr_table_id": "AD3", "addr_person_id": "M", "addr_address_type": "Home",
         "addr_address_start_date": D(2024, 6, 1), "addr_address_postcode": "ZZ3 3CC"},
    ],
}  # fmt: skip


def build(tables: dict, drop: tuple[str, ...] = ()):
    con = case_record_from_tables(tables)
    try:
        for name in drop:  # as in a snapshot made before the schema had the table
            con.execute(f"DROP TABLE snap.{name}")
        return build_ssda903(con, YEAR, la_code="998")
    finally:
        con.close()


def by_child(built, table: str) -> dict[str, dict]:
    return {r["CHILD"]: r for r in built.rows(table)}


OC2_COLUMNS = ("SDQ_SCORE", "SDQ_REASON", "CONVICTED", "IMMUNISATIONS", "SUBSTANCE_MISUSE",
               "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")  # fmt: skip


def oc2(built) -> dict[str, tuple]:
    return {c: tuple(r[k] for k in OC2_COLUMNS) for c, r in by_child(built, "OC2").items()}


def test_oc2_takes_the_latest_sdq_and_the_years_outcomes():
    built = build(case_record(PEOPLE, EPISODES, **OUTCOMES))
    assert oc2(built) == {
        "K": ("12", None, "1", "1", "1", "0", None),
        # L's misuse was before the year; she is under 10 though she has a conviction
        "L": (None, "SDQ2", None, "0", "0", None, None),
        "M": (None, None, None, None, "0", None, None),
    }
    notes = [str(n) for n in built.notes if n.table == "OC2"]
    assert any("1 children have no immunisation status" in n for n in notes)
    assert any("1 children did not receive an intervention" in n for n in notes)
    assert not any("no rows" in n for n in notes)


def test_oc2_columns_are_blank_with_a_note_when_their_tables_are_empty():
    built = build(case_record(PEOPLE, EPISODES))
    assert set(oc2(built).values()) == {(None,) * 7}
    notes = " ".join(str(n) for n in built.notes if n.table == "OC2")
    for table in ("ssd_sdq_scores", "ssd_cla_immunisations", "ssd_cla_substance_misuse",
                  "ssd_cla_convictions"):  # fmt: skip
        assert f"holds no rows of {table}" in notes


def test_a_snapshot_made_before_the_new_tables_still_builds():
    tables = case_record(PEOPLE, EPISODES, **OUTCOMES)
    built = build(tables, drop=("ssd_sdq_scores", "ssd_address", "ssd_immigration_status"))
    assert by_child(built, "OC2")["K"]["SDQ_SCORE"] is None
    assert by_child(built, "OC2")["K"]["CONVICTED"] == "1"  # its table is still there
    assert {r["HOME_POST"] for r in built.rows("Episodes")} == {None}
    assert built.rows("UASC") == []


def test_home_post_is_the_home_address_in_force_on_the_episodes_start():
    built = build(case_record(PEOPLE, EPISODES, **OUTCOMES))
    homes = {c: r["HOME_POST"] for c, r in by_child(built, "Episodes").items()}
    # K's placement address is not her home; L has none; M's started after his episode
    assert homes == {"K": "ZZ1 1AA", "L": None, "M": None}
    assert any(
        n.table == "Episodes" and n.count == 2 and "no home address" in n.message
        for n in built.notes
    )
    empty = build(case_record(PEOPLE, EPISODES))
    assert {r["HOME_POST"] for r in empty.rows("Episodes")} == {None}
    assert any("ssd_address has no rows" in str(n) for n in empty.notes)


def test_home_post_is_blank_under_v3_and_v4():
    short_breaks = in_care("K")
    short_breaks["ssd_legal_status"]["lega_legal_status"] = "V3"
    built = build(case_record(PEOPLE, [short_breaks], ssd_address=OUTCOMES["ssd_address"]))
    assert by_child(built, "Episodes")["K"]["HOME_POST"] is None


UASC_PEOPLE = [
    person("U", D(2009, 6, 1)),  # 18 after the year ends
    person("V", D(2008, 1, 15), "F"),  # 18 in January 2026
    person("W", D(2009, 2, 2)),  # formerly UASC
    person("X", D(2010, 3, 3)),  # UASC status ended before the year
    person("Y", D(2010, 4, 4)),  # UASC, but not looked after in the year
]


def status(child, words, start=D(2024, 1, 1), end=None):
    return {"immi_immigration_status_id": f"{child}-{words}", "immi_person_id": child,
            "immi_immigration_status": words, "immi_immigration_status_start_date": start,
            "immi_immigration_status_end_date": end}  # fmt: skip


def test_uasc_lists_the_years_unaccompanied_asylum_seeking_children():
    tables = case_record(
        UASC_PEOPLE,
        [in_care("U"), in_care("V", ceased=D(2026, 1, 15), reason="E8"), in_care("W"),
         in_care("X"), in_care("Y", ceased=D(2025, 1, 1), reason="E8")],
        ssd_immigration_status=[
            status("U", "Unaccompanied Asylum Seeking Child"),
            status("V", "UASC"),
            status("W", "Former UASC"),
            status("X", "UASC", end=D(2024, 12, 1)),
            status("Y", "UASC"),
        ],
    )  # fmt: skip
    built = build(tables)
    assert built.rows("UASC") == [
        {"CHILD": "U", "SEX": "M", "DOB": "01/06/2009", "DUC": None},
        {"CHILD": "V", "SEX": "F", "DOB": "15/01/2008", "DUC": "15/01/2026"},
    ]
    assert any(n.table == "UASC" and n.count == 1 for n in built.notes)
    assert build(case_record(UASC_PEOPLE, [in_care("U")])).rows("UASC") == []


def test_what_is_built_from_the_new_tables_passes_the_dfe_rules_on_it(tmp_path):
    built = build(case_record(PEOPLE, EPISODES, **OUTCOMES))
    built.write(tmp_path / "return")
    codes = {f.rule_code for f in validate(tmp_path / "return", YEAR)}
    rules = {"180", "181", "185", "186", "188", "189", "190", "192", "193", "196", "197a",
             "197B", "198", "542", "543", "392d", "398"}  # fmt: skip
    assert codes & rules == set()
    # The record's postcodes are well formed (392d) but made up, so the postcode directory does
    # not hold them (392c).
    assert "392c" in codes
    # L received no intervention and the SSD cannot say whether one was offered (rule 159);
    # M has no immunisation status (rules 182, 191).
    assert {"159", "191"} <= codes


# -- import, then build: the same values back ---------------------------------------------------

RETURN_903 = {
    "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
    "K,M,01/05/2012,WBRI,UN5,,\n"
    "L,F,01/01/2014,WBRI,UN5,0,\n"
    "U,M,01/06/2009,WBRI,UN5,,\n",
    "episodes.csv": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
    "K,01/06/2023,S,C2,N1,U1,PR1,01/09/2025,X1,CARPL,ZZ1 1AA,AB1 2CD,\n"
    "K,01/09/2025,P,C2,N1,U1,PR1,,,,ZZ2 2BB,AB3 4EF,\n"
    "L,01/06/2023,S,C2,N1,U1,PR1,,,,ZZ3 3CC,AB1 2CD,\n"
    "U,01/05/2025,S,C2,N4,U1,PR1,,,,,AB1 2CD,\n",
    "oc2.csv": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,"
    "TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
    "K,01/05/2012,12,,1,,1,1,1,1,0,1\n"
    "L,01/01/2014,,SDQ2,0,,0,0,1,0,,\n",
    "uasc.csv": "CHILD,SEX,DOB,DUC\nU,M,01/06/2009,01/06/2027\n",
}


def test_a_903_return_imported_and_built_again_gives_the_same_values(tmp_path):
    paths = []
    for name, text in RETURN_903.items():
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    extract = read_ssda903(paths, collection_year=YEAR)
    assert "table_not_imported" not in {f.rule for f in extract.findings}
    built = build(extract.tables)

    assert oc2(built) == {
        # INTERVENTION_OFFERED has no SSD item, so it does not come back
        "K": ("12", None, "1", "1", "1", "0", None),
        "L": (None, "SDQ2", "0", "0", "0", None, None),
    }
    homes = [(r["CHILD"], r["DECOM"], r["HOME_POST"]) for r in built.rows("Episodes")]
    assert homes == [
        ("K", "01/06/2023", "ZZ1 1AA"),
        ("K", "01/09/2025", "ZZ2 2BB"),
        ("L", "01/06/2023", "ZZ3 3CC"),
        ("U", "01/05/2025", None),
    ]
    assert built.rows("UASC") == [{"CHILD": "U", "SEX": "M", "DOB": "01/06/2009",
                                   "DUC": "01/06/2027"}]  # fmt: skip


def test_an_odd_oc2_flag_is_reported_and_not_imported(tmp_path):
    (tmp_path / "oc2.csv").write_text(
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
        "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
        "K,01/05/2012,,,2,,yes,1,1,1,1,\n"
    )
    extract = read_ssda903([tmp_path / "oc2.csv"])
    odd = {(f.table, f.field) for f in extract.findings if f.rule == "unknown_code"}
    assert odd == {("ssd_cla_convictions", "CONVICTED"), ("ssd_cla_immunisations", "IMMUNISATIONS")}
    assert extract.tables["ssd_cla_convictions"].num_rows == 0
    assert extract.tables["ssd_cla_immunisations"].num_rows == 0
    misuse = extract.tables["ssd_cla_substance_misuse"].to_pylist()
    assert [(m["clas_person_id"], m["clas_intervention_received"]) for m in misuse] == [("K", "Y")]


# -- the CIN census ----------------------------------------------------------------------------

CIN_PEOPLE = [person("P", D(2015, 1, 1)), person("Q", D(2016, 1, 1), "F"),
              person("R", D(2017, 1, 1)), {"pers_person_id": "T",
                                           "pers_expected_dob": D(2026, 6, 1)}]  # fmt: skip
REFERRALS = [
    {"cine_referral_id": f"R-{c}", "cine_person_id": c, "cine_referral_date": D(2025, 6, 1),
     "cine_referral_source_code": "1A", "cine_cin_primary_need_code": "N1",
     "cine_referral_nfa": "N"}
    for c in "PQRT"
]  # fmt: skip
DISABILITIES = [
    {"disa_table_id": "D1", "disa_person_id": "P", "disa_disability_code": "AUT"},
    {"disa_table_id": "D2", "disa_person_id": "P", "disa_disability_code": "Hearing"},
    {"disa_table_id": "D3", "disa_person_id": "P", "disa_disability_code": "aut"},
    {"disa_table_id": "D4", "disa_person_id": "P", "disa_disability_code": "NONE"},
    {"disa_table_id": "D5", "disa_person_id": "Q", "disa_disability_code": "No disability"},
    {"disa_table_id": "D6", "disa_person_id": "Q", "disa_disability_code": "XYZ"},
    {"disa_table_id": "D7", "disa_person_id": "T", "disa_disability_code": "MOB"},
]


def census(tables: dict, tmp_path, name: str = "cin.xml"):
    con = case_record_from_tables(tables)
    try:
        built = build_cin_census(con, YEAR, la_code="998")
    finally:
        con.close()
    path = built.write(tmp_path / name, generated=datetime(2026, 5, 1, 9, 30))
    return built, path


def disabilities(path) -> dict[str, list[str]]:
    return {
        child.findtext("ChildIdentifiers/LAchildID"): [
            d.text for d in child.findall("ChildCharacteristics/Disabilities/Disability")
        ]
        for child in parse(str(path)).getroot().findall("Children/Child")
    }


def test_the_cin_census_takes_each_childs_disability_codes(tmp_path):
    tables = record(ssd_person=CIN_PEOPLE, ssd_cin_episodes=REFERRALS, ssd_disability=DISABILITIES)
    built, path = census(tables, tmp_path)
    # P: codes once, NONE dropped beside a disability; Q: the words for NONE, and an unknown
    # code left out; R: none recorded; T: unborn, so none
    assert disabilities(path) == {"P": ["AUT", "HEAR"], "Q": ["NONE"], "R": [], "T": []}
    notes = {str(n) for n in built.notes}
    assert "Disabilities: 1 NONE as well as a disability: NONE left out." in notes
    assert "Disability: 1 not a 2026 Disability code: left out." in notes
    assert any(n.startswith("Disabilities: 1 no disability code") for n in notes)
    schema = Schema(CIN_SCHEMAS / f"CIN_schema_{YEAR}.xsd")
    assert schema.errors(parse(str(path)).getroot()) == []


def test_the_cin_census_leaves_disabilities_out_when_the_table_is_empty(tmp_path):
    built, path = census(record(ssd_person=CIN_PEOPLE, ssd_cin_episodes=REFERRALS), tmp_path)
    assert set(map(tuple, disabilities(path).values())) == {()}
    assert any("ssd_disability has no rows" in str(n) for n in built.notes)


@pytest.mark.parametrize("drop", [False, True])
def test_a_cin_census_imported_and_built_again_gives_the_same_disabilities(tmp_path, drop):
    tables = record(ssd_person=CIN_PEOPLE, ssd_cin_episodes=REFERRALS, ssd_disability=DISABILITIES)
    _built, path = census(tables, tmp_path)
    extract = read_cin_census(path)
    codes = extract.tables["ssd_disability"].column("disa_disability_code").to_pylist()
    assert codes == ["AUT", "HEAR", "NONE"]
    again = dict(extract.tables)
    if drop:  # and without the table, the census has none
        del again["ssd_disability"]
    _built, path_again = census(again, tmp_path, "again.xml")
    expected = {"P": ["AUT", "HEAR"], "Q": ["NONE"], "R": [], "T": []}
    assert disabilities(path_again) == ({c: [] for c in expected} if drop else expected)

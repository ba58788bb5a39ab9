"""The CIN census built from hand-worked children and from a synthetic authority: what each
episode holds, and that the file is valid against the DfE schema of its year."""

from datetime import date as D
from datetime import datetime

import pyarrow as pa
import pytest
from defusedxml.ElementTree import parse

from casegrip.returns.case_record import case_record_from_tables
from casegrip.returns.cin_census import build_cin_census
from casegrip.synth import synthesise

from .conftest import CIN_SCHEMAS, record
from .xsd import Schema

CASE_RECORD = record(
    ssd_person=[
        {"pers_person_id": "G", "pers_sex": "F", "pers_dob": D(2014, 2, 2), "pers_upn": "123"},
        {"pers_person_id": "H", "pers_sex": "M", "pers_dob": D(2019, 1, 1),
         "pers_ethnicity": "WBRI", "pers_upn": "A123456789012"},
    ],
    ssd_cin_episodes=[
        {"cine_referral_id": "R0", "cine_person_id": "G", "cine_referral_date": D(2019, 12, 1),
         "cine_referral_source_code": "6", "cine_close_date": D(2021, 1, 5),
         "cine_close_reason": "RC7"},
        {"cine_referral_id": "R1", "cine_person_id": "G", "cine_referral_date": D(2025, 5, 1),
         "cine_referral_source_code": "1A", "cine_cin_primary_need_code": "N1",
         "cine_referral_nfa": "N"},
        {"cine_referral_id": "R2", "cine_person_id": "H", "cine_referral_date": D(2025, 3, 20),
         "cine_close_date": D(2025, 4, 15), "cine_close_reason": "RC8",
         "cine_referral_nfa": "Y"},
    ],
    ssd_cin_assessments=[
        {"cina_assessment_id": "A1", "cina_person_id": "G", "cina_referral_id": "R1",
         "cina_assessment_start_date": D(2025, 5, 2), "cina_assessment_auth_date": D(2025, 6, 10)},
    ],
    ssd_assessment_factors=[
        {"cinf_table_id": "F1", "cinf_assessment_id": "A1",
         "cinf_assessment_factors_json": '["3B", "4B", "XX"]'},
    ],
    ssd_cin_plans=[
        {"cinp_cin_plan_id": "P1", "cinp_referral_id": "R1", "cinp_person_id": "G",
         "cinp_cin_plan_start_date": D(2025, 6, 10), "cinp_cin_plan_end_date": D(2025, 8, 1)},
    ],
    ssd_s47_enquiry=[
        {"s47e_s47_enquiry_id": "S1", "s47e_referral_id": "R1", "s47e_person_id": "G",
         "s47e_s47_start_date": D(2025, 8, 1), "s47e_s47_nfa": "N",
         "s47e_s47_outcome_json": '{"CP_CONFERENCE_FLAG": "Y"}'},
    ],
    ssd_initial_cp_conference=[
        {"icpc_icpc_id": "I1", "icpc_s47_enquiry_id": "S1", "icpc_referral_id": "R1",
         "icpc_person_id": "G", "icpc_icpc_target_date": D(2025, 8, 22),
         "icpc_icpc_date": D(2025, 8, 20), "icpc_icpc_outcome_cp_flag": "Y"},
    ],
    ssd_cp_plans=[
        {"cppl_cp_plan_id": "CP0", "cppl_referral_id": "R0", "cppl_person_id": "G",
         "cppl_cp_plan_start_date": D(2020, 1, 1), "cppl_cp_plan_end_date": D(2020, 12, 1),
         "cppl_cp_plan_initial_category": "EMO", "cppl_cp_plan_latest_category": "EMO"},
        {"cppl_cp_plan_id": "CP1", "cppl_referral_id": "R1", "cppl_person_id": "G",
         "cppl_cp_plan_start_date": D(2025, 8, 20), "cppl_cp_plan_initial_category": "Neglect"},
    ],
    ssd_cp_reviews=[
        {"cppr_cp_review_id": "V1", "cppr_cp_plan_id": "CP1", "cppr_person_id": "G",
         "cppr_cp_review_date": D(2025, 11, 10)},
        {"cppr_cp_review_id": "V2", "cppr_cp_plan_id": "CP1", "cppr_person_id": "G",
         "cppr_cp_review_date": D(2026, 5, 10)},
    ],
)  # fmt: skip


def build(tables, year: int, tmp_path):
    con = case_record_from_tables(tables)
    try:
        census = build_cin_census(con, year, la_code="998")
    finally:
        con.close()
    path = census.write(tmp_path / f"cin_{year}.xml", generated=datetime(2026, 5, 1, 9, 30))
    return census, parse(str(path)).getroot()


def texts(element, path: str) -> list[str]:
    return [e.text for e in element.findall(path)]


def test_a_childs_episode_in_the_year_with_all_it_holds(tmp_path):
    census, root = build(CASE_RECORD, 2026, tmp_path)
    assert census.child_ids() == ["G", "H"]
    assert texts(root, "Header/Source/LEA") == ["998"]
    assert texts(root, "Header/CollectionDetails/ReferenceDate") == ["2026-03-31"]
    g = root.find("Children/Child")
    assert texts(g, "ChildIdentifiers/*") == ["G", "2014-02-02", "F"]  # the bad UPN left out
    assert texts(g, "ChildCharacteristics/Ethnicity") == ["NOBT"]
    [episode] = g.findall("CINdetails")  # the 2019 referral closed long before the year
    assert [e.tag for e in episode] == [
        "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "Assessments", "CINPlanDates",
        "Section47", "ReferralNFA", "ChildProtectionPlans",
    ]  # fmt: skip
    assert texts(episode, "Assessments/FactorsIdentifiedAtAssessment/*") == ["3B", "4B"]
    assert texts(episode, "CINPlanDates/*") == ["2025-06-10", "2025-08-01"]
    assert texts(episode, "Section47/*") == ["2025-08-01", "2025-08-22", "2025-08-20", "0"]
    plan = episode.find("ChildProtectionPlans")
    # no end date (open), the SSD's word for the category, the latest taken from the initial
    assert texts(plan, "*")[:4] == ["2025-08-20", "NEG", "NEG", "1"]
    assert texts(plan, "Reviews/CPPreviewDate") == ["2025-11-10"]  # not May 2026's
    notes = {str(n) for n in census.notes}
    assert "UPN: 1 not a valid UPN (a letter, 11 digits, a digit or letter): left out." in notes
    assert any(n.startswith("Ethnicity: 1 ") and "NOBT" in n for n in notes)
    assert any(n.startswith("AssessmentFactors: 1 ") for n in notes)


def test_an_episode_closed_in_the_year_and_a_missing_referral_source(tmp_path):
    _census, root = build(CASE_RECORD, 2026, tmp_path)
    h = root.findall("Children/Child")[1]
    assert texts(h, "CINdetails/*") == ["2025-03-20", "10", "2025-04-15", "RC8", "1"]


def test_a_child_born_after_the_census_date_is_still_expected(tmp_path):
    unborn = CASE_RECORD | record(
        ssd_person=[
            {"pers_person_id": "U", "pers_sex": "F", "pers_dob": D(2026, 4, 20),
             "pers_expected_dob": D(2026, 4, 25)},
        ],
        ssd_cin_episodes=[
            {"cine_referral_id": "RU", "cine_person_id": "U", "cine_referral_date": D(2026, 2, 1),
             "cine_referral_source_code": "1C"},
        ],
    )  # fmt: skip
    _census, root = build(unborn, 2026, tmp_path)
    [child] = root.findall("Children/Child")
    ids = child.find("ChildIdentifiers")
    assert ids.find("PersonBirthDate") is None
    assert texts(ids, "ExpectedPersonBirthDate") == ["2026-04-25"]
    assert texts(ids, "Sex") == ["U"]  # not yet known


def shifted(tables, years: int):
    """The same case record, every date ``years`` earlier."""
    moved = {}
    for name, data in tables.items():
        rows = data.to_pylist()
        for row in rows:
            for key, value in row.items():
                if isinstance(value, D):
                    row[key] = value.replace(year=value.year - years)
        moved[name] = pa.Table.from_pylist(rows, schema=data.schema)
    return moved


@pytest.mark.parametrize("year", [2021, 2024, 2026])
def test_the_file_is_valid_against_the_years_schema(year, tmp_path):
    _census, root = build(shifted(CASE_RECORD, 2026 - year), year, tmp_path)
    assert len(root.findall("Children/Child")) == 2
    assert Schema(CIN_SCHEMAS / f"CIN_schema_{year}.xsd").errors(root) == []
    sex = root.find("Children/Child/ChildIdentifiers")[-1]
    assert (sex.tag, sex.text) == (("GenderCurrent", "2") if year < 2025 else ("Sex", "F"))
    plan_dates = root.findall("Children/Child/CINdetails/CINPlanDates")
    assert bool(plan_dates) == (year >= 2022)


def test_the_schema_check_finds_what_breaks_a_file(tmp_path):
    _census, root = build(CASE_RECORD, 2026, tmp_path)
    schema = Schema(CIN_SCHEMAS / "CIN_schema_2026.xsd")
    root.find("Children/Child/ChildCharacteristics/Ethnicity").text = "XXXX"
    episode = root.find("Children/Child/CINdetails")
    nfa = episode.find("ReferralNFA")
    episode.remove(nfa)
    episode.insert(0, nfa)
    found = schema.errors(root)
    assert any("'XXXX' is not one of the schema's codes" in e for e in found)
    assert any("not expected here" in e or "ReferralNFA" in e for e in found)


@pytest.fixture(scope="module")
def synthetic():
    return synthesise("small", years=2, seed=11, end_date=D(2026, 6, 30)).extract.tables


def test_a_synthetic_authoritys_census_is_valid_against_the_schema(synthetic, tmp_path):
    census, root = build(synthetic, 2026, tmp_path)
    assert len(census.children) > 500
    assert Schema(CIN_SCHEMAS / "CIN_schema_2026.xsd").errors(root) == []
    ids = texts(root, "Children/Child/ChildIdentifiers/LAchildID")
    assert ids == sorted(set(ids))
    for day in texts(root, "Children/Child/CINdetails/CINclosureDate"):
        assert "2025-04-01" <= day <= "2026-03-31"

"""Ofsted's Annex A: the workbook's sheets and headers are Ofsted's, and hand-worked children in
lists 3, 7 and 8 are listed (or not) with the values the inspection date gives them."""

from datetime import date as D
from datetime import datetime

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from casegrip.cli import app
from casegrip.model.extract import Extract
from casegrip.returns.annex_a import annex_a_from_case_record, build_annex_a, months_before
from casegrip.returns.case_record import case_record_from_tables
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import import_extract

from .conftest import SAMPLES, record
from .test_cli import CONFIG

OFSTED_SAMPLE = (
    SAMPLES / "liia-tools-pipeline/liiatools/annex_a_pipeline/spec/samples/Annex_A_2024_Jan.xlsx"
)
INSPECTION = D(2026, 6, 30)  # the 6 months before: 30 December 2025 to 30 June 2026

CASE_RECORD = record(
    ssd_person=[
        {"pers_person_id": "A", "pers_sex": "F", "pers_ethnicity": "WBRI",
         "pers_dob": D(2015, 7, 1)},
        {"pers_person_id": "B", "pers_sex": "M", "pers_ethnicity": "A1",
         "pers_dob": D(2012, 6, 30)},
        {"pers_person_id": "C", "pers_sex": "M", "pers_ethnicity": "BAFR",
         "pers_dob": D(2018, 1, 1)},
        {"pers_person_id": "G", "pers_sex": "F", "pers_ethnicity": "XXXX",
         "pers_dob": D(2011, 3, 3)},
        {"pers_person_id": "H", "pers_sex": "M", "pers_dob": D(2016, 5, 5)},
    ],
    ssd_department=[{"dept_team_id": "T1", "dept_team_name": "Front Door"}],
    ssd_professionals=[
        {"prof_professional_id": "W1", "prof_professional_name": "=Ada Worker"},
        {"prof_professional_id": "W2", "prof_professional_name": "Ben Carer"},
    ],
    ssd_cin_episodes=[
        # just outside the period: not listed, but it is A's referral in the 12 months before R1
        {"cine_referral_id": "R0", "cine_person_id": "A", "cine_referral_date": D(2025, 12, 29),
         "cine_referral_source_code": "6", "cine_referral_nfa": "Y"},
        {"cine_referral_id": "R1", "cine_person_id": "A", "cine_referral_date": D(2026, 1, 10),
         "cine_referral_source_code": "2A", "cine_referral_nfa": "N",
         "cine_referral_team": "T1", "cine_referral_worker_id": "W1"},
        # on the period's first day: listed
        {"cine_referral_id": "R2", "cine_person_id": "B", "cine_referral_date": D(2025, 12, 30),
         "cine_referral_source_code": "99"},
        # after the inspection date: not listed
        {"cine_referral_id": "R3", "cine_person_id": "B", "cine_referral_date": D(2026, 7, 1),
         "cine_referral_source_code": "6"},
    ],
    ssd_cp_plans=[
        {"cppl_cp_plan_id": "CP0", "cppl_person_id": "C", "cppl_cp_plan_start_date": D(2023, 1, 1),
         "cppl_cp_plan_end_date": D(2023, 9, 1), "cppl_cp_plan_initial_category": "EMO",
         "cppl_cp_plan_latest_category": "EMO"},
        {"cppl_cp_plan_id": "CP1", "cppl_person_id": "C", "cppl_cp_plan_start_date": D(2025, 3, 1),
         "cppl_cp_plan_end_date": D(2026, 1, 15), "cppl_cp_plan_initial_category": "Neglect",
         "cppl_cp_plan_latest_category": "PHY", "cppl_cp_plan_ola": "N"},
        # ended the day before the period: not listed
        {"cppl_cp_plan_id": "CP2", "cppl_person_id": "A", "cppl_cp_plan_start_date": D(2025, 6, 1),
         "cppl_cp_plan_end_date": D(2025, 12, 29), "cppl_cp_plan_initial_category": "NEG"},
        # another authority's plan: not listed
        {"cppl_cp_plan_id": "CP3", "cppl_person_id": "B", "cppl_cp_plan_start_date": D(2026, 2, 1),
         "cppl_cp_plan_initial_category": "NEG", "cppl_cp_plan_ola": "Y"},
        # starts after the inspection date: not listed
        {"cppl_cp_plan_id": "CP4", "cppl_person_id": "H", "cppl_cp_plan_start_date": D(2026, 7, 2),
         "cppl_cp_plan_initial_category": "NEG"},
    ],
    ssd_cp_visits=[
        {"cppv_cp_visit_id": "V1", "cppv_cp_plan_id": "CP1", "cppv_person_id": "C",
         "cppv_cp_visit_date": D(2026, 1, 10), "cppv_cp_visit_seen_alone": "Y"},
        {"cppv_cp_visit_id": "V2", "cppv_cp_plan_id": "CP1", "cppv_person_id": "C",
         "cppv_cp_visit_date": D(2026, 2, 1), "cppv_cp_visit_seen_alone": "N"},  # after the plan
    ],
    ssd_cp_reviews=[
        {"cppr_cp_review_id": "CR1", "cppr_cp_plan_id": "CP1", "cppr_person_id": "C",
         "cppr_cp_review_date": D(2025, 9, 1)},
    ],
    ssd_legal_status=[
        {"lega_legal_status_id": "L1", "lega_person_id": "C", "lega_legal_status": "L2",
         "lega_legal_status_start_date": D(2025, 12, 31),
         "lega_legal_status_end_date": D(2026, 1, 2)},
        {"lega_legal_status_id": "L2", "lega_person_id": "G", "lega_legal_status": "C2",
         "lega_legal_status_start_date": D(2025, 2, 1)},
        {"lega_legal_status_id": "L3", "lega_person_id": "H", "lega_legal_status": "V2",
         "lega_legal_status_start_date": D(2025, 10, 1)},
        {"lega_legal_status_id": "L4", "lega_person_id": "B", "lega_legal_status": "V3",
         "lega_legal_status_start_date": D(2026, 1, 1)},
    ],
    ssd_cla_episodes=[
        {"clae_cla_episode_id": "E1", "clae_person_id": "G", "clae_cla_id": "G1",
         "clae_cla_episode_start_date": D(2025, 2, 1), "clae_cla_primary_need_code": "N1",
         "clae_cla_last_iro_contact_date": D(2026, 5, 20)},
        # H: a first period ended within the 12 months, then a second one ended in the period
        {"clae_cla_episode_id": "E2", "clae_person_id": "H", "clae_cla_id": "H1",
         "clae_cla_episode_start_date": D(2025, 5, 1),
         "clae_cla_episode_ceased_date": D(2025, 8, 1), "clae_cla_episode_ceased_reason": "E4A",
         "clae_cla_primary_need_code": "N5"},
        {"clae_cla_episode_id": "E3", "clae_person_id": "H", "clae_cla_id": "H2",
         "clae_cla_episode_start_date": D(2025, 10, 1),
         "clae_cla_episode_ceased_date": D(2026, 1, 5), "clae_cla_episode_ceased_reason": "E4A",
         "clae_cla_primary_need_code": "N4"},
        # ceased before the period: not listed
        {"clae_cla_episode_id": "E4", "clae_person_id": "A", "clae_cla_id": "A1",
         "clae_cla_episode_start_date": D(2025, 1, 1),
         "clae_cla_episode_ceased_date": D(2025, 12, 20), "clae_cla_episode_ceased_reason": "E8"},
        # short breaks only: not listed
        {"clae_cla_episode_id": "E5", "clae_person_id": "B", "clae_cla_id": "B1",
         "clae_cla_episode_start_date": D(2026, 1, 1)},
    ],
    ssd_cla_placement=[
        {"clap_cla_placement_id": "P1", "clap_person_id": "G",
         "clap_cla_placement_start_date": D(2025, 2, 1), "clap_cla_placement_end_date":
         D(2026, 3, 1), "clap_cla_placement_type": "U4", "clap_cla_placement_provider": "PR1"},
        {"clap_cla_placement_id": "P2", "clap_person_id": "G",
         "clap_cla_placement_start_date": D(2026, 3, 1), "clap_cla_placement_type": "K2",
         "clap_cla_placement_provider": "PR4", "clap_cla_placement_postcode": "ZZ1 1ZZ",
         "clap_cla_placement_urn": "SC123456"},
    ],
    ssd_cla_reviews=[
        {"clar_cla_review_id": "RV1", "clar_cla_id": "G1", "clar_cla_person_id": "G",
         "clar_cla_review_date": D(2026, 5, 1)},
        {"clar_cla_review_id": "RV2", "clar_cla_id": "G1", "clar_cla_person_id": "G",
         "clar_cla_review_date": D(2026, 6, 10), "clar_cla_review_cancelled": "Y"},
    ],
    ssd_cla_visits=[
        {"clav_cla_visit_id": "CV1", "clav_person_id": "G", "clav_cla_visit_date": D(2026, 6, 1)},
        {"clav_cla_visit_id": "CV2", "clav_person_id": "G", "clav_cla_visit_date": D(2026, 7, 3)},
    ],
    ssd_cla_health=[
        {"clah_health_check_id": "HA", "clah_person_id": "G",
         "clah_health_check_type": "Review health assessment",
         "clah_health_check_date": D(2026, 4, 1), "clah_health_check_status": "Completed"},
        {"clah_health_check_id": "DC", "clah_person_id": "G",
         "clah_health_check_type": "Dental check", "clah_health_check_date": D(2026, 2, 1),
         "clah_health_check_status": "Completed"},
        {"clah_health_check_id": "DR", "clah_person_id": "G",
         "clah_health_check_type": "Dental check", "clah_health_check_date": D(2026, 5, 1),
         "clah_health_check_status": "Refused"},
    ],
    ssd_missing=[
        {"miss_table_id": "M1", "miss_person_id": "G", "miss_missing_episode_type": "M",
         "miss_missing_episode_start_date": D(2026, 2, 10), "miss_missing_rhi_offered": "Y",
         "miss_missing_rhi_accepted": "N"},
        {"miss_table_id": "M2", "miss_person_id": "G", "miss_missing_episode_type": "Away",
         "miss_missing_episode_start_date": D(2026, 3, 1)},
        {"miss_table_id": "M3", "miss_person_id": "G", "miss_missing_episode_type": "M",
         "miss_missing_episode_start_date": D(2025, 6, 1)},  # more than 12 months before
    ],
    ssd_involvements=[
        {"invo_involvements_id": "I1", "invo_professional_id": "W2",
         "invo_professional_role_id": "CW", "invo_professional_team": "T1",
         "invo_person_id": "G", "invo_involvement_start_date": D(2025, 2, 1)},
        {"invo_involvements_id": "I2", "invo_professional_id": "W1",
         "invo_professional_role_id": "IRO", "invo_person_id": "G",
         "invo_involvement_start_date": D(2025, 2, 1)},
    ],
)  # fmt: skip


def annex(tables=CASE_RECORD, day=INSPECTION):
    con = case_record_from_tables(tables)
    try:
        return annex_a_from_case_record(con, day)
    finally:
        con.close()


def rows(built, sheet: str) -> list[dict]:
    spec = next(s for s in built.layout.lists if s.sheet == sheet)
    headers = [c.header for c in spec.columns]
    return [dict(zip(headers, row, strict=True)) for row in built.rows[sheet]]


def test_the_period_is_the_same_day_months_before():
    assert months_before(D(2026, 6, 30), 6) == D(2025, 12, 30)
    assert months_before(D(2026, 8, 31), 6) == D(2026, 2, 28)
    assert months_before(D(2024, 2, 29), 12) == D(2023, 2, 28)


def test_list_3_holds_the_referrals_of_the_period_only():
    built = annex()
    listed = rows(built, "List 3")
    assert [(r["Child Unique ID"], r["Date of Referral"]) for r in listed] == [
        ("B", D(2025, 12, 30)),
        ("A", D(2026, 1, 10)),
    ]
    b, a = listed
    assert a == {
        "Child Unique ID": "A",
        "Gender": "b) Female",
        "Ethnicity": "a) WBRI",
        "Date of Birth": D(2015, 7, 1),
        "Age": 10,  # 11 the day after the inspection
        "Date of Referral": D(2026, 1, 10),
        "Referral Source": "e) 2A: Schools",
        "Referral NFA?": "b) No",
        "Number of Referrals in Last 12 Months": 1,  # R0, just outside the period
        "Allocated Team": "Front Door",
        "Allocated Worker": "=Ada Worker",
    }
    assert (b["Ethnicity"], b["Age"], b["Number of Referrals in Last 12 Months"]) == (
        "a) WBRI",  # the SSD's older code A1
        14,  # the birthday is the inspection date
        0,
    )
    assert b["Referral Source"] == "99"  # no Ofsted value: as given, and a note says so
    assert any("Referral Source" in str(n) and "'99'" in str(n) for n in built.notes)


def test_list_7_holds_plans_open_in_the_period_with_their_visits_and_reviews():
    listed = rows(annex(), "List 7")
    assert [r["Child Unique ID"] for r in listed] == ["C"]
    [c] = listed
    assert c["Child Protection Plan Start Date"] == D(2025, 3, 1)
    assert (c["Initial Category of Abuse"], c["Latest Category of Abuse"]) == (
        "a) Neglect",
        "b) Physical abuse",
    )
    assert c["Date of the Last Statutory Visit"] == D(2026, 1, 10)  # not the visit after
    assert c["Was the Child Seen Alone?"] == "a) Yes"
    assert c["Date of latest review conference"] == D(2025, 9, 1)
    assert c["Child Protection Plan End Date"] == D(2026, 1, 15)
    key = "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
    assert c[key + "Months (Y/N)"] == "a) Yes"
    assert c["Number of Previous Child Protection Plans"] == 1
    assert c["Does the Child have a Disability"] is None


def test_an_end_date_after_the_inspection_date_is_not_shown():
    # On 10 January 2026 C's plan is still open: no end date yet.
    c = {r["Child Unique ID"]: r for r in rows(annex(day=D(2026, 1, 10)), "List 7")}["C"]
    assert c["Child Protection Plan End Date"] is None
    assert c["Date of the Last Statutory Visit"] == D(2026, 1, 10)


def test_list_8_holds_children_looked_after_in_the_period():
    built = annex()
    listed = {r["Child Unique ID"]: r for r in rows(built, "List 8")}
    assert sorted(listed) == ["G", "H"]  # not A (ceased before), nor B (short breaks)
    g = listed["G"]
    assert g["Ethnicity"] == "XXXX"
    assert g["Date Started to be Looked After"] == D(2025, 2, 1)
    assert g["Child's Category of Need"] == "N1 - Abuse or neglect"
    assert g[
        "Is this a second or subsequent period of being a Looked After Child within the last "
        "12 months (Y/N)"
    ] == "b) No"  # fmt: skip
    assert (g["Start date of current legal status"], g["Child's Legal Status"]) == (
        D(2025, 2, 1),
        "C2: FCO",
    )
    assert g["Date of Latest Statutory Review"] == D(2026, 5, 1)  # not the cancelled one
    assert g["Date of Last Social Work Visit"] == D(2026, 6, 1)  # not the one after
    assert g["Date of Last IRO Visit / Contact to the Child"] == D(2026, 5, 20)
    assert g["Date of Last Health Assessment"] == D(2026, 4, 1)
    assert g["Date of Last Dental Check"] == D(2026, 2, 1)  # not the refused one
    assert g["Number of Placements in the Last 12 months"] == 2
    assert g["Date Ceased to be Looked After"] is None
    assert g["Start Date of Most Recent Placement"] == D(2026, 3, 1)
    assert (g["Placement Type"], g["Placement Provider"]) == (
        "p) K2: Children's Homes",
        "e) PR4: Private provision",
    )
    assert (g["Placement postcode"], g["URN of Placement"]) == ("ZZ1 1ZZ", "SC123456")
    assert g["Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in "
             "the last 12 months"] == 1  # fmt: skip
    assert g["Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in "
             "the last 12 months"] == 1  # fmt: skip
    offered = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
    accepted = "Did the child accept a Return Interview after their last missing episode (Y/N)?"
    assert (g[offered], g[accepted]) == ("a) Yes", "b) No")
    assert (g["Allocated Team"], g["Allocated Worker"]) == ("Front Door", "Ben Carer")
    assert g["Placement Location"] is None
    assert g["What is the permanence plan for this child?"] is None

    h = listed["H"]
    assert h["Date Started to be Looked After"] == D(2025, 10, 1)
    assert h["Date Ceased to be Looked After"] == D(2026, 1, 5)
    assert h["Reason Ceased to be Looked After"] == (
        "e) E4A: Returned home to live with parents or relatives - part of planning"
    )
    assert h[
        "Is this a second or subsequent period of being a Looked After Child within the last "
        "12 months (Y/N)"
    ] == "a) Yes"  # fmt: skip
    assert h["Gender"] == "a) Male"
    assert h["Ethnicity"] == "t) NOBT"


def test_the_workbook_has_real_dates_safe_text_and_says_what_is_left_blank(tmp_path):
    path = annex().write(tmp_path / "annex_a.xlsx")
    book = load_workbook(path)
    sheet = book["List 3"]
    a = list(sheet[3])
    assert a[5].value == datetime(2026, 1, 10)
    assert a[5].number_format == "dd/mm/yyyy"
    assert a[10].value == "'=Ada Worker"  # never a formula
    disability = book["List 4"]["F1"]
    assert disability.value == "Does the Child have a Disability"
    assert "no disabilities" in disability.comment.text
    notes = [r[0] for r in book["Notes"].iter_rows(values_only=True) if r and r[0]]
    assert any(str(n).startswith("List 11: left empty") for n in notes)
    assert any("'Placement Location' left blank" in str(n) for n in notes)


@pytest.fixture(scope="module")
def small_annex(small_home, tmp_path_factory):
    live = live_snapshot(small_home)
    out = tmp_path_factory.mktemp("annex-a") / "annex_a.xlsx"
    build_annex_a(live, D.fromisoformat(live.extract_date), out)
    return load_workbook(out)


def test_every_sheet_has_ofsteds_headers_in_order(small_annex):
    ofsted = load_workbook(OFSTED_SAMPLE, read_only=True)
    assert small_annex.sheetnames == [*ofsted.sheetnames, "Notes"]
    for name in ofsted.sheetnames:
        expected = [c.value for c in next(ofsted[name].iter_rows(max_row=1))]
        assert [c.value for c in small_annex[name][1]] == expected, name
    for name in ("List 1", "List 3", "List 6", "List 7", "List 8", "List 9"):
        assert small_annex[name].max_row > 1, f"{name} is empty for the small authority"
    first = small_annex["List 3"][2]
    assert isinstance(first[3].value, datetime)
    assert isinstance(first[5].value, datetime)


def test_the_cli_writes_annex_a_for_an_inspection_date(tmp_path, monkeypatch, org, make_user):
    from casegrip.web.accounts.models import AccessLog

    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path / "home"))
    extract = Extract(source="ssd", tables=dict(CASE_RECORD), extract_date=D(2026, 7, 20))
    import_extract(extract, config=CONFIG, source_path="test")
    director = make_user("director", org["authority"])
    out = tmp_path / "annex_a.xlsx"
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["returns", "build", "annex-a", "--date", "2026-06-30", "--out", str(out),
         "--user", director.username, "--settings", "test"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert [r[0].value for r in book["List 3"].iter_rows(min_row=2)] == ["B", "A"]
    assert book["Notes"]["B2"].value == datetime(2026, 6, 30)
    [entry] = AccessLog.objects.filter(user=director)
    assert entry.path.startswith("cli: casegrip returns build annex-a --date 2026-06-30")
    assert entry.child_ids == ["A", "B", "C", "G", "H"]

    # no --date: the extract date (20 July 2026), whose period holds only R3 (1 July 2026)
    again = runner.invoke(
        app,
        ["returns", "build", "annex-a", "--out", str(out), "--user", director.username,
         "--settings", "test"],
        catch_exceptions=False,
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    dates = [r[5].value for r in load_workbook(out)["List 3"].iter_rows(min_row=2)]
    assert dates == [datetime(2026, 7, 1)]

    no_year = runner.invoke(
        app,
        ["returns", "build", "903", "--out", str(tmp_path / "903"), "--user", director.username,
         "--settings", "test"],
        catch_exceptions=False,
    )  # fmt: skip
    assert no_year.exit_code == 2
    assert "needs --year" in no_year.output

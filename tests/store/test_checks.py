"""The data-quality checks: every rule with a row that breaks it and a row that does not."""

import csv
from datetime import date, datetime, timedelta

import pytest

from casegrip.model import codes
from casegrip.model.findings import FINDING_COLUMNS, Finding, Severity
from casegrip.model.schema import SOURCE_ROW, TABLES, table
from casegrip.store.checks import (
    CODED_COLUMNS,
    DATE_PAIRS,
    FINDINGS_SCHEMA,
    FUTURE_ALLOWED,
    OVERLAPS,
    PRE_BIRTH_ALLOWED,
    RULES,
    counts_by_rule,
    findings_to_list,
    run_checks,
    write_findings_csv,
)

from .checks_fixtures import case_record

AS_AT = date(2024, 3, 31)


def found(con, rule: str, **where) -> list[Finding]:
    """The findings of ``rule``, optionally only those whose attributes equal ``where``."""
    return [
        f
        for f in findings_to_list(run_checks(con, as_at=AS_AT, rules=[rule]))
        if all(getattr(f, k) == v for k, v in where.items())
    ]


def rows(findings: list[Finding]) -> list[int | None]:
    return sorted(f.row for f in findings)


# --- the shape of the result ---------------------------------------------------------------------
def test_an_empty_case_record_has_no_findings_and_the_findings_columns():
    result = run_checks(case_record(), as_at=AS_AT)
    assert result.num_rows == 0
    assert result.schema == FINDINGS_SCHEMA
    assert tuple(result.column_names) == FINDING_COLUMNS


def test_as_at_must_be_a_date_not_a_datetime():
    with pytest.raises(TypeError):
        run_checks(case_record(), as_at=datetime(2024, 3, 31, 12))


def test_findings_become_finding_objects_with_severity_and_empty_file():
    con = case_record(ssd_person=[{"pers_person_id": None}])
    [finding] = found(con, "missing_key")
    assert finding == Finding(
        rule="missing_key",
        table="ssd_person",
        row=0,
        field="pers_person_id",
        value="",
        message="Row has no ID (pers_person_id): give every row its record's ID.",
        severity=Severity.ERROR,
        file="",
    )


def test_every_rule_has_a_title_and_a_plain_english_description():
    assert len({rule.code for rule in RULES}) == len(RULES) == 9
    for rule in RULES:
        assert rule.title
        assert len(rule.description) > 100
        assert isinstance(rule.severity, Severity)


# --- missing_key ---------------------------------------------------------------------------------
def test_missing_key_reports_null_and_blank_ids_only():
    con = case_record(
        ssd_person=[{"pers_person_id": None}, {"pers_person_id": "   "}, {"pers_person_id": "P1"}],
        ssd_cp_plans=[{"cppl_cp_plan_id": "CP1"}, {"cppl_cp_plan_id": ""}],
    )
    person = found(con, "missing_key", table="ssd_person")
    assert rows(person) == [0, 1]
    assert {f.field for f in person} == {"pers_person_id"}
    assert [f.value for f in sorted(person, key=lambda f: f.row)] == ["", "   "]
    assert rows(found(con, "missing_key", table="ssd_cp_plans")) == [1]


# --- duplicate_id --------------------------------------------------------------------------------
def test_duplicate_id_reports_every_row_after_the_first_and_names_the_first():
    con = case_record(
        ssd_cin_episodes=[
            {"cine_referral_id": "R1", SOURCE_ROW: 4},
            {"cine_referral_id": "R2", SOURCE_ROW: 5},
            {"cine_referral_id": "R1", SOURCE_ROW: 6},
            {"cine_referral_id": "R1", SOURCE_ROW: 9},
            {"cine_referral_id": None, SOURCE_ROW: 10},
            {"cine_referral_id": None, SOURCE_ROW: 11},
        ]
    )
    duplicates = found(con, "duplicate_id")
    assert rows(duplicates) == [6, 9]
    assert {(f.field, f.value) for f in duplicates} == {("cine_referral_id", "R1")}
    assert all("row 4" in f.message for f in duplicates)


def test_unique_ids_are_not_duplicates():
    con = case_record(ssd_person=[{"pers_person_id": "P1"}, {"pers_person_id": "P2"}])
    assert found(con, "duplicate_id") == []


# --- orphan_reference ----------------------------------------------------------------------------
def test_orphan_reference_reports_ids_with_no_matching_record():
    con = case_record(
        ssd_cin_episodes=[{"cine_referral_id": "R1"}],
        ssd_cin_assessments=[
            {"cina_assessment_id": "A1", "cina_referral_id": "R1"},
            {"cina_assessment_id": "A2", "cina_referral_id": "R9"},
            {"cina_assessment_id": "A3", "cina_referral_id": None},
        ],
    )
    [orphan] = found(con, "orphan_reference", field="cina_referral_id")
    assert (orphan.table, orphan.row, orphan.value) == ("ssd_cin_assessments", 1, "R9")
    assert orphan.message == (
        "No row of ssd_cin_episodes has cine_referral_id R9: add the missing record to the "
        "extract or correct the ID."
    )


def test_references_to_a_non_unique_column_need_only_one_match():
    con = case_record(
        ssd_cla_episodes=[
            {"clae_cla_episode_id": "E1", "clae_cla_id": "C1"},
            {"clae_cla_episode_id": "E2", "clae_cla_id": "C1"},
        ],
        ssd_cla_placement=[
            {"clap_cla_placement_id": "PL1", "clap_cla_id": "C1"},
            {"clap_cla_placement_id": "PL2", "clap_cla_id": "C2"},
        ],
    )
    assert [(f.row, f.value) for f in found(con, "orphan_reference", field="clap_cla_id")] == [
        (1, "C2")
    ]


def test_every_foreign_key_of_the_schema_is_checked():
    # Every table holds one row, whose references all point at records that are not there.
    con = case_record(
        **{
            spec.name: [{spec.pk.name: "X", **{c.name: "NOT-THERE" for c in spec.columns if c.fk}}]
            for spec in TABLES.values()
        }
    )
    expected = {(spec.name, 0, c.name) for spec in TABLES.values() for c in spec.columns if c.fk}
    assert len(expected) > 50
    assert {(f.table, f.row, f.field) for f in found(con, "orphan_reference")} == expected


def test_a_reference_to_an_empty_table_is_one_finding_for_the_column():
    con = case_record(
        ssd_involvements=[
            {"invo_involvements_id": "I1", "invo_professional_id": "W1"},
            {"invo_involvements_id": "I2", "invo_professional_id": "W2"},
            {"invo_involvements_id": "I3", "invo_professional_id": None},
        ]
    )
    [finding] = found(con, "orphan_reference", field="invo_professional_id")
    assert finding.row is None
    assert finding.value == ""
    assert "None of the 2 values" in finding.message
    assert "ssd_professionals has no rows" in finding.message


def test_a_matching_reference_is_not_an_orphan():
    con = case_record(
        ssd_person=[{"pers_person_id": "P1"}],
        ssd_contacts=[{"cont_contact_id": "C1", "cont_person_id": "P1"}],
    )
    assert found(con, "orphan_reference") == []


# --- end_before_start ----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "start", "end", "template"), DATE_PAIRS)
def test_end_before_start_for_every_pair(name, start, end, template):
    pk = table(name).pk.name
    con = case_record(
        **{
            name: [
                {pk: "X1", start: date(2024, 2, 1), end: date(2024, 1, 3)},  # ends before
                {pk: "X2", start: date(2024, 2, 1), end: date(2024, 2, 1)},  # same day
                {pk: "X3", start: date(2024, 2, 1), end: None},  # open
                {pk: "X4", start: None, end: date(2024, 1, 3)},  # no start
            ]
        }
    )
    [finding] = found(con, "end_before_start", table=name)
    assert (finding.row, finding.field, finding.value) == (0, end, "2024-01-03")
    assert finding.message.startswith(
        template.format(start="2024-02-01", end="2024-01-03") + ": correct"
    )


def test_end_before_start_message_reads_as_plain_english():
    con = case_record(
        ssd_cp_plans=[
            {
                "cppl_cp_plan_id": "CP1",
                "cppl_cp_plan_start_date": date(2024, 2, 1),
                "cppl_cp_plan_end_date": date(2024, 1, 3),
            }
        ]
    )
    [finding] = found(con, "end_before_start")
    assert finding.message == (
        "CP plan ends (2024-01-03) before it starts (2024-02-01): correct whichever date is wrong."
    )


# --- overlapping_episodes ------------------------------------------------------------------------
def _spans(name, person, start, end, spans):
    pk = table(name).pk.name
    return {
        name: [{pk: f"X{i}", person: who, start: s, end: e} for i, (who, s, e) in enumerate(spans)]
    }


@pytest.mark.parametrize(("name", "person", "start", "end", "what"), OVERLAPS)
def test_overlapping_episodes(name, person, start, end, what):
    d = date
    spans = [
        ("P1", d(2020, 1, 1), d(2020, 6, 1)),  # row 0
        ("P1", d(2020, 6, 1), None),  # row 1: starts the day row 0 ends: no overlap
        ("P2", d(2020, 1, 1), d(2021, 1, 1)),  # row 2
        ("P2", d(2020, 12, 1), d(2021, 2, 1)),  # row 3: starts inside row 2: overlap
        ("P3", d(2019, 1, 1), None),  # row 4: open to the as-at date
        ("P3", d(2022, 1, 1), d(2022, 2, 1)),  # row 5: inside the open row 4: overlap
        ("P4", d(2020, 1, 1), d(2021, 1, 1)),  # row 6: another child, same dates as row 2
        ("P5", d(2020, 1, 1), d(2020, 3, 1)),  # row 7
        ("P5", d(2020, 2, 1), d(2019, 1, 1)),  # row 8: ends before it starts: not here
    ]
    con = case_record(**_spans(name, person, start, end, spans))
    overlaps = found(con, "overlapping_episodes", table=name)
    assert rows(overlaps) == [3, 5]
    by_row = {f.row: f for f in overlaps}
    assert (by_row[3].field, by_row[3].value) == (start, "2020-12-01")
    assert by_row[3].message.startswith(
        f"{what} starts (2020-12-01) before the child's {what} on row 2 ends (2021-01-01)"
    )
    assert "row 4" in by_row[5].message
    assert "still open at 2024-03-31" in by_row[5].message


def test_an_episode_closed_as_the_next_opens_is_not_an_overlap():
    con = case_record(
        **_spans(
            "ssd_cla_episodes",
            "clae_person_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_ceased_date",
            [
                ("P1", date(2023, 1, 1), date(2023, 2, 1)),
                ("P1", date(2023, 2, 1), date(2023, 3, 1)),
                ("P1", date(2023, 3, 1), None),
            ],
        )
    )
    assert found(con, "overlapping_episodes") == []


# --- date_in_future ------------------------------------------------------------------------------
DATE_COLUMNS = [
    (spec.name, c.name) for spec in TABLES.values() for c in spec.columns if c.type == "date"
]


@pytest.mark.parametrize(("name", "column"), DATE_COLUMNS)
def test_date_in_future_for_every_date_column(name, column):
    pk = table(name).pk.name
    con = case_record(
        **{
            name: [
                {pk: "X1", column: AS_AT + timedelta(days=1)},
                {pk: "X2", column: AS_AT},
            ]
        }
    )
    future = found(con, "date_in_future", table=name)
    if column in FUTURE_ALLOWED:
        assert future == []
    else:
        assert [(f.row, f.field, f.value) for f in future] == [(0, column, "2024-04-01")]
        assert "after the as-at date (2024-03-31)" in future[0].message


def test_due_and_expected_dates_may_lie_ahead():
    assert {
        "pers_expected_dob",
        "icpc_icpc_target_date",
        "cppr_cp_review_due",
        "clar_cla_review_due_date",
        "cinr_cin_plan_review_due_date",
        "immi_immigration_status_end_date",  # a UASC status ends on the 18th birthday
    } == FUTURE_ALLOWED


# --- date_before_birth ---------------------------------------------------------------------------
def test_date_before_birth():
    con = case_record(
        ssd_person=[
            {"pers_person_id": "P1", "pers_dob": date(2020, 1, 1)},
            {"pers_person_id": "P2", "pers_expected_dob": date(2024, 6, 1)},  # unborn
        ],
        ssd_cla_episodes=[
            {
                "clae_cla_episode_id": "E1",
                "clae_person_id": "P1",
                "clae_cla_episode_start_date": date(2019, 12, 31),
            },
            {
                "clae_cla_episode_id": "E2",
                "clae_person_id": "P1",
                "clae_cla_episode_start_date": date(2020, 1, 1),
            },
            {
                "clae_cla_episode_id": "E3",
                "clae_person_id": "P2",
                "clae_cla_episode_start_date": date(2019, 1, 1),
            },
        ],
        ssd_contacts=[
            {
                "cont_contact_id": "C1",
                "cont_person_id": "P1",
                "cont_contact_date": date(2019, 6, 1),
            },
            {
                "cont_contact_id": "C2",
                "cont_person_id": "P1",
                "cont_contact_date": date(2018, 1, 1),
            },
            {
                "cont_contact_id": "C3",
                "cont_person_id": "P2",
                "cont_contact_date": date(2024, 1, 1),
            },
        ],
    )
    [episode] = found(con, "date_before_birth", table="ssd_cla_episodes")
    assert (episode.row, episode.field, episode.value) == (
        0,
        "clae_cla_episode_start_date",
        "2019-12-31",
    )
    assert "before the child's date of birth" in episode.message
    assert "2020-01-01" not in episode.message  # the date of birth is not repeated
    [contact] = found(con, "date_before_birth", table="ssd_contacts")
    assert (contact.row, contact.value) == (1, "2018-01-01")
    assert "more than 42 weeks before" in contact.message


def test_date_before_birth_checks_every_dated_table_with_a_person():
    dob = date(2020, 1, 1)
    long_before = date(2010, 1, 1)
    tables = {}
    expected = set()
    for spec in TABLES.values():
        person = next(
            (c.name for c in spec.columns if c.fk == ("ssd_person", "pers_person_id")), None
        )
        dates = [c.name for c in spec.columns if c.type == "date"]
        if spec.name == "ssd_person" or person is None:
            continue
        tables[spec.name] = [{spec.pk.name: "X", person: "P1", **dict.fromkeys(dates, long_before)}]
        expected |= {(spec.name, d) for d in dates}
    con = case_record(ssd_person=[{"pers_person_id": "P1", "pers_dob": dob}], **tables)
    assert {(f.table, f.field) for f in found(con, "date_before_birth")} == expected


def test_pre_birth_work_within_a_pregnancy_is_allowed():
    dob = date(2020, 1, 1)
    con = case_record(
        ssd_person=[{"pers_person_id": "P1", "pers_dob": dob}],
        ssd_cin_episodes=[
            {
                "cine_referral_id": "R1",
                "cine_person_id": "P1",
                "cine_referral_date": dob - timedelta(weeks=42),
            },
            {
                "cine_referral_id": "R2",
                "cine_person_id": "P1",
                "cine_referral_date": dob - timedelta(weeks=42, days=1),
            },
        ],
        ssd_cla_placement=[
            {
                "clap_cla_placement_id": "PL1",
                "clap_person_id": "P1",
                "clap_cla_placement_start_date": dob - timedelta(days=1),
            },
        ],
    )
    assert {(f.table, f.row) for f in found(con, "date_before_birth")} == {
        ("ssd_cin_episodes", 1),
        ("ssd_cla_placement", 0),
    }


# --- unknown_code --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "column", "allowed", "what"), CODED_COLUMNS, ids=[c[1] for c in CODED_COLUMNS]
)
def test_unknown_code_for_every_coded_column(name, column, allowed, what):
    pk = table(name).pk.name
    good = [{pk: f"G{i}", column: f" {code.lower()} "} for i, code in enumerate(sorted(allowed))]
    con = case_record(**{name: [{pk: "BAD", column: "ZZ9"}, {pk: "NULL"}, *good]})
    [finding] = found(con, "unknown_code", table=name, field=column)
    assert (finding.row, finding.value) == (0, "ZZ9")
    assert finding.message.startswith(f"'ZZ9' is not a DfE {what} code")


def test_unknown_code_lists_short_code_lists_in_the_message():
    con = case_record(ssd_person=[{"pers_person_id": "P1", "pers_sex": "1"}])
    [finding] = found(con, "unknown_code")
    assert finding.message == (
        "'1' is not a DfE sex code (F, M, U): map the local code to the DfE code in the extract."
    )


def test_the_coded_columns_include_those_the_returns_need():
    checked = {(name, column): allowed for name, column, allowed, _ in CODED_COLUMNS}
    assert checked[("ssd_person", "pers_sex")] is codes.SEX
    assert checked[("ssd_person", "pers_ethnicity")] is codes.ETHNICITY
    assert checked[("ssd_cin_episodes", "cine_cin_primary_need_code")] is codes.PRIMARY_NEED
    assert checked[("ssd_cin_episodes", "cine_referral_source_code")] is codes.REFERRAL_SOURCE
    assert checked[("ssd_cin_episodes", "cine_close_reason")] is codes.CLOSURE_REASON
    assert checked[("ssd_cp_plans", "cppl_cp_plan_initial_category")] is codes.CP_CATEGORY
    assert checked[("ssd_cla_episodes", "clae_cla_episode_start_reason")] is codes.CLA_START_REASON
    assert checked[("ssd_cla_episodes", "clae_cla_episode_ceased_reason")] is codes.CLA_END_REASON
    assert checked[("ssd_legal_status", "lega_legal_status")] is codes.LEGAL_STATUS
    assert checked[("ssd_cla_placement", "clap_cla_placement_type")] is codes.PLACEMENT_TYPE
    assert checked[("ssd_cla_placement", "clap_cla_placement_provider")] is codes.PLACEMENT_PROVIDER
    assert checked[("ssd_cla_reviews", "clar_cla_review_participation")] is (
        codes.REVIEW_PARTICIPATION
    )
    assert checked[("ssd_cin_visits", "cinv_cin_visit_seen")] is codes.YES_NO


# --- invalid_json --------------------------------------------------------------------------------
def test_invalid_json():
    con = case_record(
        ssd_contacts=[
            {"cont_contact_id": "C1", "cont_contact_outcome_json": '{"NFA_FLAG": "Y"'},
            {"cont_contact_id": "C2", "cont_contact_outcome_json": '{"NFA_FLAG": "Y"}'},
            {"cont_contact_id": "C3", "cont_contact_outcome_json": None},
        ],
        ssd_assessment_factors=[
            {"cinf_table_id": "F1", "cinf_assessment_factors_json": '["2B", "4C"]'},
            {"cinf_table_id": "F2", "cinf_assessment_factors_json": "2B, 4C"},
        ],
    )
    result = found(con, "invalid_json")
    assert [(f.table, f.row, f.field, f.value) for f in result] == [
        ("ssd_assessment_factors", 1, "cinf_assessment_factors_json", "2B, 4C"),
        ("ssd_contacts", 0, "cont_contact_outcome_json", '{"NFA_FLAG": "Y"'),
    ]


def test_every_json_column_is_checked():
    tables = {
        spec.name: [{spec.pk.name: "X", **{c.name: "{" for c in spec.columns if c.type == "json"}}]
        for spec in TABLES.values()
        if any(c.type == "json" for c in spec.columns)
    }
    expected = {
        (name, column)
        for name, rows_ in tables.items()
        for column in rows_[0]
        if column.endswith("_json")
    }
    con = case_record(**tables)
    assert {(f.table, f.field) for f in found(con, "invalid_json")} == expected


def test_a_long_invalid_json_value_is_cut_short():
    text = '{"COMMENTS": "' + "x" * 500
    con = case_record(ssd_contacts=[{"cont_contact_id": "C1", "cont_contact_outcome_json": text}])
    [finding] = found(con, "invalid_json")
    assert len(finding.value) == 100
    assert finding.value == text[:99] + "…"


# --- findings carry no more than the value at fault ----------------------------------------------
def _everything_wrong():
    return case_record(
        ssd_person=[
            {
                "pers_person_id": "P1",
                "pers_dob": date(2020, 1, 1),
                "pers_sex": "X",
                "pers_forename": "Secret",
                "pers_death_date": date(2019, 1, 1),
            },
            {"pers_person_id": "P1", "pers_dob": date(2030, 1, 1)},
            {"pers_person_id": None, "pers_surname": "Hidden"},
        ],
        ssd_contacts=[
            {
                "cont_contact_id": "C1",
                "cont_person_id": "P9",
                "cont_contact_outcome_json": '{"COMMENTS": "confidential' + "y" * 300,
            },
        ],
        ssd_cla_episodes=[
            {
                "clae_cla_episode_id": "E1",
                "clae_person_id": "P1",
                "clae_cla_id": "C1",
                "clae_cla_episode_start_date": date(2019, 1, 1),
                "clae_cla_episode_start_reason": "Q",
                "clae_cla_episode_ceased_date": date(2018, 1, 1),
            },
            {
                "clae_cla_episode_id": "E2",
                "clae_person_id": "P1",
                "clae_cla_id": "C1",
                "clae_cla_episode_start_date": date(2021, 1, 1),
            },
            {
                "clae_cla_episode_id": "E3",
                "clae_person_id": "P1",
                "clae_cla_id": "C1",
                "clae_cla_episode_start_date": date(2022, 1, 1),
            },
        ],
    )


def test_the_fixture_breaks_every_rule():
    counts = {
        code: n for code, _, n in counts_by_rule(run_checks(_everything_wrong(), as_at=AS_AT))
    }
    assert all(counts.values()), counts


def test_no_finding_value_is_longer_than_the_field_at_fault():
    con = _everything_wrong()
    result = findings_to_list(run_checks(con, as_at=AS_AT))
    assert result
    for f in result:
        if f.row is None:  # a finding about a whole column
            assert f.value == ""
            continue
        # Table and field come from the schema, through the findings.
        sql = f'SELECT CAST("{f.field}" AS VARCHAR) FROM "{f.table}" WHERE {SOURCE_ROW} = ?'  # noqa: S608
        [(actual,)] = con.execute(sql, [f.row]).fetchall()
        actual = actual or ""
        assert len(f.value) <= len(actual), f
        assert actual.startswith(f.value.removesuffix("…")), f
        for other in ("Secret", "Hidden", "confidential"):
            assert other not in f.message, f


# --- counts and CSV ------------------------------------------------------------------------------
def test_counts_by_rule_lists_every_rule_with_zero_counts():
    con = case_record(ssd_person=[{"pers_person_id": None}, {"pers_person_id": ""}])
    counts = counts_by_rule(run_checks(con, as_at=AS_AT))
    assert [code for code, _, _ in counts] == [rule.code for rule in RULES]
    assert [description for _, description, _ in counts] == [rule.description for rule in RULES]
    assert {code: n for code, _, n in counts} == {
        rule.code: 2 if rule.code == "missing_key" else 0 for rule in RULES
    }


def test_counts_by_rule_of_no_findings_are_all_zero():
    counts = counts_by_rule(run_checks(case_record(), as_at=AS_AT))
    assert len(counts) == len(RULES)
    assert {n for _, _, n in counts} == {0}


def test_write_findings_csv(tmp_path):
    con = case_record(
        ssd_person=[
            {"pers_person_id": "P1", "pers_sex": "=HYPERLINK(1)"},
            {"pers_person_id": "P2", "pers_sex": 'say "hi", twice'},
            {"pers_person_id": None},
        ]
    )
    path = tmp_path / "findings.csv"
    write_findings_csv(run_checks(con, as_at=AS_AT), path)
    with path.open(newline="", encoding="utf-8") as handle:
        read = list(csv.DictReader(handle))
    assert tuple(read[0]) == FINDING_COLUMNS
    assert [(r["rule"], r["table"], r["row"], r["field"], r["value"]) for r in read] == [
        ("missing_key", "ssd_person", "2", "pers_person_id", ""),
        ("unknown_code", "ssd_person", "0", "pers_sex", "'=HYPERLINK(1)"),
        ("unknown_code", "ssd_person", "1", "pers_sex", 'say "hi", twice'),
    ]
    assert {r["severity"] for r in read} == {"error", "warning"}
    assert {r["file"] for r in read} == {""}


def test_write_findings_csv_of_no_findings_has_a_header(tmp_path):
    path = tmp_path / "findings.csv"
    write_findings_csv(run_checks(case_record(), as_at=AS_AT), path)
    with path.open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [list(FINDING_COLUMNS)]


# --- the rule tables name real columns -----------------------------------------------------------
def _type(column: str) -> str:
    return next(c.type for spec in TABLES.values() for c in spec.columns if c.name == column)


def test_rule_tables_name_columns_of_the_schema_with_the_right_types():
    for name, start, end, _ in DATE_PAIRS:
        assert table(name).column(start).type == table(name).column(end).type == "date"
    for name, person, start, end, _ in OVERLAPS:
        assert table(name).column(person).fk == ("ssd_person", "pers_person_id")
        assert table(name).column(start).type == table(name).column(end).type == "date"
    for column in FUTURE_ALLOWED | PRE_BIRTH_ALLOWED:
        assert _type(column) == "date", column
    for name, column, allowed, _ in CODED_COLUMNS:
        assert table(name).column(column).type == "string"
        assert allowed


def test_an_overlap_names_the_first_row_among_equals():
    con = case_record(
        **_spans(
            "ssd_cp_plans",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
            [
                ("P1", date(2023, 1, 1), date(2023, 6, 1)),
                ("P1", date(2023, 2, 1), date(2023, 6, 1)),
                ("P1", date(2023, 3, 1), date(2023, 4, 1)),
            ],
        )
    )
    by_row = {f.row: f.message for f in found(con, "overlapping_episodes")}
    assert sorted(by_row) == [1, 2]
    assert "on row 0 ends (2023-06-01)" in by_row[1]
    assert "on row 0 ends (2023-06-01)" in by_row[2]

"""Data-quality checks of a case record loaded in DuckDB.

``run_checks`` runs every rule of ``RULES`` as set-based SQL over the canonical tables (each
loaded under its canonical name, ``ssd_person``, ``ssd_cin_episodes``...) and returns the
findings as one Arrow table. Most rules are generated from the schema (its keys and dates);
the rest list their columns here, with the reason for each choice beside it.

A finding names the table, the source row (``_source_row``), the field and the one value at
fault, never more of the child's record. Its message says, in plain English, what to fix.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from casegrip.model import codes
from casegrip.model.findings import FINDING_COLUMNS, Finding, Severity
from casegrip.model.schema import SOURCE_ROW, TABLES, Table

PERSON = "ssd_person"
PERSON_ID = "pers_person_id"
DOB = "pers_dob"

FINDINGS_SCHEMA = pa.schema(
    [
        pa.field("rule", pa.string()),
        pa.field("table", pa.string()),
        pa.field("row", pa.int64()),
        pa.field("field", pa.string()),
        pa.field("value", pa.string()),
        pa.field("message", pa.string()),
        pa.field("severity", pa.string()),
        pa.field("file", pa.string()),
    ]
)
assert tuple(FINDINGS_SCHEMA.names) == FINDING_COLUMNS


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    description: str  # for a performance analyst: what it means and how to fix the extract
    severity: Severity


RULES: tuple[Rule, ...] = (
    Rule(
        "missing_key",
        "Row without an ID",
        "The row has no value in its table's ID column (for example cine_referral_id in "
        "ssd_cin_episodes), or only spaces. Nothing else can refer to the row, so it is left "
        "out of anything that links records. Fix the extract so every row carries the case "
        "management system's ID for the record.",
        Severity.ERROR,
    ),
    Rule(
        "duplicate_id",
        "Same ID on more than one row",
        "Two or more rows of a table have the same ID. The first row (lowest row number) is "
        "taken as the record; every later row with that ID is reported, and its message names "
        "the first row. Duplicates count children or events twice. Usually the extract joined "
        "to a table with several rows per record: remove the duplicate rows, or give each "
        "record its own ID.",
        Severity.ERROR,
    ),
    Rule(
        "orphan_reference",
        "Reference to a record that is not there",
        "A column that refers to another table (a person, referral, CP plan, worker, team...) "
        "holds an ID that no row of that table has. The record cannot be linked: for example "
        "an assessment whose referral is missing is not counted against the referral. Add the "
        "missing records to the extract (often they fall outside its date range) or correct "
        "the ID. When the referred-to table has no rows at all, one finding per column says "
        "so instead of one per row.",
        Severity.WARNING,
    ),
    Rule(
        "end_before_start",
        "Ends before it starts",
        "An end date is earlier than the start date of the same record: a referral closed "
        "before it was made, an assessment authorised before it started, a plan, episode, "
        "placement, missing episode, involvement or legal status ending before it began, a "
        "death before birth, a CLA episode starting before the child entered care, or a "
        "permanence or pre-proceedings step before the decision that leads to it. Durations "
        "come out negative. Correct whichever date is wrong in the case management system.",
        Severity.WARNING,
    ),
    Rule(
        "overlapping_episodes",
        "Overlapping episodes for one child",
        "A child has two CLA episodes, two CP plans or two CIN episodes (referrals) open at "
        "the same time. Each span runs from its start date to its end date; with no end date "
        "it is open up to the as-at date. An episode that ends on the day the next one starts "
        "does not overlap it. The later-starting record is reported, naming the row it "
        "overlaps. The child is counted twice, and the days are counted twice. End the "
        "earlier record when the next begins, or remove the duplicate.",
        Severity.WARNING,
    ),
    Rule(
        "date_in_future",
        "Date after the as-at date",
        "A date is later than the as-at date of the extract, so the event cannot have "
        "happened yet; it is often a typing error (2052 for 2025) or a planned date in a "
        "field meant for an actual one. Due dates, target dates and the expected date of "
        "birth may lie in the future and are not checked: icpc_icpc_target_date, "
        "cppr_cp_review_due, clar_cla_review_due_date, cinr_cin_plan_review_due_date and "
        "pers_expected_dob. Correct the date.",
        Severity.WARNING,
    ),
    Rule(
        "date_before_birth",
        "Date before the child was born",
        "A date on a child's record is earlier than their date of birth in ssd_person (the "
        "earliest one, if the person appears twice). Work before birth is normal for unborn "
        "children, so contacts, referrals, assessments, section 47 enquiries, conferences, CP "
        "and CIN plans and visits, early help, involvements and pre-proceedings may start up "
        "to 42 weeks (a full pregnancy) before birth; anything else, such as a CLA episode, "
        "placement or missing episode, may not. Children with no date of birth (including "
        "unborn children with only an expected date of birth) are not checked. Correct the "
        "date, or the date of birth.",
        Severity.WARNING,
    ),
    Rule(
        "unknown_code",
        "Code not in the DfE code list",
        "A coded field holds a value that is not in its DfE code list (sex, ethnicity, "
        "primary need, referral and contact source, closure reason, CP category, reason for "
        "new CLA episode and reason episode ceased, legal status, placement type, provider "
        "and change reason, review participation, missing type, care leaver in touch, and "
        "Y/N flags). Case and surrounding spaces are ignored; codes retired over the years "
        "are accepted. Returns and breakdowns will not count the value. Map the local code "
        "to the DfE code in the extract.",
        Severity.WARNING,
    ),
    Rule(
        "invalid_json",
        "Unreadable JSON",
        "A field that should hold JSON (outcome flags, assessment factors, address parts) "
        "holds text that is not valid JSON, so none of its flags or codes can be read. The "
        "value shown is cut to its first 100 characters. Usually quotes or brackets are "
        "missing or the text was cut short by the extract: fix how the extract writes it.",
        Severity.ERROR,
    ),
)
RULE_CODES = tuple(rule.code for rule in RULES)
_RULES = {rule.code: rule for rule in RULES}


# --- end_before_start: (table, start, end, message); {start} and {end} are the two dates -------
DATE_PAIRS: tuple[tuple[str, str, str, str], ...] = (
    (
        "ssd_person",
        "pers_dob",
        "pers_death_date",
        "Date of death ({end}) is before birth ({start})",
    ),
    (
        "ssd_cin_episodes",
        "cine_referral_date",
        "cine_close_date",
        "Referral closes ({end}) before it starts ({start})",
    ),
    (
        "ssd_cin_assessments",
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
        "Assessment is authorised ({end}) before it starts ({start})",
    ),
    (
        "ssd_s47_enquiry",
        "s47e_s47_start_date",
        "s47e_s47_end_date",
        "Section 47 enquiry ends ({end}) before it starts ({start})",
    ),
    (
        "ssd_cp_plans",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "CP plan ends ({end}) before it starts ({start})",
    ),
    (
        "ssd_cin_plans",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date",
        "CIN plan ends ({end}) before it starts ({start})",
    ),
    (
        "ssd_cla_episodes",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "CLA episode ceases ({end}) before it starts ({start})",
    ),
    (
        "ssd_cla_episodes",
        "clae_entered_care_date",
        "clae_cla_episode_start_date",
        "CLA episode starts ({end}) before the child entered care ({start})",
    ),
    (
        "ssd_cla_placement",
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
        "Placement ends ({end}) before it starts ({start})",
    ),
    (
        "ssd_missing",
        "miss_missing_episode_start_date",
        "miss_missing_episode_end_date",
        "Missing episode ends ({end}) before it starts ({start})",
    ),
    (
        "ssd_early_help_episodes",
        "earl_episode_start_date",
        "earl_episode_end_date",
        "Early help episode ends ({end}) before it starts ({start})",
    ),
    (
        "ssd_involvements",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        "Involvement ends ({end}) before it starts ({start})",
    ),
    (
        "ssd_legal_status",
        "lega_legal_status_start_date",
        "lega_legal_status_end_date",
        "Legal status ends ({end}) before it starts ({start})",
    ),
    (
        "ssd_pre_proceedings",
        "prep_pre_pro_decision_date",
        "prep_initial_pre_pro_meeting_date",
        "Initial pre-proceedings meeting ({end}) is before the decision to enter "
        "pre-proceedings ({start})",
    ),
    (
        "ssd_pre_proceedings",
        "prep_pre_pro_decision_date",
        "prep_agree_stepdown_issue_date",
        "Step-down or issue ({end}) is before the decision to enter pre-proceedings ({start})",
    ),
    (
        "ssd_permanence",
        "perm_adm_decision_date",
        "perm_matched_date",
        "Match with adopters ({end}) is before the decision to place for adoption ({start})",
    ),
    (
        "ssd_permanence",
        "perm_matched_date",
        "perm_placed_for_adoption_date",
        "Child is placed for adoption ({end}) before being matched ({start})",
    ),
)

# --- overlapping_episodes: (table, person, start, end, what) -----------------------------------
# A child is in at most one CLA episode, one CP plan and one CIN episode at a time. CIN plans,
# placements and involvements are not checked: the SSD records them at a grain where parallel
# rows can be legitimate (several workers, temporary placements alongside a placement).
OVERLAPS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "ssd_cla_episodes",
        "clae_person_id",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "CLA episode",
    ),
    (
        "ssd_cp_plans",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "CP plan",
    ),
    ("ssd_cin_episodes", "cine_person_id", "cine_referral_date", "cine_close_date", "CIN episode"),
)

# --- date_in_future: dates that are due, target or expected dates, so may lie ahead ------------
FUTURE_ALLOWED = frozenset(
    {
        "pers_expected_dob",
        "icpc_icpc_target_date",
        "cppr_cp_review_due",
        "clar_cla_review_due_date",
        "cinr_cin_plan_review_due_date",
        # a UASC status ends on the 18th birthday, often still to come
        "immi_immigration_status_end_date",
    }
)

# --- date_before_birth: work that may be done for an unborn child, up to a pregnancy before birth
PREGNANCY_DAYS = 42 * 7
PRE_BIRTH_ALLOWED = frozenset(
    {
        "cont_contact_date",
        "cine_referral_date",
        "cine_close_date",
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
        "s47e_s47_start_date",
        "s47e_s47_end_date",
        "icpc_icpc_target_date",
        "icpc_icpc_date",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppv_cp_visit_date",
        "cppr_cp_review_due",
        "cppr_cp_review_date",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date",
        "cinv_cin_visit_date",
        "cinr_cin_plan_review_due_date",
        "cinr_cin_plan_review_date",
        "earl_episode_start_date",
        "earl_episode_end_date",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        "prep_pre_pro_decision_date",
        "prep_initial_pre_pro_meeting_date",
        "prep_agree_stepdown_issue_date",
        "prep_pre_pro_letter_date",
        "prep_care_pro_letter_date",
    }
)

# --- unknown_code: (table, column, code list, what the code is) --------------------------------
_YES_NO_COLUMNS = {
    "ssd_person": ("pers_is_mother", "pers_send_flag"),
    "ssd_cin_episodes": ("cine_referral_nfa",),
    "ssd_cin_assessments": ("cina_assessment_child_seen", "cina_assessment_outcome_nfa"),
    "ssd_s47_enquiry": ("s47e_s47_nfa",),
    "ssd_initial_cp_conference": ("icpc_icpc_transfer_in", "icpc_icpc_outcome_cp_flag"),
    "ssd_cp_plans": ("cppl_cp_plan_ola",),
    "ssd_cp_visits": ("cppv_cp_visit_seen", "cppv_cp_visit_seen_alone", "cppv_cp_visit_bedroom"),
    "ssd_cp_reviews": ("cppr_cp_review_outcome_continue_cp", "cppr_cp_review_quorate"),
    "ssd_cin_visits": (
        "cinv_cin_visit_seen",
        "cinv_cin_visit_seen_alone",
        "cinv_cin_visit_bedroom",
    ),
    "ssd_cla_reviews": ("clar_cla_review_cancelled",),
    "ssd_cla_visits": ("clav_cla_visit_seen", "clav_cla_visit_seen_alone"),
    "ssd_permanence": ("perm_part_of_sibling_group", "perm_adopted_by_carer_flag"),
    "ssd_professionals": ("prof_agency_worker_flag",),
}
CODED_COLUMNS: tuple[tuple[str, str, frozenset[str], str], ...] = (
    ("ssd_person", "pers_sex", codes.SEX, "sex"),
    ("ssd_person", "pers_ethnicity", codes.ETHNICITY, "ethnicity"),
    ("ssd_person", "pers_upn_unknown", codes.UPN_UNKNOWN, "UPN unknown reason"),
    ("ssd_contacts", "cont_contact_source_code", codes.REFERRAL_SOURCE, "contact source"),
    ("ssd_cin_episodes", "cine_cin_primary_need_code", codes.PRIMARY_NEED, "primary need"),
    ("ssd_cin_episodes", "cine_referral_source_code", codes.REFERRAL_SOURCE, "referral source"),
    ("ssd_cin_episodes", "cine_close_reason", codes.CLOSURE_REASON, "closure reason"),
    ("ssd_cp_plans", "cppl_cp_plan_initial_category", codes.CP_CATEGORY, "category of abuse"),
    ("ssd_cp_plans", "cppl_cp_plan_latest_category", codes.CP_CATEGORY, "category of abuse"),
    (
        "ssd_cla_episodes",
        "clae_cla_episode_start_reason",
        codes.CLA_START_REASON,
        "reason for new episode",
    ),
    (
        "ssd_cla_episodes",
        "clae_cla_episode_ceased_reason",
        codes.CLA_END_REASON,
        "reason episode ceased",
    ),
    ("ssd_cla_episodes", "clae_cla_primary_need_code", codes.PRIMARY_NEED, "primary need"),
    ("ssd_legal_status", "lega_legal_status", codes.LEGAL_STATUS, "legal status"),
    ("ssd_cla_placement", "clap_cla_placement_type", codes.PLACEMENT_TYPE, "placement type"),
    (
        "ssd_cla_placement",
        "clap_cla_placement_provider",
        codes.PLACEMENT_PROVIDER,
        "placement provider",
    ),
    (
        "ssd_cla_placement",
        "clap_cla_placement_change_reason",
        codes.PLACEMENT_CHANGE_REASON,
        "reason for placement change",
    ),
    (
        "ssd_cla_reviews",
        "clar_cla_review_participation",
        codes.REVIEW_PARTICIPATION,
        "participation",
    ),
    ("ssd_missing", "miss_missing_episode_type", codes.MISSING_TYPE, "missing episode type"),
    ("ssd_missing", "miss_missing_rhi_offered", codes.YES_NO_NA, "Y/N/NA"),
    ("ssd_missing", "miss_missing_rhi_accepted", codes.YES_NO_NA, "Y/N/NA"),
    ("ssd_care_leavers", "clea_care_leaver_in_touch", codes.CARE_LEAVER_IN_TOUCH, "in touch"),
    *(
        (name, column, codes.YES_NO, "Y/N")
        for name, columns in _YES_NO_COLUMNS.items()
        for column in columns
    ),
)

JSON_VALUE_CHARS = 100  # an unreadable JSON value is shown cut to this many characters


# --- SQL helpers ---------------------------------------------------------------------------------
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _text(expr: str) -> str:
    return f"CAST({expr} AS VARCHAR)"


def _message(template: str, **values: str) -> str:
    """SQL concatenating ``template``'s text with SQL expressions for its ``{name}`` fields."""
    parts = []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2:
            parts.append(f"coalesce({_text(values[piece])}, '')")
        elif piece:
            parts.append(_lit(piece))
    return " || ".join(parts) or "''"


def _finding(name: str, row: str, field: str, value: str, message: str, rest: str) -> str:
    """One SELECT producing findings in the common shape: table, row, field, value, message."""
    return (
        f'SELECT {_lit(name)} AS "table", CAST({row} AS BIGINT) AS "row", '
        f"{field} AS field, {value} AS value, {message} AS message {rest}"
    )


def _present(column: str) -> str:
    return f"({column} IS NOT NULL AND trim({column}) <> '')"


def _person_column(spec: Table) -> str | None:
    return next((c.name for c in spec.columns if c.fk == (PERSON, PERSON_ID)), None)


def _dates(spec: Table) -> list[str]:
    return [c.name for c in spec.columns if c.type == "date"]


# --- the rules, each as SELECTs in the common shape -----------------------------------------------
def _missing_key(as_at: dt.date) -> Iterable[str]:
    for spec in TABLES.values():
        pk = _q(spec.pk.name)
        yield _finding(
            spec.name,
            SOURCE_ROW,
            _lit(spec.pk.name),
            f"coalesce({pk}, '')",
            _lit(f"Row has no ID ({spec.pk.name}): give every row its record's ID."),
            f"FROM {_q(spec.name)} WHERE NOT {_present(pk)}",
        )


def _duplicate_id(as_at: dt.date) -> Iterable[str]:
    for spec in TABLES.values():
        pk, name = _q(spec.pk.name), _q(spec.name)
        message = _message(
            "ID {id} is also on row {first}: remove the duplicate row or give it its own ID.",
            id="k",
            first="first_row",
        )
        yield _finding(
            spec.name,
            "r",
            _lit(spec.pk.name),
            "k",
            message,
            f"FROM (SELECT {pk} AS k, {SOURCE_ROW} AS r, "
            f"row_number() OVER (PARTITION BY {pk} ORDER BY {SOURCE_ROW}) AS n, "
            f"min({SOURCE_ROW}) OVER (PARTITION BY {pk}) AS first_row "
            f"FROM {name} SEMI JOIN (SELECT {pk} FROM {name} WHERE {_present(pk)} "
            f"GROUP BY {pk} HAVING count(*) > 1) AS dup USING ({pk})) WHERE n > 1",
        )


def _orphan_reference(as_at: dt.date) -> Iterable[str]:
    for spec in TABLES.values():
        name = _q(spec.name)
        for column in spec.columns:
            if column.fk is None:
                continue
            target, target_column = column.fk
            fk, ref = _q(column.name), f"{_q(target)} AS ref"
            present = _present(f"t.{fk}")
            yield _finding(
                spec.name,
                f"t.{SOURCE_ROW}",
                _lit(column.name),
                _text(f"t.{fk}"),
                _message(
                    f"No row of {target} has {target_column} {{id}}: add the missing record "
                    "to the extract or correct the ID.",
                    id=f"t.{fk}",
                ),
                f"FROM {name} AS t ANTI JOIN {ref} ON t.{fk} = ref.{_q(target_column)} "
                f"WHERE {present} AND EXISTS (SELECT 1 FROM {_q(target)})",
            )
            # The referred-to table is empty: one finding for the column, not one per row.
            yield _finding(
                spec.name,
                "NULL",
                _lit(column.name),
                "''",
                _message(
                    f"None of the {{n}} values of {column.name} can be checked: {target} has no "
                    f"rows. Include {target} in the extract.",
                    n="count(*)",
                ),
                f"FROM {name} AS t WHERE {present} AND NOT EXISTS (SELECT 1 FROM {_q(target)}) "
                "HAVING count(*) > 0",
            )


def _end_before_start(as_at: dt.date) -> Iterable[str]:
    for name, start, end, template in DATE_PAIRS:
        yield _finding(
            name,
            SOURCE_ROW,
            _lit(end),
            _text(_q(end)),
            _message(template + ": correct whichever date is wrong.", start=_q(start), end=_q(end)),
            f"FROM {_q(name)} WHERE {_q(end)} < {_q(start)}",
        )


def _overlapping_episodes(as_at: dt.date) -> Iterable[str]:
    as_at_sql = f"DATE {_lit(as_at.isoformat())}"
    for name, person, start, end, what in OVERLAPS:
        # Spans [start, end), an open one ending at the as-at date. Sorted by start (then end),
        # a span overlaps an earlier one exactly when it starts before the latest end so far.
        # Spans without a start, or ending before they start, are left to the other rules.
        message = _message(
            f"{what} starts ({{start}}) before the child's {what} on row {{other}} ends "
            "{open}: end one before the other starts, or remove the duplicate.",
            start="s",
            other="prev.r",
            open=f"CASE WHEN prev.open THEN '(it is still open at {as_at.isoformat()})' "
            "ELSE '(' || CAST(prev_end AS VARCHAR) || ')' END",
        )
        yield _finding(
            name,
            "r",
            _lit(start),
            _text("s"),
            message,
            f"FROM (SELECT r, s, "
            f"max(e) OVER w AS prev_end, arg_max({{'r': r, 'open': open}}, (e, -r)) OVER w AS prev "
            f"FROM (SELECT {_q(person)} AS p, {SOURCE_ROW} AS r, {_q(start)} AS s, "
            f"coalesce({_q(end)}, {as_at_sql}) AS e, {_q(end)} IS NULL AS open "
            f"FROM {_q(name)} WHERE {_present(_q(person))} AND {_q(start)} IS NOT NULL "
            f"AND coalesce({_q(end)}, {as_at_sql}) >= {_q(start)}) "
            "WINDOW w AS (PARTITION BY p ORDER BY s, e, r "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) WHERE s < prev_end",
        )


def _date_in_future(as_at: dt.date) -> Iterable[str]:
    as_at_sql = f"DATE {_lit(as_at.isoformat())}"
    for spec in TABLES.values():
        for column in _dates(spec):
            if column in FUTURE_ALLOWED:
                continue
            yield _finding(
                spec.name,
                SOURCE_ROW,
                _lit(column),
                _text(_q(column)),
                _message(
                    f"Date ({{d}}) is after the as-at date ({as_at.isoformat()}): correct it, "
                    "or move a planned date out of this field.",
                    d=_q(column),
                ),
                f"FROM {_q(spec.name)} WHERE {_q(column)} > {as_at_sql}",
            )


def _date_before_birth(as_at: dt.date) -> Iterable[str]:
    for spec in TABLES.values():
        person = _person_column(spec)
        dates = _dates(spec)
        if spec.name == PERSON or person is None or not dates:
            continue
        fields = ", ".join(
            f"{{'field': {_lit(c)}, 'd': t.{_q(c)}, 'pre': {str(c in PRE_BIRTH_ALLOWED).lower()}}}"
            for c in dates
        )
        message = (
            "CASE WHEN f.pre THEN "
            + _message(
                f"Date ({{d}}) is more than {PREGNANCY_DAYS // 7} weeks before the child's date "
                f"of birth: correct the date, or the date of birth in {PERSON}.",
                d="f.d",
            )
            + " ELSE "
            + _message(
                "Date ({d}) is before the child's date of birth: correct the date, or the date "
                f"of birth in {PERSON}.",
                d="f.d",
            )
            + " END"
        )
        yield _finding(
            spec.name,
            "r",
            "f.field",
            _text("f.d"),
            message,
            f"FROM (SELECT t.{SOURCE_ROW} AS r, b.dob, unnest([{fields}]) AS f "
            f"FROM {_q(spec.name)} AS t JOIN births AS b ON t.{_q(person)} = b.pid) "
            f"WHERE f.d < dob AND NOT (f.pre AND f.d >= dob - {PREGNANCY_DAYS})",
        )


def _births_cte() -> str:
    # The earliest date of birth per person: a duplicated person is judged by the earlier one.
    return (
        f"WITH births AS MATERIALIZED (SELECT {_q(PERSON_ID)} AS pid, min({_q(DOB)}) AS dob "
        f"FROM {_q(PERSON)} WHERE {_q(DOB)} IS NOT NULL GROUP BY {_q(PERSON_ID)}) "
    )


def _unknown_code(as_at: dt.date) -> Iterable[str]:
    for name, column, allowed, what in CODED_COLUMNS:
        col = _q(column)
        listed = sorted(allowed)
        hint = f" ({', '.join(listed)})" if len(listed) <= 10 else " (see the DfE guidance)"
        in_list = ", ".join(_lit(code.upper()) for code in listed)
        yield _finding(
            name,
            SOURCE_ROW,
            _lit(column),
            col,
            _message(
                f"'{{v}}' is not a DfE {what} code{hint}: map the local code to the DfE code "
                "in the extract.",
                v=col,
            ),
            f"FROM {_q(name)} WHERE {_present(col)} AND upper(trim({col})) NOT IN ({in_list})",
        )


def _invalid_json(as_at: dt.date) -> Iterable[str]:
    for spec in TABLES.values():
        for column in spec.columns:
            if column.type != "json":
                continue
            col = _q(column.name)
            yield _finding(
                spec.name,
                SOURCE_ROW,
                _lit(column.name),
                f"CASE WHEN length({col}) > {JSON_VALUE_CHARS} "
                f"THEN left({col}, {JSON_VALUE_CHARS - 1}) || '…' ELSE {col} END",
                _lit(
                    "Text is not valid JSON: fix the quotes or brackets in the extract, or "
                    "leave the field empty."
                ),
                f"FROM {_q(spec.name)} WHERE {_present(col)} AND NOT json_valid({col})",
            )


_SELECTS = {
    "missing_key": _missing_key,
    "duplicate_id": _duplicate_id,
    "orphan_reference": _orphan_reference,
    "end_before_start": _end_before_start,
    "overlapping_episodes": _overlapping_episodes,
    "date_in_future": _date_in_future,
    "date_before_birth": _date_before_birth,
    "unknown_code": _unknown_code,
    "invalid_json": _invalid_json,
}
assert tuple(_SELECTS) == RULE_CODES


def rule_sql(code: str, *, as_at: dt.date) -> str:
    """The one query that finds every breach of rule ``code``, in the findings' columns."""
    rule = _RULES[code]
    selects = list(_SELECTS[code](as_at))
    prefix = _births_cte() if code == "date_before_birth" else ""
    return (
        f'{prefix}SELECT {_lit(rule.code)} AS rule, "table", "row", field, value, message, '
        f"{_lit(str(rule.severity))} AS severity, '' AS file "
        f'FROM ({" UNION ALL ".join(selects)}) ORDER BY "table", "row", field'
    )


def run_checks(
    con: duckdb.DuckDBPyConnection, *, as_at: dt.date, rules: Iterable[str] | None = None
) -> pa.Table:
    """Every finding of every rule (or of the ``rules`` named) on the canonical tables in ``con``.

    ``as_at`` is the date the case record describes: open spans run to it, and no date of an
    event may be after it. Findings come in the order of ``RULES``, then table, row and field.
    """
    if isinstance(as_at, dt.datetime) or not isinstance(as_at, dt.date):
        raise TypeError("as_at must be a datetime.date")
    wanted = RULE_CODES if rules is None else tuple(rules)
    unknown = set(wanted) - set(RULE_CODES)
    if unknown:
        raise ValueError(f"no such rule: {', '.join(sorted(unknown))}")
    parts = [
        con.execute(rule_sql(code, as_at=as_at)).to_arrow_table().cast(FINDINGS_SCHEMA)
        for code in RULE_CODES
        if code in wanted
    ]
    return pa.concat_tables(parts) if parts else FINDINGS_SCHEMA.empty_table()


def findings_to_list(findings: pa.Table) -> list[Finding]:
    return [
        Finding(
            rule=row["rule"],
            table=row["table"],
            row=row["row"],
            field=row["field"],
            value=row["value"] or "",
            message=row["message"],
            severity=Severity(row["severity"]),
            file=row["file"] or "",
        )
        for row in findings.to_pylist()
    ]


def counts_by_rule(findings: pa.Table) -> list[tuple[str, str, int]]:
    """(rule, description, number of findings) for every rule, in order, zeros included."""
    counted = findings.group_by("rule").aggregate([("rule", "count")]).to_pylist()
    counts = {row["rule"]: row["rule_count"] for row in counted}
    return [(rule.code, rule.description, counts.get(rule.code, 0)) for rule in RULES]


# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_findings_csv(findings: pa.Table, path: Path | str) -> None:
    """Write the findings as CSV (UTF-8, header row) for a performance analyst to open.

    A value that a spreadsheet would run as a formula gets a leading apostrophe, so that a
    hostile value in an extract cannot run in the analyst's spreadsheet.
    """
    safe = findings.select(list(FINDING_COLUMNS))
    for name in ("value", "message"):
        column = safe[name]
        risky = pc.fill_null(pc.starts_with(column, _FORMULA_START[0]), False)
        for start in _FORMULA_START[1:]:
            risky = pc.or_(risky, pc.fill_null(pc.starts_with(column, start), False))
        neutral = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        safe = safe.set_column(safe.schema.get_field_index(name), name, neutral)
    pacsv.write_csv(safe, str(path), write_options=pacsv.WriteOptions(quoting_style="needed"))

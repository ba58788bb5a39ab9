"""Build the CIN census XML of a collection year from the case record.

``build_cin_census(con, year, la_code=...)`` gathers, in DuckDB SQL on a case record opened by
``case_record``, every child with a CIN episode (``ssd_cin_episodes``, one referral) open on any
day of the year Y, and what happened in each episode during Y; ``write`` streams the XML, one
``<Child>`` at a time, in the element order of the year's DfE schema (``cin_census.yml`` holds
what changed between years).

What each episode holds (only what falls in Y; a date after 31 March is left out):

======================= ==================================================================
CINdetails              referral date, source, primary need, closure date and reason (when
                        closed in Y), ReferralNFA (1 when the referral was marked NFA).
                        DateOfInitialCPC: a conference of the episode held in Y that no
                        returned Section47 holds (rule 2884: one level only).
Assessments             assessments of the episode started by 31 March and not authorised
                        before 1 April, with the factors identified (ssd_assessment_factors).
CINPlanDates            (from 2022) CIN plans of the episode open in Y.
Section47               enquiries of the episode open in Y (started by 31 March, and their
                        conference, end or the enquiry itself not before 1 April), with the
                        conference's target date and date; ICPCnotRequired is 1 when the
                        enquiry's outcome says no conference (CP_CONFERENCE_FLAG N, or NFA).
ChildProtectionPlans    CP plans of the episode open in Y: categories (codes, or the SSD's
                        words for them), the number of the child's plans that started
                        before, and the review conferences held in Y.
======================= ==================================================================

The file must be valid against the year's schema, so where a required value is missing or not
one of the schema's codes a default that says so is written (Ethnicity NOBT, ReferralSource 10
unknown, Sex unknown) and an optional one is left out; each such case is a build note for the
data team. The 2026 fake files' PreProceedingsandFGDM block is left out: the DfE schema for
2026 does not have it.

Disabilities (in ChildCharacteristics) are the child's codes in ``ssd_disability`` (the
schema's codes, or the SSD's words for them), each once; NONE is dropped when the child also
has a disability (rule 8790). An unborn child has none. When ``ssd_disability`` has no rows at
all, or a child has none there, Disabilities is left out, with a note.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

import duckdb

from casegrip import __version__

from .layouts import LayoutCin, cin_layout
from .notes import BuildNote
from .sql import case_table, sql_list

UPN = re.compile(r"[A-Za-z]\d{11}(\d|[A-Za-z])")
YES = ("Y", "YES", "1", "TRUE")


@dataclass
class CinCensus:
    """One CIN census: the children, each with their episodes, ready to write as XML."""

    layout: LayoutCin
    la_code: str
    children: list[dict]
    notes: list[BuildNote] = field(default_factory=list)

    def child_ids(self) -> list[str]:
        return [c["id"] for c in self.children]

    def write(self, path: Path, *, generated: datetime | None = None) -> Path:
        """The census as one XML file (UTF-8), written child by child."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.write(b'<?xml version="1.0" encoding="utf-8"?>\n<Message>')
            handle.write(tostring(self._header(generated or datetime.now()), encoding="utf-8"))
            handle.write(b"<Children>")
            for child in self.children:
                handle.write(tostring(self._child(child), encoding="utf-8"))
            handle.write(b"</Children></Message>\n")
        return path

    def _header(self, generated: datetime) -> Element:
        header = Element("Header")
        details = SubElement(header, "CollectionDetails")
        _text(details, "Collection", "CIN")
        _text(details, "Year", str(self.layout.year.year))
        _text(details, "ReferenceDate", self.layout.year.end)
        source = SubElement(header, "Source")
        _text(source, "SourceLevel", "L")
        _text(source, "LEA", self.la_code)
        _text(source, "SoftwareCode", "casegrip")
        _text(source, "Release", __version__)
        _text(source, "SerialNo", "001")
        _text(source, "DateTime", generated.replace(microsecond=0).isoformat())
        return header

    def _child(self, child: dict) -> Element:
        element = Element("Child")
        ids = SubElement(element, "ChildIdentifiers")
        _text(ids, "LAchildID", child["id"])
        _text(ids, "UPN", child["upn"])
        _text(ids, "UPNunknown", child["upn_unknown"])
        _text(ids, "PersonBirthDate", child["dob"])
        _text(ids, "ExpectedPersonBirthDate", child["expected_dob"])
        _text(ids, self.layout.sex_element, child["sex"])
        _text(ids, "PersonDeathDate", child["died"])
        characteristics = SubElement(element, "ChildCharacteristics")
        _text(characteristics, "Ethnicity", child["ethnicity"])
        if child["disabilities"]:
            disabilities = SubElement(characteristics, "Disabilities")
            for code in child["disabilities"]:
                _text(disabilities, "Disability", code)
        for episode in child["episodes"]:
            self._episode(SubElement(element, "CINdetails"), episode)
        return element

    def _episode(self, details: Element, episode: dict) -> None:
        for name in (
            "CINreferralDate",
            "ReferralSource",
            "PrimaryNeedCode",
            "CINclosureDate",
            "ReasonForClosure",
            "DateOfInitialCPC",
        ):
            _text(details, name, episode[name])
        for assessment in episode["assessments"]:
            block = SubElement(details, "Assessments")
            _text(block, "AssessmentActualStartDate", assessment["start"])
            _text(block, "AssessmentAuthorisationDate", assessment["authorised"])
            if assessment["factors"]:
                factors = SubElement(block, "FactorsIdentifiedAtAssessment")
                for factor in assessment["factors"]:
                    _text(factors, "AssessmentFactors", factor)
        for plan in episode["plans"]:
            block = SubElement(details, "CINPlanDates")
            _text(block, "CINPlanStartDate", plan["start"])
            _text(block, "CINPlanEndDate", plan["end"])
        for enquiry in episode["s47"]:
            block = SubElement(details, "Section47")
            _text(block, "S47ActualStartDate", enquiry["start"])
            _text(block, "InitialCPCtarget", enquiry["target"])
            _text(block, "DateOfInitialCPC", enquiry["icpc"])
            _text(block, "ICPCnotRequired", enquiry["not_required"])
        _text(details, "ReferralNFA", episode["ReferralNFA"])
        for plan in episode["cp_plans"]:
            block = SubElement(details, "ChildProtectionPlans")
            _text(block, "CPPstartDate", plan["start"])
            _text(block, "CPPendDate", plan["end"])
            _text(block, "InitialCategoryOfAbuse", plan["initial"])
            _text(block, "LatestCategoryOfAbuse", plan["latest"])
            _text(block, "NumberOfPreviousCPP", str(plan["previous"]))
            if plan["reviews"]:
                reviews = SubElement(block, "Reviews")
                for day in plan["reviews"]:
                    _text(reviews, "CPPreviewDate", day)


def _text(parent: Element, name: str, value: object) -> None:
    """A child element holding ``value``; nothing when the value is None."""
    if value is None:
        return
    SubElement(parent, name).text = value.isoformat() if isinstance(value, date) else str(value)


def build_cin_census(con: duckdb.DuckDBPyConnection, year: int, *, la_code: str) -> CinCensus:
    """The CIN census of collection year ``year`` from the case record in ``con``
    (``snap.<table>``)."""
    layout = cin_layout(year)
    return _Builder(con, layout).build(la_code)


class _Builder:
    def __init__(self, con: duckdb.DuckDBPyConnection, layout: LayoutCin) -> None:
        self.con, self.layout = con, layout
        self.start, self.end = layout.year.start, layout.year.end
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        self.disabilities_held = False

    def fetch(self, sql: str) -> list[tuple]:
        given = {"start": self.start, "end": self.end}
        return self.con.execute(sql, {k: v for k, v in given.items() if f"${k}" in sql}).fetchall()

    def count(self, element: str, message: str) -> None:
        self.counts[element, message] += 1

    def code(self, element: str, value: str | None) -> str | None:
        """``value`` as one of the year's codes for ``element`` (or the code its words stand
        for), else None."""
        if value is None:
            return None
        text = str(value).strip()
        words = self.layout.words.get(element, {})
        text = words.get(text.lower(), text)
        allowed = self.layout.codes[element]
        for candidate in (text, text.upper()):
            if candidate in allowed:
                return candidate
        return None

    def build(self, la_code: str) -> CinCensus:
        self.con.execute(
            """
            CREATE OR REPLACE TEMP TABLE cin_ep AS
            SELECT cine_referral_id AS referral, cine_person_id AS child,
                   cine_referral_date AS referred, cine_referral_source_code AS source,
                   cine_cin_primary_need_code AS need,
                   CASE WHEN cine_close_date <= $end THEN cine_close_date END AS closed,
                   CASE WHEN cine_close_date <= $end THEN cine_close_reason END AS reason,
                   cine_referral_nfa AS nfa
            FROM snap.ssd_cin_episodes
            WHERE cine_person_id IS NOT NULL AND cine_referral_id IS NOT NULL
              AND cine_referral_date IS NOT NULL AND cine_referral_date <= $end
              AND (cine_close_date IS NULL OR cine_close_date >= $start)
            """,
            {"start": self.start, "end": self.end},
        )
        assessments = self.assessments()
        plans = self.plans() if self.layout.cin_plan_dates else {}
        s47, s47_conferences = self.section47()
        conferences = self.conferences(s47_conferences)
        cp_plans = self.cp_plans()
        episodes: dict[str, list[dict]] = defaultdict(list)
        for referral, child, referred, source, need, closed, reason, nfa in self.fetch(
            "SELECT * FROM cin_ep ORDER BY child, referred, referral"
        ):
            episodes[child].append(
                {
                    "CINreferralDate": referred,
                    "ReferralSource": self.required("ReferralSource", source),
                    "PrimaryNeedCode": self.optional("PrimaryNeedCode", need),
                    "CINclosureDate": closed,
                    "ReasonForClosure": self.optional("ReasonForClosure", reason),
                    "DateOfInitialCPC": conferences.get(referral),
                    "assessments": assessments.get(referral, []),
                    "plans": plans.get(referral, []),
                    "s47": s47.get(referral, []),
                    "ReferralNFA": "1" if (nfa or "").strip().upper() in YES else "0",
                    "cp_plans": cp_plans.get(referral, []),
                }
            )
        children = self.children(episodes)
        notes = [BuildNote(el, n, message) for (el, message), n in sorted(self.counts.items())]
        if not children:
            notes.append(
                BuildNote(
                    "Children",
                    None,
                    "no child had a CIN episode open in the year: the schema wants at least one "
                    "Child, so the file is not valid.",
                )
            )
        if not self.disabilities_held:
            notes.append(
                BuildNote(
                    "ChildCharacteristics",
                    None,
                    "Disabilities left out: the case record holds no disabilities "
                    "(ssd_disability has no rows).",
                )
            )
        return CinCensus(self.layout, la_code, children, notes)

    def required(self, element: str, value: str | None) -> str:
        coded = self.code(element, value)
        if coded is None:
            unknown = self.layout.unknown[element]
            self.count(element, f"blank or not a {element} code: written as {unknown}.")
            return unknown
        return coded

    def optional(self, element: str, value: str | None) -> str | None:
        coded = self.code(element, value)
        if coded is None and value is not None:
            self.count(element, f"not a {self.layout.year.year} {element} code: left out.")
        return coded

    def children(self, episodes: dict[str, list[dict]]) -> list[dict]:
        rows = self.fetch(
            """
            SELECT c.child, p.pers_upn, p.pers_upn_unknown, p.pers_dob, p.pers_expected_dob,
                   upper(trim(p.pers_sex)), p.pers_death_date, p.pers_ethnicity
            FROM (SELECT DISTINCT child FROM cin_ep) c
            LEFT JOIN (SELECT *, row_number() OVER (PARTITION BY pers_person_id
                                                    ORDER BY _source_row) AS n
                       FROM snap.ssd_person) p ON p.pers_person_id = c.child AND p.n = 1
            ORDER BY c.child
            """
        )
        disabilities = self.disabilities()
        children = []
        sexes = self.layout.sex
        for child, upn, upn_unknown, dob, expected, sex, died, ethnicity in rows:
            if dob is not None and dob > self.end:
                # Born after the census date: still expected on 31 March (rule 8520).
                dob, expected = None, expected or dob
            if upn is not None and not UPN.fullmatch(upn.strip()):
                self.count(
                    "UPN", "not a valid UPN (a letter, 11 digits, a digit or letter): left out."
                )
                upn = None
            unknown = None if upn else self.code("UPNunknown", upn_unknown)
            if dob is None:
                sex = ""  # an unborn child's sex is not known (rule 8750)
            elif sex not in sexes:
                self.count(
                    self.layout.sex_element, f"blank or unknown sex: written as {sexes['']}."
                )
            children.append(
                {
                    "id": child,
                    "upn": upn.strip() if upn else None,
                    "upn_unknown": unknown,
                    "dob": dob,
                    "expected_dob": expected if dob is None else None,
                    "sex": sexes.get(sex or "", sexes[""]),
                    "died": died,
                    "ethnicity": self.required("Ethnicity", ethnicity),
                    # an unborn child's disabilities are not known (DfE guidance)
                    "disabilities": disabilities.get(child, []) if dob else [],
                    "episodes": episodes[child],
                }
            )
            if dob is not None and self.disabilities_held and not disabilities.get(child):
                self.count(
                    "Disabilities",
                    "no disability code in the case record (not even NONE): left out.",
                )
        return children

    def disabilities(self) -> dict[str, list[str]]:
        """Each child's disability codes, in the order recorded, each once."""
        source = case_table(self.con, "ssd_disability")
        self.disabilities_held = self.fetch(f"SELECT count(*) > 0 FROM {source}")[0][0]
        found: dict[str, list[str]] = defaultdict(list)
        for child, value in self.fetch(
            f"""
            SELECT disa_person_id, disa_disability_code FROM {source}
            WHERE disa_person_id IN (SELECT child FROM cin_ep)
              AND trim(coalesce(disa_disability_code, '')) <> ''
            ORDER BY disa_person_id, _source_row
            """
        ):
            code = self.optional("Disability", value)
            if code is not None and code not in found[child]:
                found[child].append(code)
        for codes in found.values():
            if "NONE" in codes and len(codes) > 1:
                self.count("Disabilities", "NONE as well as a disability: NONE left out.")
                codes.remove("NONE")
        return found

    def assessments(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = defaultdict(list)
        for referral, start, authorised, factors in self.fetch(
            """
            SELECT a.cina_referral_id, a.cina_assessment_start_date,
                   CASE WHEN a.cina_assessment_auth_date <= $end
                        THEN a.cina_assessment_auth_date END,
                   f.cinf_assessment_factors_json
            FROM snap.ssd_cin_assessments a
            LEFT JOIN (SELECT *, row_number() OVER (PARTITION BY cinf_assessment_id
                                                    ORDER BY _source_row) AS n
                       FROM snap.ssd_assessment_factors) f
              ON f.cinf_assessment_id = a.cina_assessment_id AND f.n = 1
            WHERE a.cina_referral_id IN (SELECT referral FROM cin_ep)
              AND a.cina_assessment_start_date <= $end
              AND (a.cina_assessment_auth_date IS NULL OR a.cina_assessment_auth_date >= $start)
            ORDER BY a.cina_referral_id, a.cina_assessment_start_date, a.cina_assessment_id
            """
        ):
            found[referral].append(
                {"start": start, "authorised": authorised, "factors": self.factors(factors)}
            )
        return found

    def factors(self, text: str | None) -> list[str]:
        if not text:
            return []
        try:
            values = json.loads(text)
        except ValueError:
            values = re.split(r"[,\s]+", text.strip("[] "))
        if not isinstance(values, list):
            values = [values]
        kept = []
        for value in values:
            coded = self.optional("AssessmentFactors", str(value).strip().strip("\"'"))
            if coded and coded not in kept:
                kept.append(coded)
        return kept

    def plans(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = defaultdict(list)
        for referral, start, end in self.fetch(
            """
            SELECT cinp_referral_id, cinp_cin_plan_start_date,
                   CASE WHEN cinp_cin_plan_end_date <= $end THEN cinp_cin_plan_end_date END
            FROM snap.ssd_cin_plans
            WHERE cinp_referral_id IN (SELECT referral FROM cin_ep)
              AND cinp_cin_plan_start_date <= $end
              AND (cinp_cin_plan_end_date IS NULL OR cinp_cin_plan_end_date >= $start)
            ORDER BY cinp_referral_id, cinp_cin_plan_start_date, cinp_cin_plan_id
            """
        ):
            found[referral].append({"start": start, "end": end})
        return found

    def section47(self) -> tuple[dict[str, list[dict]], set[str]]:
        """The enquiries by referral, and the conferences they hold (by conference id)."""
        found: dict[str, list[dict]] = defaultdict(list)
        held: set[str] = set()
        for referral, start, target, icpc_id, icpc, not_required in self.fetch(
            f"""
            WITH conference AS (
                SELECT *, row_number() OVER (PARTITION BY icpc_s47_enquiry_id
                                             ORDER BY icpc_icpc_date NULLS LAST) AS n
                FROM snap.ssd_initial_cp_conference WHERE icpc_s47_enquiry_id IS NOT NULL
            )
            SELECT s.s47e_referral_id, s.s47e_s47_start_date, c.icpc_icpc_target_date,
                   c.icpc_icpc_id,
                   CASE WHEN c.icpc_icpc_date <= $end THEN c.icpc_icpc_date END,
                   CASE WHEN c.icpc_icpc_date <= $end THEN '0'
                        WHEN json_valid(s.s47e_s47_outcome_json) AND upper(json_extract_string(
                            s.s47e_s47_outcome_json, '$.CP_CONFERENCE_FLAG')) IN ('N', 'NO')
                        THEN '1'
                        WHEN s.s47e_s47_outcome_json IS NULL
                         AND upper(trim(s.s47e_s47_nfa)) IN {sql_list(YES)} THEN '1'
                        ELSE '0' END
            FROM snap.ssd_s47_enquiry s
            LEFT JOIN conference c ON c.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id AND c.n = 1
            WHERE s.s47e_referral_id IN (SELECT referral FROM cin_ep)
              AND s.s47e_s47_start_date <= $end
              AND coalesce(c.icpc_icpc_date, s.s47e_s47_end_date, $end) >= $start
            ORDER BY s.s47e_referral_id, s.s47e_s47_start_date, s.s47e_s47_enquiry_id
            """
        ):
            found[referral].append(
                {"start": start, "target": target, "icpc": icpc, "not_required": not_required}
            )
            if icpc is not None and icpc_id is not None:
                held.add(icpc_id)
        return found, held

    def conferences(self, held: set[str]) -> dict[str, date]:
        """Per referral, the latest conference held in Y that no returned enquiry holds."""
        found: dict[str, date] = {}
        for referral, icpc_id, day in self.fetch(
            """
            SELECT icpc_referral_id, icpc_icpc_id, icpc_icpc_date
            FROM snap.ssd_initial_cp_conference
            WHERE icpc_referral_id IN (SELECT referral FROM cin_ep)
              AND icpc_icpc_date BETWEEN $start AND $end
            ORDER BY icpc_referral_id, icpc_icpc_date
            """
        ):
            if icpc_id not in held:
                found[referral] = day
        return found

    def cp_plans(self) -> dict[str, list[dict]]:
        reviews: dict[str, list[date]] = defaultdict(list)
        for plan, day in self.fetch(
            """
            SELECT cppr_cp_plan_id, cppr_cp_review_date FROM snap.ssd_cp_reviews
            WHERE cppr_cp_review_date BETWEEN $start AND $end
              AND cppr_cp_plan_id IN (SELECT cppl_cp_plan_id FROM snap.ssd_cp_plans
                                      WHERE cppl_referral_id IN (SELECT referral FROM cin_ep))
            ORDER BY cppr_cp_plan_id, cppr_cp_review_date
            """
        ):
            if day not in reviews[plan]:
                reviews[plan].append(day)
        found: dict[str, list[dict]] = defaultdict(list)
        for plan, referral, start, end, initial, latest, previous in self.fetch(
            """
            WITH numbered AS (
                -- rank - 1: the child's plans that started before this one (a plan starting
                -- the same day is not a previous plan)
                SELECT *, rank() OVER (PARTITION BY cppl_person_id
                                       ORDER BY cppl_cp_plan_start_date) - 1 AS previous
                FROM snap.ssd_cp_plans
                WHERE cppl_person_id IS NOT NULL AND cppl_cp_plan_start_date IS NOT NULL
            )
            SELECT cppl_cp_plan_id, cppl_referral_id, cppl_cp_plan_start_date,
                   CASE WHEN cppl_cp_plan_end_date <= $end THEN cppl_cp_plan_end_date END,
                   cppl_cp_plan_initial_category, cppl_cp_plan_latest_category, previous
            FROM numbered
            WHERE cppl_referral_id IN (SELECT referral FROM cin_ep)
              AND cppl_cp_plan_start_date <= $end
              AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date >= $start)
            ORDER BY cppl_referral_id, cppl_cp_plan_start_date, cppl_cp_plan_id
            """
        ):
            first = self.code("CategoryOfAbuse", initial)
            last = self.code("CategoryOfAbuse", latest)
            if first is None or last is None:
                self.count(
                    "ChildProtectionPlans",
                    "have a category of abuse missing or not a code: the other category is "
                    "written for both, or MUL when neither is usable.",
                )
            found[referral].append(
                {
                    "start": start,
                    "end": end,
                    "initial": first or last or "MUL",
                    "latest": last or first or "MUL",
                    "previous": previous,
                    "reviews": reviews.get(plan, []),
                }
            )
        return found

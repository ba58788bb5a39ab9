"""The CIN census source: a council's child in need census XML as canonical tables.

``read_cin_census(path, max_bytes)`` reads one CIN census file (any year's format, 2017 to 2026:
``GenderCurrent`` or ``Sex``, with or without ``CINPlanDates`` and the 2026 pre-proceedings
block). The file is parsed by defusedxml, which refuses DTDs, entities and external references,
and streamed: each ``<Child>`` is mapped and then dropped, and the rows are moved into Arrow
every 2,000 children, so memory holds the output tables, not the document. A file over
``max_bytes``, one that is not well-formed XML (the reason names the line), or one that is
another collection's XML stops the import with a ``SourceError``: nothing is returned.

Findings (``row`` is the 0-based index of the ``<Child>``, ``field`` the element's name):
``unparseable_date`` and ``unparseable_integer`` (error: the value is left blank; a bad
``ReferenceDate`` has table "" and no row) and ``missing_child_id`` (error: a child without
LAchildID keeps a blank person id; its generated ids start ``Child#<row>``). Codes are kept as
given, or mapped where the table below says so; the store's checks report unknown codes.

What goes where (CIN census element -> canonical column):

=========================== ==============================================================
ChildIdentifiers            LAchildID -> pers_person_id; UPN -> pers_upn; UPNunknown ->
                            pers_upn_unknown; PersonBirthDate -> pers_dob;
                            ExpectedPersonBirthDate -> pers_expected_dob; PersonDeathDate ->
                            pers_death_date; Sex (M/F/U), or GenderCurrent 1/2 -> M/F and
                            0 (not recorded)/9 (indeterminate) -> U, -> pers_sex.
                            FormerUPN has no canonical column.
ChildCharacteristics        Ethnicity -> pers_ethnicity. Each Disabilities/Disability ->
                            one ssd_disability row ``<LAchildID>-D<n>``, the code as given.
CINdetails                  one ssd_cin_episodes row, cine_referral_id ``<LAchildID>-<n>``
                            (n counts the child's episodes in the file from 1):
                            CINreferralDate, ReferralSource, PrimaryNeedCode, CINclosureDate,
                            ReasonForClosure -> referral date, source code, primary need,
                            close date, close reason; ReferralNFA 1/true, 0/false ->
                            cine_referral_nfa Y/N.
Assessments                 ssd_cin_assessments ``<referral>-A<n>``: AssessmentActualStartDate
                            -> start date, AssessmentAuthorisationDate -> auth date (the
                            internal review date has no column); FactorsIdentifiedAtAssessment
                            -> one ssd_assessment_factors row, the codes as a JSON list
                            (``["2A", "2B"]``; ``[]`` for an empty list; no row when absent).
CINPlanDates                ssd_cin_plans ``<referral>-CINP<n>``: start and end dates.
Section47                   ssd_s47_enquiry ``<referral>-S47-<n>``: S47ActualStartDate -> start;
                            ICPCnotRequired -> s47e_s47_nfa Y/N (as the SSD maps it) and
                            CP_CONFERENCE_FLAG in s47e_s47_outcome_json (N when not required);
                            with InitialCPCtarget or DateOfInitialCPC, an ssd_initial_cp_
                            conference ``<s47>-ICPC`` with its target date and date.
CINdetails/DateOfInitialCPC an ssd_initial_cp_conference ``<referral>-ICPC`` unless a Section47 of
                            the episode already has a conference on that date.
ChildProtectionPlans        ssd_cp_plans ``<referral>-CPP<n>``: start, end, initial and latest
                            category (NumberOfPreviousCPP has no column); linked both ways to
                            the episode's conference held on the plan's start date, whose
                            icpc_icpc_outcome_cp_flag is then Y. Each Reviews/CPPreviewDate ->
                            ssd_cp_reviews ``<plan>-R<n>``, review date.
PreProceedingsandFGDM       ssd_pre_proceedings ``<referral>-PP<n>``: PPStartDate -> decision
(2026)                      date; LBPSentDate -> letter date; InitialPPMeetingDate -> initial
                            meeting date; ReviewMeetingsCount -> meetings number; StepDecisionDate
                            -> step-down/issue date; PPOutcome -> outcome. FGDMMeetingOffer,
                            FGDMMeetingFac, CourtAppDate and LetterInitCPDate have no column.
Header                      CollectionDetails/ReferenceDate -> ``Extract.extract_date``.
=========================== ==============================================================
"""

import hashlib
import json
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element

import pyarrow as pa
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, iterparse

from casegrip.model.extract import Extract, SourceFile
from casegrip.model.findings import Finding, Severity, SourceError
from casegrip.model.schema import SOURCE_ROW, conform, empty, table

from .dates import parse_date

SOURCE = "cin_census"
TABLES = (
    "ssd_person",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_assessment_factors",
    "ssd_cin_plans",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cp_plans",
    "ssd_cp_reviews",
    "ssd_pre_proceedings",
    "ssd_disability",
)
FLUSH_EVERY = 2_000  # children
SEX = {"M": "M", "F": "F", "U": "U", "1": "M", "2": "F", "0": "U", "9": "U"}
YES_NO = {"1": "Y", "TRUE": "Y", "0": "N", "FALSE": "N", "Y": "Y", "N": "N"}
S47_OUTCOME_KEYS = (
    "NFA_FLAG",
    "LEGAL_ACTION_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "PROV_OF_SB_CARE_FLAG",
    "CP_CONFERENCE_FLAG",
    "NFA_CONTINUE_SINGLE_FLAG",
    "MONITOR_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
    "TOTAL_NO_OF_OUTCOMES",
    "OUTCOME_COMMENTS",
)


def read_cin_census(path: Path, max_bytes: int = 1_000_000_000) -> Extract:
    """Read one CIN census XML file as an ``Extract``."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(path.name, f"cannot be read: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise SourceError(
            path.name, f"is {size:,} bytes, more than the {max_bytes:,} bytes allowed"
        )
    reader = _Reader(path.name)
    try:
        with path.open("rb") as raw:
            stream = _HashingStream(raw, path.name, max_bytes)
            reader.read(stream)
    except OSError as exc:
        raise SourceError(path.name, f"cannot be read: {exc.strerror or exc}") from exc
    reader.flush()
    tables = {
        name: conform(name, pa.concat_tables(batches) if batches else empty(name))
        for name, batches in reader.batches.items()
    }
    return Extract(
        source=SOURCE,
        tables=tables,
        findings=reader.findings,
        files=[SourceFile(path.name, stream.sha256.hexdigest(), reader.children)],
        extract_date=reader.reference_date,
    )


class _HashingStream:
    """A binary file that hashes what is read from it, and stops at ``max_bytes``."""

    def __init__(self, raw: BinaryIO, name: str, max_bytes: int) -> None:
        self.raw, self.name, self.max_bytes = raw, name, max_bytes
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        block = self.raw.read(size)
        self.size += len(block)
        if self.size > self.max_bytes:  # the file grew after it was measured
            raise SourceError(self.name, f"is more than the {self.max_bytes:,} bytes allowed")
        self.sha256.update(block)
        return block


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


class _Parts:
    """An element's sub-elements by tag, read in one pass (``find`` would scan once per tag)."""

    __slots__ = ("elements", "texts")

    def __init__(self, element: Element) -> None:
        self.texts: dict[str, str | None] = {}
        self.elements: dict[str, list[Element]] = {}
        for sub in element:
            tag = sub.tag
            if tag in self.elements:
                self.elements[tag].append(sub)
            else:
                self.elements[tag] = [sub]
                self.texts[tag] = sub.text

    def text(self, tag: str) -> str | None:
        """The text of the first ``tag``, stripped; None when absent or blank."""
        return _clean(self.texts.get(tag))

    def all(self, tag: str) -> list[Element]:
        return self.elements.get(tag, [])


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        # Rows are gathered as dicts and turned into Arrow every FLUSH_EVERY children: Arrow
        # holds them in a tenth of the memory.
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}
        self.batches: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
        self.findings: list[Finding] = []
        self.reference_date = None
        self.children = 0
        self.referrals: dict[str, int] = {}  # child key -> CINdetails so far
        self.namespaced = False

    # -- the document --------------------------------------------------------------------

    def read(self, stream: _HashingStream) -> None:
        # The CIN census is Message/Header/CollectionDetails and Message/Children/Child. Only
        # the depth and the current element at depth 2 are tracked: this loop runs for every
        # element of the file.
        depth = 0
        section: Element | None = None  # Header or Children
        try:
            for event, element in iterparse(stream, ("start", "end"), forbid_dtd=True):
                if event == "start":
                    depth += 1
                    if depth == 2:
                        section = element
                    elif depth == 1:
                        self._root(element)
                    continue
                depth -= 1
                if depth != 2:
                    continue
                tag = _local(element.tag)
                if tag == "Child" and _local(section.tag) == "Children":
                    if self.namespaced:
                        for sub in element.iter():
                            sub.tag = _local(sub.tag)
                    self.child(element, self.children)
                    self.children += 1
                    if self.children % FLUSH_EVERY == 0:
                        self.flush()
                    # Drop what has been read: the element, and its place in Children.
                    element.clear()
                    del section[:]
                elif tag == "CollectionDetails" and _local(section.tag) == "Header":
                    self.header(element)
        except ParseError as exc:
            line, column = exc.position
            reason = str(exc).split(":", 1)[0]
            raise SourceError(
                self.file, f"is not well-formed XML: {reason} at line {line}, column {column + 1}"
            ) from exc
        except DTDForbidden as exc:
            raise SourceError(
                self.file, "has a document type declaration (DTD); these are refused"
            ) from exc
        except EntitiesForbidden as exc:
            raise SourceError(self.file, "declares XML entities; these are refused") from exc
        except ExternalReferenceForbidden as exc:
            raise SourceError(
                self.file, "refers to external XML resources; these are refused"
            ) from exc

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if rows:
                schema = table(name).arrow_schema()
                self.batches[name].append(pa.Table.from_pylist(rows, schema=schema))
                rows.clear()

    def _root(self, element: Element) -> None:
        if _local(element.tag) != "Message":
            raise SourceError(
                self.file,
                f"is not a CIN census file: its root element is <{_local(element.tag)}>, "
                "not <Message>",
            )
        self.namespaced = element.tag[:1] == "{"

    def header(self, details: Element) -> None:
        if self.namespaced:
            for sub in details.iter():
                sub.tag = _local(sub.tag)
        parts = _Parts(details)
        collection = parts.text("Collection")
        if collection is not None and collection.upper() != "CIN":
            raise SourceError(self.file, f"is a {collection} collection file, not a CIN census")
        self.reference_date = self.date(parts.text("ReferenceDate"), "ReferenceDate", "", None)

    # -- values --------------------------------------------------------------------------

    def date(self, value: str | None, name: str, canonical: str, row: int | None):
        """The date in ``value`` (the text of element ``name``); a finding if it is none."""
        try:
            return parse_date(value)
        except ValueError:
            self.findings.append(
                Finding(
                    "unparseable_date",
                    canonical,
                    row,
                    name,
                    value or "",
                    f"{name} {value!r} is not a date (YYYY-MM-DD); it was left blank.",
                    Severity.ERROR,
                    self.file,
                )
            )
            return None

    def dates(self, parts: _Parts, canonical: str, row: int, *names: str) -> list:
        return [self.date(parts.text(name), name, canonical, row) for name in names]

    def integer(self, value: str | None, name: str, canonical: str, row: int) -> int | None:
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            self.findings.append(
                Finding(
                    "unparseable_integer",
                    canonical,
                    row,
                    name,
                    value,
                    f"{name} {value!r} is not a whole number; it was left blank.",
                    Severity.ERROR,
                    self.file,
                )
            )
            return None

    # -- a child -------------------------------------------------------------------------

    def child(self, child: Element, row: int) -> None:
        parts = _Parts(child)
        ids = _Parts(parts.all("ChildIdentifiers")[0]) if parts.all("ChildIdentifiers") else None
        characteristics = parts.all("ChildCharacteristics")
        person_id = ids.text("LAchildID") if ids else None
        key = person_id
        if person_id is None:
            key = f"Child#{row}"
            self.findings.append(
                Finding(
                    "missing_child_id",
                    "ssd_person",
                    row,
                    "LAchildID",
                    "",
                    "The child has no LAchildID: it cannot be linked to other records.",
                    Severity.ERROR,
                    self.file,
                )
            )
        person = {"pers_person_id": person_id, SOURCE_ROW: row}
        if ids is not None:
            dob, expected, died = self.dates(
                ids,
                "ssd_person",
                row,
                "PersonBirthDate",
                "ExpectedPersonBirthDate",
                "PersonDeathDate",
            )
            sex = ids.text("Sex") if "Sex" in ids.texts else ids.text("GenderCurrent")
            person.update(
                {
                    "pers_upn": ids.text("UPN"),
                    "pers_upn_unknown": ids.text("UPNunknown"),
                    "pers_dob": dob,
                    "pers_expected_dob": expected,
                    "pers_death_date": died,
                    "pers_sex": None if sex is None else SEX.get(sex.upper(), sex),
                }
            )
        if characteristics:
            traits = _Parts(characteristics[0])
            person["pers_ethnicity"] = traits.text("Ethnicity")
            codes = [
                code
                for block in traits.all("Disabilities")[:1]
                for code in (_clean(d.text) for d in block if d.tag == "Disability")
                if code
            ]
            self.rows["ssd_disability"].extend(
                {
                    "disa_table_id": f"{key}-D{n}",
                    "disa_person_id": person_id,
                    "disa_disability_code": code,
                    SOURCE_ROW: row,
                }
                for n, code in enumerate(codes, 1)
            )
        self.rows["ssd_person"].append(person)
        for details in parts.all("CINdetails"):
            self.referral(_Parts(details), person_id, key, row)

    def referral(self, parts: _Parts, person: str | None, key: str, row: int) -> None:
        number = self.referrals[key] = self.referrals.get(key, 0) + 1
        referral = f"{key}-{number}"
        referred, closed = self.dates(
            parts, "ssd_cin_episodes", row, "CINreferralDate", "CINclosureDate"
        )
        nfa = parts.text("ReferralNFA")
        self.rows["ssd_cin_episodes"].append(
            {
                "cine_referral_id": referral,
                "cine_person_id": person,
                "cine_referral_date": referred,
                "cine_referral_source_code": parts.text("ReferralSource"),
                "cine_cin_primary_need_code": parts.text("PrimaryNeedCode"),
                "cine_close_date": closed,
                "cine_close_reason": parts.text("ReasonForClosure"),
                "cine_referral_nfa": None if nfa is None else YES_NO.get(nfa.upper(), nfa),
                SOURCE_ROW: row,
            }
        )
        common = {"person": person, "referral": referral, "row": row}
        for n, assessment in enumerate(parts.all("Assessments"), 1):
            self.assessment(_Parts(assessment), f"{referral}-A{n}", **common)
        for n, plan in enumerate(parts.all("CINPlanDates"), 1):
            start, end = self.dates(
                _Parts(plan), "ssd_cin_plans", row, "CINPlanStartDate", "CINPlanEndDate"
            )
            self.rows["ssd_cin_plans"].append(
                {
                    "cinp_cin_plan_id": f"{referral}-CINP{n}",
                    "cinp_referral_id": referral,
                    "cinp_person_id": person,
                    "cinp_cin_plan_start_date": start,
                    "cinp_cin_plan_end_date": end,
                    SOURCE_ROW: row,
                }
            )
        conferences = []
        for n, s47 in enumerate(parts.all("Section47"), 1):
            conference = self.section47(_Parts(s47), f"{referral}-S47-{n}", **common)
            if conference is not None:
                conferences.append(conference)
        (icpc_date,) = self.dates(parts, "ssd_initial_cp_conference", row, "DateOfInitialCPC")
        if icpc_date is not None and all(c["icpc_icpc_date"] != icpc_date for c in conferences):
            conferences.append(
                {
                    "icpc_icpc_id": f"{referral}-ICPC",
                    "icpc_person_id": person,
                    "icpc_referral_id": referral,
                    "icpc_icpc_date": icpc_date,
                    SOURCE_ROW: row,
                }
            )
        for n, plan in enumerate(parts.all("ChildProtectionPlans"), 1):
            self.cp_plan(_Parts(plan), f"{referral}-CPP{n}", conferences, **common)
        self.rows["ssd_initial_cp_conference"].extend(conferences)
        for n, block in enumerate(parts.all("PreProceedingsandFGDM"), 1):
            self.pre_proceedings(_Parts(block), f"{referral}-PP{n}", **common)

    def assessment(
        self, parts: _Parts, item_id: str, person: str | None, referral: str, row: int
    ) -> None:
        start, authorised = self.dates(
            parts,
            "ssd_cin_assessments",
            row,
            "AssessmentActualStartDate",
            "AssessmentAuthorisationDate",
        )
        self.rows["ssd_cin_assessments"].append(
            {
                "cina_assessment_id": item_id,
                "cina_person_id": person,
                "cina_referral_id": referral,
                "cina_assessment_start_date": start,
                "cina_assessment_auth_date": authorised,
                SOURCE_ROW: row,
            }
        )
        for factors in parts.all("FactorsIdentifiedAtAssessment")[:1]:
            codes = [
                code
                for code in (_clean(f.text) for f in factors if f.tag == "AssessmentFactors")
                if code
            ]
            self.rows["ssd_assessment_factors"].append(
                {
                    "cinf_table_id": f"{item_id}-F",
                    "cinf_assessment_id": item_id,
                    "cinf_assessment_factors_json": json.dumps(codes),
                    SOURCE_ROW: row,
                }
            )

    def section47(
        self, parts: _Parts, item_id: str, person: str | None, referral: str, row: int
    ) -> dict | None:
        """Add the enquiry; return its initial conference, if it has one, for the caller."""
        not_required = parts.text("ICPCnotRequired")
        if not_required is not None:
            not_required = YES_NO.get(not_required.upper(), not_required)
        outcome = None
        if not_required in ("Y", "N"):
            flags = dict.fromkeys(S47_OUTCOME_KEYS, "")
            flags["CP_CONFERENCE_FLAG"] = "N" if not_required == "Y" else "Y"
            outcome = json.dumps(flags)
        (start,) = self.dates(parts, "ssd_s47_enquiry", row, "S47ActualStartDate")
        self.rows["ssd_s47_enquiry"].append(
            {
                "s47e_s47_enquiry_id": item_id,
                "s47e_referral_id": referral,
                "s47e_person_id": person,
                "s47e_s47_start_date": start,
                "s47e_s47_nfa": not_required,
                "s47e_s47_outcome_json": outcome,
                SOURCE_ROW: row,
            }
        )
        target, held = self.dates(
            parts, "ssd_initial_cp_conference", row, "InitialCPCtarget", "DateOfInitialCPC"
        )
        if target is None and held is None:
            return None
        return {
            "icpc_icpc_id": f"{item_id}-ICPC",
            "icpc_s47_enquiry_id": item_id,
            "icpc_person_id": person,
            "icpc_referral_id": referral,
            "icpc_icpc_target_date": target,
            "icpc_icpc_date": held,
            SOURCE_ROW: row,
        }

    def cp_plan(
        self,
        parts: _Parts,
        item_id: str,
        conferences: list[dict],
        person: str | None,
        referral: str,
        row: int,
    ) -> None:
        start, end = self.dates(parts, "ssd_cp_plans", row, "CPPstartDate", "CPPendDate")
        conference = None
        if start is not None:
            conference = next((c for c in conferences if c["icpc_icpc_date"] == start), None)
        if conference is not None and "icpc_cp_plan_id" not in conference:
            conference["icpc_cp_plan_id"] = item_id
            conference["icpc_icpc_outcome_cp_flag"] = "Y"
        self.rows["ssd_cp_plans"].append(
            {
                "cppl_cp_plan_id": item_id,
                "cppl_referral_id": referral,
                "cppl_icpc_id": conference["icpc_icpc_id"] if conference else None,
                "cppl_person_id": person,
                "cppl_cp_plan_start_date": start,
                "cppl_cp_plan_end_date": end,
                "cppl_cp_plan_initial_category": parts.text("InitialCategoryOfAbuse"),
                "cppl_cp_plan_latest_category": parts.text("LatestCategoryOfAbuse"),
                SOURCE_ROW: row,
            }
        )
        for reviews in parts.all("Reviews")[:1]:
            dates = [review.text for review in reviews if review.tag == "CPPreviewDate"]
            for n, text in enumerate(dates, 1):
                self.rows["ssd_cp_reviews"].append(
                    {
                        "cppr_cp_review_id": f"{item_id}-R{n}",
                        "cppr_person_id": person,
                        "cppr_cp_plan_id": item_id,
                        "cppr_cp_review_date": self.date(
                            _clean(text), "CPPreviewDate", "ssd_cp_reviews", row
                        ),
                        SOURCE_ROW: row,
                    }
                )

    def pre_proceedings(
        self, parts: _Parts, item_id: str, person: str | None, referral: str, row: int
    ) -> None:
        name = "ssd_pre_proceedings"
        started, letter, meeting, decided = self.dates(
            parts,
            name,
            row,
            "PPStartDate",
            "LBPSentDate",
            "InitialPPMeetingDate",
            "StepDecisionDate",
        )
        meetings = parts.text("ReviewMeetingsCount")
        self.rows[name].append(
            {
                "prep_table_id": item_id,
                "prep_person_id": person,
                "prep_pre_pro_decision_date": started,
                "prep_pre_pro_letter_date": letter,
                "prep_initial_pre_pro_meeting_date": meeting,
                "prep_pre_pro_meetings_num": self.integer(
                    meetings, "ReviewMeetingsCount", name, row
                ),
                "prep_agree_stepdown_issue_date": decided,
                "prep_pre_pro_outcome": parts.text("PPOutcome"),
                SOURCE_ROW: row,
            }
        )

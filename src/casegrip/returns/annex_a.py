"""Build Ofsted's Annex A (lists 1 to 11) for an inspection date from the case record, as an
XLSX workbook in Ofsted's layout.

``build_annex_a(snapshot, inspection_date, out_path)`` opens the snapshot's case record
(``case_record``), gathers each list in DuckDB SQL and writes the workbook;
``annex_a_from_case_record(con, inspection_date)`` does the gathering on an open case record.
Sheets, headers, drop-down values and each list's period are data in ``annex_a.yml``.

D = the inspection date; "the period" is the 6 (lists 1-8) or 12 (lists 10-11) months before D,
both ends included. Nothing recorded after D is shown: an end date after D is blank.

======== ==================================================================================
List 1   contacts dated in the period.
List 2   early help episodes open on any day of the period (start and end as the
         assessment's start and completion).
List 3   referrals (``ssd_cin_episodes``) dated in the period; the number of the child's
         referrals in the 12 months before each one; team and worker of the referral.
List 4   assessments open on any day of the period; "requiring support" from the outcome's
         NFA flag once authorised.
List 5   section 47 enquiries open on any day of the period, with their conference; the
         child's enquiries and conferences in the 12 months before each enquiry started.
List 6   children with a CIN episode open on any day of the period (not referrals marked NFA):
         their latest episode, the last visit (CIN, CP or CLA) in it, and their status on D.
List 7   children with a CP plan open on any day of the period (not another authority's
         plan): their latest plan, its last visit and review, earlier plans, and whether an EPO
         or police protection (L1, L2) was in force in the period.
List 8   children looked after on any day of the period, less those whose legal status is a
         short break (V1, V3, V4): their latest period of care and what it holds on D.
List 9   care leavers aged 16 to 25 on D: their latest care-leaver record.
List 10  children with a decision to place for adoption by D who, in the period, were adopted,
         were still waiting, or had the decision reversed.
List 11  adopters: the case record holds none, so the sheet is its header only.
======== ==================================================================================

Lists 6 to 8 name the child's allocated worker (the involvement roles of the authority's
configuration) latest on D. Columns the case record cannot fill (disability, UASC, permanence
plan, placement location, family identifiers) are left blank, and the workbook says so: on the
header's comment and on the closing Notes sheet.
"""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

import duckdb
import yaml

from casegrip.reports.tables import safe_cell
from casegrip.store.live import LiveSnapshot

from .case_record import open_case_record
from .notes import BuildNote
from .sql import sql_case, sql_list

YES = ("Y", "YES", "1", "TRUE")
NO = ("N", "NO", "0", "FALSE")
SHORT_BREAKS = ("V1", "V3", "V4")
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class Vocabulary:
    """Ofsted's values for one kind of code (``codes`` in ``annex_a.yml``)."""

    values: dict[str, str]
    words: dict[str, str]
    blank: str | None

    def label(self, value: object) -> tuple[object, bool]:
        """Ofsted's value for ``value``, and whether it was known (a blank is)."""
        text = "" if value is None else str(value).strip()
        text = self.words.get(text.lower(), text)
        if not text:
            return self.blank, True
        for candidate in (text, text.upper()):
            if candidate in self.values:
                return self.values[candidate], True
        return text, False


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None = None
    codes: str | None = None
    blank: str | None = None  # why the case record cannot fill it


@dataclass(frozen=True)
class AnnexList:
    number: int
    sheet: str
    title: str
    months: int | None  # the period before the inspection date; None: as at that date
    covers: str
    columns: tuple[Column, ...]
    blank_list: str | None = None  # why the whole list is empty

    def period(self, inspection_date: date) -> tuple[date, date]:
        if self.months is None:
            return inspection_date, inspection_date
        return months_before(inspection_date, self.months), inspection_date


@dataclass(frozen=True)
class AnnexALayout:
    lists: tuple[AnnexList, ...]
    codes: dict[str, Vocabulary]
    missing_types: dict[str, str]


@cache
def annex_a_layout() -> AnnexALayout:
    """Ofsted's Annex A layout, from ``annex_a.yml``."""
    data = yaml.safe_load(files("casegrip.returns").joinpath("annex_a.yml").read_text())
    lists = tuple(
        AnnexList(
            number,
            spec["sheet"],
            spec["title"],
            spec["months"],
            " ".join(spec["covers"].split()),
            tuple(
                Column(c["header"], c.get("field"), c.get("codes"), _words(c.get("blank")))
                for c in spec["columns"]
            ),
            _words(spec.get("blank_list")),
        )
        for number, spec in enumerate(data["lists"], start=1)
    )
    codes = {
        name: Vocabulary(
            {str(k): str(v) for k, v in spec["values"].items()},
            {str(k).lower(): str(v) for k, v in spec.get("words", {}).items()},
            spec.get("blank"),
        )
        for name, spec in data["codes"].items()
    }
    return AnnexALayout(lists, codes, {str(k): str(v) for k, v in data["missing_types"].items()})


def _words(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when that month is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


@dataclass
class AnnexA:
    """Annex A for one inspection date: each list's rows in Ofsted's column order."""

    inspection_date: date
    layout: AnnexALayout
    rows: dict[str, list[tuple]]  # sheet -> rows, values in the list's column order
    notes: list[BuildNote] = field(default_factory=list)

    def child_ids(self) -> list[str]:
        """Every child in lists 1 to 10, once."""
        found: set[str] = set()
        for spec in self.layout.lists:
            fields = [c.field for c in spec.columns]
            if "child" in fields:
                at = fields.index("child")
                found.update(str(row[at]) for row in self.rows[spec.sheet] if row[at])
        return sorted(found)

    def write(self, path: Path) -> Path:
        """The workbook: one sheet per list (header bold and frozen, dates as Excel dates,
        a comment on each column left blank), then a Notes sheet."""
        from openpyxl import Workbook
        from openpyxl.comments import Comment
        from openpyxl.styles import Alignment, Font

        book = Workbook()
        book.remove(book.active)
        for spec in self.layout.lists:
            sheet = book.create_sheet(title=spec.sheet)
            sheet.append([c.header for c in spec.columns])
            for column, cell in zip(spec.columns, sheet[1], strict=True):
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                reason = column.blank or spec.blank_list
                if reason:
                    cell.comment = Comment(f"Left blank: {reason}.", "casegrip")
                width = min(max(len(column.header), 10), 40)
                sheet.column_dimensions[cell.column_letter].width = width + 2
            sheet.freeze_panes = "A2"
            for row in self.rows[spec.sheet]:
                sheet.append([safe_cell(v) for v in row])
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, date):
                        cell.number_format = DATE_FORMAT
        self._notes_sheet(book.create_sheet(title="Notes"))
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        return path

    def _notes_sheet(self, sheet) -> None:
        from openpyxl.styles import Font

        sheet.append(["Ofsted Annex A built by casegrip from the case record"])
        sheet["A1"].font = Font(bold=True)
        sheet.append(["Inspection date", self.inspection_date])
        sheet["B2"].number_format = DATE_FORMAT
        sheet.append([])
        sheet.append(["Sheet", "List", "From", "To", "Rows", "Who it holds"])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for spec in self.layout.lists:
            start, end = spec.period(self.inspection_date)
            sheet.append(
                [
                    spec.sheet,
                    spec.title,
                    start if spec.months else None,
                    end,
                    len(self.rows[spec.sheet]),
                    spec.covers,
                ]
            )
            for cell in sheet[sheet.max_row][2:4]:
                cell.number_format = DATE_FORMAT
        sheet.append([])
        sheet.append(["Notes for the data team"])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for note in self.notes:
            sheet.append([safe_cell(str(note))])
        for letter, width in zip("ABCDEF", (24, 30, 12, 12, 8, 100), strict=True):
            sheet.column_dimensions[letter].width = width


def build_annex_a(
    snapshot: LiveSnapshot,
    inspection_date: date,
    out_path: Path,
    *,
    roles: list[str] | tuple[str, ...] = ("CW",),
) -> AnnexA:
    """Annex A for ``inspection_date`` from ``snapshot``, written to ``out_path`` (XLSX).
    ``roles``: the involvement roles of an allocated social worker."""
    con = open_case_record(snapshot)
    try:
        annex = annex_a_from_case_record(con, inspection_date, roles=roles)
    finally:
        con.close()
    annex.write(out_path)
    return annex


def annex_a_from_case_record(
    con: duckdb.DuckDBPyConnection,
    inspection_date: date,
    *,
    roles: list[str] | tuple[str, ...] = ("CW",),
) -> AnnexA:
    """Annex A for ``inspection_date`` from the case record in ``con`` (``snap.<table>``)."""
    layout = annex_a_layout()
    return _Builder(con, layout, inspection_date, tuple(roles)).build()


class _Builder:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        layout: AnnexALayout,
        inspection_date: date,
        roles: tuple[str, ...],
    ) -> None:
        self.con, self.layout, self.end, self.roles = con, layout, inspection_date, roles
        self.year_ago = months_before(inspection_date, 12)
        self.notes: list[BuildNote] = []

    def run(self, sql: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
        given = {"end": self.end, "year_ago": self.year_ago} | (params or {})
        return self.con.execute(sql, {k: v for k, v in given.items() if f"${k}" in sql})

    def upto(self, expression: str) -> str:
        """The date, or NULL when it falls after the inspection date."""
        return f"CASE WHEN {expression} <= $end THEN {expression} END"

    def build(self) -> AnnexA:
        self.working_tables()
        queries = {
            1: self.contacts,
            2: self.early_help,
            3: self.referrals,
            4: self.assessments,
            5: self.section_47,
            6: self.children_in_need,
            7: self.child_protection,
            8: self.children_in_care,
            9: self.care_leavers,
            10: self.adoption,
        }
        rows: dict[str, list[tuple]] = {}
        for spec in self.layout.lists:
            blank = [c for c in spec.columns if c.blank]
            for column in blank:
                message = f"{column.header!r} left blank: {column.blank}."
                self.notes.append(BuildNote(spec.sheet, None, message))
            if spec.blank_list or spec.number not in queries:
                self.notes.append(BuildNote(spec.sheet, None, f"left empty: {spec.blank_list}."))
                rows[spec.sheet] = []
                continue
            start, _end = spec.period(self.end)
            found = self.rows(queries[spec.number](), {"start": start})
            rows[spec.sheet] = self.render(spec, found)
        return AnnexA(self.end, self.layout, rows, self.notes)

    def rows(self, sql: str, params: dict) -> list[dict]:
        """A list's rows: its query (``child``, its fields and ``_k``, the row order) with the
        child's gender, ethnicity, date of birth and age on the inspection date."""
        cursor = self.run(
            f"""
            WITH x AS ({sql})
            SELECT p.gender, p.ethnicity, p.dob, p.age, x.*
            FROM x LEFT JOIN person p ON p.child = x.child
            ORDER BY x._k
            """,
            params,
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def render(self, spec: AnnexList, found: list[dict]) -> list[tuple]:
        """Rows in the list's column order, codes as Ofsted's values; a code Ofsted has no
        value for is written as it is, and counted in a note."""
        unknown: dict[str, dict[str, int]] = {}
        rendered = []
        for row in found:
            values = []
            for column in spec.columns:
                value = row.get(column.field) if column.field else None
                if column.codes:
                    value, known = self.layout.codes[column.codes].label(value)
                    if not known:
                        seen = unknown.setdefault(column.header, {})
                        seen[str(value)] = seen.get(str(value), 0) + 1
                values.append(value)
            rendered.append(tuple(values))
        for header, seen in unknown.items():
            examples = ", ".join(repr(v) for v in sorted(seen)[:5])
            self.notes.append(
                BuildNote(
                    spec.sheet,
                    sum(seen.values()),
                    f"values of {header!r} have no Ofsted value and are written as they are "
                    f"({examples}).",
                )
            )
        return rendered

    # -- working tables ----------------------------------------------------------------------

    def working_tables(self) -> None:
        self.run(
            """
            CREATE OR REPLACE TEMP TABLE person AS
            SELECT pers_person_id AS child, pers_sex AS gender, pers_ethnicity AS ethnicity,
                   pers_dob AS dob,
                   CASE WHEN pers_dob <= $end THEN date_diff('year', pers_dob, $end::DATE)
                        - CASE WHEN strftime(pers_dob, '%m%d') > strftime($end::DATE, '%m%d')
                               THEN 1 ELSE 0 END END AS age
            FROM (SELECT *, row_number() OVER (PARTITION BY pers_person_id ORDER BY _source_row)
                  AS n FROM snap.ssd_person WHERE pers_person_id IS NOT NULL)
            WHERE n = 1
            """
        )
        self.run(
            """
            CREATE OR REPLACE TEMP TABLE worker AS
            SELECT prof_professional_id AS id, min(prof_professional_name) AS name
            FROM snap.ssd_professionals WHERE prof_professional_id IS NOT NULL GROUP BY 1
            """
        )
        self.run(
            """
            CREATE OR REPLACE TEMP TABLE team AS
            SELECT dept_team_id AS id, min(dept_team_name) AS name
            FROM snap.ssd_department WHERE dept_team_id IS NOT NULL GROUP BY 1
            """
        )
        # The child's allocated worker on the inspection date, else the latest before it.
        self.run(
            f"""
            CREATE OR REPLACE TEMP TABLE alloc AS
            SELECT child, team, worker FROM (
                SELECT i.invo_person_id AS child,
                       coalesce(t.name, i.invo_professional_team) AS team,
                       coalesce(w.name, i.invo_professional_id) AS worker,
                       row_number() OVER (
                           PARTITION BY i.invo_person_id
                           ORDER BY coalesce(i.invo_involvement_end_date, DATE '9999-12-31') DESC,
                                    i.invo_involvement_start_date DESC,
                                    i.invo_involvements_id DESC) AS n
                FROM snap.ssd_involvements i
                LEFT JOIN team t ON t.id = i.invo_professional_team
                LEFT JOIN worker w ON w.id = i.invo_professional_id
                WHERE i.invo_professional_role_id IN {sql_list(self.roles)}
                  AND i.invo_person_id IS NOT NULL AND i.invo_involvement_start_date <= $end
            ) WHERE n = 1
            """
        )
        # Periods of care over the whole record: episodes of one CLA id.
        self.run(
            """
            CREATE OR REPLACE TEMP TABLE cla_period AS
            SELECT clae_person_id AS child, coalesce(clae_cla_id, clae_person_id) AS cla_id,
                   min(clae_cla_episode_start_date) AS began,
                   CASE WHEN count(*) > count(clae_cla_episode_ceased_date) THEN NULL
                        ELSE max(clae_cla_episode_ceased_date) END AS ended
            FROM snap.ssd_cla_episodes
            WHERE clae_person_id IS NOT NULL AND clae_cla_episode_start_date IS NOT NULL
              AND clae_cla_episode_start_date <= $end
            GROUP BY ALL
            """
        )

    # -- the lists -----------------------------------------------------------------------------

    def contacts(self) -> str:
        return """
            SELECT cont_person_id AS child, cont_contact_date AS contact_date,
                   cont_contact_source_code AS source,
                   row_number() OVER (ORDER BY cont_contact_date, cont_person_id,
                                      cont_contact_id) AS _k
            FROM snap.ssd_contacts
            WHERE cont_person_id IS NOT NULL AND cont_contact_date BETWEEN $start AND $end
            """

    def early_help(self) -> str:
        return f"""
            SELECT earl_person_id AS child, earl_episode_start_date AS started,
                   {self.upto("earl_episode_end_date")} AS completed,
                   earl_episode_organisation AS organisation,
                   row_number() OVER (ORDER BY earl_episode_start_date, earl_person_id,
                                      earl_episode_id) AS _k
            FROM snap.ssd_early_help_episodes
            WHERE earl_person_id IS NOT NULL AND earl_episode_start_date <= $end
              AND (earl_episode_end_date IS NULL OR earl_episode_end_date >= $start)
            """

    def referrals(self) -> str:
        return f"""
            WITH r AS (
                SELECT * FROM snap.ssd_cin_episodes
                WHERE cine_person_id IS NOT NULL AND cine_referral_date IS NOT NULL
            )
            SELECT r.cine_person_id AS child, r.cine_referral_date AS referred,
                   r.cine_referral_source_code AS source,
                   CASE WHEN upper(trim(r.cine_referral_nfa)) IN {sql_list(YES)} THEN 'Y'
                        ELSE 'N' END AS nfa,
                   (SELECT count(*) FROM r o
                    WHERE o.cine_person_id = r.cine_person_id
                      AND o.cine_referral_date >= CAST(r.cine_referral_date
                                                       - INTERVAL 12 MONTH AS DATE)
                      AND (o.cine_referral_date < r.cine_referral_date
                           OR (o.cine_referral_date = r.cine_referral_date
                               AND o.cine_referral_id < r.cine_referral_id))) AS previous,
                   coalesce(t.name, r.cine_referral_team) AS team,
                   coalesce(w.name, r.cine_referral_worker_id) AS worker,
                   row_number() OVER (ORDER BY r.cine_referral_date, r.cine_person_id,
                                      r.cine_referral_id) AS _k
            FROM r
            LEFT JOIN team t ON t.id = r.cine_referral_team
            LEFT JOIN worker w ON w.id = r.cine_referral_worker_id
            WHERE r.cine_referral_date BETWEEN $start AND $end
            """

    def assessments(self) -> str:
        authorised = self.upto("a.cina_assessment_auth_date")
        nfa = "upper(trim(a.cina_assessment_outcome_nfa))"
        return f"""
            SELECT a.cina_person_id AS child, a.cina_assessment_start_date AS started,
                   a.cina_assessment_child_seen AS seen, {authorised} AS authorised,
                   CASE WHEN {authorised} IS NOT NULL THEN
                       CASE WHEN {nfa} IN {sql_list(YES)} THEN 'N'
                            WHEN {nfa} IN {sql_list(NO)} THEN 'Y' END END AS support,
                   coalesce(t.name, a.cina_assessment_team) AS team,
                   coalesce(w.name, a.cina_assessment_worker_id) AS worker,
                   row_number() OVER (ORDER BY a.cina_assessment_start_date, a.cina_person_id,
                                      a.cina_assessment_id) AS _k
            FROM snap.ssd_cin_assessments a
            LEFT JOIN team t ON t.id = a.cina_assessment_team
            LEFT JOIN worker w ON w.id = a.cina_assessment_worker_id
            WHERE a.cina_person_id IS NOT NULL AND a.cina_assessment_start_date <= $end
              AND (a.cina_assessment_auth_date IS NULL OR a.cina_assessment_auth_date >= $start)
            """

    def section_47(self) -> str:
        outcome = "s.s47e_s47_outcome_json"
        flag = f"upper(json_extract_string({outcome}, '$.CP_CONFERENCE_FLAG'))"
        nfa = "upper(trim(s.s47e_s47_nfa))"
        return f"""
            WITH s AS (
                SELECT * FROM snap.ssd_s47_enquiry
                WHERE s47e_person_id IS NOT NULL AND s47e_s47_start_date IS NOT NULL
            ),
            conference AS (
                SELECT *, row_number() OVER (PARTITION BY icpc_s47_enquiry_id
                                             ORDER BY icpc_icpc_date NULLS LAST, icpc_icpc_id)
                          AS n
                FROM snap.ssd_initial_cp_conference WHERE icpc_s47_enquiry_id IS NOT NULL
            ),
            held AS (
                SELECT icpc_person_id AS child, icpc_icpc_date AS day
                FROM snap.ssd_initial_cp_conference
                WHERE icpc_person_id IS NOT NULL AND icpc_icpc_date <= $end
            )
            SELECT s.s47e_person_id AS child, s.s47e_s47_start_date AS started,
                   -- no answer while the enquiry is still open on the inspection date
                   CASE WHEN c.icpc_icpc_date <= $end THEN 'N'
                        WHEN s.s47e_s47_end_date IS NULL OR s.s47e_s47_end_date > $end
                            THEN NULL
                        WHEN json_valid({outcome}) AND {flag} IN ('N', 'NO') THEN 'Y'
                        WHEN json_valid({outcome}) AND {flag} IN ('Y', 'YES') THEN 'N'
                        WHEN {nfa} IN {sql_list(YES)} THEN 'Y'
                        WHEN {nfa} IN {sql_list(NO)} THEN 'N' END AS icpc_unnecessary,
                   {self.upto("c.icpc_icpc_date")} AS icpc,
                   CASE WHEN c.icpc_icpc_date <= $end THEN c.icpc_icpc_outcome_cp_flag END
                       AS icpc_plan,
                   (SELECT count(*) FROM s o
                    WHERE o.s47e_person_id = s.s47e_person_id
                      AND o.s47e_s47_start_date >= CAST(s.s47e_s47_start_date
                                                        - INTERVAL 12 MONTH AS DATE)
                      AND (o.s47e_s47_start_date < s.s47e_s47_start_date
                           OR (o.s47e_s47_start_date = s.s47e_s47_start_date
                               AND o.s47e_s47_enquiry_id < s.s47e_s47_enquiry_id)))
                       AS previous_s47,
                   (SELECT count(*) FROM held h
                    WHERE h.child = s.s47e_person_id
                      AND h.day >= CAST(s.s47e_s47_start_date - INTERVAL 12 MONTH AS DATE)
                      AND h.day < s.s47e_s47_start_date) AS previous_icpc,
                   coalesce(t.name, s.s47e_s47_completed_by_team) AS team,
                   coalesce(w.name, s.s47e_s47_completed_by_worker_id) AS worker,
                   row_number() OVER (ORDER BY s.s47e_s47_start_date, s.s47e_person_id,
                                      s.s47e_s47_enquiry_id) AS _k
            FROM s
            LEFT JOIN conference c ON c.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id AND c.n = 1
            LEFT JOIN team t ON t.id = s.s47e_s47_completed_by_team
            LEFT JOIN worker w ON w.id = s.s47e_s47_completed_by_worker_id
            WHERE s.s47e_s47_start_date <= $end
              AND (s.s47e_s47_end_date IS NULL OR s.s47e_s47_end_date >= $start)
            """

    def children_in_need(self) -> str:
        return f"""
            WITH latest AS (
                SELECT *, row_number() OVER (
                    PARTITION BY cine_person_id
                    ORDER BY cine_referral_date DESC,
                             coalesce(cine_close_date, DATE '9999-12-31') DESC,
                             cine_referral_id DESC) AS n
                FROM snap.ssd_cin_episodes
                WHERE cine_person_id IS NOT NULL AND cine_referral_date <= $end
                  AND (cine_close_date IS NULL OR cine_close_date >= $start)
                  AND coalesce(upper(trim(cine_referral_nfa)), '') NOT IN {sql_list(YES)}
            ),
            e AS (SELECT * FROM latest WHERE n = 1),
            visits AS (
                SELECT cinv_person_id AS child, cinv_cin_visit_date AS day,
                       cinv_cin_visit_seen AS seen FROM snap.ssd_cin_visits
                UNION ALL
                SELECT cppv_person_id, cppv_cp_visit_date, cppv_cp_visit_seen
                FROM snap.ssd_cp_visits
                UNION ALL
                SELECT clav_person_id, clav_cla_visit_date, clav_cla_visit_seen
                FROM snap.ssd_cla_visits
            ),
            seen AS (
                SELECT e.cine_person_id AS child, max(v.day) AS day
                FROM e JOIN visits v ON v.child = e.cine_person_id
                 AND v.day >= e.cine_referral_date
                 AND v.day <= least(coalesce(e.cine_close_date, $end), $end)
                 AND coalesce(upper(trim(v.seen)), 'Y') NOT IN {sql_list(NO)}
                GROUP BY 1
            )
            SELECT e.cine_person_id AS child, e.cine_referral_date AS started,
                   e.cine_cin_primary_need_code AS need, s.day AS last_seen,
                   {self.upto("e.cine_close_date")} AS closed,
                   CASE WHEN e.cine_close_date <= $end THEN e.cine_close_reason END AS reason,
                   CASE WHEN e.cine_close_date <= $end THEN 'CLOSED'
                        WHEN EXISTS (
                            SELECT 1 FROM snap.ssd_cla_episodes x
                            WHERE x.clae_person_id = e.cine_person_id
                              AND x.clae_cla_episode_start_date <= $end
                              AND coalesce(x.clae_cla_episode_ceased_date, DATE '9999-12-31')
                                  > $end) THEN 'LAC'
                        WHEN EXISTS (
                            SELECT 1 FROM snap.ssd_cp_plans x
                            WHERE x.cppl_person_id = e.cine_person_id
                              AND x.cppl_cp_plan_start_date <= $end
                              AND coalesce(x.cppl_cp_plan_end_date, DATE '9999-12-31') > $end)
                            THEN 'CP'
                        WHEN EXISTS (
                            SELECT 1 FROM snap.ssd_cin_plans x
                            WHERE x.cinp_person_id = e.cine_person_id
                              AND x.cinp_cin_plan_start_date <= $end
                              AND coalesce(x.cinp_cin_plan_end_date, DATE '9999-12-31') > $end)
                            THEN 'CIN'
                        WHEN EXISTS (
                            SELECT 1 FROM snap.ssd_cin_assessments x
                            WHERE x.cina_person_id = e.cine_person_id
                              AND x.cina_assessment_start_date <= $end
                              AND coalesce(x.cina_assessment_auth_date, DATE '9999-12-31')
                                  > $end) THEN 'ASSESSMENT'
                        ELSE 'CIN' END AS status,
                   a.team, a.worker,
                   row_number() OVER (ORDER BY e.cine_person_id) AS _k
            FROM e
            LEFT JOIN seen s ON s.child = e.cine_person_id
            LEFT JOIN alloc a ON a.child = e.cine_person_id
            """

    def child_protection(self) -> str:
        # a visit or review during the plan, up to the inspection date
        within = (
            "BETWEEN e.cppl_cp_plan_start_date"
            " AND least(coalesce(e.cppl_cp_plan_end_date, $end), $end)"
        )
        return f"""
            WITH plans AS (
                SELECT * FROM snap.ssd_cp_plans
                WHERE cppl_person_id IS NOT NULL AND cppl_cp_plan_start_date IS NOT NULL
            ),
            latest AS (
                SELECT *, row_number() OVER (
                    PARTITION BY cppl_person_id
                    ORDER BY cppl_cp_plan_start_date DESC,
                             coalesce(cppl_cp_plan_end_date, DATE '9999-12-31') DESC,
                             cppl_cp_plan_id DESC) AS n
                FROM plans
                WHERE cppl_cp_plan_start_date <= $end
                  AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date >= $start)
                  -- another authority's plan for a child staying here is not one of ours
                  AND coalesce(upper(trim(cppl_cp_plan_ola)), '') NOT IN {sql_list(YES)}
            ),
            e AS (SELECT * FROM latest WHERE n = 1),
            visit AS (
                SELECT e.cppl_cp_plan_id AS plan, v.cppv_cp_visit_date AS day,
                       v.cppv_cp_visit_seen_alone AS alone,
                       row_number() OVER (PARTITION BY e.cppl_cp_plan_id
                                          ORDER BY v.cppv_cp_visit_date DESC,
                                                   v.cppv_cp_visit_id DESC) AS n
                FROM e JOIN snap.ssd_cp_visits v ON v.cppv_cp_plan_id = e.cppl_cp_plan_id
                 AND v.cppv_cp_visit_date {within}
            ),
            review AS (
                SELECT e.cppl_cp_plan_id AS plan, max(r.cppr_cp_review_date) AS day
                FROM e JOIN snap.ssd_cp_reviews r ON r.cppr_cp_plan_id = e.cppl_cp_plan_id
                 AND r.cppr_cp_review_date {within}
                GROUP BY 1
            )
            SELECT e.cppl_person_id AS child, e.cppl_cp_plan_start_date AS started,
                   e.cppl_cp_plan_initial_category AS initial,
                   e.cppl_cp_plan_latest_category AS latest,
                   v.day AS visited, v.alone AS seen_alone, r.day AS reviewed,
                   {self.upto("e.cppl_cp_plan_end_date")} AS ended,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM snap.ssd_legal_status l
                       WHERE l.lega_person_id = e.cppl_person_id
                         AND upper(trim(l.lega_legal_status)) IN ('L1', 'L2')
                         AND l.lega_legal_status_start_date <= $end
                         AND coalesce(l.lega_legal_status_end_date, DATE '9999-12-31') >= $start)
                        THEN 'Y' ELSE 'N' END AS protected,
                   (SELECT count(*) FROM plans o
                    WHERE o.cppl_person_id = e.cppl_person_id
                      AND o.cppl_cp_plan_start_date < e.cppl_cp_plan_start_date) AS previous,
                   a.team, a.worker,
                   row_number() OVER (ORDER BY e.cppl_person_id) AS _k
            FROM e
            LEFT JOIN visit v ON v.plan = e.cppl_cp_plan_id AND v.n = 1
            LEFT JOIN review r ON r.plan = e.cppl_cp_plan_id
            LEFT JOIN alloc a ON a.child = e.cppl_person_id
            """

    def children_in_care(self) -> str:
        kind = sql_case("lower(trim(m.miss_missing_episode_type))", self.layout.missing_types, "''")
        completed = (
            "(h.clah_health_check_status IS NULL OR h.clah_health_check_status ILIKE 'complete%')"
        )
        return f"""
            WITH episodes AS (
                SELECT clae_person_id AS child, coalesce(clae_cla_id, clae_person_id) AS cla_id,
                       clae_cla_episode_start_date AS decom,
                       upper(trim(clae_cla_episode_ceased_reason)) AS rec,
                       clae_cla_primary_need_code AS need,
                       clae_cla_last_iro_contact_date AS iro, _source_row,
                       row_number() OVER (PARTITION BY clae_person_id
                                          ORDER BY clae_cla_episode_start_date DESC,
                                                   _source_row DESC) AS n
                FROM snap.ssd_cla_episodes
                WHERE clae_person_id IS NOT NULL AND clae_cla_episode_start_date <= $end
            ),
            e AS (
                SELECT x.*, p.began, {self.upto("p.ended")} AS ended,
                       least(coalesce(p.ended, $end), $end) AS on_day
                FROM episodes x JOIN cla_period p ON p.child = x.child AND p.cla_id = x.cla_id
                WHERE x.n = 1 AND (p.ended IS NULL OR p.ended >= $start)
            ),
            legal AS (
                SELECT e.child, upper(trim(l.lega_legal_status)) AS ls,
                       l.lega_legal_status_start_date AS ls_start,
                       row_number() OVER (PARTITION BY e.child
                                          ORDER BY l.lega_legal_status_start_date DESC,
                                                   l._source_row DESC) AS n
                FROM e JOIN snap.ssd_legal_status l ON l.lega_person_id = e.child
                 AND l.lega_legal_status_start_date <= e.on_day
            ),
            placement AS (
                SELECT e.child, p.*, row_number() OVER (
                    PARTITION BY e.child ORDER BY p.clap_cla_placement_start_date DESC,
                                                  p._source_row DESC) AS n
                FROM e JOIN snap.ssd_cla_placement p ON p.clap_person_id = e.child
                 AND p.clap_cla_placement_start_date <= e.on_day
            ),
            away AS (
                SELECT m.miss_person_id AS child, {kind} AS kind,
                       m.miss_missing_episode_start_date AS began,
                       m.miss_missing_rhi_offered AS offered,
                       m.miss_missing_rhi_accepted AS accepted,
                       row_number() OVER (PARTITION BY m.miss_person_id, {kind}
                                          ORDER BY m.miss_missing_episode_start_date DESC,
                                                   m._source_row DESC) AS n
                FROM snap.ssd_missing m
                WHERE m.miss_missing_episode_start_date BETWEEN $year_ago AND $end
            )
            SELECT e.child, e.began, e.need,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM cla_period o WHERE o.child = e.child AND o.began < e.began
                         AND o.ended >= $year_ago) THEN 'Y' ELSE 'N' END AS subsequent,
                   l.ls_start AS legal_started, l.ls AS legal_status,
                   (SELECT max(r.clar_cla_review_date) FROM snap.ssd_cla_reviews r
                    WHERE (r.clar_cla_person_id = e.child OR r.clar_cla_id = e.cla_id)
                      AND r.clar_cla_review_date BETWEEN e.began AND $end
                      AND coalesce(upper(trim(r.clar_cla_review_cancelled)), '')
                          NOT IN {sql_list(YES)}) AS reviewed,
                   (SELECT max(v.clav_cla_visit_date) FROM snap.ssd_cla_visits v
                    WHERE v.clav_person_id = e.child
                      AND v.clav_cla_visit_date BETWEEN e.began AND $end) AS visited,
                   (SELECT max(x.iro) FROM episodes x
                    WHERE x.child = e.child AND x.cla_id = e.cla_id AND x.iro <= $end)
                       AS iro_contact,
                   (SELECT max(h.clah_health_check_date) FROM snap.ssd_cla_health h
                    WHERE h.clah_person_id = e.child AND h.clah_health_check_date <= $end
                      AND h.clah_health_check_type ILIKE '%assessment%' AND {completed})
                       AS health_assessment,
                   (SELECT max(h.clah_health_check_date) FROM snap.ssd_cla_health h
                    WHERE h.clah_person_id = e.child AND h.clah_health_check_date <= $end
                      AND h.clah_health_check_type ILIKE '%dental%' AND {completed})
                       AS dental_check,
                   (SELECT count(*) FROM snap.ssd_cla_placement p
                    WHERE p.clap_person_id = e.child AND p.clap_cla_placement_start_date <= $end
                      AND coalesce(p.clap_cla_placement_end_date, DATE '9999-12-31')
                          >= $year_ago) AS placements,
                   e.ended AS ceased, CASE WHEN e.ended IS NOT NULL THEN e.rec END
                       AS ceased_reason,
                   p.clap_cla_placement_start_date AS placed,
                   p.clap_cla_placement_type AS placement_type,
                   p.clap_cla_placement_provider AS provider,
                   p.clap_cla_placement_postcode AS postcode, p.clap_cla_placement_urn AS urn,
                   (SELECT count(*) FROM away w WHERE w.child = e.child AND w.kind = 'M')
                       AS missing,
                   (SELECT count(*) FROM away w WHERE w.child = e.child AND w.kind = 'A')
                       AS absent,
                   m.offered AS rhi_offered, m.accepted AS rhi_accepted,
                   a.team, a.worker,
                   row_number() OVER (ORDER BY e.child) AS _k
            FROM e
            LEFT JOIN legal l ON l.child = e.child AND l.n = 1
            LEFT JOIN placement p ON p.child = e.child AND p.n = 1
            LEFT JOIN away m ON m.child = e.child AND m.kind = 'M' AND m.n = 1
            LEFT JOIN alloc a ON a.child = e.child
            WHERE coalesce(l.ls, '') NOT IN {sql_list(SHORT_BREAKS)}
            """

    def care_leavers(self) -> str:
        accommodation = "upper(trim(c.clea_care_leaver_accommodation))"
        return f"""
            WITH latest AS (
                SELECT *, row_number() OVER (
                    PARTITION BY clea_person_id
                    ORDER BY clea_care_leaver_latest_contact DESC NULLS LAST,
                             _source_row DESC) AS n
                FROM snap.ssd_care_leavers WHERE clea_person_id IS NOT NULL
            )
            SELECT c.clea_person_id AS child,
                   coalesce(t.name, c.clea_care_leaver_allocated_team) AS team,
                   coalesce(w.name, c.clea_care_leaver_worker_id) AS worker,
                   coalesce(pa.name, c.clea_care_leaver_personal_advisor) AS advisor,
                   c.clea_care_leaver_eligibility AS eligibility,
                   {self.upto("c.clea_pathway_plan_review_date")} AS pathway_review,
                   c.clea_care_leaver_in_touch AS in_touch,
                   {self.upto("c.clea_care_leaver_latest_contact")} AS contacted,
                   -- the 903 joins type and suitability (B1: parents, suitable)
                   CASE WHEN regexp_full_match({accommodation}, '[A-Z][12]')
                        THEN left({accommodation}, 1)
                        ELSE c.clea_care_leaver_accommodation END AS accommodation,
                   coalesce(c.clea_care_leaver_accom_suitable,
                            CASE WHEN regexp_full_match({accommodation}, '[A-Z][12]')
                                 THEN right({accommodation}, 1) END) AS suitable,
                   c.clea_care_leaver_activity AS activity,
                   row_number() OVER (ORDER BY c.clea_person_id) AS _k
            FROM latest c
            LEFT JOIN person p ON p.child = c.clea_person_id
            LEFT JOIN team t ON t.id = c.clea_care_leaver_allocated_team
            LEFT JOIN worker w ON w.id = c.clea_care_leaver_worker_id
            LEFT JOIN worker pa ON pa.id = c.clea_care_leaver_personal_advisor
            WHERE c.n = 1 AND (p.age IS NULL OR p.age BETWEEN 16 AND 25)
            """

    def adoption(self) -> str:
        return f"""
            WITH decision AS (
                SELECT d.*,
                       -- adopted: an adoption order, else the period of care ending in adoption
                       coalesce(
                           CASE WHEN d.perm_permanence_order_type ILIKE '%adopt%'
                                THEN d.perm_permanence_order_date END,
                           (SELECT min(x.clae_cla_episode_ceased_date)
                            FROM snap.ssd_cla_episodes x
                            WHERE x.clae_person_id = d.perm_person_id
                              AND upper(trim(x.clae_cla_episode_ceased_reason)) IN ('E11', 'E12')
                              AND x.clae_cla_episode_ceased_date >= d.perm_adm_decision_date))
                           AS adopted_on
                FROM snap.ssd_permanence d
                WHERE d.perm_person_id IS NOT NULL AND d.perm_adm_decision_date <= $end
            ),
            kept AS (
                SELECT * FROM decision
                WHERE (adopted_on BETWEEN $start AND $end)
                   OR (perm_decision_reversed_date BETWEEN $start AND $end)
                   OR ((adopted_on IS NULL OR adopted_on > $end)
                       AND (perm_decision_reversed_date IS NULL
                            OR perm_decision_reversed_date > $end))
            )
            SELECT k.perm_person_id AS child,
                   (SELECT max(p.began) FROM cla_period p WHERE p.child = k.perm_person_id
                      AND p.began <= k.perm_adm_decision_date) AS entered_care,
                   k.perm_adm_decision_date AS decided,
                   {self.upto("k.perm_placement_order_date")} AS placement_order,
                   {self.upto("k.perm_matched_date")} AS matched,
                   {self.upto("k.perm_placed_for_adoption_date")} AS placed,
                   {self.upto("k.adopted_on")} AS adopted,
                   {self.upto("k.perm_decision_reversed_date")} AS reversed,
                   CASE WHEN k.perm_decision_reversed_date <= $end
                        THEN k.perm_decision_reversed_reason END AS reversed_reason,
                   {self.upto("k.perm_placed_ffa_cp_date")} AS ffa_placed,
                   row_number() OVER (ORDER BY k.perm_adm_decision_date, k.perm_person_id,
                                      k.perm_table_id) AS _k
            FROM kept k
            """

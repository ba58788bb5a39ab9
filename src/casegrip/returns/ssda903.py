"""Build the SSDA903 return (looked-after children) of a collection year from the case record.

``build_ssda903(con, year, la_code=..., roles=...)`` works in DuckDB SQL on a case record opened
by ``case_record`` and returns the tables in the year's layout (``ssda903.yml``); ``write``
puts them in a folder as the CSV files the DfE and its validators read.

Who and what is in it (Y = the collection year, 1 April to 31 March):

=============== ==========================================================================
Episodes        every episode (``ssd_cla_episodes``) open on any day of Y. LS is the legal
                status (``ssd_legal_status``) in force on DECOM; PLACE, PLACE_PROVIDER,
                PL_POST and URN come from the episode's placement (by id, else the child's
                placement in force on DECOM); PL_POST is blank under V3/V4 (rule 420). DEC
                and REC are blank when the episode ends after 31 March. REASON_PLACE_CHANGE
                is the placement's change reason, on the placement's last episode when the
                next episode is in a new placement and neither is temporary (T0-T4), as rules
                225 and 226 ask. HOME_POST is the postcode of the child's address
                (``ssd_address``, not one typed as a placement) in force on DECOM, the latest
                to start if several are; blank under V3/V4 (rule 398) or when the case
                record holds none.
Header          every child in Episodes or OC3. SEX in the year's codes; UPN, else the
                UPN-unknown code; MOTHER for girls looked after (not V3/V4) in Y: 1 when the
                case record says they are a mother, else 0. MC_DOB is blank (no source).
Reviews         CLA reviews held in Y (not cancelled) of children in Episodes.
UASC            children in Episodes with a UASC immigration status (``ssd_immigration_
                status``: "UASC" or "unaccompanied...", not "former...") in force on any
                day of Y. DUC is the status's end date, or the 18th birthday when that is
                earlier or the status has no end date and the child turned 18 by 31 March
                (a UASC is a child: rule 304); else blank.
OC2             children looked after continuously for 12 months at 31 March (as the DfE
                rules define it). HEALTH_ASSESSMENT and TEETH_CHECK: 1 when a completed one is
                recorded in Y, else 0; HEALTH_CHECK likewise, for children under 5 only.
                SDQ_SCORE (0-40), else SDQ_REASON (SDQ1-SDQ5): the latest
                ``ssd_sdq_scores`` row of Y with either, for children 4 or over at 31 March
                and under 17 on 1 April (rules 188, 189). IMMUNISATIONS: the latest status of
                ``ssd_cla_immunisations`` dated by 31 March, Y 1 and N 0. SUBSTANCE_MISUSE:
                1 with an ``ssd_cla_substance_misuse`` row dated in Y, else 0;
                INTERVENTION_RECEIVED from its clas_intervention_received (Y 1, N 0);
                INTERVENTION_OFFERED blank (the SSD has no such item). CONVICTED, for
                children 10 or over at 31 March (rule 542): 1 with an ``ssd_cla_convictions``
                row dated in Y, else 0. A row with no date (a 903 import) counts as Y's. A
                table with no rows at all leaves its columns blank, with a note: the case
                record cannot tell "none" from "not extracted".
OC3             care leavers (``ssd_care_leavers``, the latest row) whose 17th to 21st
                birthday falls in Y, less 17- and 18-year-olds looked after on or after
                that birthday.
                ACCOM joins accommodation and suitability (B + 1 -> B1); ACTIV and ACCOM are
                0 when the young person is not in touch, refuses, died or went home.
AD1             children whose episode ended in Y by adoption (E11, E12), with their
                adoption decision and match (``ssd_permanence``).
PlacedAdoption  decisions to place for adoption made in a period of care open in Y, on or
                before 31 March, not reversed before 1 April; a reversal after 31 March is
                left blank.
PrevPerm        children who started to be looked after in Y: the permanence order the case
                record holds from before (P1-P3, with this authority's code and the date),
                else Z1.
Missing         missing and away episodes open in Y that started in a period of care.
SWEpisodes      (from 2024) allocated social worker involvements of children in Episodes
                open in Y (not those ended the day they began): SW_ID is the worker's
                Social Work England number; SW_DEC is
                blank when the involvement ends after 31 March. SW_REASON is why the
                episode started: FCONTA for a first allocation or one after a gap of more
                than 7 days, else the change reason recorded on the involvement it took over
                from (codes, or the words in ``ssda903.yml``; OTHERS with a note).
DoLo            (from 2027) deprivation of liberty orders: always empty, with a note; the
                SSD has no table for them.
=============== ==========================================================================
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from .layouts import Layout903, ssda903_layout
from .notes import BuildNote
from .sql import case_table, sql_case, sql_list, sql_text

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
NOT_IN_TOUCH = ("NO", "DIED", "REFU", "NREQ", "RHOM")
YES = ("Y", "YES", "1", "TRUE")
NO = ("N", "NO", "0", "FALSE")
# An immigration status that says the child is an unaccompanied asylum-seeking child (the
# SSD's example is "Unaccompanied Asylum Seeking Child"); "former UASC" is ruled out apart.
UASC_STATUS = r"\buasc\b|unaccompanied"


@dataclass
class Return903:
    """One SSDA903 return: each table's rows in its layout's column order, and the notes."""

    layout: Layout903
    tables: dict[str, list[tuple]]
    notes: list[BuildNote] = field(default_factory=list)

    def rows(self, table: str) -> list[dict[str, str | None]]:
        columns = self.layout.tables[table].columns
        return [dict(zip(columns, row, strict=True)) for row in self.tables[table]]

    def children(self) -> list[str]:
        return [row[0] for row in self.tables["Header"]]

    def write(self, folder: Path) -> list[Path]:
        """Every table as a CSV file in ``folder`` (made if missing): the DfE's column names,
        blank for no value, dates as DD/MM/YYYY."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, spec in self.layout.tables.items():
            path = folder / spec.file
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow(spec.columns)
                writer.writerows(["" if v is None else v for v in row] for row in self.tables[name])
            written.append(path)
        return written


def build_ssda903(
    con: duckdb.DuckDBPyConnection,
    year: int,
    *,
    la_code: str,
    roles: list[str] | tuple[str, ...] = ("CW",),
) -> Return903:
    """The SSDA903 return of collection year ``year`` from the case record in ``con``
    (``snap.<table>``). ``roles``: the involvement roles of an allocated social worker."""
    layout = ssda903_layout(year)
    return _Builder(con, layout, la_code, tuple(roles)).build()


class _Builder:
    def __init__(
        self, con: duckdb.DuckDBPyConnection, layout: Layout903, la_code: str, roles: tuple
    ) -> None:
        self.con, self.layout, self.la_code, self.roles = con, layout, la_code, roles
        self.start, self.end = layout.year.start, layout.year.end
        self.notes: list[BuildNote] = []

    # -- helpers ---------------------------------------------------------------------------

    def run(self, sql: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
        given = {"start": self.start, "end": self.end} | (params or {})
        return self.con.execute(sql, {k: v for k, v in given.items() if f"${k}" in sql})

    def fetch(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self.run(sql, params).fetchall()

    def scalar(self, sql: str, params: dict | None = None):
        return self.fetch(sql, params)[0][0]

    def note(self, table: str, message: str, count: int | None = None) -> None:
        """A note for the data team; ``count`` None: it concerns the whole table."""
        if count is None or count > 0:
            self.notes.append(BuildNote(table, count, message))

    def day(self, expression: str) -> str:
        return f"strftime({expression}, {sql_text(self.layout.date_format)})"

    def words(self, column: str, expression: str) -> str:
        """A code from the case record's words for ``column``, else the value as given."""
        return sql_case(f"lower(trim({expression}))", self.layout.words.get(column, {}), expression)

    # -- the working tables ----------------------------------------------------------------

    def build(self) -> Return903:
        self.working_tables()
        tables = {
            "Header": self.header(),
            "Episodes": self.episodes(),
            "Reviews": self.reviews(),
            "UASC": self.uasc(),
            "OC2": self.oc2(),
            "OC3": self.oc3_rows(),
            "AD1": self.ad1(),
            "PlacedAdoption": self.placed_adoption(),
            "PrevPerm": self.previous_permanence(),
            "Missing": self.missing(),
        }
        if "SWEpisodes" in self.layout.tables:
            tables["SWEpisodes"] = self.social_workers()
        if "DoLo" in self.layout.tables:
            self.note(
                "DoLo",
                "no deprivation of liberty orders: the case record (the SSD) has no table for "
                "them. Add the year's orders to the file before sending it.",
            )
            tables["DoLo"] = []
        return Return903(self.layout, {n: tables[n] for n in self.layout.tables}, self.notes)

    def working_tables(self) -> None:
        self.run(
            """
            CREATE OR REPLACE TEMP TABLE person AS
            SELECT pers_person_id AS child, upper(trim(pers_sex)) AS sex, pers_dob AS dob,
                   pers_ethnicity AS ethnic, pers_upn AS upn, pers_upn_unknown AS upn_unknown,
                   upper(trim(pers_is_mother)) AS is_mother
            FROM (SELECT *, row_number() OVER (PARTITION BY pers_person_id ORDER BY _source_row)
                  AS n FROM snap.ssd_person WHERE pers_person_id IS NOT NULL)
            WHERE n = 1
            """
        )
        # Periods of care over the whole record (not only Y): decisions and missing episodes
        # are placed in them.
        self.run(
            """
            CREATE OR REPLACE TEMP TABLE period AS
            SELECT clae_person_id AS child, coalesce(clae_cla_id, clae_person_id) AS cla_id,
                   min(clae_cla_episode_start_date) AS began,
                   CASE WHEN count(*) > count(clae_cla_episode_ceased_date) THEN NULL
                        ELSE max(clae_cla_episode_ceased_date) END AS ended
            FROM snap.ssd_cla_episodes
            WHERE clae_person_id IS NOT NULL AND clae_cla_episode_start_date IS NOT NULL
            GROUP BY ALL
            """
        )
        self.run(
            """
            CREATE OR REPLACE TEMP TABLE ep AS
            WITH e AS (
                SELECT row_number() OVER () AS k, clae_person_id AS child,
                       coalesce(clae_cla_id, clae_person_id) AS cla_id,
                       clae_cla_episode_start_date AS decom,
                       clae_cla_episode_ceased_date AS ceased,
                       upper(trim(clae_cla_episode_start_reason)) AS rne,
                       upper(trim(clae_cla_episode_ceased_reason)) AS ceased_reason,
                       clae_cla_primary_need_code AS cin,
                       clae_cla_placement_id AS placement_id
                FROM snap.ssd_cla_episodes
                WHERE clae_person_id IS NOT NULL AND clae_cla_episode_start_date IS NOT NULL
                  AND clae_cla_episode_start_date <= $end
                  AND (clae_cla_episode_ceased_date IS NULL
                       OR clae_cla_episode_ceased_date >= $start)
            ),
            legal AS (
                SELECT e.k, l.lega_legal_status AS ls, row_number() OVER (
                    PARTITION BY e.k ORDER BY l.lega_legal_status_start_date DESC) AS n
                FROM e JOIN snap.ssd_legal_status l
                  ON l.lega_person_id = e.child AND l.lega_legal_status_start_date <= e.decom
                 AND (l.lega_legal_status_end_date IS NULL
                      OR l.lega_legal_status_end_date > e.decom)
            ),
            by_date AS (
                SELECT e.k, p.clap_cla_placement_id AS pl_id, row_number() OVER (
                    PARTITION BY e.k ORDER BY p.clap_cla_placement_start_date DESC) AS n
                FROM e JOIN snap.ssd_cla_placement p
                  ON p.clap_person_id = e.child AND p.clap_cla_placement_start_date <= e.decom
                 AND (p.clap_cla_placement_end_date IS NULL
                      OR p.clap_cla_placement_end_date > e.decom)
            ),
            placed AS (
                SELECT e.*, upper(trim(legal.ls)) AS ls,
                       CASE WHEN EXISTS (SELECT 1 FROM snap.ssd_cla_placement p
                                         WHERE p.clap_cla_placement_id = e.placement_id)
                            THEN e.placement_id ELSE by_date.pl_id END AS pl_id
                FROM e
                LEFT JOIN legal ON legal.k = e.k AND legal.n = 1
                LEFT JOIN by_date ON by_date.k = e.k AND by_date.n = 1
            ),
            detailed AS (
                SELECT placed.*, upper(trim(p.clap_cla_placement_type)) AS place,
                       p.clap_cla_placement_provider AS provider,
                       p.clap_cla_placement_postcode AS pl_post,
                       p.clap_cla_placement_urn AS urn,
                       p.clap_cla_placement_change_reason AS change_reason,
                       CASE WHEN placed.ceased <= $end THEN placed.ceased END AS dec,
                       CASE WHEN placed.ceased <= $end THEN placed.ceased_reason END AS rec
                FROM placed
                LEFT JOIN (SELECT *, row_number() OVER (PARTITION BY clap_cla_placement_id
                                                        ORDER BY _source_row) AS n
                           FROM snap.ssd_cla_placement) p
                  ON p.clap_cla_placement_id = placed.pl_id AND p.n = 1
            )
            SELECT *,
                   lead(pl_id) OVER w AS next_pl_id,
                   lead(place) OVER w AS next_place
            FROM detailed
            WINDOW w AS (PARTITION BY child ORDER BY decom, k)
            """
        )
        self.oc3_table()

    # -- the tables ------------------------------------------------------------------------

    def header(self) -> list[tuple]:
        layout = self.layout
        girls_unknown = self.scalar(
            f"""
            SELECT count(*) FROM person
            WHERE sex = 'F' AND (is_mother IS NULL OR is_mother NOT IN {sql_list(YES + NO)})
              AND child IN (SELECT child FROM ep WHERE coalesce(ls, '') NOT IN ('V3', 'V4'))
            """
        )
        self.note(
            "Header",
            "girls looked after have no mother status in the case record: MOTHER written as "
            "0 (not a mother).",
            girls_unknown,
        )
        unmapped_sex = self.scalar(
            f"""
            SELECT count(*) FROM person WHERE child IN (SELECT child FROM ep UNION
                                                        SELECT child FROM oc3)
              AND coalesce(sex, '') NOT IN {sql_list(layout.sex)}
            """
        )
        self.note(
            "Header",
            f"children's sex has no {layout.year.year} SEX code (blank or not M/F"
            f"{'/U' if 'U' in layout.sex else ''}): SEX left blank.",
            unmapped_sex,
        )
        self.note("Header", "MC_DOB left blank: the case record holds no mother's child.")
        return self.fetch(
            f"""
            WITH children AS (SELECT child FROM ep UNION SELECT child FROM oc3),
                 mothers AS (SELECT DISTINCT child FROM ep
                             WHERE coalesce(ls, '') NOT IN ('V3', 'V4'))
            SELECT c.child, {sql_case("p.sex", layout.sex, "NULL")}, {self.day("p.dob")},
                   p.ethnic, coalesce(p.upn, p.upn_unknown),
                   CASE WHEN p.sex = 'F' AND c.child IN (SELECT child FROM mothers)
                        THEN CASE WHEN p.is_mother IN {sql_list(YES)} THEN '1' ELSE '0' END
                   END,
                   NULL
            FROM children c LEFT JOIN person p ON p.child = c.child
            ORDER BY c.child
            """
        )

    def episodes(self) -> list[tuple]:
        temporary = sql_list(TEMPORARY)
        self.home_postcodes()
        return self.fetch(
            f"""
            SELECT child, {self.day("decom")}, rne, ls, cin, place, provider, {self.day("dec")},
                   rec,
                   CASE WHEN dec IS NOT NULL AND rec = 'X1' AND next_pl_id IS NOT NULL
                         AND next_pl_id <> pl_id AND coalesce(place, '') NOT IN {temporary}
                         AND coalesce(next_place, '') NOT IN {temporary}
                        THEN change_reason END,
                   h.post,
                   -- no placement area either for a short break (rule 420)
                   CASE WHEN coalesce(ls, '') NOT IN ('V3', 'V4') THEN pl_post END, urn
            FROM ep LEFT JOIN home h USING (k) ORDER BY child, decom, k
            """
        )

    def home_postcodes(self) -> None:
        """``home``: each episode's HOME_POST, the postcode of the child's address in force on
        DECOM. An address typed as a placement is the placement's (PL_POST), not the home's."""
        addresses = case_table(self.con, "ssd_address")
        self.run(
            f"""
            CREATE OR REPLACE TEMP TABLE home AS
            SELECT k, post FROM (
                SELECT e.k, trim(a.addr_address_postcode) AS post, row_number() OVER (
                    PARTITION BY e.k ORDER BY a.addr_address_start_date DESC NULLS LAST,
                                              a._source_row DESC) AS n
                FROM ep e JOIN {addresses} a ON a.addr_person_id = e.child
                 AND (a.addr_address_start_date IS NULL OR a.addr_address_start_date <= e.decom)
                 AND (a.addr_address_end_date IS NULL OR a.addr_address_end_date >= e.decom)
                WHERE trim(coalesce(a.addr_address_postcode, '')) <> ''
                  AND coalesce(a.addr_address_type, '') NOT ILIKE '%placement%'
                  -- no distance is reported for a child looked after under V3/V4 (rule 398)
                  AND coalesce(e.ls, '') NOT IN ('V3', 'V4'))
            WHERE n = 1
            """
        )
        if self.scalar(f"SELECT count(*) FROM {addresses}") == 0:
            self.note(
                "Episodes",
                "HOME_POST left blank: the case record holds no addresses (ssd_address has no "
                "rows).",
            )
            return
        self.note(
            "Episodes",
            "episodes have no home address in force on their start date in the case record: "
            "HOME_POST left blank.",
            self.scalar(
                "SELECT count(*) FROM ep WHERE coalesce(ls, '') NOT IN ('V3', 'V4') "
                "AND k NOT IN (SELECT k FROM home)"
            ),
        )

    def reviews(self) -> list[tuple]:
        return self.fetch(
            f"""
            SELECT r.clar_cla_person_id, {self.day("p.dob")}, {self.day("r.clar_cla_review_date")},
                   r.clar_cla_review_participation
            FROM snap.ssd_cla_reviews r LEFT JOIN person p ON p.child = r.clar_cla_person_id
            WHERE r.clar_cla_person_id IN (SELECT child FROM ep)
              AND r.clar_cla_review_date BETWEEN $start AND $end
              AND upper(coalesce(trim(r.clar_cla_review_cancelled), 'N')) NOT IN {sql_list(YES)}
            ORDER BY r.clar_cla_person_id, r.clar_cla_review_date
            """
        )

    def uasc(self) -> list[tuple]:
        statuses = case_table(self.con, "ssd_immigration_status")
        if self.scalar(f"SELECT count(*) FROM {statuses}") == 0:
            self.note(
                "UASC",
                "left empty: the case record holds no immigration status "
                "(ssd_immigration_status has no rows).",
            )
            return []
        # UASC status ends at 18 at the latest (rule 304)
        at_eighteen = "eighteen < ended OR (ended IS NULL AND eighteen <= $end)"
        duc = f"CASE WHEN {at_eighteen} THEN eighteen ELSE ended END"
        rows = self.fetch(
            f"""
            WITH uasc AS (
                SELECT immi_person_id AS child,
                       immi_immigration_status_end_date AS ended
                FROM {statuses}
                WHERE regexp_matches(immi_immigration_status, {sql_text(UASC_STATUS)}, 'i')
                  AND NOT regexp_matches(immi_immigration_status, 'former', 'i')
                  AND immi_person_id IN (SELECT child FROM ep)
                  AND (immi_immigration_status_start_date IS NULL
                       OR immi_immigration_status_start_date <= $end)
                  AND (immi_immigration_status_end_date IS NULL
                       OR immi_immigration_status_end_date >= $start)
            ),
            by_child AS (
                SELECT u.child, p.sex, p.dob, (p.dob + INTERVAL 18 YEAR)::DATE AS eighteen,
                       CASE WHEN count(*) > count(u.ended) THEN NULL
                            ELSE max(u.ended) END AS ended
                FROM uasc u LEFT JOIN person p ON p.child = u.child
                GROUP BY ALL
            )
            SELECT child, {sql_case("sex", self.layout.sex, "NULL")}, {self.day("dob")},
                   {self.day(duc)}, {at_eighteen}
            FROM by_child
            -- 18 before the year began: no longer a child, so no longer UASC
            WHERE eighteen IS NULL OR eighteen >= $start
            ORDER BY child
            """
        )
        self.note(
            "UASC",
            "children's UASC status runs past their 18th birthday or has no end date though "
            "they turned 18 by 31 March: DUC written as the 18th birthday.",
            sum(1 for r in rows if r[4]),
        )
        return [r[:4] for r in rows]

    def oc2(self) -> list[tuple]:
        sdq = case_table(self.con, "ssd_sdq_scores")
        immunisations = case_table(self.con, "ssd_cla_immunisations")
        misuse = case_table(self.con, "ssd_cla_substance_misuse")
        convictions = case_table(self.con, "ssd_cla_convictions")
        # A table with no rows may be one the extract left out: its columns stay blank rather
        # than claim that no child was convicted or misused substances.
        held = {
            name: self.scalar(f"SELECT count(*) > 0 FROM {name}")
            for name in (sdq, immunisations, misuse, convictions)
        }
        in_year = "IS NULL OR {0} BETWEEN $start AND $end"  # no date: a 903 import's, Y's
        rows = self.fetch(
            f"""
            WITH continuous AS (
                SELECT child FROM ep GROUP BY child
                HAVING NOT bool_or(
                    (rne = 'S' AND decom > $start)
                    OR (ceased IS NOT NULL AND ceased >= $start AND ceased < $end
                        AND coalesce(ceased_reason, '') <> 'X1')
                    OR coalesce(ls, '') IN ('V3', 'V4'))
            ),
            checks AS (
                SELECT clah_person_id AS child,
                       CASE WHEN clah_health_check_type ILIKE '%dental%' THEN 'teeth'
                            WHEN clah_health_check_type ILIKE '%surveillance%'
                              OR clah_health_check_type ILIKE 'health check%' THEN 'check'
                            WHEN clah_health_check_type ILIKE '%assessment%' THEN 'assessment'
                       END AS kind
                FROM snap.ssd_cla_health
                WHERE (clah_health_check_status IS NULL
                       OR clah_health_check_status ILIKE 'complete%')
                  -- a 903 import keeps no date: its checks are the year's
                  AND (clah_health_check_date IS NULL
                       OR clah_health_check_date BETWEEN $start AND $end)
            ),
            ages AS (
                SELECT c.child, p.dob,
                       date_diff('year', p.dob, $end::DATE)
                       - CASE WHEN strftime(p.dob, '%m%d') > strftime($end::DATE, '%m%d')
                              THEN 1 ELSE 0 END AS age,
                       -- 4 or over at 31 March, not yet 17 on 1 April (rules 188, 189)
                       p.dob + INTERVAL 4 YEAR <= $end AND p.dob + INTERVAL 17 YEAR >= $start
                           AS sdq_due,
                       p.dob + INTERVAL 10 YEAR <= $end AS ten  -- rule 542
                FROM continuous c LEFT JOIN person p ON p.child = c.child
            ),
            sdq AS (
                -- the latest questionnaire of the year with a score or a reason (the SSD's
                -- guidance: the score "on the date of the last assessment")
                SELECT * FROM (
                    SELECT csdq_person_id AS child,
                           CASE WHEN csdq_sdq_score BETWEEN 0 AND 40
                                THEN CAST(csdq_sdq_score AS VARCHAR) END AS score,
                           CASE WHEN upper(trim(csdq_sdq_reason))
                                     IN {sql_list(self.layout.codes["SDQ_REASON"])}
                                THEN upper(trim(csdq_sdq_reason)) END AS reason,
                           csdq_sdq_completed_date AS done, _source_row AS r
                    FROM {sdq}
                    WHERE csdq_sdq_completed_date {in_year.format("csdq_sdq_completed_date")})
                WHERE score IS NOT NULL OR reason IS NOT NULL
                QUALIFY row_number() OVER (PARTITION BY child
                                           ORDER BY done DESC NULLS LAST, r DESC) = 1
            ),
            immunised AS (
                SELECT * FROM (
                    SELECT clai_person_id AS child,
                           CASE WHEN upper(trim(clai_immunisations_status)) IN {sql_list(YES)}
                                THEN '1'
                                WHEN upper(trim(clai_immunisations_status)) IN {sql_list(NO)}
                                THEN '0' END AS status,
                           clai_immunisations_status_date AS updated, _source_row AS r
                    FROM {immunisations}
                    WHERE clai_immunisations_status_date IS NULL
                       OR clai_immunisations_status_date <= $end)
                WHERE status IS NOT NULL
                QUALIFY row_number() OVER (PARTITION BY child
                                           ORDER BY updated DESC NULLS LAST, r DESC) = 1
            ),
            misused AS (
                SELECT clas_person_id AS child,
                       bool_or(upper(trim(clas_intervention_received)) IN {sql_list(YES)})
                           AS received,
                       bool_or(upper(trim(clas_intervention_received)) IN {sql_list(NO)})
                           AS not_received
                FROM {misuse}
                WHERE clas_substance_misuse_date
                      {in_year.format("clas_substance_misuse_date")}
                GROUP BY ALL
            ),
            convicted AS (
                SELECT DISTINCT clac_person_id AS child FROM {convictions}
                WHERE clac_cla_conviction_date {in_year.format("clac_cla_conviction_date")}
            )
            SELECT a.child, {self.day("a.dob")},
                   CASE WHEN a.sdq_due THEN s.score END,
                   CASE WHEN a.sdq_due AND s.score IS NULL THEN s.reason END,
                   CASE WHEN {held[convictions]} AND a.ten THEN
                       CASE WHEN c.child IS NULL THEN '0' ELSE '1' END END,
                   CASE WHEN a.age < 5 THEN
                       CASE WHEN EXISTS (SELECT 1 FROM checks k WHERE k.child = a.child
                                         AND k.kind = 'check') THEN '1' ELSE '0' END END,
                   i.status,
                   CASE WHEN EXISTS (SELECT 1 FROM checks k WHERE k.child = a.child
                                     AND k.kind = 'teeth') THEN '1' ELSE '0' END,
                   CASE WHEN EXISTS (SELECT 1 FROM checks k WHERE k.child = a.child
                                     AND k.kind = 'assessment') THEN '1' ELSE '0' END,
                   CASE WHEN {held[misuse]} THEN
                       CASE WHEN m.child IS NULL THEN '0' ELSE '1' END END,
                   CASE WHEN m.received THEN '1' WHEN m.not_received THEN '0' END,
                   NULL,
                   coalesce(a.sdq_due, FALSE)
            FROM ages a
            LEFT JOIN sdq s ON s.child = a.child
            LEFT JOIN immunised i ON i.child = a.child
            LEFT JOIN misused m ON m.child = a.child
            LEFT JOIN convicted c ON c.child = a.child
            ORDER BY a.child
            """
        )
        self.oc2_notes(rows, held[sdq], held[immunisations], held[misuse], held[convictions])
        return [r[:12] for r in rows]

    def oc2_notes(
        self, rows: list[tuple], sdq: bool, immunisations: bool, misuse: bool, convictions: bool
    ) -> None:
        def empty_table(columns: str, table: str) -> None:
            self.note(
                "OC2",
                f"{columns} left blank: the case record holds no rows of {table} (none, or "
                "not extracted).",
            )

        if not sdq:
            empty_table("SDQ_SCORE and SDQ_REASON", "ssd_sdq_scores")
        else:
            self.note(
                "OC2",
                "children aged 4 to 16 have no SDQ score or reason recorded in the year: "
                "SDQ_SCORE and SDQ_REASON left blank.",
                sum(1 for r in rows if r[12] and r[2] is None and r[3] is None),
            )
        if not immunisations:
            empty_table("IMMUNISATIONS", "ssd_cla_immunisations")
        else:
            self.note(
                "OC2",
                "children have no immunisation status (Y or N) in the case record: "
                "IMMUNISATIONS left blank.",
                sum(1 for r in rows if r[6] is None),
            )
        if not misuse:
            empty_table("SUBSTANCE_MISUSE and INTERVENTION_RECEIVED", "ssd_cla_substance_misuse")
        else:
            self.note(
                "OC2",
                "children with a substance misuse problem have no record of whether they "
                "received an intervention: INTERVENTION_RECEIVED left blank.",
                sum(1 for r in rows if r[9] == "1" and r[10] is None),
            )
        self.note(
            "OC2",
            "children did not receive an intervention for substance misuse: "
            "INTERVENTION_OFFERED left blank (the SSD does not record whether one was offered).",
            sum(1 for r in rows if r[10] == "0"),
        )
        if not convictions:
            empty_table("CONVICTED", "ssd_cla_convictions")

    def oc3_table(self) -> None:
        earliest = _years_before(self.start, 21)
        latest = _years_before(self.end, 17)
        self.run(
            f"""
            CREATE OR REPLACE TEMP TABLE oc3 AS
            WITH latest AS (
                SELECT c.*, p.dob, row_number() OVER (
                    PARTITION BY c.clea_person_id
                    ORDER BY c.clea_care_leaver_latest_contact DESC NULLS LAST,
                             c._source_row DESC) AS n
                FROM snap.ssd_care_leavers c JOIN person p ON p.child = c.clea_person_id
                WHERE p.dob BETWEEN $earliest AND $latest
            ),
            aged AS (
                SELECT *, date_diff('year', dob, $end::DATE)
                          - CASE WHEN strftime(dob, '%m%d') > strftime($end::DATE, '%m%d')
                                 THEN 1 ELSE 0 END AS age
                FROM latest WHERE n = 1
            ),
            coded AS (
                SELECT clea_person_id AS child, dob, age, dob + to_years(age::INTEGER)
                       AS birthday,
                       upper({self.words("IN_TOUCH", "clea_care_leaver_in_touch")}) AS in_touch,
                       upper(trim(clea_care_leaver_activity)) AS activ,
                       upper(trim(clea_care_leaver_accommodation)) AS accommodation,
                       upper(trim(clea_care_leaver_accom_suitable)) AS suitable
                FROM aged
            )
            SELECT c.*,
                   CASE WHEN c.in_touch IN {sql_list(NOT_IN_TOUCH)} THEN '0' ELSE c.activ END
                       AS activ_code,
                   CASE WHEN c.in_touch IN {sql_list(NOT_IN_TOUCH)} THEN '0'
                        WHEN regexp_full_match(c.accommodation, '[A-Z][12]|0')
                            THEN c.accommodation
                        WHEN regexp_full_match(c.accommodation, '[A-Z]') THEN c.accommodation ||
                            CASE WHEN c.suitable IN ('1', 'Y', 'YES', 'SUITABLE') THEN '1'
                                 WHEN c.suitable IN ('2', 'N', 'NO', 'UNSUITABLE') THEN '2'
                                 ELSE '' END
                        ELSE c.accommodation END AS accom_code
            FROM coded c
            -- a 17- or 18-year-old still looked after on that birthday, or who came into
            -- care after it, is not a care leaver of that birthday (rule 1016)
            WHERE NOT (c.age IN (17, 18) AND EXISTS (
                SELECT 1 FROM snap.ssd_cla_episodes e
                WHERE e.clae_person_id = c.child AND e.clae_cla_episode_start_date <= $end
                  AND (e.clae_cla_episode_ceased_date IS NULL
                       OR e.clae_cla_episode_ceased_date >= c.birthday)))
            -- nor is one who first came into care after the year (the record holds only
            -- later episodes of them; one with none, as a 903 import may be, is kept)
            AND NOT (
                EXISTS (SELECT 1 FROM snap.ssd_cla_episodes e
                        WHERE e.clae_person_id = c.child
                          AND e.clae_cla_episode_start_date > $end)
                AND NOT EXISTS (SELECT 1 FROM snap.ssd_cla_episodes e
                                WHERE e.clae_person_id = c.child
                                  AND e.clae_cla_episode_start_date <= $end))
            """,
            {"earliest": earliest, "latest": latest},
        )

    def oc3_rows(self) -> list[tuple]:
        return self.fetch(
            f"""SELECT child, {self.day("dob")}, in_touch, activ_code, accom_code
                FROM oc3 ORDER BY child"""
        )

    def ad1(self) -> list[tuple]:
        sex = self.words("SEX_ADOPTR", "upper(trim(m.perm_adopter_sex))")
        rows = self.fetch(
            f"""
            WITH adopted AS (
                SELECT child, cla_id, max(ceased) AS ceased FROM ep
                WHERE dec IS NOT NULL AND rec IN ('E11', 'E12') GROUP BY ALL
            ),
            matched AS (
                SELECT a.child, p.*, row_number() OVER (
                    PARTITION BY a.child
                    ORDER BY (p.perm_cla_id = a.cla_id) DESC NULLS LAST,
                             p.perm_matched_date DESC NULLS LAST,
                             p.perm_adm_decision_date DESC NULLS LAST) AS n
                FROM adopted a JOIN snap.ssd_permanence p ON p.perm_person_id = a.child
                 AND (p.perm_adm_decision_date IS NULL OR p.perm_adm_decision_date <= a.ceased)
            )
            SELECT a.child, {self.day("pe.dob")}, {self.day("m.perm_adm_decision_date")},
                   {self.day("m.perm_matched_date")},
                   CASE WHEN upper(trim(m.perm_adopted_by_carer_flag)) IN {sql_list(YES)}
                        THEN '1'
                        WHEN upper(trim(m.perm_adopted_by_carer_flag)) IN {sql_list(NO)}
                        THEN '0' END,
                   CAST(m.perm_number_of_adopters AS VARCHAR), {sex},
                   upper(trim(m.perm_adopter_legal_status))
            FROM (SELECT DISTINCT child FROM adopted) a
            LEFT JOIN matched m ON m.child = a.child AND m.n = 1
            LEFT JOIN person pe ON pe.child = a.child
            ORDER BY a.child
            """
        )
        self.note(
            "AD1",
            "children adopted in the year have no adoption decision in the case record: their "
            "AD1 row is blank but for the child.",
            sum(1 for r in rows if r[2] is None),
        )
        return rows

    def placed_adoption(self) -> list[tuple]:
        return self.fetch(
            f"""
            WITH in_year AS (
                SELECT * FROM period
                WHERE child IN (SELECT child FROM ep) AND began <= $end
                  AND (ended IS NULL OR ended >= $start)
            ),
            decisions AS (
                SELECT DISTINCT p.perm_person_id AS child, p.perm_adm_decision_date AS decided,
                       p.perm_decision_reversed_date AS reversed,
                       p.perm_decision_reversed_reason AS reason
                FROM snap.ssd_permanence p JOIN in_year y ON y.child = p.perm_person_id
                 AND (p.perm_cla_id = y.cla_id
                      OR (p.perm_cla_id IS NULL AND p.perm_adm_decision_date >= y.began
                          AND (y.ended IS NULL OR p.perm_adm_decision_date <= y.ended)))
                WHERE p.perm_adm_decision_date <= $end
                  AND (p.perm_decision_reversed_date IS NULL
                       OR p.perm_decision_reversed_date >= $start)
            )
            SELECT d.child, {self.day("pe.dob")}, {self.day("d.decided")},
                   {self.day("CASE WHEN d.reversed <= $end THEN d.reversed END")},
                   CASE WHEN d.reversed <= $end THEN upper(trim(d.reason)) END
            FROM decisions d LEFT JOIN person pe ON pe.child = d.child
            ORDER BY d.child, d.decided
            """
        )

    def previous_permanence(self) -> list[tuple]:
        code = (
            "CASE "
            + " ".join(
                f"WHEN o.kind ILIKE {sql_text('%' + match + '%')} THEN {sql_text(code)}"
                for match, code in self.layout.previous_permanence
            )
            + " ELSE 'Z1' END"
        )
        rows = self.fetch(
            f"""
            WITH started AS (
                SELECT child, min(decom) AS decom FROM ep
                WHERE rne = 'S' AND decom >= $start GROUP BY child
            ),
            orders AS (
                SELECT s.child, p.perm_permanence_order_type AS kind,
                       p.perm_permanence_order_date AS made, row_number() OVER (
                           PARTITION BY s.child ORDER BY p.perm_permanence_order_date DESC) AS n
                FROM started s JOIN snap.ssd_permanence p ON p.perm_person_id = s.child
                 AND p.perm_permanence_order_date < s.decom
            ),
            coded AS (
                SELECT s.child, o.made, {code} AS prev_perm
                FROM started s LEFT JOIN orders o ON o.child = s.child AND o.n = 1
            )
            SELECT c.child, {self.day("pe.dob")}, c.prev_perm,
                   CASE WHEN c.prev_perm <> 'Z1' THEN $la_code END,
                   CASE WHEN c.prev_perm <> 'Z1' THEN {self.day("c.made")} END
            FROM coded c LEFT JOIN person pe ON pe.child = c.child
            ORDER BY c.child
            """,
            {"la_code": self.la_code},
        )
        self.note(
            "PrevPerm",
            "children started to be looked after with no earlier permanence order in the case "
            "record: PREV_PERM written as Z1.",
            sum(1 for r in rows if r[2] == "Z1"),
        )
        return rows

    def missing(self) -> list[tuple]:
        kind = f"upper({self.words('MISSING', 'trim(m.miss_missing_episode_type)')})"
        return self.fetch(
            f"""
            SELECT m.miss_person_id, {self.day("pe.dob")}, {kind},
                   {self.day("m.miss_missing_episode_start_date")},
                   {
                self.day(
                    "CASE WHEN m.miss_missing_episode_end_date <= $end "
                    "THEN m.miss_missing_episode_end_date END"
                )
            }
            FROM snap.ssd_missing m LEFT JOIN person pe ON pe.child = m.miss_person_id
            WHERE m.miss_person_id IN (SELECT child FROM ep)
              AND m.miss_missing_episode_start_date <= $end
              AND (m.miss_missing_episode_end_date IS NULL
                   OR m.miss_missing_episode_end_date >= $start)
              AND EXISTS (
                  SELECT 1 FROM period y WHERE y.child = m.miss_person_id
                    AND m.miss_missing_episode_start_date >= y.began
                    AND (y.ended IS NULL OR m.miss_missing_episode_start_date <= y.ended))
            ORDER BY m.miss_person_id, m.miss_missing_episode_start_date
            """
        )

    def social_workers(self) -> list[tuple]:
        codes = self.layout.codes.get("SW_REASON", ())
        given = "upper(trim(i.prev_reason))"
        mapped = f"upper({self.words('SW_REASON', 'trim(i.prev_reason)')})"
        # SW_REASON is why the episode started: FCONTA for a first allocation or one after a
        # gap (a new contact or re-referral), else the reason the case record gives for the
        # change on the worker's involvement that ended within 7 days of this one's start
        # (the DfE's tolerance, rule SW10a).
        handover = (
            "i.prev_start IS NOT NULL AND (i.prev_end IS NULL OR "
            "abs(date_diff('day', i.prev_end, i.invo_involvement_start_date)) <= 7)"
        )
        reason = (
            f"CASE WHEN NOT ({handover}) THEN 'FCONTA' "
            f"WHEN {given} IN {sql_list(codes)} THEN {given} "
            f"WHEN {mapped} IN {sql_list(codes)} THEN {mapped} ELSE 'OTHERS' END"
        )
        self.run(
            f"""
            CREATE OR REPLACE TEMP TABLE sw AS
            WITH involvement AS (
                SELECT *, lag(invo_involvement_start_date) OVER w AS prev_start,
                       lag(invo_involvement_end_date) OVER w AS prev_end,
                       lag(invo_worker_change_reason) OVER w AS prev_reason
                FROM snap.ssd_involvements
                WHERE invo_professional_role_id IN {sql_list(self.roles)}
                  AND invo_person_id IN (SELECT child FROM ep)
                  AND invo_involvement_start_date IS NOT NULL
                  -- held for no time at all: not a social worker episode (rule SW09)
                  AND invo_involvement_start_date
                      < coalesce(invo_involvement_end_date, DATE '9999-12-31')
                WINDOW w AS (PARTITION BY invo_person_id
                             ORDER BY invo_involvement_start_date, invo_involvements_id)
            )
            SELECT i.invo_person_id AS child, i.invo_involvement_start_date AS began,
                   CASE WHEN i.invo_involvement_end_date <= $end
                        THEN i.invo_involvement_end_date END AS ended,
                   coalesce(w.prof_social_worker_registration_no, i.invo_professional_id)
                       AS sw_id,
                   {reason} AS reason,
                   CASE WHEN ({handover}) AND i.prev_reason IS NOT NULL
                         AND {given} NOT IN {sql_list(codes)}
                         AND {mapped} NOT IN {sql_list(codes)}
                        THEN i.prev_reason END AS unmapped
            FROM involvement i
            LEFT JOIN (SELECT *, row_number() OVER (PARTITION BY prof_professional_id
                                                    ORDER BY _source_row) AS n
                       FROM snap.ssd_professionals) w
              ON w.prof_professional_id = i.invo_professional_id AND w.n = 1
            WHERE i.invo_involvement_start_date <= $end
              AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= $start)
            """
        )
        for words, count in self.fetch(
            "SELECT unmapped, count(*) FROM sw WHERE unmapped IS NOT NULL GROUP BY 1 ORDER BY 1"
        ):
            self.note(
                "SWEpisodes",
                f"worker changes for the reason {words!r}, which has no SW_REASON code: "
                "written as OTHERS.",
                count,
            )
        return self.fetch(
            f"""
            SELECT s.child, {self.day("pe.dob")}, s.sw_id, {self.day("s.began")},
                   {self.day("s.ended")}, s.reason
            FROM sw s LEFT JOIN person pe ON pe.child = s.child
            ORDER BY s.child, s.began, s.sw_id
            """
        )


def _years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)

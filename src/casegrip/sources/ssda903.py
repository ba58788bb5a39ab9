"""The SSDA903 source: a council's looked-after children return (CSV files) as canonical tables.

``read_ssda903(path, collection_year)`` takes a folder of CSV files (every ``*.csv`` in it, not
its sub-folders) or a list of CSV files: one 903 return, each table in one file. Files are
recognised by their header row, not their name (``_903_files``). Nothing is half-imported: a
file that cannot be read or recognised, or two files holding the same 903 table, stop the import
with a ``SourceError``. Values that cannot be read become blank, with a finding.

What goes where (903 column -> canonical column):

=================== ======================================================================
Header              CHILD -> pers_person_id; SEX 1/2 (or M/F/U) -> pers_sex M/F/U; DOB ->
                    pers_dob; ETHNIC -> pers_ethnicity; UPN -> pers_upn, or pers_upn_unknown
                    when it holds an UN1-UN7 code; MOTHER 1/0 -> pers_is_mother Y/N.
                    MC_DOB (the mother's child's birth date) has no canonical column.
Episodes            one ssd_cla_episodes row per 903 episode: DECOM, RNE, CIN, DEC, REC ->
                    episode start date and reason, primary need, ceased date and reason;
                    clae_cla_id is the period of care (below), clae_entered_care_date its
                    first DECOM, clae_cla_placement_id the placement (below).
  placements        a placement runs over consecutive episodes of a period of care while the
                    placement does not change: the next episode's RNE is not S/P/T/B/U (L is a
                    change of legal status only) and PLACE, PLACE_PROVIDER, PL_POST and URN are
                    the same. PLACE -> clap_cla_placement_type, PLACE_PROVIDER -> _provider,
                    PL_POST -> _postcode, URN -> _urn; start = first DECOM, end = last DEC;
                    REASON_PLACE_CHANGE of its last episode (the 903 records the reason against
                    the episode that ends) -> clap_cla_placement_change_reason.
  home addresses    one ssd_address row (type "Home") per run of consecutive episodes of a
                    period of care with the same HOME_POST: postcode, start = first DECOM,
                    end = last DEC.
  legal statuses    one ssd_legal_status row per run of consecutive episodes of a period of care
                    with the same LS: start = first DECOM, end = last DEC.
Reviews             REVIEW -> clar_cla_review_date; REVIEW_CODE -> _participation (PN0-PN7);
                    clar_cla_id is the period of care the review date falls in.
Missing             MIS_START, MIS_END -> missing episode start and end; MISSING -> _type,
                    kept as the 903 code (M missing, A away without authorisation).
OC2                 HEALTH_ASSESSMENT, TEETH_CHECK, HEALTH_CHECK = 1 -> an ssd_cla_health row of
                    type "Health Assessment", "Dental Check", "Health Surveillance Check",
                    status "Completed", date blank (the 903 says only "in the year to 31
                    March"); 0 -> no row. SDQ_SCORE or SDQ_REASON -> one ssd_sdq_scores row
                    (score, reason; no date). IMMUNISATIONS 1/0 -> ssd_cla_immunisations status
                    Y/N. SUBSTANCE_MISUSE 1 -> an ssd_cla_substance_misuse row,
                    INTERVENTION_RECEIVED 1/0 -> its clas_intervention_received Y/N; 0 -> no
                    row. CONVICTED 1 -> an ssd_cla_convictions row; 0 -> no row. Dates are
                    blank, as for health checks. INTERVENTION_OFFERED has no SSD item.
OC3                 IN_TOUCH -> clea_care_leaver_in_touch; ACTIV -> _activity; ACCOM (e.g. B1)
                    -> _accommodation (B) and _accom_suitable (1 suitable, 2 not).
AD1, PlacedAdoption one ssd_permanence row per PlacedAdoption row (DATE_PLACED -> perm_adm_
                    decision_date, DATE_PLACED_CEASED -> _decision_reversed_date,
                    REASON_PLACED_CEASED -> _decision_reversed_reason); an AD1 row joins the
                    row of the same child and decision date, or makes its own (DATE_INT ->
                    perm_adm_decision_date, DATE_MATCH -> _matched_date, FOSTER_CARE 1/0 ->
                    _adopted_by_carer_flag Y/N, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR -> the adopter
                    columns). From the episodes of the period of care holding the decision:
                    perm_cla_id, the first A3-A6 placement -> _placed_for_adoption_date, the
                    first E1/D1 legal status -> _placement_order_date, and an E11/E12 (adoption),
                    E43/E44/E47/E48 (special guardianship) or E41/E45/E46 (child arrangements)
                    ending -> _permanence_order_date and _type.
SWEpisodes          one ssd_involvements row per row, role CW (allocated case worker): SW_ID ->
                    invo_professional_id, SW_DECOM/SW_DEC -> start/end, SW_REASON ->
                    invo_worker_change_reason; one ssd_professionals row per SW_ID, which the
                    903 defines as the Social Work England registration number.
UASC                one ssd_immigration_status row per row: status "UASC", DUC -> end date.
PrevPerm, DoLo      recognised and not imported (no canonical table): one finding each.
=================== ======================================================================

Findings: ``unparseable_date``, ``unparseable_integer`` (error: the value is left blank; table
is the canonical table, row the 0-based data row of the file, field the 903 column);
``missing_child_id`` (error: the row is kept with a blank child id, its ids start
``<Table>#<row>``); ``unknown_column`` and ``duplicate_column`` (ignored), ``missing_column`` (a
column casegrip reads is absent: read as blank), ``unknown_code`` (an OC2 flag neither 0 nor 1),
``table_not_imported`` (PrevPerm, DoLo). Other codes are kept as given, or mapped as
above (SEX, MOTHER, FOSTER_CARE); the store's checks report the unknown ones.

Periods of care: a child's episodes, in DECOM order, belong to one period of care while each
DECOM equals the previous episode's DEC. Ids are made from the child's id: periods
``<child>-P1``, episodes ``<child>-E1``, placements ``<child>-PL1``, legal statuses
``<child>-LS1`` and home addresses ``<child>-HA1`` (numbered in date order), reviews
``<child>-R1``, missing episodes ``-M1``, health checks ``-H1``, SDQs ``-SDQ1``, substance
misuse ``-SM1``, convictions ``-CV1``, UASC statuses ``-UASC1``, care leaver rows ``-CL1``,
permanence ``-PA1``/``-AD1`` and involvements ``-SW1`` (numbered in file order); an
immunisation status is keyed by the child.

Extract date: 31 March of ``collection_year`` when given (the 2024 collection ends on
31/03/2024). Otherwise the latest episode date (DECOM or DEC) that is not after the day of the
import: every 903 return has episodes, and their dates stay within the collection year where
other tables' need not (the sample returns hold review dates years ahead). Review, missing,
adoption and social-worker dates are used only when there are no episodes; birth dates never.
Dates after the import day are data errors (the store reports them), not the as-at date. None
when the files hold no such date.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from casegrip.model.extract import Extract, SourceFile
from casegrip.model.findings import Finding, Severity, SourceError
from casegrip.model.schema import SOURCE_ROW, conform, table

from ._903_files import File903, read_file
from .dates import parse_date

SOURCE = "ssda903"
TABLES = (
    "ssd_person",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_legal_status",
    "ssd_cla_reviews",
    "ssd_missing",
    "ssd_cla_health",
    "ssd_care_leavers",
    "ssd_permanence",
    "ssd_involvements",
    "ssd_professionals",
    "ssd_sdq_scores",
    "ssd_cla_immunisations",
    "ssd_cla_substance_misuse",
    "ssd_cla_convictions",
    "ssd_address",
    "ssd_immigration_status",
)

SEX = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U", "MALE": "M", "FEMALE": "F"}
YES_NO = {"1": "Y", "0": "N", "TRUE": "Y", "FALSE": "N", "Y": "Y", "N": "N"}
UPN_UNKNOWN = re.compile(r"UN[1-7]", re.IGNORECASE)
ACCOM = re.compile(r"([A-Z])([12])")
NEW_PLACEMENT_RNE = frozenset({"S", "P", "T", "B", "U"})
PLACEMENT_COLUMNS = ("PLACE", "PLACE_PROVIDER", "PL_POST", "URN")
PLACED_FOR_ADOPTION = frozenset({"A3", "A4", "A5", "A6"})
PLACEMENT_ORDER = frozenset({"E1", "D1"})
PERMANENCE_ORDER = {
    "E11": "Adoption",
    "E12": "Adoption",
    "E43": "Special Guardianship Order",
    "E44": "Special Guardianship Order",
    "E47": "Special Guardianship Order",
    "E48": "Special Guardianship Order",
    "E41": "Child Arrangements Order",
    "E45": "Child Arrangements Order",
    "E46": "Child Arrangements Order",
}
HEALTH_CHECKS = {
    "HEALTH_ASSESSMENT": "Health Assessment",
    "TEETH_CHECK": "Dental Check",
    "HEALTH_CHECK": "Health Surveillance Check",
}


def read_ssda903(path: Path | list[Path], collection_year: int | None = None) -> Extract:
    """Read one SSDA903 return (a folder of CSV files, or a list of them) as an ``Extract``."""
    files: dict[str, File903] = {}
    for file_path in _csv_paths(path):
        read = read_file(file_path)
        earlier = files.get(read.table.name)
        if earlier is not None:
            raise SourceError(
                read.name,
                f"holds the 903 {read.table.name} table, as {earlier.name} does: "
                "give one 903 return at a time",
            )
        files[read.table.name] = read
    return _Mapping(files).extract(collection_year)


def _csv_paths(path: Path | list[Path]) -> list[Path]:
    if isinstance(path, (list, tuple)):
        paths = [Path(p) for p in path]
    elif Path(path).is_dir():
        paths = sorted(p for p in Path(path).iterdir() if p.suffix.lower() == ".csv")
        if not paths:
            raise SourceError(Path(path).name, "is a folder with no CSV files")
    else:
        paths = [Path(path)]
    if not paths:
        raise SourceError("", "no files were given")
    return paths


@dataclass
class _Episode:
    row: int
    start: date | None
    end: date | None
    values: dict[str, str | None]


@dataclass
class _Period:
    id: str
    start: date | None
    end: date | None = None
    episodes: list[_Episode] = field(default_factory=list)

    def holds(self, day: date) -> bool:
        return (
            self.start is not None and self.start <= day and (self.end is None or day <= self.end)
        )


class _Row:
    """One data row of a 903 file, read into one canonical table: its cells, and findings."""

    __slots__ = ("canonical", "file", "mapping", "row", "values")

    def __init__(
        self, mapping: "_Mapping", file: File903, canonical: str, row: int, values: dict
    ) -> None:
        self.mapping, self.file, self.canonical = mapping, file, canonical
        self.row, self.values = row, values

    def get(self, column: str) -> str | None:
        return self.values.get(column)

    def report(
        self,
        rule: str,
        column: str,
        value: str,
        message: str,
        severity: Severity,
        table: str | None = None,
    ):
        """A finding on this row, against its canonical table unless ``table`` says another."""
        self.mapping.findings.append(
            Finding(
                rule,
                table or self.canonical,
                self.row,
                column,
                value,
                message,
                severity,
                self.file.name,
            )
        )

    def child(self) -> tuple[str | None, str]:
        """The child's id, and the key generated ids start with (never blank)."""
        child = self.values.get("CHILD")
        if child is not None:
            return child, child
        message = "The row has no CHILD id: it cannot be linked to a child."
        self.report("missing_child_id", "CHILD", "", message, Severity.ERROR)
        return None, f"{self.file.table.name}#{self.row}"

    def date(self, column: str, event: bool = True) -> date | None:
        """The date in a cell. ``event``: a date that may say how recent the return is."""
        value = self.values.get(column)
        try:
            day = parse_date(value)
        except ValueError:
            message = f"{column} {value!r} is not a date (DD/MM/YYYY or YYYY-MM-DD); left blank."
            self.report("unparseable_date", column, value or "", message, Severity.ERROR)
            return None
        if event and day is not None:
            self.mapping.saw(day, episode=column in ("DECOM", "DEC"))
        return day

    def code(self, column: str, codes: dict[str, str]) -> str | None:
        """The canonical code for a 903 code. An unknown code is kept as given: the store's
        ``unknown_code`` check reports it."""
        value = self.values.get(column)
        if value is None:
            return None
        return codes.get(value.upper().removesuffix(".0"), value)

    def yes_no(
        self, column: str, table: str | None = None, odd: str = "it was not imported"
    ) -> str | None:
        """A 0/1 flag as Y or N; None when blank, or when neither (reported against ``table``,
        the one it would have gone to, saying what became of it)."""
        value = self.code(column, YES_NO)
        if value in (None, "Y", "N"):
            return value
        message = f"{column} {value!r} is neither 1 nor 0; {odd}."
        self.report("unknown_code", column, value, message, Severity.WARNING, table)
        return None

    def flag(self, column: str) -> bool:
        """Whether a 0/1 flag that is not kept as a value is set; an odd value is reported."""
        return self.yes_no(column, odd="it was read as 0") == "Y"

    def integer(self, column: str) -> int | None:
        value = self.values.get(column)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            number = 0.5
        if not number.is_integer():
            message = f"{column} {value!r} is not a whole number; it was left blank."
            self.report("unparseable_integer", column, value, message, Severity.ERROR)
            return None
        return int(number)


class _Mapping:
    def __init__(self, files: dict[str, File903]) -> None:
        self.files = files
        self.findings: list[Finding] = [f for read in files.values() for f in read.findings]
        self.today = date.today()
        self.latest: dict[bool, date] = {}  # is it an episode date -> the latest seen
        self.periods: dict[str, list[_Period]] = defaultdict(list)
        self.numbers: dict[tuple[str, str], int] = defaultdict(int)

    def rows(self, name: str, canonical: str) -> list[_Row]:
        """The rows of the 903 table ``name`` (none if it was not given)."""
        file = self.files.get(name)
        if file is None:
            return []
        return [_Row(self, file, canonical, row, values) for row, values in file.rows]

    def number(self, name: str, key: str) -> int:
        """The next 1-based number for an id made from ``key`` in canonical table ``name``."""
        self.numbers[name, key] += 1
        return self.numbers[name, key]

    def saw(self, day: date, episode: bool) -> None:
        if day <= self.today and day > self.latest.get(episode, date.min):
            self.latest[episode] = day

    def period_at(self, key: str, day: date | None) -> _Period | None:
        if day is None:
            return None
        return next((p for p in reversed(self.periods.get(key, ())) if p.holds(day)), None)

    def extract(self, collection_year: int | None) -> Extract:
        out: dict[str, list[dict]] = {name: [] for name in TABLES}
        self.person(out)
        self.episodes(out)  # also placements and legal statuses, and the periods of care
        self.reviews(out)
        self.missing(out)
        self.health(out)
        self.outcomes(out)
        self.uasc(out)
        self.care_leavers(out)
        self.permanence(out)
        self.involvements(out)  # also professionals
        for file in self.files.values():
            if file.table.canonical is None:
                self.findings.append(
                    Finding(
                        "table_not_imported",
                        file.table.name,
                        None,
                        "",
                        "",
                        f"The 903 {file.table.name} table was recognised but not imported: "
                        f"{file.table.why_not}.",
                        Severity.WARNING,
                        file.name,
                    )
                )
        tables = {
            name: conform(name, pa.Table.from_pylist(out[name], schema=table(name).arrow_schema()))
            for name in TABLES
        }
        if collection_year:
            extract_date = date(collection_year, 3, 31)
        else:
            extract_date = self.latest.get(True, self.latest.get(False))
        return Extract(
            source=SOURCE,
            tables=tables,
            findings=self.findings,
            files=[SourceFile(f.name, f.sha256, len(f.rows)) for f in self.files.values()],
            extract_date=extract_date,
        )

    # -- one method per 903 table --------------------------------------------------------

    def person(self, out: dict[str, list[dict]]) -> None:
        for row in self.rows("Header", "ssd_person"):
            child, _ = row.child()
            upn, upn_unknown = row.get("UPN"), None
            if upn is not None and UPN_UNKNOWN.fullmatch(upn):
                upn, upn_unknown = None, upn.upper()
            out["ssd_person"].append(
                {
                    "pers_person_id": child,
                    "pers_upn": upn,
                    "pers_upn_unknown": upn_unknown,
                    "pers_sex": row.code("SEX", SEX),
                    "pers_ethnicity": row.get("ETHNIC"),
                    "pers_dob": row.date("DOB", event=False),
                    "pers_is_mother": row.code("MOTHER", YES_NO),
                    SOURCE_ROW: row.row,
                }
            )

    def episodes(self, out: dict[str, list[dict]]) -> None:
        by_child: dict[str, list[_Episode]] = defaultdict(list)
        people: dict[str, str | None] = {}
        for row in self.rows("Episodes", "ssd_cla_episodes"):
            child, key = row.child()
            people[key] = child
            by_child[key].append(_Episode(row.row, row.date("DECOM"), row.date("DEC"), row.values))
        for key, episodes in by_child.items():
            episodes.sort(key=lambda e: (e.start is None, e.start or date.min, e.row))
            self.periods_of_care(out, people[key], key, episodes)

    def periods_of_care(
        self, out: dict[str, list[dict]], child: str | None, key: str, episodes: list[_Episode]
    ) -> None:
        """A child's episodes, in date order, as episodes, placements and legal statuses."""
        previous: _Episode | None = None
        placement: dict = {}
        legal: dict = {}
        home: dict = {}
        for number, episode in enumerate(episodes, 1):
            values = episode.values
            same_period = (
                previous is not None and episode.start is not None and episode.start == previous.end
            )
            if not same_period:
                period = _Period(f"{key}-P{len(self.periods[key]) + 1}", episode.start)
                self.periods[key].append(period)
            period.episodes.append(episode)
            period.end = episode.end

            if not same_period or _new_placement(previous, episode):
                placement = {
                    "clap_cla_placement_id": f"{key}-PL{self.number('ssd_cla_placement', key)}",
                    "clap_cla_id": period.id,
                    "clap_person_id": child,
                    "clap_cla_placement_start_date": episode.start,
                    "clap_cla_placement_type": values.get("PLACE"),
                    "clap_cla_placement_provider": values.get("PLACE_PROVIDER"),
                    "clap_cla_placement_postcode": values.get("PL_POST"),
                    "clap_cla_placement_urn": values.get("URN"),
                    SOURCE_ROW: episode.row,
                }
                out["ssd_cla_placement"].append(placement)
            placement["clap_cla_placement_end_date"] = episode.end
            if values.get("REASON_PLACE_CHANGE") is not None:
                placement["clap_cla_placement_change_reason"] = values["REASON_PLACE_CHANGE"]

            if not same_period or values.get("LS") != previous.values.get("LS"):
                legal = {
                    "lega_legal_status_id": f"{key}-LS{self.number('ssd_legal_status', key)}",
                    "lega_person_id": child,
                    "lega_legal_status": values.get("LS"),
                    "lega_legal_status_start_date": episode.start,
                    SOURCE_ROW: episode.row,
                }
                out["ssd_legal_status"].append(legal)
            legal["lega_legal_status_end_date"] = episode.end

            post = values.get("HOME_POST")
            if post is None:
                home = {}
            elif not same_period or home.get("addr_address_postcode") != post:
                home = {
                    "addr_table_id": f"{key}-HA{self.number('ssd_address', key)}",
                    "addr_person_id": child,
                    "addr_address_type": "Home",
                    "addr_address_start_date": episode.start,
                    "addr_address_postcode": post,
                    SOURCE_ROW: episode.row,
                }
                out["ssd_address"].append(home)
            if home:
                home["addr_address_end_date"] = episode.end

            out["ssd_cla_episodes"].append(
                {
                    "clae_cla_episode_id": f"{key}-E{number}",
                    "clae_person_id": child,
                    "clae_cla_placement_id": placement["clap_cla_placement_id"],
                    "clae_cla_episode_start_date": episode.start,
                    "clae_cla_episode_start_reason": values.get("RNE"),
                    "clae_cla_primary_need_code": values.get("CIN"),
                    "clae_cla_episode_ceased_date": episode.end,
                    "clae_cla_episode_ceased_reason": values.get("REC"),
                    "clae_cla_id": period.id,
                    "clae_entered_care_date": period.start,
                    SOURCE_ROW: episode.row,
                }
            )
            previous = episode

    def reviews(self, out: dict[str, list[dict]]) -> None:
        for row in self.rows("Reviews", "ssd_cla_reviews"):
            child, key = row.child()
            day = row.date("REVIEW")
            period = self.period_at(key, day)
            out["ssd_cla_reviews"].append(
                {
                    "clar_cla_review_id": f"{key}-R{self.number('ssd_cla_reviews', key)}",
                    "clar_cla_id": period.id if period else None,
                    "clar_cla_person_id": child,
                    "clar_cla_review_date": day,
                    "clar_cla_review_participation": row.get("REVIEW_CODE"),
                    SOURCE_ROW: row.row,
                }
            )

    def missing(self, out: dict[str, list[dict]]) -> None:
        for row in self.rows("Missing", "ssd_missing"):
            child, key = row.child()
            out["ssd_missing"].append(
                {
                    "miss_table_id": f"{key}-M{self.number('ssd_missing', key)}",
                    "miss_person_id": child,
                    "miss_missing_episode_start_date": row.date("MIS_START"),
                    "miss_missing_episode_end_date": row.date("MIS_END"),
                    "miss_missing_episode_type": row.get("MISSING"),
                    SOURCE_ROW: row.row,
                }
            )

    def health(self, out: dict[str, list[dict]]) -> None:
        for row in self.rows("OC2", "ssd_cla_health"):
            child, key = row.child()
            for column, kind in HEALTH_CHECKS.items():
                if row.flag(column):
                    out["ssd_cla_health"].append(
                        {
                            "clah_health_check_id": f"{key}-H{self.number('ssd_cla_health', key)}",
                            "clah_person_id": child,
                            "clah_health_check_type": kind,
                            "clah_health_check_status": "Completed",
                            SOURCE_ROW: row.row,
                        }
                    )

    def outcomes(self, out: dict[str, list[dict]]) -> None:
        """OC2's SDQ, immunisations, substance misuse and convictions, each in its SSD table."""
        for row in self.rows("OC2", "ssd_sdq_scores"):
            # health() has read the same rows and reported a missing CHILD once already
            child = row.get("CHILD")
            key = child if child is not None else f"OC2#{row.row}"
            score, reason = row.integer("SDQ_SCORE"), row.get("SDQ_REASON")
            if score is not None or reason is not None:
                out["ssd_sdq_scores"].append(
                    {
                        "csdq_table_id": f"{key}-SDQ{self.number('ssd_sdq_scores', key)}",
                        "csdq_person_id": child,
                        "csdq_sdq_score": score,
                        "csdq_sdq_reason": reason,
                        SOURCE_ROW: row.row,
                    }
                )
            immunised = row.yes_no("IMMUNISATIONS", "ssd_cla_immunisations")
            if immunised is not None:
                out["ssd_cla_immunisations"].append(
                    {
                        "clai_person_id": child,
                        "clai_immunisations_status": immunised,
                        SOURCE_ROW: row.row,
                    }
                )
            if row.yes_no("SUBSTANCE_MISUSE", "ssd_cla_substance_misuse") == "Y":
                number = self.number("ssd_cla_substance_misuse", key)
                out["ssd_cla_substance_misuse"].append(
                    {
                        "clas_substance_misuse_id": f"{key}-SM{number}",
                        "clas_person_id": child,
                        "clas_intervention_received": row.yes_no(
                            "INTERVENTION_RECEIVED", "ssd_cla_substance_misuse"
                        ),
                        SOURCE_ROW: row.row,
                    }
                )
            if row.yes_no("CONVICTED", "ssd_cla_convictions") == "Y":
                number = self.number("ssd_cla_convictions", key)
                out["ssd_cla_convictions"].append(
                    {
                        "clac_cla_conviction_id": f"{key}-CV{number}",
                        "clac_person_id": child,
                        SOURCE_ROW: row.row,
                    }
                )

    def uasc(self, out: dict[str, list[dict]]) -> None:
        # Every child in the 903 UASC table was an unaccompanied asylum-seeking child in the
        # year; DUC is when that ended (or ends: the 18th birthday).
        for row in self.rows("UASC", "ssd_immigration_status"):
            child, key = row.child()
            out["ssd_immigration_status"].append(
                {
                    "immi_immigration_status_id": (
                        f"{key}-UASC{self.number('ssd_immigration_status', key)}"
                    ),
                    "immi_person_id": child,
                    "immi_immigration_status": "UASC",
                    "immi_immigration_status_end_date": row.date("DUC", event=False),
                    SOURCE_ROW: row.row,
                }
            )

    def care_leavers(self, out: dict[str, list[dict]]) -> None:
        for row in self.rows("OC3", "ssd_care_leavers"):
            child, key = row.child()
            accommodation, suitable = row.get("ACCOM"), None
            split = ACCOM.fullmatch((accommodation or "").upper())
            if split:
                accommodation, suitable = split.group(1), split.group(2)
            out["ssd_care_leavers"].append(
                {
                    "clea_table_id": f"{key}-CL{self.number('ssd_care_leavers', key)}",
                    "clea_person_id": child,
                    "clea_care_leaver_in_touch": row.get("IN_TOUCH"),
                    "clea_care_leaver_activity": row.get("ACTIV"),
                    "clea_care_leaver_accommodation": accommodation,
                    "clea_care_leaver_accom_suitable": suitable,
                    SOURCE_ROW: row.row,
                }
            )

    def permanence(self, out: dict[str, list[dict]]) -> None:
        made: list[tuple[str, dict]] = []
        by_decision: dict[tuple[str, date], dict] = {}
        for row in self.rows("PlacedAdoption", "ssd_permanence"):
            child, key = row.child()
            decision = row.date("DATE_PLACED")
            record = {
                "perm_table_id": f"{key}-PA{self.number('ssd_permanence', key)}",
                "perm_person_id": child,
                "perm_adm_decision_date": decision,
                "perm_decision_reversed_date": row.date("DATE_PLACED_CEASED"),
                "perm_decision_reversed_reason": row.get("REASON_PLACED_CEASED"),
                SOURCE_ROW: row.row,
            }
            made.append((key, record))
            if decision is not None:
                by_decision.setdefault((key, decision), record)

        for row in self.rows("AD1", "ssd_permanence"):
            child, key = row.child()
            decision = row.date("DATE_INT")
            record = by_decision.get((key, decision)) if decision else None
            if record is None:
                record = {
                    "perm_table_id": f"{key}-AD{self.number('ssd_permanence', key)}",
                    "perm_person_id": child,
                    "perm_adm_decision_date": decision,
                    SOURCE_ROW: row.row,
                }
                made.append((key, record))
            record.update(
                {
                    "perm_matched_date": row.date("DATE_MATCH"),
                    "perm_adopted_by_carer_flag": row.code("FOSTER_CARE", YES_NO),
                    "perm_number_of_adopters": row.integer("NB_ADOPTR"),
                    "perm_adopter_sex": row.get("SEX_ADOPTR"),
                    "perm_adopter_legal_status": row.get("LS_ADOPTR"),
                }
            )

        for key, record in made:
            period = self.period_at(key, record["perm_adm_decision_date"])
            if period is not None:
                record.update(_from_period(period))
            out["ssd_permanence"].append(record)

    def involvements(self, out: dict[str, list[dict]]) -> None:
        workers: dict[str, int] = {}  # SW_ID -> the first row that names it
        for row in self.rows("SWEpisodes", "ssd_involvements"):
            child, key = row.child()
            worker = row.get("SW_ID")
            if worker is not None:
                workers.setdefault(worker, row.row)
            out["ssd_involvements"].append(
                {
                    "invo_involvements_id": f"{key}-SW{self.number('ssd_involvements', key)}",
                    "invo_professional_id": worker,
                    "invo_professional_role_id": "CW",
                    "invo_person_id": child,
                    "invo_involvement_start_date": row.date("SW_DECOM"),
                    "invo_involvement_end_date": row.date("SW_DEC"),
                    "invo_worker_change_reason": row.get("SW_REASON"),
                    SOURCE_ROW: row.row,
                }
            )
        out["ssd_professionals"].extend(
            {
                "prof_professional_id": worker,
                "prof_social_worker_registration_no": worker,
                SOURCE_ROW: first,
            }
            for worker, first in workers.items()
        )


def _new_placement(previous: _Episode, episode: _Episode) -> bool:
    if (episode.values.get("RNE") or "").upper() in NEW_PLACEMENT_RNE:
        return True
    return any(previous.values.get(c) != episode.values.get(c) for c in PLACEMENT_COLUMNS)


def _from_period(period: _Period) -> dict:
    """What the episodes of a period of care say about an adoption decision made in it."""
    found: dict = {"perm_cla_id": period.id}
    for episode in period.episodes:
        if (episode.values.get("PLACE") or "").upper() in PLACED_FOR_ADOPTION:
            found.setdefault("perm_placed_for_adoption_date", episode.start)
        if (episode.values.get("LS") or "").upper() in PLACEMENT_ORDER:
            found.setdefault("perm_placement_order_date", episode.start)
    last = period.episodes[-1]
    order = PERMANENCE_ORDER.get((last.values.get("REC") or "").upper())
    if order is not None and last.end is not None:
        found["perm_permanence_order_date"] = last.end
        found["perm_permanence_order_type"] = order
    return found

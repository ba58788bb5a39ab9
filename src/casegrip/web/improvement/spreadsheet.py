"""Reading an action plan from a spreadsheet laid out like a council's post-inspection action
plan table: a header row (No, Recommendation, Lead, Performance Management Framework, Measure,
Action, Timescale, Progress Note, Partnership Focus, Link Plans, Governance, Impact), then for
each recommendation a row with its number, followed by rows that add actions (and further
measures, frameworks or governance lines) until the next number.

Everything is read and checked before anything is saved: ``read_plan`` returns the whole plan
or raises ``SheetInvalid`` listing every problem by sheet, row and column. Knows nothing of the
database.
"""

import io
import re
import warnings
import zipfile
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from . import states

MAX_ROWS = 3000
MAX_CELL = 5000  # characters
MAX_PROBLEMS = 30
HEADER_SEARCH = 15  # rows a title block may take above the header row

# field -> headings it is known by (compared lower-case, without punctuation)
HEADINGS: dict[str, tuple[str, ...]] = {
    "ref": ("no", "ref", "number", "rec no", "recommendation no", "priority no"),
    "recommendation": ("recommendation", "recommendations", "priority", "what"),
    "workstream": ("workstream",),
    "lead": ("lead", "strategic lead", "who", "lead officer"),
    "action_lead": ("action lead", "action owner"),
    "performance_framework": ("performance management framework", "pmf"),
    "measure": ("measure", "measures", "success measures", "success measure"),
    "indicators": ("indicators", "indicator ids", "catalogue indicators", "linked indicators"),
    "action": ("action", "actions", "action s"),
    "start": ("start", "start date"),
    "timescale": ("timescale", "timescales", "when", "due", "due date", "deadline"),
    "status": ("status", "current status"),
    "progress": ("progress note", "progress notes", "progress", "progress update"),
    "partnership_focus": ("partnership focus", "partnership"),
    "link_plans": ("link plans", "linked plans", "link plan"),
    "governance": ("governance", "governance body"),
    "impact": ("impact", "impact statement"),
}
REQUIRED = ("ref", "recommendation", "action", "timescale")
LABELS = {
    "ref": "No",
    "recommendation": "Recommendation",
    "action": "Action",
    "timescale": "Timescale",
}

# Status words as plans write them -> status
STATUS_WORDS = {
    "not due": states.NOT_DUE,
    "not started": states.NOT_DUE,
    "not yet due": states.NOT_DUE,
    "in progress": states.IN_PROGRESS,
    "on track": states.IN_PROGRESS,
    "started": states.IN_PROGRESS,
    "partially complete": states.PARTIALLY_COMPLETE,
    "partially completed": states.PARTIALLY_COMPLETE,
    "part complete": states.PARTIALLY_COMPLETE,
    "complete": states.COMPLETED,
    "completed": states.COMPLETED,
    "done": states.COMPLETED,
    "impact evidenced": states.IMPACT_EVIDENCED,
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?\s+(\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"^(?:throughout|during|by end of|end of|end)?\s*(\d{4})$")
ONGOING = ("ongoing", "continuous", "throughout the plan", "n/a", "")


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None  # the column's letter
    heading: str
    message: str

    def __str__(self) -> str:
        where = [f"Sheet '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}" + (f" ({self.heading})" if self.heading else ""))
        return (", ".join(where) + ": " if where else "") + self.message


class SheetInvalid(Exception):
    """The workbook cannot be imported; ``problems`` say where and why. Nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class ParsedAction:
    row: int
    ref: str
    text: str
    lead: str
    start_date: date | None
    due_date: date | None
    timescale: str
    status: str
    completed_on: date | None
    progress: str


@dataclass
class ParsedRecommendation:
    row: int
    ref: str
    text: str
    lead: str = ""
    workstream: str = ""
    performance_framework: str = ""
    success_measures: str = ""
    indicators: list[tuple[str, float | None]] = field(default_factory=list)
    partnership_focus: str = ""
    link_plans: list[str] = field(default_factory=list)
    governance_body: str = ""
    impact: str = ""
    actions: list[ParsedAction] = field(default_factory=list)


@dataclass
class ParsedPlan:
    sheet: str
    recommendations: list[ParsedRecommendation]

    @property
    def action_count(self) -> int:
        return sum(len(r.actions) for r in self.recommendations)


def _heading_key(value: object) -> str:
    text = re.sub(r"[^a-z0-9]+", " ", str(value or "").lower())
    return " ".join(text.split())


def _field_of(heading: str) -> str | None:
    for name, known in HEADINGS.items():
        if heading in known:
            return name
    for name, known in HEADINGS.items():  # "Timescale reported at end of month"
        if any(heading.startswith(k + " ") for k in known if len(k) > 3):
            return name
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def end_of_month(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def parse_when(value: object) -> tuple[date | None, str]:
    """A due date from a timescale cell: a date, "End April 2018", "30/04/2018", "Throughout
    2018" or "Ongoing" (no date). Where a cell gives several dates (a pilot, then a roll-out),
    the last is the due date. Raises ValueError when it gives none."""
    if isinstance(value, datetime):
        return value.date(), value.date().strftime("%-d %B %Y")
    if isinstance(value, date):
        return value, value.strftime("%-d %B %Y")
    text = _text(value)
    lowered = " ".join(text.lower().split())
    if lowered in ONGOING:
        return None, text
    found: list[date] = []
    rest = lowered
    for day, month, year in _DAY_MONTH_YEAR.findall(rest):
        found.append(date(int(year), MONTHS[month], int(day)))
    rest = _DAY_MONTH_YEAR.sub(" ", rest)
    for month, year in _MONTH_YEAR.findall(rest):
        found.append(end_of_month(int(year), MONTHS[month]))
    for day, month, year in _SLASHED.findall(rest):
        full = int(year) + (2000 if len(year) == 2 else 0)
        found.append(date(full, int(month), int(day)))
    for year, month, day in _ISO.findall(rest):
        found.append(date(int(year), int(month), int(day)))
    whole_year = _YEAR.match(lowered)
    if whole_year:
        found.append(date(int(whole_year.group(1)), 12, 31))
    if not found:
        raise ValueError(
            f"cannot read {text!r} as a date: write a date such as 30/04/2018, "
            "'End April 2018', 'Throughout 2018' or 'Ongoing'"
        )
    return max(found), text


def status_from(text: str) -> str | None:
    """The status a cell's leading words name ("Completed - Jan 2018"), or None."""
    lead = re.split(r"\s[-\u2013:]\s|[-\u2013:]\s|\n", text.strip(), maxsplit=1)[0]
    return STATUS_WORDS.get(_heading_key(lead))


def _load(data: bytes):
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it skips (data validation, conditional formats).
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SheetInvalid(
            [Problem("", None, None, "", "This file is not an Excel workbook (.xlsx).")]
        ) from None


def read_plan(data: bytes, *, known_indicator: Callable[[str], bool]) -> ParsedPlan:
    """The plan on the workbook's first sheet, checked whole."""
    book = _load(data)
    try:
        sheet = book.worksheets[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = []
            for row in sheet.iter_rows(min_row=1, values_only=True):
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    raise SheetInvalid(
                        [
                            Problem(
                                sheet.title,
                                None,
                                None,
                                "",
                                f"The sheet has more than {MAX_ROWS:,} rows; split the plan.",
                            )
                        ]
                    )
        return _Reader(sheet.title, known_indicator).read(rows)
    finally:
        book.close()


class _Reader:
    def __init__(self, sheet: str, known_indicator: Callable[[str], bool]) -> None:
        self.sheet = sheet
        self.known_indicator = known_indicator
        self.problems: list[Problem] = []
        self.columns: dict[str, int] = {}
        self.headings: dict[str, str] = {}

    def problem(self, row: int | None, name: str | None, message: str) -> None:
        column = get_column_letter(self.columns[name] + 1) if name in self.columns else None
        heading = self.headings.get(name, "") if name else ""
        self.problems.append(Problem(self.sheet, row, column, heading, message))

    def read(self, rows: list[tuple]) -> ParsedPlan:
        header = self._header(rows)
        if header is None:
            raise SheetInvalid(self.problems)
        plan = ParsedPlan(self.sheet, [])
        refs: set[str] = set()
        current: ParsedRecommendation | None = None
        for number, raw in enumerate(rows[header:], start=header + 1):
            cells = {name: raw[i] if i < len(raw) else None for name, i in self.columns.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            for name, value in cells.items():
                if len(_text(value)) > MAX_CELL:
                    self.problem(number, name, f"more than {MAX_CELL:,} characters.")
            ref = _text(cells.get("ref"))
            if ref:
                current = self._recommendation(number, ref, cells, refs)
                if current is not None:
                    plan.recommendations.append(current)
            elif current is None:
                self.problem(
                    number,
                    "ref",
                    "this row comes before any recommendation: give the recommendation's "
                    "number in this column on its first row.",
                )
                continue
            else:
                more = _text(cells.get("recommendation"))
                if more:  # a recommendation that runs over onto the next row
                    current.text = f"{current.text} {more}"
            if current is not None:
                self._recommendation_lines(number, current, cells, first=bool(ref))
                self._action(number, current, cells, first=bool(ref))
            if len(self.problems) >= MAX_PROBLEMS:
                break
        if not plan.recommendations and not self.problems:
            self.problem(None, None, "There are no recommendations below the header row.")
        if self.problems:
            raise SheetInvalid(self.problems[:MAX_PROBLEMS])
        return plan

    def _header(self, rows: list[tuple]) -> int | None:
        """The number of the header row (1-based), the columns set from it."""
        best: tuple[int, int, dict[str, int], dict[str, str]] | None = None
        for number, raw in enumerate(rows[:HEADER_SEARCH], start=1):
            columns: dict[str, int] = {}
            headings: dict[str, str] = {}
            for i, value in enumerate(raw):
                name = _field_of(_heading_key(value))
                if name and name not in columns:
                    columns[name], headings[name] = i, _text(value)
            if len(columns) >= 3 and (best is None or len(columns) > best[1]):
                best = (number, len(columns), columns, headings)
        if best is None:
            self.problem(
                None,
                None,
                f"No header row in the first {HEADER_SEARCH} rows: the plan needs columns "
                "headed No, Recommendation, Action and Timescale.",
            )
            return None
        number, _, self.columns, self.headings = best
        missing = [LABELS[n] for n in REQUIRED if n not in self.columns]
        if missing:
            self.problems.append(
                Problem(
                    self.sheet,
                    number,
                    None,
                    "",
                    f"the header row has no column headed {' or '.join(missing)}.",
                )
            )
            return None
        return number

    def _recommendation(
        self, number: int, ref: str, cells: dict, refs: set[str]
    ) -> ParsedRecommendation | None:
        text = _text(cells.get("recommendation"))
        if len(ref) > 16:
            self.problem(number, "ref", f"{ref[:20]!r} is too long for a number (16 characters).")
            return None
        if ref in refs:
            self.problem(number, "ref", f"recommendation {ref} appears twice.")
            return None
        refs.add(ref)
        if not text:
            self.problem(number, "recommendation", f"recommendation {ref} has no text.")
        return ParsedRecommendation(
            row=number,
            ref=ref,
            text=text,
            lead=self._short(number, "lead", _text(cells.get("lead"))),
            workstream=self._short(number, "workstream", _text(cells.get("workstream"))),
        )

    def _short(self, number: int, name: str, value: str, limit: int = 200) -> str:
        if len(value) > limit:
            self.problem(number, name, f"more than {limit} characters.")
        return value[:limit]

    def _recommendation_lines(
        self, number: int, rec: ParsedRecommendation, cells: dict, *, first: bool
    ) -> None:
        def add(existing: str, name: str) -> str:
            value = _text(cells.get(name))
            if not value:
                return existing
            return f"{existing}\n{value}" if existing else value

        rec.performance_framework = add(rec.performance_framework, "performance_framework")
        rec.success_measures = add(rec.success_measures, "measure")
        rec.partnership_focus = add(rec.partnership_focus, "partnership_focus")
        rec.governance_body = add(rec.governance_body, "governance")
        rec.impact = add(rec.impact, "impact")
        if len(rec.governance_body) > 300:
            self.problem(number, "governance", "the governance bodies run over 300 characters.")
        for name in re.split(r"[\n;]+", _text(cells.get("link_plans"))):
            if name.strip() and name.strip() not in rec.link_plans:
                rec.link_plans.append(name.strip())
        for token in re.split(r"[\s,;]+", _text(cells.get("indicators"))):
            if not token:
                continue
            measure_id, _, target = token.partition("=")
            if not self.known_indicator(measure_id):
                self.problem(
                    number,
                    "indicators",
                    f"{measure_id!r} is not an indicator in the catalogue "
                    "(`casegrip measures list` shows their ids).",
                )
                continue
            try:
                value = float(target) if target else None
            except ValueError:
                self.problem(number, "indicators", f"the target {target!r} is not a number.")
                continue
            rec.indicators.append((measure_id, value))

    def _action(self, number: int, rec: ParsedRecommendation, cells: dict, *, first: bool) -> None:
        text = _text(cells.get("action"))
        progress = _text(cells.get("progress"))
        status_cell = _text(cells.get("status"))
        when = cells.get("timescale")
        if not text:
            if progress and rec.actions and not status_cell and _text(when) == "":
                rec.actions[-1].progress += f"\n{progress}"  # a note that runs onto a new row
            elif progress or status_cell or _text(when):
                self.problem(
                    number, "action", "this row has a timescale or progress but no action."
                )
            return
        try:
            due, timescale = parse_when(when)
        except ValueError as exc:
            self.problem(number, "timescale", f"{exc}.")
            due, timescale = None, ""
        start = None
        if _text(cells.get("start")):
            try:
                start, _ = parse_when(cells.get("start"))
            except ValueError as exc:
                self.problem(number, "start", f"{exc}.")
        if start and due and start > due:
            self.problem(number, "start", "the action starts after it is due.")
        if status_cell:
            status = status_from(status_cell)
            if status is None:
                allowed = ", ".join(states.ACTION.labels.values())
                self.problem(
                    number, "status", f"{status_cell!r} is not a status. Use one of: {allowed}."
                )
                status = states.NOT_DUE
        else:
            status = status_from(progress) or (states.IN_PROGRESS if progress else states.NOT_DUE)
        lead_name = "action_lead" if "action_lead" in self.columns else "lead"
        lead = _text(cells.get(lead_name)) if not first or lead_name == "action_lead" else ""
        rec.actions.append(
            ParsedAction(
                row=number,
                ref=f"{rec.ref}.{len(rec.actions) + 1}",
                text=text,
                lead=self._short(number, lead_name, lead or rec.lead),
                start_date=start,
                due_date=due,
                timescale=self._short(number, "timescale", timescale),
                status=status,
                completed_on=_completed_on(progress) if status in states.DONE else None,
                progress="" if progress and status_from(progress) and _bare(progress) else progress,
            )
        )


def _bare(progress: str) -> bool:
    """A progress cell that says only its status ("Not Due"), which is no note."""
    return _heading_key(progress) in STATUS_WORDS


def _completed_on(progress: str) -> date | None:
    """The date a progress note gives for the completion ("Completed - Jan 2018")."""
    try:
        return parse_when(progress)[0]
    except ValueError:
        return None

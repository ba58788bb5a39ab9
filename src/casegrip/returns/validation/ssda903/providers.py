"""Ofsted's provider lists, read as the DfE validator reads them, for the SSDA903 rules that look
up a placement's URN (``rules_providers``; ADR 0016).

Ofsted publishes its Children's Homes list and its Social Care Providers list as two XLSX files,
and lately both in one combined file (one sheet, or a sheet of providers and one of supported
accommodation). ``read_providers`` tells which a file is by its sheets and columns, never its
name, and gives each provider's row as the validator's ``construct_provider_info_table`` and
``scpch_provider_info_table`` (lac_validator/ingress.py) make it. ``load_providers`` puts the
rows in DuckDB as ``_providers_read``; ``load`` then adds each provider's upper-tier authority,
inferred from its postcode, and makes ``_providers``.

The files are read with openpyxl, as pandas (which the validator uses) reads them, cell by cell:
the validator's quirks that follow from pandas' reading are kept and said where they are."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from casegrip.returns.validation.sql import literal

# Not a table: the rules that look up a placement's URN name it among their tables, so that they
# run only when provider lists are given.
PROVIDERS = "providers"

# Text pandas' read_excel reads as blank (its default na_values): the validator never sees it.
PANDAS_BLANKS = frozenset(
    {
        "", " ", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
        "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    }
)  # fmt: skip

# The Children's Homes list's columns (one sheet, "Provider information"; or the settings sheet
# and, for the postcode, the addresses sheet), and the Social Care Providers list's.
CH_SHEET = "Provider information"
CH_SETTINGS, CH_ADDRESSES = "Settings and Inspection Info", "Address Details"
CH_COLUMNS = ("URN", "Local Authority", "Provider Code", "Provider Placement Code", "Closed Date")
CH_POSTCODES = ("Setting Postcode", "Setting Address Postcode")
SCP_COLUMNS = (
    "URN",
    "Local authority",
    "Placement code",
    "Placement provider code",
    "Deregistration date",
    "Setting postcode",
)
# The combined list's columns, matched in lower case as the validator matches them.
COMBINED_COLUMNS = (
    "urn",
    "local authority",
    "placement code",
    "placement provider code",
    "deregistration date",
    "setting address postcode",
)
SUPPORTED_COLUMNS = ("urn", "provider local authority", "closed date", "setting address postcode")
COMBINED_SHEETS = ({"Providers", "SA providers"}, {"Providers", "SA Providers"})

# _providers_read's columns: ``pos`` is the row's place in the validator's table, ``idx`` the
# row label pandas gives it (they differ only in the two-sheet combined list: see ``_combined``).
COLUMNS = (
    "pos BIGINT, idx BIGINT, URN VARCHAR, LA_NAME_FROM_FILE VARCHAR, PLACE_CODES VARCHAR,"
    " PROVIDER_CODES VARCHAR, REG_END DATE, POSTCODE VARCHAR, source VARCHAR"
)


class UnreadableProviders(ValueError):
    """A provider list that cannot be read, or is not one of Ofsted's layouts; the message
    names the file and what is missing."""


@dataclass
class Sheet:
    """One worksheet as pandas reads it: the first row names the columns, the rest are rows."""

    title: str
    columns: list[str]
    rows: list[tuple]

    def __post_init__(self) -> None:
        self.lowered = [c.lower() for c in self.columns]

    def get(self, row: tuple, column: str, lower: bool = False) -> object:
        at = (self.lowered if lower else self.columns).index(column)
        return row[at] if at < len(row) else None


Row = tuple[object, object, object, object, object, object]


def _read(path: Path) -> list[Sheet]:
    # Imported here: only a validation given provider lists needs it.
    import openpyxl

    if not path.is_file():
        raise UnreadableProviders(f"{path} does not exist. Nothing was checked.")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [_sheet(sheet) for sheet in book.worksheets]
        finally:
            book.close()
    # Whatever openpyxl meets in a file that is not a workbook (not a zip, a zip of something
    # else, broken XML in one) it raises as its own kind of error: each means the same here.
    except Exception as exc:
        raise UnreadableProviders(
            f"{path.name} cannot be read as an Excel (XLSX) file, so it is not one of Ofsted's"
            " provider lists. Nothing was checked."
        ) from exc


def _sheet(sheet) -> Sheet:
    rows = [tuple(_cell(v) for v in r) for r in sheet.iter_rows(values_only=True)]
    # pandas drops the empty rows at a sheet's end, but keeps those between rows.
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    header = rows[0] if rows else ()
    # pandas names a column with no heading "Unnamed: n"; no list needs one.
    columns = [str(v) if v is not None else f"Unnamed: {i}" for i, v in enumerate(header)]
    body = rows[1:]
    if "urn" in (lowered := [c.lower() for c in columns]):
        body = _numbers_as_pandas_reads_them(body, lowered.index("urn"))
    return Sheet(sheet.title, columns, body)


NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (
        isinstance(value, str) and bool(NUMBER.fullmatch(value))
    )


def _numbers_as_pandas_reads_them(rows: list[tuple], at: int) -> list[tuple]:
    """The sheet's rows with its URN column as pandas reads it: when every URN in the sheet is
    a number or digits written as text, pandas makes the column numbers, and a number never
    matches the return's URNs, which are text. (When every sheet is like that the validator
    cannot compare the URNs at all and its rules fail; here no URN is found.) In a sheet that
    has other URNs too, digits written as text stay text, and numbers stay numbers."""
    values = [r[at] if at < len(r) else None for r in rows]
    given = [v for v in values if v is not None]
    if not given or not all(_is_number(v) for v in given):
        return rows
    return [
        (*r[:at], float(r[at]) if r[at] is not None else None, *r[at + 1 :]) if at < len(r) else r
        for r in rows
    ]


def _cell(value: object) -> object:
    if isinstance(value, str) and value in PANDAS_BLANKS:
        return None
    return value


def _text(value: object) -> str | None:
    """A cell the validator treats as text; None for a blank or a number, which it cannot
    match with text (a number as URN never matches the return's, which are text)."""
    return value if isinstance(value, str) else None


def _codes(value: object) -> str | None:
    return value if isinstance(value, str) else None if value is None else str(value)


def _slashes(value: object) -> str | None:
    # The validator's str.replace("/", ","): a cell that is not text becomes blank.
    return value.replace("/", ",") if isinstance(value, str) else None


def _date(value: object) -> date | None:
    """A closing date: only a cell Excel holds as a date. (The validator keeps text such as "-"
    as it is; its rules 227 and 228 then fail on comparing it with a date. Here it is blank.)"""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _postcode(value: object) -> str | None:
    return value.replace(" ", "").upper() if isinstance(value, str) else None


def _missing(path: Path, sheet: str, columns: Iterable[str], have: Sequence[str]) -> str | None:
    lacking = [c for c in columns if c not in have]
    if not lacking:
        return None
    return f'{path.name}: the sheet "{sheet}" lacks the column(s) {", ".join(lacking)}.'


def _children_homes(path: Path, sheets: list[Sheet]) -> list[Row]:
    by_title = {s.title: s for s in sheets}
    if CH_SHEET in by_title:
        sheet = by_title[CH_SHEET]
        postcode = next((c for c in CH_POSTCODES if c in sheet.columns), CH_POSTCODES[0])
        if problem := _missing(path, CH_SHEET, [*CH_COLUMNS, postcode], sheet.columns):
            raise UnreadableProviders(problem)
        return [
            (*(sheet.get(r, c) for c in CH_COLUMNS), sheet.get(r, postcode)) for r in sheet.rows
        ]
    settings, addresses = by_title[CH_SETTINGS], by_title[CH_ADDRESSES]
    if problem := _missing(path, CH_SETTINGS, CH_COLUMNS, settings.columns):
        raise UnreadableProviders(problem)
    postcode = next((c for c in CH_POSTCODES if c in addresses.columns), None)
    if postcode is None or "URN" not in addresses.columns:
        raise UnreadableProviders(
            f'{path.name}: the sheet "{CH_ADDRESSES}" lacks the columns URN and Setting Postcode.'
        )
    # The validator joins the two sheets on URN, keeping the settings' order.
    found: dict[object, list[object]] = {}
    for r in addresses.rows:
        found.setdefault(addresses.get(r, "URN"), []).append(addresses.get(r, postcode))
    return [
        (*(settings.get(r, c) for c in CH_COLUMNS), code)
        for r in settings.rows
        for code in found.get(settings.get(r, "URN"), [])
    ]


def _social_care_providers(path: Path, sheets: list[Sheet]) -> list[Row]:
    current, closed = sheets[0], sheets[1]
    open_columns = [c for c in SCP_COLUMNS if c != "Deregistration date"]
    for sheet, needed in ((current, open_columns), (closed, SCP_COLUMNS)):
        if problem := _missing(path, sheet.title, needed, sheet.columns):
            raise UnreadableProviders(problem)
    rows = [
        tuple(None if c == "Deregistration date" else current.get(r, c) for c in SCP_COLUMNS)
        for r in current.rows
    ]
    rows += [tuple(closed.get(r, c) for c in SCP_COLUMNS) for r in closed.rows]
    return [r for r in rows if r[0] is not None]


def _is_children_homes(sheets: list[Sheet]) -> bool:
    titles = {s.title for s in sheets}
    return CH_SHEET in titles or {CH_SETTINGS, CH_ADDRESSES} <= titles


def _is_social_care_providers(sheets: list[Sheet]) -> bool:
    # Ofsted's names for its two sheets change each year ("Providers closed in 2022-23"): it is
    # the columns of the first that tell.
    return len(sheets) >= 2 and {"URN", "Placement provider code", "Setting postcode"} <= set(
        sheets[0].columns
    )


def _is_combined(sheets: list[Sheet]) -> bool:
    titles = {s.title for s in sheets}
    if any(titles == names for names in COMBINED_SHEETS):
        return True
    return len(sheets) == 1 and "provider type" in [c.lower() for c in sheets[0].columns]


def _combined(path: Path, sheets: list[Sheet]) -> list[tuple[int, Row]]:
    """The combined list's rows, each with the row label pandas gives it. The second sheet
    (supported accommodation) is placed K3, its closing date is its "closed date", its provider
    code PR4 unless it has a column of them; and its rows' labels start again from 0."""
    if len(sheets) == 1:
        sheet = sheets[0]
        names = [c.lower() for c in sheet.columns]
        if problem := _missing(path, sheet.title, COMBINED_COLUMNS, names):
            raise UnreadableProviders(problem)
        return [
            (i, tuple(sheet.get(r, c, lower=True) for c in COMBINED_COLUMNS))
            for i, r in enumerate(sheet.rows)
        ]
    providers = next(s for s in sheets if s.title == "Providers")
    supported = next(s for s in sheets if s.title != "Providers")
    # The validator stacks the two sheets and then takes the columns it needs: a column the
    # first sheet lacks is blank in its rows, so long as the second has it. The second always
    # gives all but "local authority" (it has "provider local authority" instead).
    names = [c.lower() for c in providers.columns]
    if problem := _missing(path, providers.title, ["local authority"], names):
        raise UnreadableProviders(problem)
    lower = [c.lower() for c in supported.columns]
    if problem := _missing(path, supported.title, SUPPORTED_COLUMNS, lower):
        raise UnreadableProviders(problem)
    rows = [
        (
            i,
            tuple(
                providers.get(r, c, lower=True) if c in names else None for c in COMBINED_COLUMNS
            ),
        )
        for i, r in enumerate(providers.rows)
    ]
    has_codes = "placement provider code" in lower
    for i, r in enumerate(supported.rows):
        rows.append(
            (
                i,
                (
                    supported.get(r, "urn", lower=True),
                    # The validator takes this sheet's "provider local authority" but then keeps
                    # only "local authority", which this sheet lacks: its rows have none.
                    None,
                    "K3",
                    supported.get(r, "placement provider code", lower=True) if has_codes else "PR4",
                    supported.get(r, "closed date", lower=True),
                    supported.get(r, "setting address postcode", lower=True),
                ),
            )
        )
    return rows


def _layout(path: Path, sheets: list[Sheet], alone: bool) -> str:
    """Which list the file is. A file given ``alone`` must be the combined list; of two, each
    must be one of the separate lists (a Children's Homes list of one sheet would pass for a
    combined one, as it does in the validator, which asks only of a file given alone)."""
    if alone and _is_combined(sheets):
        return "combined"
    if not alone and _is_children_homes(sheets):
        return "children's homes"
    if not alone and _is_social_care_providers(sheets):
        return "social care providers"
    if alone:
        raise UnreadableProviders(
            f'{path.name} is not Ofsted\'s combined provider list (its sheets "Providers" and'
            ' "SA Providers", or one sheet with a "Provider type" column). Give the combined'
            " list alone, or the Children's Homes list and the Social Care Providers list."
        )
    raise UnreadableProviders(
        f"{path.name} is neither Ofsted's Children's Homes list (a sheet \"{CH_SHEET}\", or"
        f' "{CH_SETTINGS}" and "{CH_ADDRESSES}") nor its Social Care Providers list (two sheets,'
        " the first with the columns URN, Placement provider code and Setting postcode)."
    )


def read_providers(paths: Sequence[Path]) -> list[tuple]:
    """The providers in Ofsted's lists ``paths``: the Children's Homes list and the Social Care
    Providers list (in either order), or the one combined list. Each row is (pos, idx, URN,
    LA_NAME_FROM_FILE, PLACE_CODES, PROVIDER_CODES, REG_END, POSTCODE, source), as
    ``COLUMNS``; raises ``UnreadableProviders`` naming the file and what is wrong."""
    paths = [Path(p) for p in paths]
    read = {path: _read(path) for path in paths}
    layouts = {path: _layout(path, sheets, len(paths) == 1) for path, sheets in read.items()}
    found: list[tuple[int, Row, str]] = []
    if len(paths) == 1 and layouts[paths[0]] == "combined":
        found = [(i, r, "Combined SCPCH List") for i, r in _combined(paths[0], read[paths[0]])]
    else:
        by_layout = {layout: path for path, layout in layouts.items()}
        if (
            len(paths) != 2
            or "children's homes" not in by_layout
            or "social care providers" not in by_layout
        ):
            listed = ", ".join(f"{p.name} ({layouts[p]} list)" for p in paths)
            raise UnreadableProviders(
                f"Give Ofsted's Children's Homes list and its Social Care Providers list, or its"
                f" one combined list; given: {listed or 'none'}."
            )
        homes = by_layout["children's homes"]
        found = [(0, r, "CH List") for r in _children_homes(homes, read[homes])]
        scp = by_layout["social care providers"]
        found += [(0, r, "SCP List") for r in _social_care_providers(scp, read[scp])]
        # Both lists' rows are labelled in turn (the validator concatenates them anew).
        found = [(pos, r, source) for pos, (_, r, source) in enumerate(found)]
    rows = []
    for pos, (idx, (urn, la, place, provider, closed, postcode), source) in enumerate(found):
        # The Children's Homes and the combined lists write their provider codes "PR1/PR2",
        # the validator makes that "PR1,PR2"; the Social Care Providers list's stay as written.
        codes = _codes(provider) if source == "SCP List" else _slashes(provider)
        rows.append(
            (
                pos,
                idx,
                _text(urn),
                _codes(la),
                _codes(place),
                codes,
                _date(closed),
                _postcode(postcode),
                source,
            )
        )
    return rows


def load_providers(con: duckdb.DuckDBPyConnection, paths: Sequence[Path]) -> None:
    """``_providers_read`` (``COLUMNS``) from Ofsted's lists ``paths``: read whole before the
    table is made, so that a bad file leaves no table half loaded."""
    rows = read_providers(paths)
    con.execute(f"CREATE OR REPLACE TABLE _providers_read ({COLUMNS})")
    if rows:
        # One statement: DuckDB's executemany inserts a row at a time, and 10,000 providers
        # took 4.6 s that way against 0.4 s here.
        values = ", ".join("(" + ", ".join(map(_sql_value, row)) + ")" for row in rows)
        con.execute(f"INSERT INTO _providers_read VALUES {values}")


def _sql_value(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    # Text as text; a number (a row label, or a URN read as pandas reads it) as its text, which
    # its column takes as the number or as the text the number's cast to VARCHAR would give.
    return literal(str(value))


# _providers: each provider with the upper-tier authority its postcode lies in, inferred as the
# validator infers it. The validator sets the inferred authorities by row label, not place: in
# the two-sheet combined list, whose second sheet's labels start again from 0, a supported
# accommodation row takes the authority of the row at its label's place (the first sheet's).
PROVIDERS_SQL = """
    CREATE OR REPLACE TABLE _providers AS
    WITH inferred AS (
        SELECT r.pos, a.utla
        FROM _providers_read r
        LEFT JOIN _postcodes p ON p.pcd_abbr = r.POSTCODE
        LEFT JOIN _authorities a ON a.ltla = p.laua)
    SELECT r.URN, r.LA_NAME_FROM_FILE, r.PLACE_CODES, r.PROVIDER_CODES, r.REG_END, r.POSTCODE,
           i.utla AS LA_CODE_INFERRED, r.source
    FROM _providers_read r LEFT JOIN inferred i ON i.pos = r.idx
    ORDER BY r.pos"""

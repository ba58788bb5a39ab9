"""Load a CIN census XML file into DuckDB tables, one per block of the DfE schema.

The file is read once, streaming: each ``<Child>`` is flattened into rows as soon as it is
complete and then dropped, and the rows go to DuckDB in batches of Arrow tables, so memory
stays flat however many children the file holds. Reading the XML is where the DfE validator
spends its time; this is the only Python that walks the file.

Every table has ``_row`` (0-based within the table, in file order) and the child's
``LAchildID``; nested blocks also carry the ``_row`` of the blocks that hold them (``_child``,
``_cin``, ``_cpp``, ``_assessment``) so rules join on them rather than on ids that may repeat.
Dates are DuckDB dates (a value that is not an ISO date reads as NULL, as missing); every other
value is the text as written (blank text reads as NULL).
"""

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

import duckdb
import pyarrow as pa

# The columns of each table after its links, as the schema names its elements.
COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": (
        "Collection",
        "Year",
        "ReferenceDate",
        "SourceLevel",
        "LEA",
        "SoftwareCode",
        "Release",
        "SerialNo",
        "DateTime",
    ),
    "Child": (),
    "ChildIdentifiers": (
        "UPN",
        "FormerUPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "GenderCurrent",
        "Sex",
        "PersonDeathDate",
    ),
    "ChildCharacteristics": ("Ethnicity",),
    "Disabilities": ("Disability",),
    "CINdetails": (
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "ReferralNFA",
    ),
    "Assessments": (
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
    ),
    "AssessmentFactors": ("AssessmentFactor",),
    "CINPlanDates": ("CINPlanStartDate", "CINPlanEndDate"),
    "Section47": ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"),
    "ChildProtectionPlans": (
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
    ),
    "Reviews": ("CPPreviewDate",),
}

# The blocks holding each table's rows, by the name of their _row column.
LINKS: dict[str, tuple[str, ...]] = {
    "Header": (),
    "Child": (),
    "ChildIdentifiers": ("_child",),
    "ChildCharacteristics": ("_child",),
    "Disabilities": ("_child",),
    "CINdetails": ("_child",),
    "Assessments": ("_child", "_cin"),
    "AssessmentFactors": ("_child", "_cin", "_assessment"),
    "CINPlanDates": ("_child", "_cin"),
    "Section47": ("_child", "_cin"),
    "ChildProtectionPlans": ("_child", "_cin"),
    "Reviews": ("_child", "_cin", "_cpp"),
}

DATES = frozenset(
    {
        "ReferenceDate",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "PersonDeathDate",
        "CINreferralDate",
        "CINclosureDate",
        "DateOfInitialCPC",
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "CINPlanStartDate",
        "CINPlanEndDate",
        "S47ActualStartDate",
        "InitialCPCtarget",
        "CPPstartDate",
        "CPPendDate",
        "CPPreviewDate",
    }
)

BATCH_CHILDREN = 5000


def all_columns(table: str) -> tuple[str, ...]:
    """Every column of ``table`` in order, links first."""
    child_id = () if table == "Header" else ("LAchildID",)
    return ("_row", *LINKS[table], *child_id, *COLUMNS[table])


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The empty tables (integers for ``_row`` and links, dates for dates, else text)."""
    for table in COLUMNS:
        columns = ", ".join(
            f'"{c}" ' + ("BIGINT" if c.startswith("_") else "DATE" if c in DATES else "VARCHAR")
            for c in all_columns(table)
        )
        con.execute(f'CREATE OR REPLACE TABLE "{table}" ({columns})')


def append(con: duckdb.DuckDBPyConnection, table: str, rows: dict[str, list]) -> None:
    """Append rows given column by column: text (dates as ISO text), or integers for ``_row``
    and links; a column left out is NULL."""
    columns = all_columns(table)
    count = len(next(iter(rows.values()))) if rows else 0
    if not count:
        return
    batch = pa.table(
        {
            c: pa.array(
                rows.get(c) or [None] * count, pa.int64() if c.startswith("_") else pa.string()
            )
            for c in columns
        }
    )
    con.register("_cin_batch", batch)
    try:
        select = ", ".join(
            f'TRY_CAST(trim("{c}") AS DATE)' if c in DATES else f'"{c}"' for c in columns
        )
        con.execute(f'INSERT INTO "{table}" SELECT {select} FROM _cin_batch')
    finally:
        con.unregister("_cin_batch")


def load(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The census at ``path`` as the tables above in ``con`` (replacing any there)."""
    create_tables(con)
    for table, rows in _batches(path):
        append(con, table, rows)


class _Rows:
    """Rows for each table, filled child by child and emptied at each batch."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(COLUMNS, 0)
        self.names = {t: all_columns(t)[1:] for t in COLUMNS}
        self.rows: dict[str, list[list]] = {t: [] for t in COLUMNS}

    def add(self, table: str, values: dict) -> int:
        row = self.counts[table]
        self.counts[table] = row + 1
        self.rows[table].append([row, *[values.get(c) for c in self.names[table]]])
        return row

    def drain(self) -> Iterator[tuple[str, dict[str, list]]]:
        for table, found in self.rows.items():
            if found:
                yield (
                    table,
                    dict(zip(all_columns(table), map(list, zip(*found, strict=True)), strict=True)),
                )
            self.rows[table] = []


def _text(element) -> str | None:
    text = element.text
    if text is None:
        return None
    text = text.strip()
    return text or None


def _fields(block) -> dict[str, str | None]:
    """The text of a block's leaf elements, by tag (the first when one repeats)."""
    found: dict[str, str | None] = {}
    for element in block:
        if element.tag not in found and not len(element):
            found[element.tag] = _text(element)
    return found


class UnsafeXML(ValueError):
    """The file declares a DTD, which a census never needs (and entities could abuse)."""


def _refuse_dtd(path: Path) -> None:
    """Refuse a file with a document type declaration before its root element.

    Without a DTD an XML file can define no entities, so nothing can expand or reach outside
    the file; that lets the fast C parser of the standard library read it (defusedxml's parser,
    which forbids the same, is the slower pure-Python one)."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    root = re.search(rb"<[A-Za-z_]", head)
    if root is None or b"<!DOCTYPE" in head[: root.start()].upper():
        raise UnsafeXML(f"{path.name}: not a CIN census (a DTD, or no element to start with).")


class NotWellFormed(ValueError):
    """The file is not well-formed XML; the message says where it breaks."""


def _batches(path: Path) -> Iterator[tuple[str, dict[str, list]]]:
    try:
        yield from _parsed_batches(path)
    except ParseError as exc:
        line, column = exc.position
        raise NotWellFormed(
            f"{path.name} is not well-formed XML: it breaks at line {line:,}, column {column + 1}"
            f" ({str(exc).split(':')[0]}). Nothing from it was checked."
        ) from exc


def _parsed_batches(path: Path) -> Iterator[tuple[str, dict[str, list]]]:
    _refuse_dtd(path)
    rows = _Rows()
    children_block = None
    pending = 0
    for event, element in iterparse(str(path), events=("start", "end")):  # noqa: S314 - no DTD
        if event == "start":
            if element.tag == "Children":
                children_block = element
            continue
        if element.tag == "Header":
            values: dict = {}
            for part in element:
                values.update(_fields(part))
            rows.add("Header", values)
        elif element.tag == "Child":
            _child(rows, element)
            # Drop the finished child so the tree never holds more than one.
            if children_block is not None:
                children_block.remove(element)
            else:
                element.clear()
            pending += 1
            if pending == BATCH_CHILDREN:
                yield from rows.drain()
                pending = 0
    yield from rows.drain()


def _child(rows: _Rows, element) -> None:
    ids_block = element.find("ChildIdentifiers")
    ids = _fields(ids_block) if ids_block is not None else {}
    la_id = ids.get("LAchildID")
    child = rows.add("Child", {"LAchildID": la_id})
    linked = {"_child": child, "LAchildID": la_id}
    if ids_block is not None:
        rows.add("ChildIdentifiers", {**ids, **linked})
    characteristics = element.find("ChildCharacteristics")
    if characteristics is not None:
        rows.add("ChildCharacteristics", {**_fields(characteristics), **linked})
        for disability in characteristics.iterfind("Disabilities/Disability"):
            rows.add("Disabilities", {"Disability": _text(disability), **linked})
    for details in element.iterfind("CINdetails"):
        cin = rows.add("CINdetails", {**_fields(details), **linked})
        episode = {**linked, "_cin": cin}
        for assessment in details.iterfind("Assessments"):
            row = rows.add("Assessments", {**_fields(assessment), **episode})
            for factor in assessment.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors"):
                rows.add(
                    "AssessmentFactors",
                    {"AssessmentFactor": _text(factor), "_assessment": row, **episode},
                )
        for plan in details.iterfind("CINPlanDates"):
            rows.add("CINPlanDates", {**_fields(plan), **episode})
        for enquiry in details.iterfind("Section47"):
            rows.add("Section47", {**_fields(enquiry), **episode})
        for plan in details.iterfind("ChildProtectionPlans"):
            cpp = rows.add("ChildProtectionPlans", {**_fields(plan), **episode})
            for reviews in plan.iterfind("Reviews"):
                dates = reviews.findall("CPPreviewDate")
                # A Reviews block with no date is a review with a missing date (rule 8842Q).
                for review in dates or [None]:
                    value = None if review is None else _text(review)
                    rows.add("Reviews", {"CPPreviewDate": value, "_cpp": cpp, **episode})

"""A report in the council committee layout (report to, date, subject, report of; summary;
recommendations; numbered sections), as data, so that the same report is a page, a PDF and a
Word document. Aggregate only: nothing here names a child."""

import io
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt

from .charts import Chart


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[tuple]
    caption: str = ""


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[tuple[str, Chart]] = field(default_factory=list)  # (id, chart)


@dataclass
class CouncilReport:
    committee: str
    meeting: date
    subject: str
    report_of: str
    summary: list[str]
    recommendations: list[str]
    sections: list[Section]
    period: str = ""


def _cell(value: object) -> str:
    if value is None:
        return "no figure"
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)


def to_docx(report: CouncilReport, images: dict[str, bytes]) -> bytes:
    """The report as a Word document; ``images`` are PNGs of the sections' charts by id."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    doc.add_heading(report.subject, level=0)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in (
        ("Report to", report.committee),
        ("Date of meeting", f"{report.meeting:%-d %B %Y}"),
        ("Report of", report.report_of),
        ("Subject", report.subject),
        ("Period covered", report.period),
    ):
        if value:
            cells = facts.add_row().cells
            cells[0].text, cells[1].text = label, value
    doc.add_heading("Summary", level=1)
    for paragraph in report.summary:
        doc.add_paragraph(paragraph)
    doc.add_heading("Recommendations", level=1)
    for recommendation in report.recommendations:
        doc.add_paragraph(recommendation, style="List Number")
    for number, section in enumerate(report.sections, start=1):
        doc.add_heading(f"{number}. {section.title}", level=1)
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
        for chart_id, chart in section.charts:
            if chart_id in images:
                doc.add_picture(io.BytesIO(images[chart_id]), width=Cm(16))
                doc.add_paragraph(chart.description).italic = True
        for table in section.tables:
            if table.caption:
                doc.add_paragraph(table.caption).runs[0].bold = True
            grid = doc.add_table(rows=1, cols=len(table.columns))
            grid.style = "Table Grid"
            grid.alignment = WD_TABLE_ALIGNMENT.LEFT
            for cell, heading in zip(grid.rows[0].cells, table.columns, strict=True):
                cell.text = heading
                cell.paragraphs[0].runs[0].bold = True
            for row in table.rows:
                for cell, value in zip(grid.add_row().cells, row, strict=True):
                    cell.text = _cell(value)
            if not table.rows:
                doc.add_paragraph("Nothing to report.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

"""Committee reports: built from the plan, the risk register, the QA programme, escalations and
the indicators; a page, a PDF and a Word document; aggregate and always disclosure-controlled."""

import html
import io
import zipfile
from datetime import date

import pytest

from casegrip.web.improvement.committee import COMMITTEES
from casegrip.web.improvement.demo_history import ensure_demo_plan
from casegrip.web.improvement.risks.demo_history import ensure_demo_register
from casegrip.web.quality.demo_history import ensure_demo_audits

from ..conftest import client_for


@pytest.fixture
def history(small):
    director = small.user("director", small.authority)
    small.user("qa-officer", small.authority)
    ensure_demo_plan(small.authority)
    ensure_demo_register(small.authority)
    ensure_demo_audits(small.snapshot)
    return director


@pytest.mark.parametrize("slug", sorted(COMMITTEES))
def test_each_committee_gets_its_sections_in_its_order(small, history, slug):
    board = client_for(small.user("board-member", small.authority))
    page = board.get(f"/improvement/committee/?committee={slug}&date=2026-12-10")
    assert page.status_code == 200
    body = html.unescape(page.content.decode())
    titles = {
        "indicators": "Headline indicators",
        "plan": "Improvement plan progress",
        "risks": "Risk register",
        "quality": "Quality assurance",
        "escalations": "IRO and child protection chair escalations",
    }
    for number, name in enumerate(COMMITTEES[slug].sections, start=1):
        assert f"{number}. {titles[name]}" in body
    assert COMMITTEES[slug].recommendations[0] in body
    assert "Heat map of current ratings" in body
    assert "actions by BRAG" in body


def test_the_pdf_and_the_word_document(small, history):
    client = client_for(history)
    query = "committee=audit-committee&date=2026-12-10"
    pdf = client.get(f"/improvement/committee/report.pdf?{query}")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert "audit-committee-report-2026-12-10.pdf" in pdf["Content-Disposition"]
    word = client.get(f"/improvement/committee/report.docx?{query}")
    assert word.status_code == 200
    with zipfile.ZipFile(io.BytesIO(word.content)) as docx:
        xml = docx.read("word/document.xml").decode()
        assert any(name.startswith("word/media/") for name in docx.namelist())  # the chart
    for text in ("Report to", "Audit Committee", "Summary", "Recommendations", "1. Risk register"):
        assert text in xml


def test_small_numbers_are_suppressed_even_for_the_director(small, history):
    client = client_for(history)
    body = client.get("/improvement/committee/?committee=scrutiny-committee").content.decode()
    assert "small counts are shown as" in body
    # The director may see small numbers elsewhere; a committee paper never shows them.
    assert '<td class="govuk-table__cell">c</td>' in body


def test_a_bad_date_is_explained_and_a_social_worker_has_no_committee_report(small, history):
    client = client_for(history)
    page = client.get("/improvement/committee/?date=14/01/2027")
    assert page.status_code == 200
    assert b"Enter the meeting date as a real date" in page.content
    team = small.unit("East Children in Care")
    worker = client_for(small.user("social-worker", team))
    assert worker.get("/improvement/committee/").status_code == 403
    assert date(2026, 12, 10)  # the meeting dates above are fixed so the tests do not drift

"""The journeys managers take through performance: scorecard to the children behind a figure
and their export, drill-down from locality to worker, and what a social worker may not see.
Axe checks every page on the way; the pages' CSP stays on."""

import pytest
from playwright.sync_api import Page, expect

from ..small_authority import PASSWORD
from .conftest import serious_violations

EAST_CARE = "East Children in Care"


def sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def accessible(page: Page) -> None:
    assert serious_violations(page) == []
    assert page.csp_errors == []


@pytest.fixture
def manager(small):
    return small.user("team-manager", small.unit(EAST_CARE))


def test_team_manager_scorecard_indicator_children_export(page: Page, small, manager):
    sign_in(page, manager.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EAST_CARE)
    expect(page.locator("tr[data-measure]")).to_have_count(62)
    accessible(page)

    page.get_by_role(
        "link", name="Looked-after children visited within regulation 28 timescales"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("visited")
    # The trend chart is drawn by vega-embed as SVG, under the page's CSP.
    expect(page.locator("[data-cg-chart='trend-spec'] svg")).to_be_visible()
    expect(page.locator("#breakdown")).to_contain_text("Worker")
    accessible(page)

    page.locator("#children-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who counts")
    expect(page.locator("#children tbody tr").first).to_be_visible()
    accessible(page)

    with page.expect_download() as download:
        page.locator("#children-csv").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        assert handle.readline().startswith("Child,Team,Worker")

    # Then the Monday morning list.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Performance").click()
    page.get_by_role("navigation", name="Performance").get_by_role(
        "link", name="Weekly list"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EAST_CARE)
    expect(page.locator("#weekly tbody tr").first).to_be_visible()
    accessible(page)
    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Filter the list").click()
    for tag in page.locator("#weekly tbody tr td:first-child").all_inner_texts():
        assert tag.strip() == "Overdue"
    accessible(page)


def test_head_of_service_drills_down_and_downloads_the_clinic_pack(page: Page, small):
    head = small.user("head-of-service", small.unit("Children's Social Care"))
    sign_in(page, head.username)
    page.goto(
        "/performance/indicators/cla_visit_timeliness/?unit=" + str(small.unit("East locality").pk)
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("visited")
    accessible(page)
    page.locator("#breakdown").get_by_role("link", name=EAST_CARE).click()
    expect(page.locator(".govuk-caption-l")).to_contain_text(EAST_CARE)
    # One level down from a team is its workers.
    expect(page.locator("#breakdown")).to_contain_text("Worker")
    worker = small.worker_with_children(EAST_CARE)
    expect(page.locator("#breakdown")).to_contain_text(worker.name)
    accessible(page)

    page.get_by_role("navigation", name="Performance").get_by_role(
        "link", name="Performance clinic"
    ).click()
    expect(page.locator("#exceptions")).to_be_visible()
    expect(page.locator("[data-cg-chart] svg").first).to_be_visible()
    accessible(page)
    with page.expect_download() as download:
        page.locator("#clinic-pdf").click()
    with open(download.value.path(), "rb") as handle:
        body = handle.read()
    assert body.startswith(b"%PDF")
    assert body.count(b"/Subtype /Form") >= 2  # its charts, drawn as SVG


def test_social_worker_sees_only_their_own_caseload_and_list(page: Page, small):
    staff = small.worker_with_children(EAST_CARE)
    sw = small.user("social-worker", small.unit(EAST_CARE), staff=staff)
    sign_in(page, sw.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(staff.name)
    accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workforce").click()
    page.get_by_role("link", name="Your caseload").click()
    expect(page.locator("#children tbody tr")).to_have_count(len(small.children_of(staff)))
    accessible(page)
    team = small.unit(EAST_CARE).pk
    for path in (
        f"/performance/weekly/?unit={team}",
        f"/performance/indicators/cla_visit_timeliness/?unit={team}",
        "/workforce/caseloads/",
        "/performance/clinic/",
    ):
        assert page.goto(path).status == 403, path
    # A team's scorecard sends them back to their own list.
    page.goto(f"/performance/?unit={team}")
    expect(page.get_by_role("heading", level=1)).to_have_text(staff.name)
    colleague = small.unit(EAST_CARE).staff.exclude(pk=staff.pk).first()
    assert page.goto(f"/workforce/workers/{colleague.pk}/caseload/").status == 403

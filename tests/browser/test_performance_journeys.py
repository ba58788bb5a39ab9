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

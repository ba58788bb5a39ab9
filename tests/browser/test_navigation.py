"""Signing in, walking the service navigation, and axe on what a user sees."""

import pytest
from playwright.sync_api import Page, expect

from casegrip.web.demo import ensure_demo

from .conftest import serious_violations

PASSWORD = "browser-test-passphrase"


@pytest.fixture
def demo(transactional_db):
    ensure_demo(PASSWORD)


def sign_in(page: Page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(f"{page.url.split('/sign-in/')[0]}/sign-in/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_page_has_no_serious_accessibility_violations(page: Page, demo):
    page.goto("/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to casegrip")
    assert serious_violations(page) == []
    assert page.csp_errors == []


def test_director_signs_in_and_walks_the_service_navigation(page: Page, demo):
    sign_in(page, "director")

    expect(page.get_by_role("heading", level=1)).to_contain_text("")
    expect(page.locator("#roles")).to_contain_text("Director for City Council (synthetic)")
    assert serious_violations(page) == []

    nav = page.get_by_role("navigation", name="Main")
    labels = [text.strip() for text in nav.get_by_role("link").all_inner_texts()]
    assert labels == ["Performance", "Quality", "Escalations", "Improvement", "Workforce"]
    for label in labels:
        nav.get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label)
        expect(nav.get_by_role("link", name=label)).to_have_attribute("aria-current", "page")
        assert serious_violations(page) == [], label
    assert page.csp_errors == []


def test_team_manager_drills_into_their_team_and_a_caseload(page: Page, demo):
    sign_in(page, "team-manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workforce").click()
    page.get_by_role("link", name="North Safeguarding 1").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("North Safeguarding 1")
    assert serious_violations(page) == []
    page.locator("#staff tbody a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("caseload")
    expect(page.locator("#no-snapshot")).to_be_visible()


def test_social_worker_sees_their_own_sections_and_signs_out(page: Page, demo):
    sign_in(page, "social-worker")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").all_inner_texts() == ["Performance", "Quality", "Workforce"]
    expect(page.locator("#can-see")).to_contain_text("Your own caseload")

    response = page.goto("/data/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    assert serious_violations(page) == []

    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to casegrip")

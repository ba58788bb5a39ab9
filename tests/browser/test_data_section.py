"""A performance analyst checks the live snapshot and its data quality in the browser."""

import pytest
from playwright.sync_api import Page, expect

from casegrip.store.snapshots import import_extract
from casegrip.web.demo import ensure_demo

from ..store.test_snapshots import CONFIG, extract
from .conftest import serious_violations

PASSWORD = "browser-test-passphrase"


@pytest.fixture
def analyst_with_snapshot(transactional_db, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    ensure_demo(PASSWORD)
    return import_extract(extract(), config=CONFIG, source_path="/extracts/nightly")


def test_analyst_reads_provenance_and_filters_findings(page: Page, analyst_with_snapshot):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("performance-analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data").click()

    expect(page.locator("#live-snapshot")).to_contain_text(analyst_with_snapshot.snapshot_id)
    expect(page.locator("#import-history")).to_contain_text("/extracts/nightly")
    assert serious_violations(page) == []

    page.get_by_role("link", name="See every finding").click()
    page.get_by_label("Rule").select_option("orphan_reference")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#findings tbody tr")).to_have_count(1)
    expect(page.locator("#findings")).to_contain_text("NOBODY")
    assert serious_violations(page) == []
    assert page.csp_errors == []

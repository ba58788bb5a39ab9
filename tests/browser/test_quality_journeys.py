"""The journeys through Quality: a QA officer sets up a programme and allocates it, an auditor
answers the form and raises a safeguarding escalation, a moderator changes a grade, and a team
manager verifies an action; after each, the QA report shows the change. Axe checks the pages on
the way and their CSP stays on."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casegrip.web.accounts.models import User
from casegrip.web.organisation.models import StaffMember
from casegrip.web.quality import actions
from casegrip.web.quality.models import Audit, AuditProgramme, AuditTool, Moderation

from ..small_authority import PASSWORD
from .conftest import serious_violations

# The autosave posts the form this long after the last change; waiting it out keeps two
# requests from reaching the test's one database connection at once.
AUTOSAVE_DELAY_MS = 600


def sign_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def accessible(page: Page) -> None:
    assert serious_violations(page) == []
    assert page.csp_errors == []


def open_quality(page: Page, link: str | None = None) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quality").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality")
    if link:
        page.get_by_role("navigation", name="Quality").get_by_role("link", name=link).click()


def open_report_for_this_month(page: Page) -> None:
    """The QA report opens on last month; the journeys' changes all happened in this one."""
    month = timezone.localdate().replace(day=1)
    open_quality(page, "QA report")
    page.get_by_label("Month").select_option(f"{month:%Y-%m}")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator(".govuk-caption-l")).to_have_text(f"QA report · {month:%B %Y}")
    expect(page.locator("[data-cg-chart='qa-trend'] svg")).to_be_visible()
    accessible(page)


def summary_value(page: Page, list_id: str, key: str):
    rows = page.locator(f"#{list_id} .govuk-summary-list__row")
    return rows.filter(has=page.locator("dt").get_by_text(key, exact=True)).locator("dd")


def table_row(page: Page, table_id: str, heading: str):
    return page.locator(f"#{table_id} tbody tr").filter(
        has=page.get_by_role("rowheader", name=heading, exact=True)
    )


@pytest.fixture
def qa(small) -> User:
    return small.user("qa-officer", small.authority)


@pytest.fixture
def tool(db) -> AuditTool:
    actions.ensure_tools()
    return AuditTool.objects.get(slug="monthly-case-audit", version=1)


@pytest.fixture
def managers(small) -> list[User]:
    """Two team managers of different teams, with accounts: they audit each other's teams."""
    staff = StaffMember.objects.filter(job_title="Team manager").order_by("pk")[:2]
    return [small.user("team-manager", s.unit, staff=s) for s in staff]


def allocated(small, qa: User, tool: AuditTool, auditors: list[User]) -> AuditProgramme:
    programme = actions.create_programme(
        actor=qa,
        name="Monthly audit October 2026",
        kind="monthly",
        unit=small.authority,
        month=date(2026, 10, 1),
        tool=tool,
        per_team=1,
        case_types=["CIN", "CP", "CLA"],
    )
    actions.allocate_programme(
        actor=qa, programme=programme, auditors=auditors, snapshot=small.snapshot
    )
    return programme


def answered(audit: Audit, grade: str) -> dict:
    """A complete form for ``audit``'s tool, the child not left at risk."""
    responses = {}
    for q in audit.tool.tool.questions:
        if q.limiting:
            responses[q.id] = {"answer": "no"}
        elif q.answer == "text":
            responses[q.id] = {"answer": "Some difference made."}
        else:
            responses[q.id] = {"answer": "yes"}
    return {
        "responses": responses,
        "theme_grades": {
            t.code: {"grade": grade, "rationale": "Seen on file."} for t in audit.tool.tool.themes
        },
        "overall_grade": grade,
        "overall_rationale": "The record shows steady work.",
        "strengths": "Clear plan.",
        "areas_for_development": "Chronology out of date.",
    }


def test_qa_officer_sets_up_a_programme_and_allocates_it(page: Page, small, qa, managers):
    sign_in(page, qa.username)
    open_quality(page)
    accessible(page)

    open_quality(page, "Programmes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit programmes")
    accessible(page)
    page.get_by_role("link", name="Set up a programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an audit programme")
    accessible(page)

    page.get_by_label("Name", exact=True).fill("Monthly audit October 2026")
    page.get_by_label("Part of the service").select_option(label=small.authority.name)
    page.get_by_label("Month", exact=True).fill("2026-10")
    page.get_by_label("Cases per team").fill("1")
    page.get_by_role("button", name="Create the programme").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Monthly audit October 2026")
    expect(page.locator("#programme-status")).to_have_text("Not yet allocated")
    expect(page.locator("#programme-audits")).to_have_count(0)
    accessible(page)
    programme = AuditProgramme.objects.get()
    assert (programme.month, programme.per_team, programme.unit) == (
        date(2026, 10, 1),
        1,
        small.authority,
    )

    for manager in managers:
        page.get_by_label(manager.username, exact=True).check()
    page.get_by_role("button", name="Draw the sample and allocate").click()

    expect(page.locator("#programme-status")).to_have_text(re.compile(r"^Allocated"))
    rows = page.locator("#programme-audits tbody tr")
    expect(rows.first).to_be_visible()
    audits = Audit.objects.filter(programme=programme)
    assert audits.exists()
    expect(rows).to_have_count(audits.count())
    teams = page.locator("#programme-audits tbody tr td:nth-child(3)").all_inner_texts()
    assert len(teams) == len(set(teams)), "one case per team"
    auditors = page.locator("#programme-audits tbody tr td:nth-child(4)").all_inner_texts()
    assert set(auditors) == {m.username for m in managers}
    accessible(page)


def test_auditor_answers_the_form_and_raises_an_escalation(page: Page, small, qa, tool, managers):
    allocated(small, qa, tool, managers)
    auditor = managers[0]
    audit = Audit.objects.filter(auditor=auditor).order_by("pk").first()
    form = audit.tool.tool

    sign_in(page, auditor.username)
    open_quality(page)
    accessible(page)
    page.locator("#my-audits").get_by_role("link", name=f"Audit child {audit.child_id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Audit of child {audit.child_id}")
    accessible(page)

    for q in form.questions:
        if q.answer == "text":
            page.get_by_label(q.text).fill("Little change for the child.")
        else:
            # Yes everywhere, so the limiting question says the child is left at risk.
            page.get_by_role("group", name=q.text).get_by_label("Yes", exact=True).check()
    for theme in form.themes:
        page.get_by_label(theme.label, exact=True).select_option(label="Good")
        page.locator(f"#rationale_{theme.code}").fill("Seen on the file.")
    page.get_by_label("Overall grade", exact=True).select_option(label="Good")
    page.get_by_label("Why this overall grade").fill("Plans are sound but visits lapsed.")
    page.get_by_label("Strengths").fill("A clear plan.")
    page.get_by_label("Areas for development").fill("The chronology is out of date.")
    page.locator("#concern").fill("No visit for three months and no plan to see the child.")
    page.locator("#concern").blur()
    # The answers were saved as they were given.
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.wait_for_timeout(AUTOSAVE_DELAY_MS + 200)
    expect(page.locator("#audit-form.htmx-request")).to_have_count(0)

    page.get_by_role("button", name="Submit the audit").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("The audit is submitted and has been selected for moderation.")
    manager = actions.team_manager(audit.team)
    expect(page.locator("#concern-raised")).to_contain_text(
        f"raised to {manager.name if manager else 'the team'}"
    )
    expect(page.locator("#audit-status")).to_have_text("In moderation")
    expect(page.locator("#audit-summary")).to_contain_text("Inadequate")
    expect(page.locator("#audit-summary")).to_contain_text("Child left at risk")
    accessible(page)
    audit.refresh_from_db()
    assert (audit.overall_grade, audit.child_at_risk) == ("INAD", True)

    # The QA team's report for the month counts the escalation, still waiting.
    sign_in(page, qa.username)
    open_report_for_this_month(page)
    expect(page.locator("#qa-concerns")).to_have_text(re.compile(r"^1 \(.*\); waiting: 1$"))


def test_moderator_changes_the_grade_with_a_reason(page: Page, small, qa, tool, managers):
    allocated(small, qa, tool, managers[:1])
    audit = Audit.objects.filter(auditor=managers[0]).order_by("pk").first()
    actions.submit_audit(actor=managers[0], audit=audit, data=answered(audit, "OUT"))
    assert Moderation.objects.filter(audit=audit, completed_at=None).exists()

    sign_in(page, qa.username)
    open_quality(page, "Moderation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation")
    accessible(page)
    page.locator("#moderation-waiting").get_by_role(
        "link", name=f"Child {audit.child_id}", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Moderate the audit of child {audit.child_id}"
    )
    expect(page.locator("#original-grade")).to_have_text("Outstanding")
    accessible(page)

    page.get_by_label("Overall grade", exact=True).select_option(label="Requires improvement")
    page.get_by_role("button", name="Record the moderation").click()
    # A changed grade needs a reason; the error summary says so and links to the box.
    expect(page.get_by_role("alert")).to_contain_text("Say why you changed the grade.")
    accessible(page)
    page.get_by_label("Why (needed if you change a grade)").fill(
        "The child's voice is thin: requires improvement, not outstanding."
    )
    page.get_by_role("button", name="Record the moderation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Audit of child {audit.child_id}")
    expect(page.locator("#final-grade")).to_have_text(
        "Requires improvement (changed at moderation)"
    )
    accessible(page)
    audit.refresh_from_db()
    assert (audit.overall_grade, audit.final_grade) == ("OUT", "RI")

    open_report_for_this_month(page)
    moderated = table_row(page, "qa-agreement", "Audits moderated")
    expect(moderated.locator("td").first).to_have_text("1")
    grades = table_row(page, "qa-grades", "Requires improvement")
    expect(grades.locator("td").first).to_have_text("1")


def test_team_manager_verifies_a_completed_action(page: Page, small, qa, tool, managers):
    auditor = managers[0]
    allocated(small, qa, tool, [auditor])
    audit = Audit.objects.filter(auditor=auditor).order_by("pk").first()
    actions.submit_audit(actor=auditor, audit=audit, data=answered(audit, "GOOD"))
    audit.refresh_from_db()
    if audit.status == "in_moderation":  # an auditor's first audits are moderated
        actions.moderate(
            actor=qa,
            moderation=audit.moderations.get(),
            grade="GOOD",
            theme_grades={},
            rationale="",
        )
    worker = StaffMember.objects.filter(unit=audit.team, job_title="Social worker").first()
    worker_user = small.user("social-worker", audit.team, staff=worker)
    action = actions.add_action(
        actor=auditor,
        audit=audit,
        description="Update the chronology.",
        owner=worker,
        priority="high",
    )
    actions.progress_action(
        actor=worker_user, action=action, event="complete", note="Chronology updated on file."
    )
    tm = actions.team_manager(audit.team)
    manager = tm.user or small.user("team-manager", audit.team, staff=tm)

    sign_in(page, manager.username)
    open_quality(page, "Actions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions from audits")
    accessible(page)
    # A completed action is no longer "still to do": it waits under Completed.
    page.get_by_label("Show", exact=True).select_option(label="Completed")
    page.get_by_role("button", name="Show", exact=True).click()
    page.locator("#actions-table").get_by_role("link", name="Update the chronology.").click()
    expect(page.locator("#action-status")).to_have_text("Completed")
    accessible(page)

    page.get_by_label("How you checked it (to verify)").select_option(label="File check")
    page.get_by_role("button", name="Verify and close").click()
    expect(page.locator("#action-status")).to_have_text("Verified")
    expect(page.get_by_role("button", name="Verify and close")).to_have_count(0)
    accessible(page)
    action.refresh_from_db()
    assert (action.verified_by, action.verification_method) == (manager, "file check")

    # The manager's own team report counts it as verified this month.
    open_report_for_this_month(page)
    expect(page.locator(".govuk-caption-l + h1")).to_have_text(audit.team.name)
    expect(summary_value(page, "qa-actions", "Verified this month")).to_have_text("1")

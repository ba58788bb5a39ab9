"""The governance journeys of issue 7: a board member reads plan progress on the board view and
downloads the committee report; a risk owner re-scores a risk and sees the heat map and the
risk's history change; an IRO raises an escalation, a team manager responds late and the IRO
moves it to stage 2. Axe checks the pages on the way and their CSP stays on."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from casegrip.web.accounts.models import User
from casegrip.web.escalations import deadlines
from casegrip.web.escalations.models import Escalation, EscalationStage, Status
from casegrip.web.improvement.demo_history import ensure_demo_plan
from casegrip.web.improvement.risks.demo_history import ensure_demo_register
from casegrip.web.improvement.risks.models import Risk, RiskAssessment
from casegrip.web.improvement.summary import brag_summary
from casegrip.web.organisation.models import StaffMember
from casegrip.web.quality.casefile import open_cases
from casegrip.web.working_days import working_calendar

from ..small_authority import EXTRACT_DATE
from .test_quality_journeys import accessible, sign_in

TIMES = "\N{MULTIPLICATION SIGN}"  # as the risk pages write likelihood x impact


def open_section(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


# 1. A board member reads the plan's progress


def test_board_member_reads_plan_progress_and_downloads_the_committee_report(page: Page, small):
    plan = ensure_demo_plan(small.authority)
    board_member = small.user("board-member", small.authority)
    summary = brag_summary(plan, timezone.localdate())

    sign_in(page, board_member.username)
    open_section(page, "Improvement")
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement")
    accessible(page)
    # Board members read: nothing here offers to change a plan.
    expect(page.locator("#new-plan")).to_have_count(0)

    page.locator("#plans-table").get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.locator("#plan-brag")).to_contain_text(f"{summary.total} actions")
    accessible(page)

    page.get_by_role("link", name="Board view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.locator(".govuk-caption-l")).to_contain_text("Board view")
    headers = page.locator("#board-brag thead th").all_inner_texts()
    whole = page.locator("#board-brag tbody tr").filter(
        has=page.get_by_role("rowheader", name="Whole plan")
    )
    cells = whole.locator("td").all_inner_texts()
    # The first cell is the lead; then one count per BRAG, the overdue count and the total.
    shown = dict(zip(headers[2:], cells[1:], strict=True))
    for brag, count in summary.count_list:
        assert shown[brag.label] == str(count), brag
    assert shown["Overdue"] == str(summary.overdue)
    assert shown["Actions"] == str(summary.total) == "80"
    assert sum(count for _, count in summary.count_list) == summary.total
    expect(page.locator("#board-brag tbody tr")).to_have_count(len(summary.rows) + 1)
    accessible(page)

    page.get_by_role("navigation", name="Improvement").get_by_role(
        "link", name="Committee reports"
    ).click()
    accessible(page)
    with page.expect_download() as download:
        page.locator("#committee-docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(2) == b"PK"  # a Word document is a zip


# 2. A risk owner re-scores a risk


def heat_count(page: Page, likelihood: int, impact: int) -> int:
    return int(page.locator(f"#cell-{likelihood}-{impact}").get_attribute("data-count"))


def test_risk_owner_rescores_and_sees_the_heat_map_and_history_change(page: Page, small):
    owner = small.user("service-manager", small.authority)
    ensure_demo_register(small.authority)
    risk = Risk.objects.select_related("latest").get(ref="CSC-01")
    assert risk.owner == owner
    before = risk.latest
    likelihood, impact = before.current_likelihood, before.current_impact
    lower = likelihood - 1 if likelihood > 1 else likelihood + 1
    ratings = RiskAssessment.objects.filter(risk=risk).count()

    sign_in(page, owner.username)
    open_section(page, "Improvement")
    page.get_by_role("navigation", name="Improvement").get_by_role(
        "link", name="Risk register"
    ).click()
    accessible(page)
    page.get_by_role("navigation", name="Risk register").get_by_role(
        "link", name="Heat map"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk heat map")
    accessible(page)
    was_here, was_there = heat_count(page, likelihood, impact), heat_count(page, lower, impact)
    assert was_here >= 1

    page.get_by_role("navigation", name="Risk register").get_by_role("link", name="Risks").click()
    page.get_by_role("link", name="CSC-01", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"CSC-01 {risk.title}")
    expect(page.locator("#rating-history tbody tr")).to_have_count(ratings)
    accessible(page)

    form = page.locator("#rescore-form")
    form.get_by_label("Current likelihood").select_option(str(lower))
    form.get_by_label("Note: why the rating changed or stayed the same").fill(
        "The sufficiency strategy is bringing new carers on."
    )
    form.get_by_role("button", name="Save the rating").click()

    expect(page.locator("#rating-history tbody tr")).to_have_count(ratings + 1)
    newest = page.locator("#rating-history tbody tr").first
    expect(newest).to_contain_text(f"{lower} {TIMES} {impact}")
    expect(newest).to_contain_text("The sufficiency strategy is bringing new carers on.")
    expect(page.locator("#risk-headline")).to_contain_text(
        f"likelihood {lower} {TIMES} impact {impact}"
    )
    expect(page.locator("#risk-history li").first).to_contain_text(
        timezone.localdate().strftime("%-d %b %Y")
    )
    accessible(page)

    page.get_by_role("navigation", name="Risk register").get_by_role(
        "link", name="Heat map"
    ).click()
    assert heat_count(page, likelihood, impact) == was_here - 1
    assert heat_count(page, lower, impact) == was_there + 1
    accessible(page)


# 3. An IRO escalates, a manager responds late, the IRO moves it to stage 2


def open_step(page: Page, name: str):
    """Open an action's disclosure on the escalation page; its form is inside."""
    page.locator(f"#step-{name} summary").click()
    return page.locator(f"#step-{name}")


def first_staff(unit, job_title: str) -> StaffMember:
    return StaffMember.objects.filter(unit=unit, job_title=job_title).order_by("pk").first()


def test_iro_raises_manager_responds_late_iro_moves_to_stage_2(page: Page, small):
    team = small.unit("East Children in Care")
    locality = team.parent
    iro = small.user(
        "iro",
        small.authority,
        staff=StaffMember.objects.filter(job_title="Independent reviewing officer").first(),
    )
    manager = small.user("team-manager", team, staff=first_staff(team, "Team manager"))
    service_manager = small.user(
        "service-manager", locality, staff=first_staff(locality, "Service manager")
    )
    child = next(
        c.child_id
        for c in open_cases(small.snapshot, EXTRACT_DATE)
        if c.team_id == team.source_id and c.case_type == "CLA"
    )
    today = timezone.localdate()

    sign_in(page, iro.username)
    open_section(page, "Escalations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalations")
    accessible(page)
    page.locator("#raise-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise an escalation")
    accessible(page)
    page.get_by_label("Child's id in the case record").fill(child)
    page.get_by_label("The child's team").select_option(label=team.name)
    page.get_by_label("Plan", exact=True).select_option("cla")
    page.get_by_label("Category", exact=True).select_option("practice")
    page.get_by_label("Issue", exact=True).select_option("care-plan")
    page.get_by_label("What is the problem?").fill("The care plan is a year out of date.")
    page.get_by_label("What outcome do you want?").fill("An updated plan before the review.")
    page.get_by_label("Date of the informal approach").fill(
        (today - timedelta(days=28)).isoformat()
    )
    page.get_by_label("A record of the informal approach is on the child's file").check()
    page.get_by_role("button", name="Raise the escalation").click()

    escalation = Escalation.objects.get(child_id=child)
    expect(page.get_by_role("heading", level=1)).to_have_text(escalation.ref)
    expect(page.locator("main")).to_contain_text("Informal stage")
    accessible(page)

    step = open_step(page, "formalise")
    step.get_by_label("Addressed to").select_option(str(manager.pk))
    step.locator("form").get_by_role("button").click()
    expect(page.locator("#stages tbody tr")).to_have_count(1)
    expect(page.locator("#stages tbody tr").first).to_contain_text("Team manager")
    accessible(page)

    # The stage went out three weeks ago: move it there, as if issued then.
    calendar = working_calendar()
    issued = calendar.subtract_working_days(today, 15)
    EscalationStage.objects.filter(escalation=escalation, number=1).update(
        issued_at=issued, response_due=deadlines.response_due(issued, 5)
    )
    Escalation.objects.filter(pk=escalation.pk).update(
        formal_started_at=issued, overall_deadline=deadlines.overall_deadline(issued)
    )

    sign_in(page, manager.username)
    open_section(page, "Escalations")
    row = page.locator("table tbody tr").filter(has_text=escalation.ref)
    expect(row).to_contain_text("Response overdue")
    accessible(page)
    row.get_by_role("link", name=escalation.ref).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(escalation.ref)
    expect(page.locator("#stages tbody tr").first).to_contain_text("Overdue")
    accessible(page)
    step = open_step(page, "respond")
    step.get_by_label("Your response").fill("The plan will be updated by the end of the month.")
    step.locator("form").get_by_role("button").click()
    expect(page.locator("#stages tbody tr").first).to_contain_text("Late")
    expect(page.locator("main")).to_contain_text("Response received")
    accessible(page)

    sign_in(page, iro.username)
    page.goto(f"/escalations/{escalation.pk}/")
    step = open_step(page, "reject")
    expect(step.get_by_label("Stage", exact=True)).to_have_value("2")
    step.get_by_label("Addressed to").select_option(str(service_manager.pk))
    step.get_by_label("Why the response is not accepted (or not waited for)").fill(
        "A month is too long: the review is next week."
    )
    step.locator("form").get_by_role("button").click()

    stages = page.locator("#stages tbody tr")
    expect(stages).to_have_count(2)
    expect(stages.nth(1)).to_contain_text("Service manager")
    expect(stages.nth(1)).to_contain_text(timezone.localdate().strftime("%-d %b %Y"))
    expect(stages.first).to_contain_text("Not accepted")
    expect(page.locator("main p").filter(has_text="Stage 2").first).to_contain_text(
        "Awaiting response"
    )
    expect(page.locator("#history")).to_contain_text("Issued stage 2")
    accessible(page)

    escalation.refresh_from_db()
    assert (escalation.status, escalation.current_stage) == (Status.ISSUED, 2)
    first, second = escalation.stages.order_by("number")
    assert first.responded_in_time() is False
    assert second.addressee_user == service_manager
    assert User.objects.get(pk=second.addressee_user_id).staff.unit == locality

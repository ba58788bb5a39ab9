"""The QA audit programme end to end on the synthetic small authority: sampling and allocation,
the audit form with its limiting question, moderation, actions through to verified, the QA
report, scope and the access log. State machines, kappa and tool versioning are pinned in
test_quality_rules.py."""

from datetime import date

import pytest

from casegrip.web.accounts.models import AccessLog, AuditEvent
from casegrip.web.organisation.models import StaffMember
from casegrip.web.quality import actions
from casegrip.web.quality.models import (
    Audit,
    AuditAction,
    AuditProgramme,
    AuditTool,
    Moderation,
    SafeguardingConcern,
)
from casegrip.web.quality.report import build
from casegrip.web.quality.states import IllegalTransition

from ..conftest import client_for

EAST_CARE = "East Children in Care"


@pytest.fixture
def qa(small):
    return small.user("qa-officer", small.authority)


@pytest.fixture
def tool(db):
    actions.ensure_tools()  # a browser test's flush may have emptied the migration's rows
    return AuditTool.objects.get(slug="monthly-case-audit", version=1)


def _managers(small, count=2):
    """Team managers of different teams, with accounts (they audit each other's teams)."""
    users = []
    for staff in StaffMember.objects.filter(job_title="Team manager").order_by("pk")[:count]:
        users.append(small.user("team-manager", staff.unit, staff=staff))
    return users


def _programme(small, qa, tool, **kwargs):
    defaults = {
        "actor": qa,
        "name": "Monthly audit October 2026",
        "kind": "monthly",
        "unit": small.authority,
        "month": date(2026, 10, 1),
        "tool": tool,
        "per_team": 1,
        "case_types": ["CIN", "CP", "CLA"],
    }
    return actions.create_programme(**{**defaults, **kwargs})


def _complete(audit: Audit, *, at_risk: bool = False, grade: str = "GOOD") -> dict:
    """A fully answered form for ``audit``'s tool."""
    tool = audit.tool.tool
    responses = {}
    for q in tool.questions:
        if q.limiting:
            responses[q.id] = {"answer": "yes" if at_risk else "no"}
        elif q.answer == "text":
            responses[q.id] = {"answer": "Some difference made."}
        elif q.answer == "scale":
            responses[q.id] = {"answer": "6"}
        else:
            responses[q.id] = {"answer": "yes"}
    return {
        "responses": responses,
        "theme_grades": {
            t.code: {"grade": grade, "rationale": "Seen on file."} for t in tool.themes
        },
        "overall_grade": grade,
        "overall_rationale": "The record shows steady work.",
        "strengths": "Clear plan.",
        "areas_for_development": "Chronology out of date.",
    }


def test_allocation_draws_per_team_excludes_recent_and_spreads_auditors(small, qa, tool):
    auditors = _managers(small, 3)
    programme = _programme(small, qa, tool)
    audits = actions.allocate_programme(
        actor=qa, programme=programme, auditors=auditors, snapshot=small.snapshot
    )
    assert audits, "the small authority has open cases"
    per_team = {}
    for audit in audits:
        per_team[audit.team_id] = per_team.get(audit.team_id, 0) + 1
        assert audit.case_type in ("CIN", "CP", "CLA")
        assert audit.due_date == date(2026, 10, 31)
    assert set(per_team.values()) == {1}
    counts = sorted(Audit.objects.values_list("auditor", flat=True))
    assert (
        max(counts.count(u.pk) for u in auditors) - min(counts.count(u.pk) for u in auditors) <= 1
    )
    # Nobody audits their own team when another auditor can.
    for audit in audits:
        own = StaffMember.objects.get(user=audit.auditor).unit_id
        assert audit.team_id != own
    # A second programme the next month leaves out the children just sampled.
    again = _programme(small, qa, tool, month=date(2026, 11, 1), name="November")
    second = actions.allocate_programme(
        actor=qa, programme=again, auditors=auditors, snapshot=small.snapshot
    )
    assert not {a.child_id for a in audits} & {a.child_id for a in second}
    with pytest.raises(actions.Invalid, match="already been allocated"):
        actions.allocate_programme(
            actor=qa, programme=again, auditors=auditors, snapshot=small.snapshot
        )


def test_a_chosen_list_with_an_unknown_child_allocates_nothing(small, qa, tool):
    programme = _programme(small, qa, tool, chosen_children=["NOT-A-CHILD"])
    with pytest.raises(actions.Invalid, match="NOT-A-CHILD"):
        actions.allocate_programme(
            actor=qa, programme=programme, auditors=_managers(small, 1), snapshot=small.snapshot
        )
    assert not Audit.objects.exists()
    assert AuditProgramme.objects.get(pk=programme.pk).status == "draft"


def test_limiting_answer_forces_inadequate_and_raises_escalation_to_the_team_manager(
    small, qa, tool
):
    auditors = _managers(small, 2)
    programme = _programme(small, qa, tool)
    actions.allocate_programme(
        actor=qa, programme=programme, auditors=auditors, snapshot=small.snapshot
    )
    audit = Audit.objects.filter(auditor=auditors[0]).first()
    form = _complete(audit, at_risk=True, grade="GOOD")
    with pytest.raises(actions.Invalid, match="what the risk to the child is"):
        actions.submit_audit(actor=auditors[0], audit=audit, data=form)
    audit.refresh_from_db()
    assert audit.status == "in_progress"
    assert audit.submitted_at is None
    assert not SafeguardingConcern.objects.exists()

    actions.submit_audit(
        actor=auditors[0], audit=audit, data=form, concern="No visit for 3 months."
    )
    audit.refresh_from_db()
    assert audit.overall_grade == "INAD"
    assert audit.child_at_risk
    concern = audit.concern
    assert concern.manager.unit == audit.team
    assert concern.status == "raised"
    # Every Inadequate audit is moderated.
    assert audit.status == "in_moderation"
    assert audit.moderations.get().reason == Moderation.Reason.INADEQUATE

    # The named manager acknowledges; another team's manager may not.
    with pytest.raises(actions.NotAllowed):  # the auditor manages another team
        actions.progress_concern(actor=auditors[0], concern=concern, event="acknowledge")
    manager = concern.manager.user or small.user("team-manager", audit.team, staff=concern.manager)
    actions.progress_concern(actor=manager, concern=concern, event="acknowledge")
    with pytest.raises(IllegalTransition, match="acknowledged, so it cannot be acknowledged"):
        actions.progress_concern(actor=manager, concern=concern, event="acknowledge")
    concern.refresh_from_db()
    assert concern.status == "acknowledged"
    assert concern.acknowledged_by == manager


def test_moderation_change_keeps_original_and_report_reflects_it(small, qa, tool):
    auditor = _managers(small, 1)[0]
    programme = _programme(small, qa, tool)
    actions.allocate_programme(
        actor=qa, programme=programme, auditors=[auditor], snapshot=small.snapshot
    )
    audit = Audit.objects.filter(auditor=auditor).first()
    actions.submit_audit(actor=auditor, audit=audit, data=_complete(audit, grade="OUT"))
    audit.refresh_from_db()
    moderation = audit.moderations.get()
    assert moderation.reason == Moderation.Reason.OUTSTANDING
    with pytest.raises(actions.NotAllowed, match="Only moderators"):
        actions.moderate(
            actor=auditor, moderation=moderation, grade="GOOD", theme_grades={}, rationale="x"
        )
    with pytest.raises(actions.Invalid, match="why you changed"):
        actions.moderate(
            actor=qa, moderation=moderation, grade="GOOD", theme_grades={}, rationale=""
        )
    actions.moderate(
        actor=qa,
        moderation=moderation,
        grade="RI",
        theme_grades={"voice": "RI"},
        rationale="Voice of the child thin.",
    )
    audit.refresh_from_db()
    assert audit.overall_grade == "OUT"  # the auditor's grade is kept
    assert audit.final_grade == "RI"
    assert audit.grade_source == "moderated"
    assert audit.final_theme_grades["voice"] == "RI"
    assert audit.status == "closed"  # finalised with no actions

    report = build(small.authority, _this_month(), None, _today())
    assert report.agreement_month.n == 1
    assert report.agreement_month.down == 1
    assert report.agreement_month.exact == 0
    assert {label: n for label, n, _ in report.grade_mix}["Requires improvement"] == 1


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _this_month():
    return _today().replace(day=1)


def test_action_through_to_verified_by_a_manager_and_closes_the_audit(small, qa, tool):
    auditor = _managers(small, 1)[0]
    programme = _programme(small, qa, tool)
    actions.allocate_programme(
        actor=qa, programme=programme, auditors=[auditor], snapshot=small.snapshot
    )
    audit = Audit.objects.filter(auditor=auditor).first()
    with pytest.raises(actions.Invalid, match="once the audit is submitted"):
        actions.add_action(
            actor=auditor, audit=audit, description="x", owner=auditor.staff, priority="high"
        )
    actions.submit_audit(actor=auditor, audit=audit, data=_complete(audit, grade="GOOD"))
    audit.refresh_from_db()
    if audit.status == "in_moderation":
        actions.moderate(
            actor=qa,
            moderation=audit.moderations.get(),
            grade="GOOD",
            theme_grades={},
            rationale="",
        )
        audit.refresh_from_db()
    assert audit.status == "closed"
    worker = StaffMember.objects.filter(unit=audit.team, job_title="Social worker").first()
    worker_user = small.user("social-worker", audit.team, staff=worker)
    action = actions.add_action(
        actor=auditor,
        audit=audit,
        description="Update the chronology.",
        owner=worker,
        priority="high",
    )
    audit.refresh_from_db()
    assert audit.status == "actions_open"
    assert action.due_date == actions.working_calendar().add_working_days(_today(), 5)

    with pytest.raises(actions.Invalid, match="evidence"):
        actions.progress_action(actor=worker_user, action=action, event="complete")
    actions.progress_action(
        actor=worker_user, action=action, event="complete", note="Done on file."
    )
    with pytest.raises(actions.NotAllowed):
        actions.progress_action(
            actor=worker_user, action=action, event="verify", method="file check"
        )
    tm = actions.team_manager(audit.team)
    manager = tm.user or small.user("team-manager", audit.team, staff=tm)
    actions.progress_action(actor=manager, action=action, event="verify", method="file check")
    with pytest.raises(IllegalTransition, match="verified"):
        actions.progress_action(actor=manager, action=action, event="cancel", note="x")
    audit.refresh_from_db()
    assert audit.status == "closed"
    assert AuditEvent.objects.filter(verb="verify audit action", object_id=str(action.pk)).exists()


def test_pages_render_and_check_scope(small, qa, tool):
    auditors = _managers(small, 2)
    programme = _programme(small, qa, tool)
    actions.allocate_programme(
        actor=qa, programme=programme, auditors=auditors, snapshot=small.snapshot
    )
    audit = Audit.objects.filter(auditor=auditors[0]).first()
    client = client_for(auditors[0])
    page = client.get(f"/quality/audits/{audit.pk}/")
    assert page.status_code == 200
    assert b"from the case record" in page.content
    assert AccessLog.objects.filter(user=auditors[0], child_id=audit.child_id).exists()
    # Autosave answers htmx with the saved time and keeps the answer.
    saved = client.post(
        f"/quality/audits/{audit.pk}/save/", {"q_seen_alone": "yes"}, HTTP_HX_REQUEST="true"
    )
    assert b"Saved at" in saved.content
    audit.refresh_from_db()
    assert audit.responses["seen_alone"]["answer"] == "yes"
    assert audit.status == "in_progress"
    # Submitting an incomplete form says what is missing and changes nothing.
    missing = client.post(f"/quality/audits/{audit.pk}/save/", {"do": "submit"})
    assert missing.status_code == 400
    assert b"Give the overall grade" in missing.content
    audit.refresh_from_db()
    assert audit.status == "in_progress"

    # A social worker in another team may not open the audit; the refusal is logged.
    other_team = next(
        s.unit
        for s in StaffMember.objects.filter(job_title="Social worker")
        if s.unit != audit.team
    )
    worker = StaffMember.objects.filter(unit=other_team, job_title="Social worker").first()
    outsider = small.user("social-worker", other_team, staff=worker)
    assert client_for(outsider).get(f"/quality/audits/{audit.pk}/").status_code == 403
    assert AccessLog.objects.filter(user=outsider, action=AccessLog.Action.DENIED).exists()

    qa_client = client_for(qa)
    for url in (
        "/quality/",
        "/quality/programmes/",
        "/quality/moderation/",
        "/quality/actions/",
        "/quality/report/",
        "/quality/tools/",
        f"/quality/programmes/{programme.pk}/",
    ):
        assert qa_client.get(url).status_code == 200, url
    # A board member reads the QA report, never an audit.
    board = client_for(small.user("board-member", small.authority))
    assert board.get("/quality/report/").status_code == 200
    assert board.get(f"/quality/audits/{audit.pk}/").status_code == 403


def test_an_overdue_action_is_on_the_owners_and_the_teams_weekly_list(small, qa, tool):
    auditor = _managers(small, 1)[0]
    programme = _programme(small, qa, tool)
    actions.allocate_programme(
        actor=qa, programme=programme, auditors=[auditor], snapshot=small.snapshot
    )
    audit = Audit.objects.filter(auditor=auditor).first()
    actions.submit_audit(actor=auditor, audit=audit, data=_complete(audit, grade="GOOD"))
    worker = StaffMember.objects.filter(unit=audit.team, job_title="Social worker").first()
    action = actions.add_action(
        actor=auditor,
        audit=audit,
        description="Update the chronology.",
        owner=worker,
        priority="standard",
    )
    # Agreed a month ago and not done: overdue now.
    AuditAction.objects.filter(pk=action.pk).update(due_date=date(2026, 11, 2))
    owner = client_for(small.user("social-worker", audit.team, staff=worker))
    mine = owner.get("/performance/weekly/")
    assert mine.status_code == 200
    assert b"Audit action" in mine.content
    assert b"due 02 November 2026" in mine.content
    tm = actions.team_manager(audit.team)
    manager = client_for(tm.user or small.user("team-manager", audit.team, staff=tm))
    team_list = manager.get(f"/performance/weekly/?unit={audit.team.pk}&item=Audit+action")
    assert b"due 02 November 2026" in team_list.content
    # Marked complete, it leaves the list.
    actions.progress_action(actor=owner_user(worker), action=action, event="complete", note="Done.")
    assert b"due 02 November 2026" not in owner.get("/performance/weekly/").content


def owner_user(staff: StaffMember):
    staff.refresh_from_db()
    return staff.user


def test_demo_history_improves_over_two_years_and_reads_in_the_report(small):
    from casegrip.web.quality.demo_history import ensure_demo_audits
    from casegrip.web.quality.report import months_back

    small.user("qa-officer", small.authority)
    made = ensure_demo_audits(small.snapshot)
    assert made > 0
    assert ensure_demo_audits(small.snapshot) == 0  # once only
    this_month = _this_month()
    months = months_back(this_month, 25)
    early = build(small.authority, months[1], None, _today())
    late = build(small.authority, months[-2], None, _today())
    first_year = [build(small.authority, m, None, _today()) for m in months[:12]]
    last_year = [build(small.authority, m, None, _today()) for m in months[12:24]]

    def share_good(reports):
        good = sum(r.good_or_better.numerator for r in reports)
        total = sum(r.good_or_better.denominator for r in reports)
        return good / total

    assert share_good(last_year) > share_good(first_year)
    assert early.volumes["allocated"] > 0
    assert late.agreement_year.n > 0
    moderated = Moderation.objects.count() / Audit.objects.exclude(submitted_at=None).count()
    assert 0.08 < moderated < 0.35
    on_time = AuditAction.objects.filter(status="verified").count()
    assert on_time / AuditAction.objects.count() > 0.6
    # This month's audits are waiting for their auditors: every team manager has some.
    for tm in StaffMember.objects.filter(job_title="Team manager", active=True):
        tm.refresh_from_db()
        mine = Audit.objects.filter(auditor=tm.user, programme__month=this_month)
        assert mine.filter(status="allocated").exists(), tm.name


def test_setting_up_a_programme_through_the_page_and_its_errors(small, qa, tool):
    client = client_for(qa)
    form = client.get("/quality/programmes/new/")
    assert form.status_code == 200
    bad = client.post(
        "/quality/programmes/new/",
        {
            "name": "",
            "kind": "monthly",
            "unit": small.authority.pk,
            "month": "not-a-month",
            "tool": tool.pk,
            "per_team": "two",
            "exclude_months": "12",
        },
    )
    assert bad.status_code == 200
    for message in (b"Give the programme a name", b"Enter the month", b"whole number"):
        assert message in bad.content
    assert not AuditProgramme.objects.exists()
    made = client.post(
        "/quality/programmes/new/",
        {
            "name": "Neglect deep dive",
            "kind": "thematic",
            "unit": small.authority.pk,
            "month": "2026-10",
            "tool": tool.pk,
            "per_team": "1",
            "exclude_months": "12",
            "case_types": ["CP"],
            "theme": "Neglect",
        },
    )
    programme = AuditProgramme.objects.get()
    assert made.status_code == 302
    assert made["Location"] == f"/quality/programmes/{programme.pk}/"
    # A thematic programme's learning becomes an action for a manager.
    manager = StaffMember.objects.filter(job_title="Team manager").first()
    client.post(
        f"/quality/programmes/{programme.pk}/",
        {
            "do": "add_action",
            "note": "Brief every team on neglect tools.",
            "owner": manager.pk,
            "priority": "standard",
            "category": "systemic",
        },
    )
    action = AuditAction.objects.get(programme=programme)
    assert action.audit is None
    assert action.team == manager.unit
    assert action.child_id == ""
    # Only the QA team may set up programmes.
    tm = client_for(small.user("team-manager", manager.unit, staff=manager))
    assert tm.get("/quality/programmes/new/").status_code == 403


def test_the_qa_report_pdf_and_small_numbers(small, qa, tool):
    auditor = _managers(small, 1)[0]
    programme = _programme(small, qa, tool)
    actions.allocate_programme(
        actor=qa, programme=programme, auditors=[auditor], snapshot=small.snapshot
    )
    audit = Audit.objects.filter(auditor=auditor).first()
    actions.submit_audit(actor=auditor, audit=audit, data=_complete(audit, grade="GOOD"))
    pdf = client_for(qa).get(f"/quality/report/pdf/?unit={small.authority.pk}")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # One audit is a small number: a board member sees it suppressed.
    board = client_for(small.user("board-member", small.authority))
    page = board.get(f"/quality/report/?unit={small.authority.pk}&month=2026-10")
    assert page.status_code == 200
    assert b"Counts below" in page.content
    exact = client_for(qa).get(f"/quality/report/?unit={small.authority.pk}&month=2026-10")
    assert b"Counts below" not in exact.content


def test_the_action_list_pages_filters_and_exports(small, qa):
    from casegrip.web.quality.demo_history import ensure_demo_audits

    ensure_demo_audits(small.snapshot)
    client = client_for(qa)
    everything = AuditAction.objects.count()
    listed = client.get("/quality/actions/?status=all")
    assert f"{everything} actions".encode() in listed.content
    if everything > 100:
        assert b'aria-label="Page 2"' in listed.content
    overdue = client.get("/quality/actions/?status=overdue")
    assert overdue.status_code == 200
    csv_body = client.get("/quality/actions/?status=all&format=csv").content.decode("utf-8-sig")
    assert csv_body.splitlines()[0].startswith("Action,Child,Team,Owner")
    assert len(csv_body.splitlines()) == everything + 1
    assert AccessLog.objects.filter(user=qa, action=AccessLog.Action.EXPORT).exists()


def test_exemption_needs_approval_by_someone_else_and_counts_as_exempt(small, qa, tool):
    auditor = _managers(small, 1)[0]
    programme = _programme(small, qa, tool)
    actions.allocate_programme(
        actor=qa, programme=programme, auditors=[auditor], snapshot=small.snapshot
    )
    audit, other = Audit.objects.filter(auditor=auditor)[:2]
    with pytest.raises(actions.Invalid, match="Nobody has asked"):
        actions.approve_exemption(actor=qa, audit=audit)
    with pytest.raises(actions.Invalid, match="why this audit should be exempt"):
        actions.request_exemption(actor=auditor, audit=audit, reason=" ")
    actions.request_exemption(actor=auditor, audit=audit, reason="The child moved away.")
    with pytest.raises(actions.NotAllowed, match="Only the QA team"):
        actions.approve_exemption(actor=auditor, audit=audit)
    actions.approve_exemption(actor=qa, audit=audit)
    audit.refresh_from_db()
    assert audit.status == "exempted"
    assert audit.exemption_approved_by == qa
    with pytest.raises(IllegalTransition, match="exempted, so it cannot be edited"):
        actions.save_audit(actor=auditor, audit=audit, data={})
    actions.cancel_audit(actor=qa, audit=other, reason="Allocated twice by mistake.")
    report = build(small.authority, date(2026, 10, 1), None, _today())
    assert report.volumes["exempt"] == 1
    allocated = Audit.objects.filter(programme=programme).exclude(status="cancelled").count()
    assert report.volumes["allocated"] == allocated
    assert report.completion.denominator == allocated - 1

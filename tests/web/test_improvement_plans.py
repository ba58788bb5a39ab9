"""Improvement plans: BRAG derivation (with working days across bank holidays), the action
status machine, the spreadsheet import (a good sheet, and malformed ones that import nothing),
the pages, who may read and change a plan, and the history every change leaves."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from casegrip.calendar import WorkingCalendar
from casegrip.web.accounts import audit
from casegrip.web.accounts.models import AuditEvent
from casegrip.web.improvement import actions, states
from casegrip.web.improvement.brag import Brag, Reading, derive, effective
from casegrip.web.improvement.demo_history import ensure_demo_plan
from casegrip.web.improvement.models import (
    ImprovementPlan,
    PlanAction,
    ProgressNote,
    Recommendation,
)
from casegrip.web.improvement.spreadsheet import SheetInvalid, parse_when, read_plan
from casegrip.web.improvement.summary import brag_summary, overdue_actions
from casegrip.web.working_days import working_calendar

from ..conftest import client_for
from .data import improvement_plan_sample as sample

TODAY = date(2026, 10, 14)  # a Wednesday


def _derive(**kwargs) -> Brag:
    defaults = {
        "status": states.IN_PROGRESS,
        "start_date": None,
        "due_date": TODAY + timedelta(days=60),
        "today": TODAY,
        "calendar": working_calendar(),
        "amber_within": 10,
    }
    return derive(**{**defaults, **kwargs})


# BRAG -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"status": states.COMPLETED, "due_date": TODAY - timedelta(days=30)}, Brag.BLUE),
        ({"status": states.IMPACT_EVIDENCED}, Brag.BLUE),
        ({"status": states.IN_PROGRESS, "due_date": TODAY - timedelta(days=1)}, Brag.RED),
        ({"status": states.NOT_DUE, "due_date": TODAY - timedelta(days=1)}, Brag.RED),
        ({"status": states.PARTIALLY_COMPLETE, "due_date": TODAY}, Brag.AMBER),
        (
            {"status": states.NOT_DUE, "start_date": TODAY + timedelta(days=1)},
            Brag.GREY,
        ),
        ({"status": states.NOT_DUE, "start_date": TODAY}, Brag.GREEN),
        ({"status": states.IN_PROGRESS, "start_date": TODAY + timedelta(days=5)}, Brag.GREEN),
        ({"due_date": TODAY + timedelta(days=14)}, Brag.AMBER),  # 10 working days
        ({"due_date": TODAY + timedelta(days=15)}, Brag.GREEN),  # 11 working days
        ({"due_date": None}, Brag.GREEN),  # ongoing
        ({"due_date": TODAY + timedelta(days=14), "amber_within": 5}, Brag.GREEN),
    ],
)
def test_brag_from_status_and_dates(kwargs, expected):
    assert _derive(**kwargs) is expected


def test_brag_pairs_the_colour_with_how_close_the_measures_are():
    on_target = Reading(91.0, 90.0, higher_is_better=True, tolerance=5.0)
    just_below = Reading(86.0, 90.0, higher_is_better=True, tolerance=5.0)
    far_below = Reading(80.0, 90.0, higher_is_better=True, tolerance=5.0)
    too_many = Reading(25.0, 18.0, higher_is_better=False, tolerance=5.0)
    unknown = Reading(None, 90.0, higher_is_better=True, tolerance=5.0)
    assert _derive(readings=[on_target, unknown]) is Brag.GREEN
    assert _derive(readings=[on_target, just_below]) is Brag.AMBER
    assert _derive(readings=[just_below, far_below]) is Brag.RED
    assert _derive(readings=[too_many]) is Brag.RED
    # Done is done, and a not-started action waits for its start date.
    assert _derive(status=states.COMPLETED, readings=[far_below]) is Brag.BLUE
    grey = {"status": states.NOT_DUE, "start_date": TODAY + timedelta(days=3)}
    assert _derive(readings=[just_below], **grey) is Brag.GREY


def test_due_soon_counts_working_days_across_bank_holidays():
    calendar = working_calendar()
    monday = date(2026, 12, 21)
    # Christmas Day (Friday 25th) and the Boxing Day substitute (Monday 28th) are not working
    # days: 30 December is the 5th working day after 21 December, 31 December the 6th.
    assert calendar.working_days_between(monday, date(2026, 12, 30)) == 5
    due_soon = {"today": monday, "amber_within": 5, "calendar": calendar}
    assert _derive(due_date=date(2026, 12, 30), **due_soon) is Brag.AMBER
    assert _derive(due_date=date(2026, 12, 31), **due_soon) is Brag.GREEN
    # Counted in calendar weekdays alone, 30 December would be 7 days away: green.
    no_holidays = WorkingCalendar(first_year=2026, last_year=2027)
    no_holidays.bank_holidays = {}
    assert no_holidays.working_days_between(monday, date(2026, 12, 30)) == 7
    # An authority's closure day counts too.
    closed = WorkingCalendar([date(2026, 12, 29)])
    assert (
        _derive(due_date=date(2026, 12, 31), today=monday, amber_within=5, calendar=closed)
        is Brag.AMBER
    )


def test_an_override_wins_over_the_derived_colour():
    assert effective(Brag.GREEN, "") is Brag.GREEN
    assert effective(Brag.GREEN, "amber") is Brag.AMBER


# Fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def director(org, make_user):
    user = make_user("director", org["authority"])
    user.first_name, user.last_name = "Dana", "Director"
    user.save()
    return user


@pytest.fixture
def plan(org, director):
    plan = actions.create_plan(
        actor=director,
        unit=org["authority"],
        title="Improvement plan 2026",
        kind="post_inspection",
        governance_body="Improvement Board",
    )
    rec = actions.add_recommendation(
        actor=director,
        plan=plan,
        ref="1",
        text="Improve supervision.",
        lead="Head of Practice",
        measures=[{"measure_id": "supervision_compliance", "target": 90.0, "tolerance": 5.0}],
    )
    today = timezone.localdate()
    actions.add_action(
        actor=director, recommendation=rec, text="Overdue thing", due_date=today - timedelta(3)
    )
    actions.add_action(
        actor=director,
        recommendation=rec,
        text="Later thing",
        lead="QA lead",
        due_date=today + timedelta(days=90),
    )
    return plan


def _action(plan: ImprovementPlan, ref: str) -> PlanAction:
    return PlanAction.objects.get(recommendation__plan=plan, ref=ref)


# Status machine ---------------------------------------------------------------------------------


def test_status_moves_forward_and_keeps_dated_notes(plan, director):
    action = _action(plan, "1.2")
    actions.update_progress(actor=director, action=action, status=states.IN_PROGRESS, note="Go")
    actions.update_progress(actor=director, action=action, status=states.PARTIALLY_COMPLETE)
    actions.update_progress(actor=director, action=action, status=states.COMPLETED, note="Done")
    action = actions.update_progress(
        actor=director, action=action, status=states.IMPACT_EVIDENCED, note="Re-audit held"
    )
    assert action.status == states.IMPACT_EVIDENCED
    assert action.completed_on == action.impact_evidenced_on == timezone.localdate()
    notes = list(ProgressNote.objects.filter(action=action).order_by("pk"))
    assert [(n.note, n.status) for n in notes] == [
        ("Go", states.IN_PROGRESS),
        ("Done", states.COMPLETED),
        ("Re-audit held", states.IMPACT_EVIDENCED),
    ]
    assert notes[0].author == director
    assert notes[0].author_name == "Dana Director"


@pytest.mark.parametrize(
    ("path", "illegal", "says"),
    [
        ([], states.IMPACT_EVIDENCED, "is not due, so it cannot become impact evidenced"),
        ([states.COMPLETED], states.NOT_DUE, "is completed, so it cannot become not due"),
        (
            [states.COMPLETED, states.IMPACT_EVIDENCED],
            states.IN_PROGRESS,
            "It may become: nothing: it is finished",
        ),
        ([states.IN_PROGRESS], states.NOT_DUE, "It may become: partially complete, completed"),
    ],
)
def test_illegal_status_changes_are_refused_and_save_nothing(plan, director, path, illegal, says):
    action = _action(plan, "1.2")
    for status in path:
        actions.update_progress(actor=director, action=action, status=status, note="ok")
    action.refresh_from_db()
    before = (action.status, ProgressNote.objects.count(), AuditEvent.objects.count())
    with pytest.raises(states.IllegalTransition, match=says):
        actions.update_progress(actor=director, action=action, status=illegal, note="try")
    action.refresh_from_db()
    assert (action.status, ProgressNote.objects.count(), AuditEvent.objects.count()) == before


def test_reopening_a_completed_action_needs_a_reason(plan, director):
    action = _action(plan, "1.2")
    actions.update_progress(actor=director, action=action, status=states.COMPLETED, note="x")
    with pytest.raises(actions.Invalid, match="Say why"):
        actions.update_progress(actor=director, action=action, status=states.IN_PROGRESS)
    action = actions.update_progress(
        actor=director, action=action, status=states.IN_PROGRESS, note="Board not satisfied"
    )
    assert action.status == states.IN_PROGRESS
    assert action.completed_on is None


def test_plan_status_machine(plan, director):
    plan = actions.change_plan_status(actor=director, plan=plan, status="live")
    with pytest.raises(states.IllegalTransition, match="This plan is live"):
        actions.change_plan_status(actor=director, plan=plan, status="draft")
    page = client_for(director).post(f"/improvement/plans/{plan.pk}/status/", {"status": "draft"})
    assert page.status_code == 400
    assert "It may become: closed." in page.content.decode()
    plan.refresh_from_db()
    assert plan.status == "live"


def test_an_illegal_change_on_the_page_says_why(plan, director):
    action = _action(plan, "1.2")
    actions.update_progress(actor=director, action=action, status=states.COMPLETED, note="x")
    response = client_for(director).post(
        f"/improvement/actions/{action.pk}/",
        {"form": "progress", "status": states.NOT_DUE, "note": "", "on": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    action.refresh_from_db()
    assert action.status == states.COMPLETED


# BRAG summary and overdue actions ---------------------------------------------------------------


def test_brag_summary_and_overdue_actions(plan, director, org):
    later = _action(plan, "1.2")
    actions.override_brag(actor=director, action=later, brag="amber", reason="Recruitment slips")
    summary = brag_summary(plan, values={"supervision_compliance": (95.0, date(2026, 9, 30))})
    (row,) = summary.rows
    assert row.counts[Brag.RED] == 1
    assert row.counts[Brag.AMBER] == 1
    assert summary.counts == {
        Brag.BLUE: 0,
        Brag.RED: 1,
        Brag.AMBER: 1,
        Brag.GREEN: 0,
        Brag.GREY: 0,
    }
    assert summary.overdue == 1
    assert summary.total == 2
    later_shown = row.actions[1]
    assert later_shown.derived is Brag.GREEN
    assert later_shown.brag is Brag.AMBER
    # A measure far below target turns the open, not-yet-due action red.
    low = brag_summary(plan, values={"supervision_compliance": (70.0, date(2026, 9, 30))})
    assert low.rows[0].actions[1].derived is Brag.RED

    today = timezone.localdate()
    assert [a.ref for a in overdue_actions(today)] == ["1.1"]
    assert [a.ref for a in overdue_actions(today, unit=org["north"])] == []
    actions.update_progress(
        actor=director, action=_action(plan, "1.1"), status=states.COMPLETED, note="Done late"
    )
    assert overdue_actions(today) == []


# Import -----------------------------------------------------------------------------------------


def _xlsx(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def workbook():
    return sample.build_workbook()


def _import(director, org, data: bytes) -> ImprovementPlan:
    return actions.import_plan(
        actor=director,
        unit=org["authority"],
        title="Imported plan",
        kind="post_inspection",
        data=data,
        filename="plan.xlsx",
    )


def test_a_good_sheet_imports_whole(director, org, workbook):
    plan = _import(director, org, _xlsx(workbook))
    recs = list(plan.recommendations.order_by("position"))
    assert [r.ref for r in recs] == ["1", "2", "3", "4"]
    assert PlanAction.objects.filter(recommendation__plan=plan).count() == sample.ACTIONS
    first, second, third, fourth = recs
    assert first.lead == "Head of Practice"
    assert first.performance_framework == "Performance clinic reports\nCase file audit reports"
    assert first.measures == [
        {"measure_id": "supervision_compliance", "target": 90.0, "tolerance": 5.0}
    ]
    assert second.measures[1] == {
        "measure_id": "caseload_average_fte",
        "target": 16.0,
        "tolerance": 2.0,  # the catalogue's amber band for caseloads
    }
    assert second.link_plans == ["Workforce Development Strategy", "Recruitment and Retention Plan"]
    assert fourth.governance_body == "Corporate Parenting Panel\nStrategic Housing Board"
    by_ref = {a.ref: a for a in PlanAction.objects.filter(recommendation__plan=plan)}
    assert by_ref["1.2"].status == states.COMPLETED
    assert by_ref["1.2"].due_date == date(2026, 4, 30)
    assert by_ref["1.2"].completed_on == date(2026, 4, 30)
    assert by_ref["1.1"].due_date is None
    assert by_ref["1.1"].timescale == "Ongoing"
    assert by_ref["2.2"].status == states.PARTIALLY_COMPLETE
    assert by_ref["3.1"].due_date == date(2026, 1, 30)  # a real date cell
    assert by_ref["4.1"].due_date == date(2027, 4, 30)  # the pilot, then the roll-out
    assert by_ref["4.1"].status == states.IN_PROGRESS
    note = ProgressNote.objects.get(action=by_ref["2.2"])
    assert note.note.endswith("Remaining localities booked for May")
    assert not ProgressNote.objects.filter(action=by_ref["1.3"]).exists()  # just "Not Due"
    assert third.text.startswith("Review children in need")
    verbs = set(AuditEvent.objects.filter(actor=director).values_list("verb", flat=True).distinct())
    assert {"imported improvement plan", "imported recommendation", "imported plan action"} <= verbs


def test_the_committed_sample_is_the_one_the_script_makes(director, org):
    committed = read_plan(sample.SAMPLE.read_bytes(), known_indicator=lambda m: True)
    built = read_plan(_xlsx(sample.build_workbook()), known_indicator=lambda m: True)
    assert committed == built
    assert len(committed.recommendations) == sample.RECOMMENDATIONS


def _set(book, cell: str, value) -> None:
    book[sample.SHEET][cell] = value


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            lambda b: _set(b, "H7", "soonish"),
            "Sheet 'Action plan', row 7, column H (Timescale reported at end of month): "
            "cannot read 'soonish' as a date",
        ),
        (
            lambda b: _set(b, "I8", "Nearly"),
            None,  # a progress note is free text: no problem
        ),
        (
            lambda b: _set(b, "A9", "1"),
            "Sheet 'Action plan', row 9, column A (No): recommendation 1 appears twice.",
        ),
        (
            lambda b: _set(b, "F9", "no_such_indicator"),
            "row 9, column F (Indicators): 'no_such_indicator' is not an indicator",
        ),
        (
            lambda b: _set(b, "G4", "Task"),
            "Sheet 'Action plan', row 4: the header row has no column headed Action.",
        ),
        (
            lambda b: b[sample.SHEET].insert_rows(5) or _set(b, "G5", "An orphan action"),
            "row 5, column A (No): this row comes before any recommendation",
        ),
        (
            lambda b: _set(b, "B9", None),
            "row 9, column B (Recommendation): recommendation 2 has no text.",
        ),
    ],
)
def test_a_malformed_sheet_says_where_and_imports_nothing(director, org, workbook, change, says):
    change(workbook)
    if says is None:
        assert _import(director, org, _xlsx(workbook)).recommendations.count() == 4
        return
    with pytest.raises(SheetInvalid) as caught:
        _import(director, org, _xlsx(workbook))
    assert says in str(caught.value)
    assert ImprovementPlan.objects.count() == 0
    assert Recommendation.objects.count() == PlanAction.objects.count() == 0


def test_a_status_column_takes_only_the_statuses(director, org, workbook):
    sheet = workbook[sample.SHEET]
    sheet["N4"] = "Status"
    sheet["N5"] = "Completed"
    sheet["N7"] = "Sort of"
    with pytest.raises(SheetInvalid) as caught:
        _import(director, org, _xlsx(workbook))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.heading) == (7, "N", "Status")
    assert "'Sort of' is not a status. Use one of: Not due, In progress" in problem.message


def test_not_a_workbook_is_refused(director, org):
    with pytest.raises(SheetInvalid, match=r"not an Excel workbook \(\.xlsx\)"):
        _import(director, org, b"No,Recommendation\n1,Something\n")
    assert ImprovementPlan.objects.count() == 0


def test_a_failure_while_saving_leaves_nothing_half_imported(director, org, workbook, monkeypatch):
    calls = []
    real = audit.record_event

    def fail_late(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 8:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(actions, "record_event", fail_late)
    with pytest.raises(RuntimeError):
        _import(director, org, _xlsx(workbook))
    assert len(calls) == 8
    assert ImprovementPlan.objects.count() == Recommendation.objects.count() == 0
    assert PlanAction.objects.count() == ProgressNote.objects.count() == 0
    assert AuditEvent.objects.filter(verb__startswith="imported").count() == 0


def test_timescales_as_plans_write_them():
    assert parse_when("End April 2018") == (date(2018, 4, 30), "End April 2018")
    assert parse_when("End of Feb 2028")[0] == date(2028, 2, 29)
    assert parse_when("Throughout 2018")[0] == date(2018, 12, 31)
    assert parse_when("30/04/2018")[0] == date(2018, 4, 30)
    assert parse_when("7th February 2018")[0] == date(2018, 2, 7)
    assert parse_when("Ongoing") == (None, "Ongoing")
    with pytest.raises(ValueError, match="cannot read 'When ready'"):
        parse_when("When ready")


def test_the_upload_page_imports_and_refuses(director, org, workbook):
    client = client_for(director)
    assert client.get("/improvement/plans/import/").status_code == 200
    form = {"unit": org["authority"].pk, "title": "From the sheet", "kind": "post_inspection"}
    bad = sample.build_workbook()
    _set(bad, "H7", "soonish")
    refused = client.post(
        "/improvement/plans/import/", {**form, "file": _named(_xlsx(bad), "plan.xlsx")}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Nothing was saved" in page
    assert "row 7, column H" in page
    assert ImprovementPlan.objects.count() == 0
    done = client.post(
        "/improvement/plans/import/", {**form, "file": _named(_xlsx(workbook), "plan.xlsx")}
    )
    plan = ImprovementPlan.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/improvement/plans/{plan.pk}/"


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# Pages and permissions --------------------------------------------------------------------------


def test_the_index_has_an_empty_state(org, make_user):
    board = make_user("board-member", org["authority"])
    page = client_for(board).get("/improvement/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "No improvement plan has been set up yet." in body
    assert "Start a plan" not in body


def test_pages_render_for_a_board_member(plan, org, make_user):
    board = make_user("board-member", org["authority"])
    client = client_for(board)
    action = _action(plan, "1.1")
    rec = action.recommendation
    index = client.get("/improvement/").content.decode()
    assert "Improvement plan 2026" in index
    page = client.get(f"/improvement/plans/{plan.pk}/").content.decode()
    assert "Overdue thing" in page
    assert "Later thing" in page
    assert "Overdue" in page
    assert "Edit the plan" not in page
    only_red = client.get(f"/improvement/plans/{plan.pk}/?brag=red").content.decode()
    assert "Overdue thing" in only_red
    assert "Later thing" not in only_red
    by_lead = client.get(f"/improvement/plans/{plan.pk}/?lead=QA+lead&sort=-due").content.decode()
    assert "Later thing" in by_lead
    assert "Overdue thing" not in by_lead
    board_view = client.get(f"/improvement/plans/{plan.pk}/board/").content.decode()
    assert "data-cg-print" in board_view
    assert 'id="board-overdue"' in board_view
    assert client.get(f"/improvement/recommendations/{rec.pk}/").status_code == 200
    action_page = client.get(f"/improvement/actions/{action.pk}/").content.decode()
    assert "Overdue thing" in action_page
    assert 'id="progress-form"' not in action_page


def test_a_board_member_cannot_change_a_plan(plan, org, make_user):
    board = make_user("board-member", org["authority"])
    client = client_for(board)
    action = _action(plan, "1.2")
    assert client.get("/improvement/plans/new/").status_code == 403
    assert client.get(f"/improvement/plans/{plan.pk}/edit/").status_code == 403
    refused = client.post(
        f"/improvement/actions/{action.pk}/",
        {"form": "progress", "status": states.IN_PROGRESS, "note": "x", "on": "2026-01-01"},
    )
    assert refused.status_code == 403
    action.refresh_from_db()
    assert action.status == states.NOT_DUE
    with pytest.raises(actions.NotAllowed):
        actions.update_progress(actor=board, action=action, status=states.IN_PROGRESS)


def test_a_social_worker_cannot_open_or_edit_plans(plan, org, make_user):
    worker = make_user("social-worker", org["team_a"])
    client = client_for(worker)
    action = _action(plan, "1.2")
    for url in (
        "/improvement/",
        f"/improvement/plans/{plan.pk}/",
        f"/improvement/plans/{plan.pk}/edit/",
        f"/improvement/actions/{action.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    post = client.post(
        f"/improvement/actions/{action.pk}/",
        {"form": "override", "brag": "red", "reason": "x"},
    )
    assert post.status_code == 403


def test_a_plan_is_read_only_in_the_scope_of_the_user(plan, org, make_user):
    local = make_user("board-member", org["north"])
    assert client_for(local).get(f"/improvement/plans/{plan.pk}/").status_code == 403
    head = make_user("head-of-service", org["service"])
    assert client_for(head).get(f"/improvement/plans/{plan.pk}/edit/").status_code == 403


def test_a_manager_builds_a_plan_through_the_pages_and_it_keeps_history(org, director):
    client = client_for(director)
    created = client.post(
        "/improvement/plans/new/",
        {
            "title": "Single Service Plan",
            "kind": "single_service",
            "unit": org["authority"].pk,
            "workstreams": "Front door\nChildren in care",
            "amber_within": "10",
        },
    )
    plan = ImprovementPlan.objects.get(title="Single Service Plan")
    assert created.status_code == 302
    assert plan.workstreams == ["Front door", "Children in care"]
    bad = client.post(
        f"/improvement/plans/{plan.pk}/recommendations/new/",
        {"ref": "1", "text": "Priority one", "measures": "not_a_measure"},
    )
    assert bad.status_code == 200
    assert "Not catalogue indicators: not_a_measure" in bad.content.decode()
    client.post(
        f"/improvement/plans/{plan.pk}/recommendations/new/",
        {"ref": "1", "text": "Priority one", "measures": "icpc_within_15wd = 95"},
    )
    rec = plan.recommendations.get()
    assert rec.measures == [{"measure_id": "icpc_within_15wd", "target": 95.0, "tolerance": 5.0}]
    client.post(
        f"/improvement/recommendations/{rec.pk}/actions/new/",
        {"text": "Do the thing", "due_date": "2030-01-31"},
    )
    action = rec.actions.get()
    assert action.ref == "1.1"
    today = timezone.localdate().isoformat()
    client.post(
        f"/improvement/actions/{action.pk}/",
        {"form": "progress", "status": states.IN_PROGRESS, "note": "Started", "on": today},
    )
    client.post(
        f"/improvement/actions/{action.pk}/",
        {"form": "override", "brag": "red", "reason": "Partner has pulled out"},
    )
    client.post(
        f"/improvement/actions/{action.pk}/edit/",
        {"ref": "1.1", "text": "Do the thing well", "due_date": "2030-02-28"},
    )
    events = AuditEvent.objects.filter(
        object_type="improvement.planaction", object_id=str(action.pk)
    ).order_by("pk")
    assert [(e.verb, e.actor) for e in events] == [
        ("added plan action", director),
        ("changed plan action status", director),
        ("added progress note", director),
        ("overrode BRAG", director),
        ("edited plan action", director),
    ]
    assert events[4].detail["changes"]["due_date"] == ["2030-01-31", "2030-02-28"]
    page = client.get(f"/improvement/actions/{action.pk}/").content.decode()
    assert "Dana Director overrode BRAG" in page
    assert "Partner has pulled out" in page
    assert "Dana Director edited plan action (text, due date)" in page
    assert "Dana Director changed plan action status (Not due to In progress)" in page
    assert "Derived: Green" in page
    plan_page = client.get(f"/improvement/plans/{plan.pk}/").content.decode()
    assert "Dana Director created improvement plan" in plan_page


def test_an_override_needs_a_reason(plan, director):
    with pytest.raises(actions.Invalid, match="Say why"):
        actions.override_brag(actor=director, action=_action(plan, "1.2"), brag="red")


# Demo history -----------------------------------------------------------------------------------


def _signature(plan: ImprovementPlan) -> list[tuple]:
    return [
        (a.ref, a.status, a.start_date, a.due_date, a.notes.count(), a.brag_override)
        for a in PlanAction.objects.filter(recommendation__plan=plan).order_by("pk")
    ]


def test_the_demo_plan_is_varied_deterministic_and_made_once(org, director):
    from casegrip.web.organisation import actions as org_actions

    as_at = date(2026, 10, 30)
    plan = ensure_demo_plan(org["authority"], as_at=as_at)
    assert ensure_demo_plan(org["authority"], as_at=as_at) == plan
    assert plan.recommendations.count() == 12
    assert PlanAction.objects.filter(recommendation__plan=plan).count() == 80
    statuses = set(PlanAction.objects.values_list("status", flat=True))
    assert statuses == set(states.ACTION.labels)
    notes = ProgressNote.objects.filter(action__recommendation__plan=plan)
    days = sorted(notes.values_list("on", flat=True))
    assert days[0] < as_at - timedelta(days=365)
    assert days[-1] <= as_at
    summary = brag_summary(plan, as_at, values={})
    assert all(summary.counts[b] for b in (Brag.BLUE, Brag.RED, Brag.GREEN, Brag.GREY))
    other = org_actions.create_unit(kind="authority", name="Otherside", la_code="997")
    assert _signature(ensure_demo_plan(other, as_at=as_at)) == _signature(plan)
    events = AuditEvent.objects.filter(object_type="improvement.planaction", actor=None)
    assert events.exists()
    assert max(e.at.date() for e in events) <= as_at
    # Its pages render, with the history casegrip wrote.
    client = client_for(director)
    overridden = PlanAction.objects.filter(recommendation__plan=plan).exclude(brag_override="")
    for url in (
        f"/improvement/plans/{plan.pk}/",
        f"/improvement/plans/{plan.pk}/board/",
        *(f"/improvement/actions/{a.pk}/" for a in overridden[:1]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
    assert "casegrip added plan action" in page.content.decode()

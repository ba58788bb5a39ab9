"""The demo's two years of IRO escalations on the small authority: two to six per IRO a
quarter, resolved mostly early, a few late responses and Cafcass referrals, some responses
overdue now to a team manager, history dated when each step happened, and the report reads it."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from casegrip.web.accounts.models import AuditEvent
from casegrip.web.escalations import report
from casegrip.web.escalations.demo_history import (
    IRO,
    PER_QUARTER,
    QUARTERS,
    ensure_demo_escalations,
    quarter_of,
)
from casegrip.web.escalations.models import Escalation, EscalationStage, Outcome, Status
from casegrip.web.escalations.queries import overdue_for
from casegrip.web.organisation.models import StaffMember

from ..conftest import client_for


@pytest.fixture
def history(small) -> int:
    return ensure_demo_escalations(small.snapshot)


def _story() -> list[tuple]:
    return [
        (
            (e.child_id, e.raised_by_id, e.informal_logged_at, e.category, e.status),
            [(s.number, s.issued_at, s.responded_at, s.addressee_staff_id) for s in e.stages.all()],
        )
        for e in Escalation.objects.order_by("pk").prefetch_related("stages")
    ]


def test_made_once_and_the_same_again_from_the_same_seed_and_day(small, history):
    assert history > 0
    assert Escalation.objects.count() == history
    assert ensure_demo_escalations(small.snapshot) == 0  # once only
    first = _story()
    Escalation.objects.all().delete()
    assert ensure_demo_escalations(small.snapshot) == history
    assert _story() == first
    Escalation.objects.all().delete()
    ensure_demo_escalations(small.snapshot, seed=6)
    assert _story() != first


def test_two_to_six_per_iro_per_quarter_for_two_years(small, history):
    today = timezone.localdate()
    quarters = [quarter_of(today)]
    while len(quarters) < QUARTERS:
        quarters.insert(0, quarter_of(quarters[0] - timedelta(days=1)))
    iros = list(StaffMember.objects.filter(job_title=IRO, active=True))
    assert iros
    assert all(s.user_id for s in iros)
    counts = Counter(
        (e.raised_by_id, quarter_of(e.informal_logged_at)) for e in Escalation.objects.all()
    )
    assert {q for _, q in counts} == set(quarters)
    low, high = PER_QUARTER
    for staff in iros:
        for quarter in quarters:
            assert low <= counts[(staff.user_id, quarter)] <= high, (staff.name, quarter)
    assert {e.raised_by_staff_id for e in Escalation.objects.all()} == {s.pk for s in iros}


def test_about_half_resolved_early_four_in_five_by_stage_2(history):
    ended = list(Escalation.objects.exclude(status__in=(Status.INFORMAL, Status.ISSUED)))
    ended = [e for e in ended if e.status != Status.RESPONDED]
    resolved = Counter(
        e.current_stage for e in ended if e.outcome in (Outcome.RESOLVED, Outcome.PARTIALLY)
    )
    early = (resolved[0] + resolved[1]) / len(ended)
    by_stage_2 = (resolved[0] + resolved[1] + resolved[2]) / len(ended)
    assert 0.38 < early < 0.62
    assert 0.68 < by_stage_2 < 0.9
    assert {e.category for e in ended} == {"process", "practice", "resource"}
    # Every closed one was closed on or after it ended, through the state machine.
    for e in ended:
        if e.closed_at:
            assert e.closed_at >= (e.drp_ended_at or e.formal_started_at)


def test_a_few_late_responses_and_cafcass_at_most_twice_a_year(history):
    responded = EscalationStage.objects.exclude(responded_at=None)
    late = [s for s in responded if not s.responded_in_time()]
    assert 0 < len(late) < 0.25 * responded.count()
    referred = list(Escalation.objects.exclude(cafcass_referred_at=None))
    assert len(referred) <= 2 * QUARTERS // 4
    assert all(e.raised_by_role == "iro" and e.status == Status.CLOSED for e in referred)


def test_some_open_now_with_responses_overdue_to_a_team_manager(small, history):
    today = timezone.localdate()
    assert Escalation.objects.filter(status__in=(Status.INFORMAL, Status.ISSUED)).exists()
    overdue = EscalationStage.objects.filter(
        escalation__status=Status.ISSUED, responded_at=None, response_due__lt=today
    ).select_related("addressee_staff", "escalation__team")
    assert overdue.count() >= 2
    managers = {s.addressee_staff for s in overdue if s.addressee_staff.unit == s.escalation.team}
    assert managers, "no overdue stage addressed to the manager of the child's team"
    manager = max(managers, key=lambda m: len(overdue_for(m, today=today)))
    mine = overdue_for(manager, today=today)
    assert len(mine) >= 2
    assert {row.team for row in mine} == {manager.unit.name}
    assert all(row.due < today for row in mine)


def test_history_is_dated_when_each_step_happened(history):
    closed = Escalation.objects.filter(status=Status.CLOSED, current_stage=2).first()
    events = list(
        AuditEvent.objects.filter(
            object_type="escalations.escalation", object_id=str(closed.pk)
        ).order_by("id")
    )
    assert events[0].verb == "raised escalation"
    assert events[0].at.date() == closed.informal_logged_at
    assert events[-1].verb == "closed escalation"
    assert events[-1].at.date() == closed.closed_at
    assert [e.at for e in events] == sorted(e.at for e in events)
    stage_2 = closed.stages.get(number=2)
    issued = next(e for e in events if e.verb == "issued stage 2")
    assert issued.at.date() == stage_2.issued_at


def test_the_report_page_reads_the_history(small, history):
    director = small.user("director", small.authority)
    today = timezone.localdate()
    start = today - timedelta(days=364)
    expected = report.build(small.authority, start, today, None, today)
    assert expected.raised > 0
    page = client_for(director).get("/escalations/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(rf'id="raised-count">\s*{expected.raised}\s*<', html)
    issued = {row["stage"]: row["issued"] for row in expected.stages}
    assert issued[1] > issued[2] > 0
    listing = client_for(director).get("/escalations/?overdue=1")
    assert listing.status_code == 200

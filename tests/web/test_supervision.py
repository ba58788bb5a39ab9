"""Supervision: the policy (ASYE weeks, monthly intervals, versions), month-end compliance and
its trend, merging casegrip's sessions with the case record's, the actions (with bad input
refused and nothing changed), the pages, who may see what (a worker only their own; refusals of
child-level pages logged), the weekly list's ``overdue_supervision`` and the demo history."""

import csv
import io
from datetime import date, timedelta

import duckdb
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from casegrip.store.live import LiveSnapshot, set_live
from casegrip.synth import organisation as synth_org
from casegrip.web.accounts.models import AccessLog, AuditEvent
from casegrip.web.organisation import actions as org_actions
from casegrip.web.organisation.models import OrgUnit, UnitKind
from casegrip.web.workforce import actions
from casegrip.web.workforce import supervision_policy as sp
from casegrip.web.workforce.actions import SupervisionError
from casegrip.web.workforce.demo_history import ensure_demo_supervision
from casegrip.web.workforce.models import (
    AsyeStart,
    CaseDecision,
    SessionStatus,
    SupervisionPolicy,
    SupervisionSession,
)
from casegrip.web.workforce.supervision_due import overdue_supervision
from casegrip.web.workforce.supervision_sources import load, policies, staff_in

from ..conftest import client_for

RULES = sp.Rules(effective_from=date(2000, 1, 1))
START = date(2026, 1, 5)  # an ASYE start, a Monday
TODAY = date(2026, 11, 20)


def held(day: date, kind: str = sp.ONE_TO_ONE, key: str = "w", **kwargs) -> sp.Held:
    return sp.Held(supervisee=key, day=day, kinds=frozenset({kind}), **kwargs)


# The policy


@pytest.mark.parametrize(
    ("week", "days", "months", "phase"),
    [
        (5, 7, 0, "ASYE week 5, first 6 weeks: weekly"),
        (7, 14, 0, "ASYE week 7, to week 26: fortnightly"),
        (27, 0, 1, "monthly"),
    ],
)
def test_an_asye_worker_is_supervised_weekly_then_fortnightly_then_monthly(
    week, days, months, phase
):
    day = START + timedelta(weeks=week - 1, days=3)  # mid-week
    interval = sp.interval_on(RULES, START, day)
    assert (interval.days, interval.months, interval.phase) == (days, months, phase)


def test_the_asye_phases_change_on_the_first_day_of_weeks_7_and_27():
    assert sp.interval_on(RULES, START, START + timedelta(days=41)).days == 7
    assert sp.interval_on(RULES, START, START + timedelta(days=42)).days == 14
    assert sp.interval_on(RULES, START, START + timedelta(days=181)).days == 14
    assert sp.interval_on(RULES, START, START + timedelta(days=182)).months == 1
    # Other workers, and an ASYE worker before their start, are monthly.
    assert sp.interval_on(RULES, None, START).months == 1
    assert sp.interval_on(RULES, START, START - timedelta(days=1)).months == 1


def test_the_next_session_is_due_one_interval_after_the_last_qualifying_one():
    worker = sp.Worker("w", is_asye=True, asye_start=START)
    week_5 = START + timedelta(days=30)
    sessions = [held(START + timedelta(days=2)), held(week_5)]
    due = sp.standing(worker, sessions, [RULES], week_5).due
    assert due == week_5 + timedelta(days=7)
    assert sp.standing(worker, sessions, [RULES], due).compliant  # on the due date: in time
    late = sp.standing(worker, sessions, [RULES], due + timedelta(days=1))
    assert not late.compliant
    assert late.days_overdue == 1
    assert late.how.startswith(f"a week after the last qualifying session on {week_5.day} ")


def test_a_month_is_a_calendar_month_and_only_one_to_one_and_asye_sessions_count():
    worker = sp.Worker("w")
    sessions = [
        held(date(2026, 1, 31)),
        held(date(2026, 2, 20), sp.GROUP),
        held(date(2026, 2, 25), sp.REFLECTIVE),
    ]
    standing = sp.standing(worker, sessions, [RULES], date(2026, 3, 1))
    assert standing.last.day == date(2026, 1, 31)
    assert standing.due == date(2026, 2, 28)
    assert not standing.compliant


def test_short_sessions_count_unless_the_policy_says_otherwise():
    worker = sp.Worker("w")
    sessions = [held(date(2026, 3, 2), minutes=90), held(date(2026, 3, 30), minutes=45)]
    day = date(2026, 4, 10)
    assert sp.standing(worker, sessions, [RULES], day).last.day == date(2026, 3, 30)
    strict = sp.Rules(effective_from=date(2000, 1, 1), short_sessions_count=False)
    assert sp.standing(worker, sessions, [strict], day).last.day == date(2026, 3, 2)
    lengths = sp.lengths(sessions, RULES, date(2026, 1, 1), day)
    assert (lengths.held, lengths.long_enough, lengths.percent) == (2, 1, 50.0)


def test_each_day_is_judged_by_the_policy_version_in_force_then():
    weekly_asye_for_longer = sp.Rules(effective_from=date(2026, 6, 1), asye_weekly_weeks=10)
    versions = [RULES, weekly_asye_for_longer]
    assert sp.policy_on(versions, date(2026, 5, 31)) is RULES
    assert sp.policy_on(versions, date(2026, 6, 1)) is weekly_asye_for_longer
    assert sp.policy_on(versions, date(1999, 1, 1)) is RULES  # before any: the earliest
    with pytest.raises(ValueError, match="no supervision policy"):
        sp.policy_on([], date(2026, 1, 1))


def test_without_sessions_the_due_date_runs_from_the_asye_start_or_nobody_is_in_time():
    asye = sp.Worker("w", is_asye=True, asye_start=START)
    standing = sp.standing(asye, [], [RULES], START + timedelta(days=3))
    assert standing.due == START + timedelta(days=7)
    assert standing.compliant
    assert "after the ASYE start" in standing.how
    nobody = sp.standing(sp.Worker("x"), [], [RULES], START)
    assert nobody.due is None
    assert not nobody.compliant
    assert nobody.how == "no supervision recorded and no start date: overdue"


def test_an_asye_worker_without_a_start_date_starts_at_their_first_session():
    worker = sp.Worker("w", is_asye=True)
    sessions = [held(START), held(START + timedelta(days=7))]
    standing = sp.standing(worker, sessions, [RULES], START + timedelta(days=10))
    assert standing.asye_start == START
    assert standing.asye_start_assumed
    assert standing.due == START + timedelta(days=14)


def test_month_ends_are_the_last_twelve_on_or_before_the_day():
    assert sp.month_ends(date(2026, 3, 15), 3) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
    ]
    ends = sp.month_ends(date(2026, 3, 31))
    assert len(ends) == 12
    assert ends[0] == date(2025, 4, 30)
    assert ends[-1] == date(2026, 3, 31)


def test_the_share_compliant_at_month_ends_counts_workers_once_they_are_seen():
    workers = [sp.Worker("a"), sp.Worker("b"), sp.Worker("c", job_title="Head of service")]
    sessions = {
        "a": [held(date(2026, 1, 10), key="a"), held(date(2026, 2, 10), key="a")],
        "b": [held(date(2026, 2, 1), key="b")],
        "c": [],
    }
    trend = sp.trend(workers, sessions, [RULES], date(2026, 3, 31), months=3)
    # January: only a is seen (b starts in February); head of service is outside the policy.
    assert [(s.day, s.counted, s.compliant) for s in trend] == [
        (date(2026, 1, 31), 1, 1),
        (date(2026, 2, 28), 2, 2),
        (date(2026, 3, 31), 2, 0),
    ]
    assert trend[1].percent == 100.0
    assert trend[2].percent == 0.0


# Merging casegrip's sessions with the case record's


def test_the_same_worker_on_the_same_day_is_one_session_and_casegrips_record_stands():
    ours = [held(date(2026, 3, 2), sp.GROUP, source=sp.CASEGRIP, refs=("1",), minutes=60)]
    theirs = [
        held(date(2026, 3, 2), sp.ONE_TO_ONE, source=sp.CASE_RECORD, refs=("S1",)),
        held(date(2026, 3, 9), sp.ONE_TO_ONE, source=sp.CASE_RECORD, refs=("S2",), minutes=60),
        held(date(2026, 3, 9), sp.GROUP, source=sp.CASE_RECORD, refs=("S3",), minutes=90),
    ]
    merged = sp.merge(ours, theirs)
    assert [(m.day, m.source, m.kinds, m.refs) for m in merged] == [
        (date(2026, 3, 2), sp.CASEGRIP, frozenset({sp.GROUP}), ("1",)),
        (date(2026, 3, 9), sp.CASE_RECORD, frozenset({sp.ONE_TO_ONE, sp.GROUP}), ("S2", "S3")),
    ]
    assert merged[1].minutes == 90
    assert merged[1].kind == sp.ONE_TO_ONE


def live_case_record(tmp_path, monkeypatch, rows: list[tuple]) -> LiveSnapshot:
    """A live snapshot holding only ``ssd_supervision``, with these rows."""
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    path = tmp_path / "snapshot.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE ssd_supervision (supe_supervision_id VARCHAR, supe_supervisee_id VARCHAR, "
        "supe_supervisor_id VARCHAR, supe_supervision_date DATE, supe_supervision_type VARCHAR, "
        "supe_supervision_minutes INTEGER)"
    )
    con.executemany("INSERT INTO ssd_supervision VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.close()
    snapshot = LiveSnapshot("snap-1", "2026-11-19", "2026-11-19T09:00", "test", "duckdb", str(path))
    set_live(snapshot, tmp_path)
    return snapshot


@pytest.fixture
def team(org, make_user, worker):
    """Team A: a manager (with a login), a social worker (with a login), an ASYE worker; a
    manager of Team C; a worker in Team C."""
    manager = worker(org["team_a"], "Tess Manager", job_title="Team manager")
    sw = worker(org["team_a"], "Sam Worker", job_title="Social worker")
    asye = worker(org["team_a"], "Ash Newly", job_title="Social worker", is_asye=True)
    other = worker(org["team_c"], "Cal Elsewhere", job_title="Social worker")
    return {
        "manager": manager,
        "sw": sw,
        "asye": asye,
        "other": other,
        "tm": make_user("team-manager", org["team_a"], staff=manager),
        "sw_user": make_user("social-worker", org["team_a"], staff=sw),
        "outsider": make_user("team-manager", org["team_c"]),
        "other_user": make_user("social-worker", org["team_c"], staff=other),
    }


def record(team, *, who="sw", on=date(2026, 11, 2), **kwargs) -> SupervisionSession:
    values = {
        "actor": team["tm"],
        "supervisee": team[who],
        "supervisor": team["manager"],
        "held_on": on,
        "minutes": 90,
        "today": TODAY,
    }
    return actions.record_session(**(values | kwargs))


def test_compliance_counts_casegrip_and_case_record_sessions_without_double_counting(
    team, tmp_path, monkeypatch
):
    sw = team["sw"]
    mgr = team["manager"].professional_id
    snapshot = live_case_record(
        tmp_path,
        monkeypatch,
        [
            ("S1", sw.professional_id, mgr, date(2026, 9, 1), "FORMAL", 90),
            ("S2", sw.professional_id, mgr, date(2026, 10, 1), "FORMAL", 60),  # also in casegrip
            ("S3", sw.professional_id, mgr, date(2026, 10, 20), "GROUP", 90),  # does not count
            ("S4", "NOT-STAFF", mgr, date(2026, 10, 21), "FORMAL", 90),
        ],
    )
    record(team, on=date(2026, 10, 1))
    record(team, on=date(2026, 8, 3))
    found = load([sw], snapshot)
    sessions = found.sessions_of(sw)
    assert [(s.day, s.source) for s in sessions] == [
        (date(2026, 8, 3), sp.CASEGRIP),
        (date(2026, 9, 1), sp.CASE_RECORD),
        (date(2026, 10, 1), sp.CASEGRIP),
        (date(2026, 10, 20), sp.CASE_RECORD),
    ]
    standing = found.standing(sw, date(2026, 10, 31))
    assert standing.last.day == date(2026, 10, 1)
    assert standing.due == date(2026, 11, 1)
    assert [s.compliant for s in found.trend(date(2026, 11, 30), 4)] == [True, True, True, False]


def test_a_case_record_session_is_brought_in_once_to_be_written_up(team, tmp_path, monkeypatch):
    sw, mgr = team["sw"], team["manager"].professional_id
    live_case_record(
        tmp_path,
        monkeypatch,
        [
            ("S1", sw.professional_id, mgr, date(2026, 9, 1), "FORMAL", 90),
            ("S2", sw.professional_id, "UNKNOWN", date(2026, 10, 1), "FORMAL", 90),
        ],
    )
    client = client_for(team["tm"])
    page = client.get(reverse("workforce:supervision_worker", args=[sw.pk])).content.decode()
    assert page.count("Bring into casegrip") == 2
    url = reverse("workforce:supervision_bring_in", args=[sw.pk, "S1"])
    assert client.post(url).status_code == 302
    session = SupervisionSession.objects.get()
    assert (session.source, session.case_record_id, session.held_on) == (
        "case_record",
        "S1",
        date(2026, 9, 1),
    )
    again = client.post(url)
    assert again.status_code == 400
    assert "already in casegrip" in again.content.decode()
    unknown = client.post(reverse("workforce:supervision_bring_in", args=[sw.pk, "S2"]))
    assert "supervisor is not among casegrip" in unknown.content.decode()
    assert SupervisionSession.objects.count() == 1
    assert client_for(team["sw_user"]).post(url).status_code == 403


# Actions


def events(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("at", "id")
        .values_list("verb", flat=True)
    )


def test_a_session_goes_from_recorded_to_signed_off_by_both_and_every_change_is_kept(team):
    session = record(team, wellbeing_notes="Well.", today=TODAY)
    assert session.status == SessionStatus.RECORDED
    actions.sign(actor=team["sw_user"], session=session, on=TODAY)
    with pytest.raises(SupervisionError, match="You signed this record"):
        actions.sign(actor=team["sw_user"], session=session, on=TODAY)
    # Correcting the record clears the worker's signature: both sign what it now says.
    actions.write_record(
        actor=team["tm"],
        session=session,
        wellbeing_notes="Well, and rested.",
        workload_notes="",
        learning_notes="",
    )
    session.refresh_from_db()
    assert session.supervisee_signed_on is None
    history = client_for(team["tm"]).get(
        reverse("workforce:supervision_session", args=[session.pk])
    )
    assert "changed: wellbeing and support; signatures cleared" in history.content.decode()
    actions.sign(actor=team["sw_user"], session=session, on=TODAY)
    actions.sign(actor=team["tm"], session=session, on=TODAY)
    session.refresh_from_db()
    assert session.status == SessionStatus.SIGNED_OFF
    assert events(session) == [
        "recorded supervision session",
        "signed as supervisee",
        "wrote supervision record",
        "signed as supervisee",
        "signed as supervisor",
    ]
    with pytest.raises(SupervisionError, match="signed off: it cannot be written up"):
        actions.write_record(
            actor=team["tm"],
            session=session,
            wellbeing_notes="x",
            workload_notes="",
            learning_notes="",
        )


def test_a_booked_session_is_held_or_cancelled_with_a_reason(team):
    booked = actions.schedule_session(
        actor=team["tm"], supervisee=team["sw"], supervisor=team["manager"], on=TODAY, today=TODAY
    )
    with pytest.raises(SupervisionError, match="reason"):
        actions.cancel(actor=team["tm"], session=booked, reason="  ")
    actions.hold(actor=team["tm"], session=booked, held_on=TODAY, minutes=80, today=TODAY)
    booked.refresh_from_db()
    assert (booked.status, booked.minutes) == (SessionStatus.HELD, 80)
    other = actions.schedule_session(
        actor=team["tm"], supervisee=team["asye"], supervisor=team["manager"], on=TODAY, today=TODAY
    )
    actions.cancel(actor=team["tm"], session=other, reason="Manager off sick")
    other.refresh_from_db()
    assert other.status == SessionStatus.CANCELLED
    assert events(other) == ["scheduled supervision session", "cancelled supervision session"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, "cannot be dated in the future"),
        ({"supervisor": "sw"}, "cannot supervise themselves"),
        ({"minutes": 0}, "from 1 to 480 minutes"),
        ({"minutes": None}, "how long the session lasted"),
        ({"held_on": date(2026, 11, 2)}, "already recorded"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(team, change, message):
    record(team, on=date(2026, 11, 2))
    before = (SupervisionSession.objects.count(), AuditEvent.objects.count())
    if change.get("supervisor") == "sw":
        change = {"supervisor": team["sw"]}
    with pytest.raises(SupervisionError, match=message):
        record(team, **change)
    assert (SupervisionSession.objects.count(), AuditEvent.objects.count()) == before


def test_a_decision_needs_its_rationale_and_the_childs_scope(team):
    session = record(team)
    with pytest.raises(SupervisionError, match="rationale"):
        actions.add_decision(
            actor=team["tm"],
            session=session,
            child_id="CH-1",
            summary="Situation",
            decision="Step down to CIN",
            rationale=" ",
        )
    with pytest.raises(SupervisionError, match="before the session"):
        actions.add_decision(
            actor=team["tm"],
            session=session,
            child_id="CH-1",
            summary="Situation",
            decision="Step down",
            rationale="Risks reduced",
            next_review_on=session.held_on - timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        actions.add_decision(
            actor=team["outsider"],
            session=session,
            child_id="CH-1",
            summary="Situation",
            decision="Step down",
            rationale="Risks reduced",
        )
    assert not CaseDecision.objects.exists()
    made = actions.add_decision(
        actor=team["tm"],
        session=session,
        child_id="CH-1",
        summary="Situation",
        decision="Step down",
        rationale="Risks reduced",
    )
    event = AuditEvent.objects.get(verb="recorded case decision")
    assert event.detail["decision"] == made.pk
    assert "CH-1" not in str(event.detail)  # the audit log holds no child's data


def test_only_recorders_for_the_unit_and_the_usual_supervisor_record_sessions(team, make_user, org):
    with pytest.raises(PermissionDenied):
        record(team, actor=team["sw_user"], who="asye")
    with pytest.raises(PermissionDenied):
        record(team, actor=team["outsider"])
    assert not SupervisionSession.objects.exists()
    # A supervisor from elsewhere (an ASYE assessor) may record once they are the usual one.
    assessor = make_user(
        "social-worker", org["team_c"], staff=org_actions.add_staff(unit=org["team_c"], name="Ava")
    )
    record(team, who="asye", supervisor=assessor.staff, on=date(2026, 10, 1))
    record(team, who="asye", actor=assessor, supervisor=assessor.staff, on=date(2026, 10, 8))
    assert SupervisionSession.objects.filter(supervisee=team["asye"]).count() == 2


def test_the_asye_start_is_kept_outside_the_organisation_app(team):
    start = actions.set_asye_start(
        actor=team["tm"], staff=team["asye"], started_on=START, today=TODAY
    )
    assert AsyeStart.objects.get(staff=team["asye"]).started_on == START
    with pytest.raises(SupervisionError, match="future"):
        actions.set_asye_start(
            actor=team["tm"], staff=team["asye"], started_on=TODAY + timedelta(days=1), today=TODAY
        )
    with pytest.raises(PermissionDenied):
        actions.set_asye_start(actor=team["sw_user"], staff=team["asye"], started_on=START)
    assert events(start) == ["set ASYE start"]


def test_the_default_policy_is_seeded_and_new_versions_keep_the_old(team, make_user, org):
    assert [p.name for p in SupervisionPolicy.objects.all()] == ["National minimums"]
    rules = policies()[0]
    assert (rules.asye_weekly_weeks, rules.asye_fortnightly_weeks, rules.minimum_minutes) == (
        6,
        26,
        90,
    )
    admin = make_user("administrator", org["authority"])
    with pytest.raises(PermissionDenied):
        actions.add_policy_version(actor=team["tm"], effective_from=TODAY, name="Stricter")
    with pytest.raises(SupervisionError, match="in order"):
        actions.add_policy_version(
            actor=admin, effective_from=TODAY, name="Bad", asye_weekly_weeks=30
        )
    actions.add_policy_version(
        actor=admin, effective_from=TODAY, name="Stricter", short_sessions_count=False
    )
    assert [p.short_sessions_count for p in policies()] == [True, False]


# Pages and permissions


def recent(team, days: int = 3, **kwargs) -> SupervisionSession:
    """A session ``days`` before the real today, which the pages judge by."""
    today = timezone.localdate()
    return record(team, on=today - timedelta(days=days), today=today, **kwargs)


def test_the_compliance_page_shows_workers_teams_and_the_trend(team):
    recent(team)
    recent(team, days=80, who="asye")
    client = client_for(team["tm"])
    response = client.get(reverse("workforce:supervision"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sam Worker" in page
    assert "Ash Newly" in page
    assert "Tess Manager" in page
    assert 'id="supervision-trend"' in page
    assert 'id="supervision-teams"' in page
    # Filters: only the overdue (the ASYE worker and the manager nobody has supervised).
    overdue = client.get(reverse("workforce:supervision"), {"status": "overdue", "sort": "name"})
    names = overdue.context["rows"]
    assert [r.member.name for r in names] == ["Ash Newly", "Tess Manager"]
    asye_only = client.get(reverse("workforce:supervision"), {"asye": "1"})
    assert [r.member.name for r in asye_only.context["rows"]] == ["Ash Newly"]
    bad = client.get(reverse("workforce:supervision"), {"date": "2099-01-01"})
    assert "choose today or an earlier date" in bad.content.decode()


def test_the_compliance_csv_follows_the_filters_and_holds_no_child(team):
    recent(team)
    response = client_for(team["tm"]).get(
        reverse("workforce:supervision_csv"), {"status": "in-time"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Worker", "Professional id", "Team"]
    assert [r[0] for r in rows[1:]] == ["Sam Worker"]


def test_record_a_session_through_the_page_and_refuse_bad_input(team):
    client = client_for(team["tm"])
    url = reverse("workforce:supervision_record")
    assert client.get(url, {"worker": team["sw"].pk}).status_code == 200
    bad = client.post(
        url,
        {
            "supervisee": team["sw"].pk,
            "supervisor": team["manager"].pk,
            "when": "held",
            "held_on": "2026-11-02",
            "minutes": "",
            "session_type": "one_to_one",
        },
    )
    assert bad.status_code == 400
    assert not SupervisionSession.objects.exists()
    good = client.post(
        url,
        {
            "supervisee": team["sw"].pk,
            "supervisor": team["manager"].pk,
            "when": "held",
            "held_on": "2026-11-02",
            "minutes": "90",
            "session_type": "one_to_one",
            "workload_notes": "Caseload fine.",
        },
    )
    session = SupervisionSession.objects.get()
    assert good.status_code == 302
    assert good["Location"].endswith(f"/sessions/{session.pk}/")
    assert session.status == SessionStatus.RECORDED


def test_the_session_page_shows_decisions_sign_off_and_history(team):
    session = record(team, wellbeing_notes="Well.")
    client = client_for(team["tm"])
    url = reverse("workforce:supervision_act", args=[session.pk, "decision"])
    response = client.post(
        url,
        {
            "decision-child_id": "CH-7",
            "decision-summary": "Stable placement",
            "decision-decision": "Reduce visits to six-weekly",
            "decision-rationale": "Settled for a year",
        },
    )
    assert response.status_code == 302
    assert AccessLog.objects.filter(what="supervision case decision", child_id="CH-7").exists()
    page = client.get(reverse("workforce:supervision_session", args=[session.pk]))
    text = page.content.decode()
    assert "Reduce visits to six-weekly" in text
    assert "Recorded case decision" in text
    assert AccessLog.objects.filter(what="supervision session", child_ids=["CH-7"]).exists()
    # The worker signs their own record from the page.
    worker_client = client_for(team["sw_user"])
    mine = worker_client.get(reverse("workforce:supervision_session", args=[session.pk]))
    assert mine.status_code == 200
    assert "Reduce visits" in mine.content.decode()
    own_decision = worker_client.post(
        reverse("workforce:supervision_act", args=[session.pk, "decision"]),
        {"decision-child_id": "CH-7", "decision-summary": "s", "decision-decision": "d"},
    )
    assert own_decision.status_code == 403
    sign = reverse("workforce:supervision_act", args=[session.pk, "sign"])
    assert worker_client.post(sign, {}).status_code == 400  # the box is not ticked
    assert worker_client.post(sign, {"sign-confirm": "on"}).status_code == 302
    session.refresh_from_db()
    assert session.supervisee_signed_on is not None


def test_bad_input_on_the_session_page_is_refused_without_change(team):
    session = record(team)
    client = client_for(team["tm"])
    url = reverse("workforce:supervision_act", args=[session.pk, "write"])
    response = client.post(url, {"write-minutes": "900"})
    assert response.status_code == 400
    refused = client.post(url, {"write-wellbeing_notes": " "})
    assert refused.status_code == 400
    assert "Write at least one part" in refused.content.decode()
    session.refresh_from_db()
    assert (session.status, session.minutes) == (SessionStatus.HELD, 90)
    assert events(session) == ["recorded supervision session"]


def test_a_social_worker_sees_only_their_own_supervision(team):
    recent(team)
    own = client_for(team["sw_user"])
    # The section's supervision link takes a worker to their own page.
    landing = own.get(reverse("workforce:supervision"))
    assert landing.status_code == 302
    assert landing["Location"] == reverse("workforce:supervision_worker", args=[team["sw"].pk])
    assert own.get(landing["Location"]).status_code == 200
    assert (
        own.get(reverse("workforce:supervision_worker", args=[team["asye"].pk])).status_code == 403
    )
    assert own.get(reverse("workforce:supervision_csv")).status_code == 403
    assert own.get(reverse("workforce:supervision_record")).status_code == 403
    index = own.get(reverse("workforce:index")).content.decode()
    assert 'id="supervision-link"' in index


def test_refusals_of_a_session_with_decisions_are_logged_for_each_child(team):
    session = record(team)
    actions.add_decision(
        actor=team["tm"],
        session=session,
        child_id="CH-9",
        summary="s",
        decision="d",
        rationale="r",
    )
    for user in (team["outsider"], team["other_user"]):
        response = client_for(user).get(reverse("workforce:supervision_session", args=[session.pk]))
        assert response.status_code == 403
    denied = AccessLog.objects.filter(action=AccessLog.Action.DENIED, child_id="CH-9")
    assert denied.count() == 2
    # Posting a decision from outside the worker's unit is refused and logged too.
    outsider_post = client_for(team["outsider"]).post(
        reverse("workforce:supervision_act", args=[session.pk, "decision"]),
        {
            "decision-child_id": "CH-11",
            "decision-summary": "s",
            "decision-decision": "d",
            "decision-rationale": "r",
        },
    )
    assert outsider_post.status_code == 403
    assert not CaseDecision.objects.filter(child_id="CH-11").exists()
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED, child_id="CH-9").count() == 3


# The weekly list


def test_overdue_supervision_lists_workers_overdue_or_due_within_ten_working_days(team):
    record(team, on=date(2026, 11, 2))  # due 2 December: within 10 working days of 20 November
    record(team, who="asye", on=date(2026, 11, 18))  # ASYE: due 2 December too
    actions.set_asye_start(
        actor=team["tm"], staff=team["asye"], started_on=date(2026, 11, 16), today=TODAY
    )
    record(team, who="other", actor=team["outsider"], on=date(2026, 11, 19))
    due = overdue_supervision(TODAY)
    by_worker = {d.worker_id: d for d in due}
    sw, asye = team["sw"], team["asye"]
    assert by_worker[sw.professional_id].due == date(2026, 12, 2)
    assert by_worker[sw.professional_id].team_id == "A"
    assert by_worker[asye.professional_id].due == date(2026, 11, 25)
    assert by_worker[asye.professional_id].how.startswith("a week after the last qualifying")
    assert by_worker[team["manager"].professional_id].last is None  # nobody supervises them
    assert team["other"].professional_id not in by_worker  # due 19 December: not yet
    assert due == sorted(due, key=lambda d: (d.due, d.worker_id))


# The demo history


@pytest.fixture
def demo_staff(db):
    org_actions.load_plan(synth_org.city())


def test_the_demo_history_is_deterministic_and_compliance_is_75_to_95_percent(demo_staff):
    end = date(2026, 10, 31)
    created = ensure_demo_supervision(end=end)
    assert created > 3000
    assert ensure_demo_supervision(end=end) == 0  # only where missing
    members = staff_in(OrgUnit.objects.get(kind=UnitKind.AUTHORITY))
    found = load(members, None)
    # The first month end is left out: everyone has just been seen for the first time.
    shares = [s.percent for s in found.trend(end, 23)]
    assert all(75 <= p <= 95 for p in shares), shares
    first = list(SupervisionSession.objects.order_by("pk").values_list("supervisee_id", "held_on"))
    SupervisionSession.objects.all().delete()
    AsyeStart.objects.all().delete()
    ensure_demo_supervision(end=end)
    again = list(SupervisionSession.objects.order_by("pk").values_list("supervisee_id", "held_on"))
    assert again == first


def test_demo_asye_workers_are_supervised_weekly_then_fortnightly(demo_staff):
    end = date(2026, 10, 31)
    ensure_demo_supervision(end=end)
    start = AsyeStart.objects.select_related("staff").order_by("started_on").first()
    days = list(
        SupervisionSession.objects.filter(
            supervisee=start.staff, status__in=["held", "recorded", "signed_off"]
        )
        .order_by("held_on")
        .values_list("held_on", flat=True)
    )
    first_weeks = [d for d in days if d < start.started_on + timedelta(weeks=6)]
    to_six_months = [
        d
        for d in days
        if start.started_on + timedelta(weeks=6) <= d < start.started_on + timedelta(weeks=26)
    ]
    assert len(first_weeks) >= 4
    assert len(to_six_months) >= 8

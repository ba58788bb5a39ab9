"""Two years of synthetic supervision for the demo authority's staff: each worker supervised by
their unit's manager (managers by the manager above), monthly with some sessions late or
missed, so that 75-95% of workers are in time at a month end; ASYE workers weekly, then
fortnightly, in their first six months. Deterministic: the same end date gives the same
sessions. Workers who already have sessions in casegrip are left alone."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from casegrip.measures.due import add_months
from casegrip.synth import organisation as synth_org
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind

from . import actions
from . import supervision_policy as sp
from .models import AsyeStart, SessionStatus, SessionType, SupervisionSession
from .supervision_sources import policies, staff_in

YEARS = 2
MANAGER_TITLES = (synth_org.TEAM_MANAGER, synth_org.SERVICE_MANAGER, synth_org.HEAD_OF_SERVICE)
MINUTES = (60, 75, 90, 90, 90, 90, 120)
NOTES = {
    "wellbeing_notes": (
        "Discussed wellbeing; no concerns raised.",
        "Feeling the pressure of court work this month; agreed protected time on Fridays.",
        "Back from leave and settled; flexible working arrangement reviewed.",
    ),
    "workload_notes": (
        "Caseload reviewed against the team's allocation; no change.",
        "Two cases to transfer to the Children in Care team; dates agreed.",
        "Caseload above target: no new allocations for two weeks.",
    ),
    "learning_notes": (
        "Booked onto the court skills course.",
        "Reflected on a recent home visit using 'What? So what? Now what?'.",
        "Shadowing a child protection conference next month.",
    ),
}


@dataclass(frozen=True)
class Planned:
    """One session to create."""

    supervisee: StaffMember
    supervisor: StaffMember
    day: date
    kind: str
    minutes: int | None
    status: str
    notes: dict[str, str]
    signed: date | None = None
    cancelled_reason: str = ""


def _managers(members: Sequence[StaffMember]) -> dict[int, StaffMember]:
    """Each unit's manager: the first member of staff there with a manager's job title."""
    found: dict[int, StaffMember] = {}
    for m in sorted(members, key=lambda m: m.pk):
        if m.job_title in MANAGER_TITLES:
            found.setdefault(m.unit_id, m)
    return found


def _supervisor(member: StaffMember, managers: dict[int, StaffMember]) -> StaffMember | None:
    """The unit's manager, or for the manager themselves the manager of a unit above."""
    units: list[OrgUnit] = [member.unit, *reversed(member.unit.ancestors())]
    for unit in units:
        boss = managers.get(unit.pk)
        if boss is not None and boss.pk != member.pk:
            return boss
    return None


def _gap(rng: random.Random, interval: sp.Interval) -> int:
    """Days to the next session: mostly within the interval, sometimes late."""
    if interval.days:
        late = rng.random() < 0.12
        return interval.days + (rng.randint(1, 4) if late else -rng.randint(0, 1))
    late = rng.random() < 0.3
    return rng.randint(33, 60) if late else rng.randint(22, 30)


def plan_worker(
    member: StaffMember,
    supervisor: StaffMember,
    rules: sp.Rules,
    asye_start: date | None,
    start: date,
    end: date,
    seed: int,
) -> list[Planned]:
    """The sessions of one worker from ``start`` to ``end`` (and one booked after it)."""
    rng = random.Random(f"{seed}-supervision-{member.professional_id or member.pk}")  # noqa: S311 (synthetic data)
    day = max(start, asye_start or start) + timedelta(days=rng.randint(0, 6))
    planned = []
    while day <= end:
        interval = sp.interval_on(rules, asye_start, day)
        in_asye = interval.days > 0
        recent = (end - day).days < 21
        signed = None if recent else day + timedelta(days=rng.randint(1, 10))
        if rng.random() < 0.03:
            planned.append(
                Planned(
                    member,
                    supervisor,
                    day,
                    SessionType.ONE_TO_ONE,
                    None,
                    SessionStatus.CANCELLED,
                    {},
                    cancelled_reason="Supervisor on leave; rebooked.",
                )
            )
            day += timedelta(days=rng.randint(3, 8))
            continue
        planned.append(
            Planned(
                member,
                supervisor,
                day,
                SessionType.ASYE if in_asye and rng.random() < 0.5 else SessionType.ONE_TO_ONE,
                rng.choice(MINUTES),
                SessionStatus.RECORDED if recent else SessionStatus.SIGNED_OFF,
                {key: rng.choice(texts) for key, texts in NOTES.items()},
                signed=min(signed, end) if signed else None,
            )
        )
        if not in_asye and rng.random() < 0.1:
            extra = day + timedelta(days=rng.randint(5, 12))
            if extra <= end:
                kind = rng.choice((SessionType.GROUP, SessionType.REFLECTIVE))
                planned.append(Planned(member, supervisor, extra, kind, 90, SessionStatus.HELD, {}))
        day += timedelta(days=_gap(rng, interval))
    booked = planned[-1].day + timedelta(days=28) if planned else end + timedelta(days=7)
    planned.append(
        Planned(
            member,
            supervisor,
            max(booked, end + timedelta(days=1)),
            SessionType.ONE_TO_ONE,
            None,
            SessionStatus.SCHEDULED,
            {},
        )
    )
    return sorted(planned, key=lambda p: p.day)


def _session(p: Planned) -> SupervisionSession:
    return SupervisionSession(
        supervisee=p.supervisee,
        supervisor=p.supervisor,
        held_on=p.day,
        minutes=p.minutes,
        session_type=p.kind,
        status=p.status,
        supervisee_signed_on=p.signed,
        supervisor_signed_on=p.signed,
        cancelled_reason=p.cancelled_reason,
        **p.notes,
    )


def demo_authority() -> OrgUnit | None:
    return OrgUnit.objects.filter(kind=UnitKind.AUTHORITY, la_code=synth_org.city().la_code).first()


def ensure_demo_supervision(*, end: date | None = None, seed: int = 1) -> int:
    """Create the demo staff's supervision history up to ``end`` (today when not given), for
    workers who have none in casegrip; returns the number of sessions created (0 when the demo
    authority is missing)."""
    authority = demo_authority()
    if authority is None:
        return 0
    end = end or timezone.localdate()
    start = add_months(end, -12 * YEARS)
    rules = sp.policy_on(policies(), end)
    members = staff_in(authority)
    managers = _managers(members)
    has_sessions = set(
        SupervisionSession.objects.filter(supervisee__in=members).values_list(
            "supervisee_id", flat=True
        )
    )
    recorded_starts = dict(
        AsyeStart.objects.filter(staff__in=members).values_list("staff_id", "started_on")
    )
    sessions: list[SupervisionSession] = []
    starts: list[AsyeStart] = []
    for member in members:
        supervisor = _supervisor(member, managers)
        if member.pk in has_sessions or supervisor is None or not rules.covers(member.job_title):
            continue
        asye_start = recorded_starts.get(member.pk)
        if member.is_asye and asye_start is None:
            rng = random.Random(f"{seed}-asye-{member.professional_id or member.pk}")  # noqa: S311
            asye_start = end - timedelta(days=rng.randint(30, 330))
            starts.append(AsyeStart(staff=member, started_on=asye_start))
        planned = plan_worker(member, supervisor, rules, asye_start, start, end, seed)
        sessions.extend(_session(p) for p in planned)
    return actions.record_history(sessions=sessions, asye_starts=starts, what="demo history")

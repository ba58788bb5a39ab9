"""Two years of synthetic IRO escalations for the demo authority (issue 7): two to six per IRO
a quarter about children with open cases in the case record; about half resolved informally or
at stage 1 and four in five by stage 2, a few late responses, Cafcass referrals now and then,
and a few still open, some with a response overdue to the demo team manager.

Each step goes through ``actions`` on the day it happened (``on=``), so deadlines, lateness and
the report are worked out as for any escalation; the audit events are then dated to those
days, since the escalation page reads its history from them. Deterministic from the seed and
the day; only for the demo and its screenshots."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from casegrip.calendar import WorkingCalendar
from casegrip.store.live import LiveSnapshot
from casegrip.web.accounts import actions as account_actions
from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.models import AuditEvent, User
from casegrip.web.accounts.roles import Permission
from casegrip.web.demo import DEMO_TEAM
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind
from casegrip.web.quality.casefile import OpenCase, open_cases
from casegrip.web.working_days import working_calendar

from . import actions
from .models import (
    Category,
    Escalation,
    EscalationStage,
    Outcome,
    PlanType,
    RaiserRole,
    Subcategory,
)

IRO = "Independent reviewing officer"
TEAM_MANAGER = "Team manager"
SERVICE_MANAGER = "Service manager"
HEAD_OF_SERVICE = "Head of service"
QUARTERS = 8
PER_QUARTER = (2, 6)
# Escalations kept open with the stage 1 response overdue, addressed to the demo team manager.
OVERDUE_NOW = 3

ISSUES = {
    Category.PROCESS: [
        (
            Subcategory.DRIFT_DELAY,
            "Actions agreed at the last review have not started.",
            "The actions started, with dates, before the next review.",
        ),
        (
            Subcategory.REPORTS,
            "The social worker's report was not shared before the review.",
            "Reports shared three working days before each review.",
        ),
        (
            Subcategory.VISITS,
            "Statutory visits have not happened within timescales.",
            "Visits back within timescales and recorded.",
        ),
        (
            Subcategory.CORE_GROUP,
            "Core groups have not met since the conference.",
            "Core groups held and minuted every six weeks.",
        ),
    ],
    Category.PRACTICE: [
        (
            Subcategory.CARE_PLAN,
            "The care plan has not been updated since the last review.",
            "An updated care plan shared before the next review.",
        ),
        (
            Subcategory.PERMANENCE,
            "There is no permanence plan by the second review.",
            "A permanence plan agreed and recorded.",
        ),
        (
            Subcategory.PARTICIPATION,
            "The child's views are not recorded in the plan.",
            "Direct work with the child and their views in the plan.",
        ),
        (
            Subcategory.HEALTH,
            "The health assessment is overdue.",
            "The health assessment booked and done.",
        ),
        (
            Subcategory.EDUCATION,
            "The personal education plan is out of date.",
            "A current personal education plan.",
        ),
    ],
    Category.RESOURCE: [
        (
            Subcategory.ALLOCATION,
            "The child has had no allocated social worker for a month.",
            "A social worker allocated and introduced to the child.",
        ),
        (
            Subcategory.PLACEMENT,
            "The placement does not meet the needs set out in the plan.",
            "A placement that meets the child's assessed needs.",
        ),
    ],
}


def _account(staff: StaffMember, prefix: str, *, active: bool = False) -> User:
    """The member of staff's user: an account that cannot sign in where they have none (as
    the quality demo history makes for team managers)."""
    if staff.user is not None:
        return staff.user
    first, _, last = staff.name.partition(" ")
    user = User.objects.create(
        username=f"{prefix}-{staff.professional_id or staff.pk}",
        first_name=first,
        last_name=last,
        is_active=active,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    staff.user = user
    staff.save(update_fields=["user"])
    return user


def _iros(authority: OrgUnit) -> list[tuple[StaffMember, User]]:
    """Every IRO who may raise escalations across the authority. An IRO without an account
    gets one that cannot sign in: active, because raising checks the raiser's role."""
    found = []
    for staff in (
        StaffMember.objects.filter(job_title=IRO, active=True)
        .select_related("user")
        .order_by("professional_id", "pk")
    ):
        created = staff.user is None
        user = _account(staff, "iro", active=True)
        if created:
            account_actions.assign_role(user=user, role="iro", unit=authority)
        if Grants(user).has(Permission.RAISE_ESCALATIONS, authority):
            found.append((staff, user))
    return found


def _quarters(as_at: date) -> list[tuple[date, date]]:
    """The last ``QUARTERS`` calendar quarters, oldest first, the current one to ``as_at``."""
    start = quarter_of(as_at)
    spans = []
    for _ in range(QUARTERS):
        end = _add_months(start, 3) - timedelta(days=1)
        spans.append((start, min(end, as_at)))
        start = _add_months(start, -3)
    return list(reversed(spans))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_of(day: date) -> date:
    """The first day of ``day``'s calendar quarter."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _working_day_on_or_before(calendar: WorkingCalendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


@dataclass
class _Slot:
    """One escalation to raise: by whom, when, and what kind of story it has."""

    staff: StaffMember
    user: User
    day: date
    role: str
    overdue_now: bool = False
    cafcass: bool = False


class _Managers:
    """The managers a stage goes to, above a child's team, with their accounts."""

    def __init__(self) -> None:
        self._staff: dict[tuple[int, str], StaffMember | None] = {}

    def _first(self, unit: OrgUnit, job_title: str) -> StaffMember | None:
        key = (unit.pk, job_title)
        if key not in self._staff:
            self._staff[key] = (
                StaffMember.objects.filter(unit=unit, job_title=job_title, active=True)
                .select_related("user")
                .order_by("professional_id", "pk")
                .first()
            )
        return self._staff[key]

    def for_stage(self, team: OrgUnit, stage: int) -> StaffMember | None:
        above = list(reversed(team.ancestors()))
        if stage == 1:
            return self._first(team, TEAM_MANAGER)
        titles = [SERVICE_MANAGER, HEAD_OF_SERVICE] if stage == 2 else [HEAD_OF_SERVICE]
        for title in titles:
            for unit in above:
                staff = self._first(unit, title)
                if staff is not None:
                    return staff
        return None


@dataclass
class _Story:
    """One escalation's steps, each on its day; a step due after ``as_at`` has not happened
    yet, so the story stops there and the escalation stays open."""

    rng: random.Random
    calendar: WorkingCalendar
    as_at: date
    managers: _Managers
    escalation: Escalation
    iro: User
    day: date
    days: list[date] = field(default_factory=list)

    def later(self, low: int, high: int) -> date:
        return self.calendar.add_working_days(self.day, self.rng.randint(low, high))

    def step(self, on: date, run: Callable[[date], object]) -> bool:
        if on > self.as_at:
            return False
        run(on)
        self.day = on
        self.days.append(on)
        return True

    def issue(
        self, on: date, stage: int, how: str, note: str = "", to: StaffMember | None = None
    ) -> bool:
        staff = to or self.managers.for_stage(self.escalation.team, stage)
        if staff is None:
            return False
        _account(staff, {1: "tm", 2: "sm"}.get(stage, "hos"))
        kwargs = {"actor": self.iro, "escalation": self.escalation, "addressee_staff": staff}
        if how == "formalise":
            return self.step(on, lambda d: actions.formalise(**kwargs, on=d))
        if how == "reject":
            return self.step(on, lambda d: actions.reject_response(**kwargs, note=note, on=d))
        return self.step(on, lambda d: actions.escalate_unanswered(**kwargs, note=note, on=d))

    def stage(self) -> EscalationStage:
        return EscalationStage.objects.select_related("addressee_staff__user").get(
            escalation=self.escalation, number=self.escalation_now().current_stage
        )

    def escalation_now(self) -> Escalation:
        self.escalation.refresh_from_db()
        return self.escalation

    def respond(self, late: float = 0.12) -> bool:
        """The addressee responds: mostly within the stage's days, sometimes late."""
        stage = self.stage()
        if self.rng.random() < late:
            on = self.calendar.add_working_days(stage.response_due, self.rng.randint(1, 6))
        else:
            on = self.calendar.add_working_days(
                stage.issued_at, self.rng.randint(1, stage.response_working_days)
            )
        responder = stage.addressee_staff.user
        text = self.rng.choice(
            [
                "Agreed: the actions are now in the plan with dates.",
                "The team manager has met the worker; a plan to put this right is attached.",
                "Accepted in part: the resource is not available this month.",
            ]
        )
        return self.step(
            on,
            lambda d: actions.respond(actor=responder, escalation=self.escalation, text=text, on=d),
        )

    def accept(self, outcome: str = Outcome.RESOLVED) -> bool:
        return self.step(
            self.later(1, 3),
            lambda d: actions.accept_response(
                actor=self.iro,
                escalation=self.escalation,
                outcome=outcome,
                plan_changed=self.rng.random() < 0.7,
                on=d,
            ),
        )

    def close(self, **kwargs) -> bool:
        return self.step(
            self.later(1, 10),
            lambda d: actions.close(actor=self.iro, escalation=self.escalation, on=d, **kwargs),
        )


def _tell(story: _Story, slot: _Slot, roll: float, demo_manager: StaffMember | None) -> None:
    """Raised already; the rest of the escalation's life from ``roll``: informal (30%), stage 1
    (20%), stage 2 (30%), stage 3 (6%), withdrawn (6%), closed unresolved (the rest)."""
    rng = story.rng
    if slot.overdue_now:
        mine = demo_manager is not None and story.escalation.team_id == demo_manager.unit_id
        story.issue(story.later(1, 2), 1, "formalise", to=demo_manager if mine else None)
        return
    if slot.cafcass:
        _ = (
            story.issue(story.later(2, 6), 1, "formalise")
            and story.respond()
            and story.issue(
                story.later(1, 3), 2, "reject", "The response does not change the plan."
            )
            and story.step(
                story.later(3, 8),
                lambda d: actions.refer_to_cafcass(
                    actor=story.iro,
                    escalation=story.escalation,
                    concurrent=False,
                    note="Drift in the plan is harming the child: referred to Cafcass.",
                    on=d,
                ),
            )
            and story.close()
        )
        return
    if roll < 0.30:
        _ = (
            story.step(
                story.later(2, 8),
                lambda d: actions.resolve_informally(
                    actor=story.iro,
                    escalation=story.escalation,
                    note="Agreed with the team manager.",
                    plan_changed=rng.random() < 0.6,
                    on=d,
                ),
            )
            and story.close()
        )
        return
    if roll < 0.86:
        if not (story.issue(story.later(3, 8), 1, "formalise")):
            return
        top = 1 if roll < 0.50 else 2 if roll < 0.80 else 3
        for stage in range(1, top):
            # Now and then the addressee does not answer and the IRO moves on without them.
            if rng.random() < 0.12:
                stage_row = story.stage()
                on = story.calendar.add_working_days(stage_row.response_due, rng.randint(1, 3))
                moved = story.issue(on, stage + 1, "unanswered")
            else:
                moved = story.respond() and story.issue(
                    story.later(1, 3), stage + 1, "reject", "The response does not resolve it."
                )
            if not moved:
                return
        _ = (
            story.respond()
            and story.accept(Outcome.PARTIALLY if top == 3 else Outcome.RESOLVED)
            and story.close()
        )
        return
    if roll < 0.92:
        _ = (
            story.step(
                story.later(2, 10),
                lambda d: actions.withdraw(
                    actor=story.iro,
                    escalation=story.escalation,
                    reason="The child's circumstances changed and the issue fell away.",
                    on=d,
                ),
            )
            and story.close()
        )
        return
    _ = (
        story.issue(story.later(3, 8), 1, "formalise")
        and story.respond()
        and story.issue(story.later(1, 3), 2, "reject", "The response does not resolve it.")
        and story.respond()
        and story.close(unresolved=True, note="No agreement: the plan is reviewed at panel.")
    )


def _demo_manager() -> StaffMember | None:
    """The demo team manager's staff record: the ``team-manager`` demo user's, else the
    first team manager of the demo team (an authority without one gets the busiest team's)."""
    user = User.objects.filter(username="team-manager").select_related("staff").first()
    if user is not None and getattr(user, "staff", None) is not None:
        return user.staff
    managers = StaffMember.objects.filter(job_title=TEAM_MANAGER, active=True).order_by(
        "professional_id", "pk"
    )
    return managers.filter(unit__name=DEMO_TEAM).first()


class _Cases:
    """Open cases by month (the case record is read once a month of history), by team."""

    def __init__(self, snapshot: LiveSnapshot, teams: dict[str, OrgUnit]) -> None:
        self.snapshot = snapshot
        self.teams = teams
        self.extract = date.fromisoformat(snapshot.extract_date)
        self._months: dict[date, list[OpenCase]] = {}

    def in_month(self, day: date) -> list[OpenCase]:
        month = day.replace(day=1)
        if month not in self._months:
            cases = open_cases(self.snapshot, min(month + timedelta(days=14), self.extract))
            self._months[month] = [
                c for c in cases if c.team_id in self.teams and c.case_type in ("CLA", "CP")
            ]
        return self._months[month]

    def pick(
        self, rng: random.Random, day: date, role: str, team: OrgUnit | None = None
    ) -> OpenCase | None:
        pool = [c for c in self.in_month(day) if team is None or self.teams[c.team_id] == team]
        wanted = "CLA" if role == RaiserRole.IRO else "CP"
        preferred = [c for c in pool if c.case_type == wanted] or pool
        if not preferred:
            return None
        case = rng.choice(preferred)
        self.in_month(day).remove(case)  # one escalation per child a month
        return case


def _slots(
    rng: random.Random, iros: list[tuple[StaffMember, User]], as_at: date, calendar
) -> list[_Slot]:
    slots = []
    for start, end in _quarters(as_at):
        for staff, user in iros:
            for _ in range(rng.randint(*PER_QUARTER)):
                day = start + timedelta(days=rng.randint(0, (end - start).days))
                day = max(_working_day_on_or_before(calendar, day), start)
                role = RaiserRole.IRO if rng.random() < 0.75 else RaiserRole.CP_CHAIR
                slots.append(_Slot(staff, user, day, role))
    # A few raised three weeks ago stay at stage 1 with the response overdue. Their days move
    # within their own quarter, so the counts per quarter hold.
    target = as_at - timedelta(days=20)
    begun, ended = next((s, e) for s, e in _quarters(as_at) if s <= target <= e)
    low, high = max(begun, as_at - timedelta(days=30)), min(ended, as_at - timedelta(days=15))
    chosen: set[int] = set()
    for slot in slots:
        if len(chosen) == OVERDUE_NOW:
            break
        if begun <= slot.day <= ended and slot.user.pk not in chosen:
            chosen.add(slot.user.pk)
            slot.day = _working_day_on_or_before(
                calendar, low + timedelta(days=rng.randint(0, (high - low).days))
            )
            slot.day = max(slot.day, begun)
            slot.overdue_now = True
    # Cafcass: none to two referrals a year, among IRO escalations old enough to get there.
    for year in range(QUARTERS // 4):
        first, _ = _quarters(as_at)[year * 4]
        _, last = _quarters(as_at)[year * 4 + 3]
        eligible = [
            s
            for s in slots
            if first <= s.day <= min(last, as_at - timedelta(days=70))
            and s.role == RaiserRole.IRO
            and not s.overdue_now
        ]
        for slot in rng.sample(eligible, min(len(eligible), rng.randint(0, 2))):
            slot.cafcass = True
    return sorted(slots, key=lambda s: (s.day, s.staff.professional_id, s.staff.pk))


def _moment(day: date, step: int) -> datetime:
    """When a step happened: the working day at a plausible hour, never after now."""
    at = timezone.make_aware(datetime.combine(day, time(9 + min(step, 8), 7 * step % 60)))
    return min(at, timezone.now())


@transaction.atomic
def ensure_demo_escalations(
    snapshot: LiveSnapshot, seed: int = 5, *, as_at: date | None = None
) -> int:
    """Create the history once (nothing happens if any escalation exists). Returns how many
    escalations were raised."""
    if Escalation.objects.exists():
        return 0
    as_at = as_at or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not a secret)
    calendar = working_calendar()
    authority = OrgUnit.objects.get(kind=UnitKind.AUTHORITY)
    teams = {
        u.source_id: u for u in authority.descendants().filter(kind=UnitKind.TEAM) if u.source_id
    }
    cases = _Cases(snapshot, teams)
    managers = _Managers()
    demo_manager = _demo_manager()
    if demo_manager is None or not any(
        c.team_id == demo_manager.unit.source_id for c in cases.in_month(as_at)
    ):
        # No demo team (or nobody in it open now): the team with the most open cases.
        busiest = max(
            teams.values(),
            key=lambda t: (sum(c.team_id == t.source_id for c in cases.in_month(as_at)), -t.pk),
        )
        demo_manager = managers.for_stage(busiest, 1)
    iros = _iros(authority)
    dated: list[tuple[Escalation, list[date]]] = []
    for slot in _slots(rng, iros, as_at, calendar):
        roll = rng.random()
        team = demo_manager.unit if slot.overdue_now and demo_manager else None
        case = cases.pick(rng, slot.day, slot.role, team)
        if case is None and team is not None:
            case = cases.pick(rng, slot.day, slot.role)
        if case is None:
            continue
        category = rng.choices(list(ISSUES), weights=[4, 4, 2])[0]
        subcategory, description, outcome = rng.choice(ISSUES[category])
        escalation = actions.raise_escalation(
            actor=slot.user,
            raised_by_role=slot.role,
            raised_by_staff=slot.staff,
            child_id=case.child_id,
            team=teams[case.team_id],
            plan_type=PlanType.CLA if case.case_type == "CLA" else PlanType.CP,
            category=category,
            subcategory=subcategory,
            description=description,
            desired_outcome=outcome,
            informal_logged_at=slot.day,
            informal_note_on_child_file=rng.random() < 0.85,
        )
        story = _Story(rng, calendar, as_at, managers, escalation, slot.user, slot.day)
        story.days.append(slot.day)
        _tell(story, slot, roll, demo_manager)
        dated.append((escalation, story.days))
    _date_history(dated)
    return len(dated)


def _date_history(dated: list[tuple[Escalation, list[date]]]) -> None:
    """Each escalation's audit events (one per step, in order) dated to the step's day."""
    events: dict[str, list[AuditEvent]] = {}
    for event in AuditEvent.objects.filter(
        object_type=Escalation._meta.label_lower,
        object_id__in=[str(e.pk) for e, _ in dated],
    ).order_by("id"):
        events.setdefault(event.object_id, []).append(event)
    changed = []
    for escalation, days in dated:
        mine = events.get(str(escalation.pk), [])
        for step, (event, day) in enumerate(zip(mine, days, strict=True)):
            event.at = _moment(day, step)
            changed.append(event)
    AuditEvent.objects.bulk_update(changed, ["at"], batch_size=500)

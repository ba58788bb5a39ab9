"""Two years of synthetic QA history for the demo authority (practice.md 8): one or two audits
per team manager a month, grades improving over time, about 15% moderated with most changes
moving the grade down, two or three actions per audit mostly done on time, the odd child left at
risk. Written in bulk, deterministic from a seed; only for the demo and its screenshots.

The current month is left for people to work in: each demo auditor has audits allocated, and a
few submitted audits wait for moderation."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from casegrip.store.live import LiveSnapshot
from casegrip.web.accounts.models import User
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind
from casegrip.web.working_days import working_calendar

from .actions import TEAM_MANAGER, install_tools
from .casefile import open_cases
from .models import (
    Audit,
    AuditAction,
    AuditProgramme,
    AuditTool,
    Moderation,
    SafeguardingConcern,
)
from .report import month_end, months_back

GRADES = ["OUT", "GOOD", "RI", "INAD"]
ACTION_TEXTS = [
    "Update the chronology and link it to the assessment.",
    "Record the child's wishes and feelings from the last visit.",
    "Make the plan's outcomes specific, with dates.",
    "Record the management decision and its rationale on the file.",
    "Hold a core group and share the minutes with partners.",
    "Complete direct work with the child and record it.",
]


def _moment(day: date, hour: int = 10) -> datetime:
    """A time on ``day``, never later than yesterday (history is in the past)."""
    day = min(day, timezone.localdate() - timedelta(days=1))
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _grade(rng: random.Random, progress: float) -> str:
    """Good or better from about 30% to 75% over the two years; Inadequate from 25% to 8%."""
    good = 0.30 + 0.45 * progress
    inadequate = 0.25 - 0.17 * progress
    roll = rng.random()
    if roll < inadequate:
        return "INAD"
    if roll < inadequate + (1 - good - inadequate):
        return "RI"
    return "OUT" if rng.random() < 0.12 else "GOOD"


def _near(rng: random.Random, grade: str) -> str:
    i = GRADES.index(grade) + rng.choice([-1, 0, 0, 0, 1])
    return GRADES[min(max(i, 0), 3)]


def _auditors() -> list[tuple[int, User]]:
    """(team, user) for every team manager (an account that cannot sign in where they have
    none)."""
    users = []
    for staff in StaffMember.objects.filter(job_title=TEAM_MANAGER, active=True).select_related(
        "user"
    ):
        user = staff.user
        if user is None:
            user = User.objects.create(
                username=f"tm-{staff.professional_id or staff.pk}",
                first_name=staff.name.partition(" ")[0],
                last_name=staff.name.partition(" ")[2],
                is_active=False,
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            staff.user = user
            staff.save(update_fields=["user"])
        users.append((staff.unit_id, user))
    return users


@transaction.atomic
def ensure_demo_audits(snapshot: LiveSnapshot, seed: int = 11) -> int:
    """Create the history once (nothing happens if any programme exists). Returns audits made."""
    if AuditProgramme.objects.exists():
        return 0
    install_tools()
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not a secret)
    authority = OrgUnit.objects.get(kind=UnitKind.AUTHORITY)
    tool = AuditTool.objects.get(slug="monthly-case-audit", status="live")
    themes = [t.code for t in tool.tool.themes]
    teams = {u.source_id: u for u in authority.descendants().filter(kind=UnitKind.TEAM)}
    auditors = _auditors()
    tm_by_team = {
        s.unit_id: s for s in StaffMember.objects.filter(job_title=TEAM_MANAGER, active=True)
    }
    workers_by_team: dict[int, list[StaffMember]] = {}
    for s in StaffMember.objects.filter(active=True).exclude(job_title=TEAM_MANAGER):
        workers_by_team.setdefault(s.unit_id, []).append(s)
    extract = date.fromisoformat(snapshot.extract_date)
    this_month = timezone.localdate().replace(day=1)
    months = months_back(this_month, 25)
    calendar = working_calendar()
    moderator = User.objects.filter(role_assignments__role="qa-officer").first()
    made = 0
    for index, month in enumerate(months):
        current = month == this_month
        progress = index / 24
        programme = AuditProgramme.objects.create(
            name=f"Monthly case file audit {month:%B %Y}",
            kind=AuditProgramme.Kind.MONTHLY,
            unit=authority,
            month=month,
            tool=tool,
            per_team=1,
            case_types=["CIN", "CP", "CLA"],
            due_date=month_end(month),
            status=AuditProgramme.Status.ALLOCATED,
            sample_note="Synthetic demo history.",
        )
        cases = [c for c in open_cases(snapshot, min(month, extract)) if c.team_id in teams]
        rng.shuffle(cases)
        audits = []
        for unit_id, user in auditors:
            for _ in range(rng.choice([1, 1, 2])):
                case = next((c for c in cases if teams[c.team_id].pk != unit_id), None)
                if case is None:
                    break
                cases.remove(case)
                audits.append(_audit(rng, programme, tool, case, teams, user))
        Audit.objects.bulk_create(audits)
        made += len(audits)
        if current:
            continue
        for audit in Audit.objects.filter(programme=programme):
            _complete(rng, audit, progress, themes, month, calendar, moderator)
            _actions(rng, audit, workers_by_team, calendar, month, this_month)
            if audit.child_at_risk:
                _concern(rng, audit, tm_by_team.get(audit.team_id), moderator)
    _waiting_for_moderation(rng, this_month, themes, moderator)
    return made


def _audit(rng, programme, tool, case, teams, auditor) -> Audit:
    return Audit(
        programme=programme,
        tool=tool,
        child_id=case.child_id,
        case_type=case.case_type,
        team=teams[case.team_id],
        worker_id=case.worker_id,
        auditor=auditor,
        due_date=programme.due_date,
        allocated_at=_moment(programme.month, 9),
    )


def _complete(rng, audit: Audit, progress, themes, month, calendar, moderator) -> None:
    grade = _grade(rng, progress)
    at_risk = grade == "INAD" and rng.random() < 0.08
    submitted = month + timedelta(days=rng.randint(5, 33))  # a few after the month's end
    audit.overall_grade = grade
    audit.child_at_risk = at_risk
    audit.theme_grades = {
        t: {"grade": _near(rng, grade), "rationale": "Demo history."} for t in themes
    }
    audit.overall_rationale = "Synthetic demo audit."
    audit.strengths = "Synthetic demo audit."
    audit.areas_for_development = "Synthetic demo audit."
    audit.started_at = _moment(submitted - timedelta(days=2))
    audit.submitted_at = _moment(submitted)
    final, source = grade, "auditor"
    moderated = moderator is not None and (
        grade == "OUT" or (grade == "INAD" and rng.random() < 0.4) or rng.random() < 0.07
    )
    finalised = submitted
    if moderated:
        roll = rng.random()
        i = GRADES.index(grade)
        if roll < 0.65 or at_risk:
            new = grade
        elif roll < 0.9:
            new = GRADES[min(i + 1, 3)]  # down
        else:
            new = GRADES[max(i - 1, 0)]
        finalised = submitted + timedelta(days=rng.randint(3, 12))
        Moderation.objects.create(
            audit=audit,
            reason=Moderation.Reason.OUTSTANDING
            if grade == "OUT"
            else Moderation.Reason.INADEQUATE
            if grade == "INAD"
            else Moderation.Reason.RANDOM,
            selected_at=_moment(submitted),
            moderator=moderator,
            original_grade=grade,
            moderated_grade=new,
            rationale="" if new == grade else "Demo history: the evidence supports another grade.",
            completed_at=_moment(finalised, 15),
        )
        final, source = new, ("confirmed" if new == grade else "moderated")
    audit.final_grade = final
    audit.final_theme_grades = {t: v["grade"] for t, v in audit.theme_grades.items()}
    audit.grade_source = source
    audit.finalised_at = _moment(finalised, 16)
    audit.status = "closed"
    audit.save()


def _actions(rng, audit: Audit, workers_by_team, calendar, month, this_month) -> None:
    owners = workers_by_team.get(audit.team_id) or []
    if not owners:
        return
    made = []
    agreed = audit.finalised_at.date()
    for text in rng.sample(ACTION_TEXTS, rng.choice([1, 2, 2, 3])):
        priority = rng.choice(["high", "standard", "standard"])
        due = calendar.add_working_days(agreed, 5 if priority == "high" else 20)
        action = AuditAction(
            audit=audit,
            programme=audit.programme,
            child_id=audit.child_id,
            team=audit.team,
            description=text,
            owner=rng.choice(owners),
            priority=priority,
            due_date=due,
            created_at=_moment(agreed, 17),
        )
        recent = due >= this_month - timedelta(days=20)
        roll = rng.random()
        if recent and roll < 0.5:
            action.status = rng.choice(["open", "in_progress"])
        elif roll < 0.8:
            done = due - timedelta(days=rng.randint(0, 10))
            action.status, action.completed_at = "verified", _moment(max(done, agreed))
            action.verified_at = _moment(max(done, agreed) + timedelta(days=rng.randint(1, 5)), 17)
            action.verification_method, action.effectiveness = "file check", "effective"
            action.evidence = "Done on the file (demo history)."
        elif roll < 0.93:
            done = due + timedelta(days=rng.randint(1, 25))
            action.status, action.completed_at = "verified", _moment(done)
            action.verified_at = _moment(done + timedelta(days=2))
            action.verification_method, action.effectiveness = "supervision", "partially"
            action.evidence = "Done late (demo history)."
        else:
            action.status = "open"  # still open: overdue now
        made.append(action)
    AuditAction.objects.bulk_create(made)
    if any(a.status in ("open", "in_progress") for a in made):
        Audit.objects.filter(pk=audit.pk).update(status="actions_open")


def _concern(rng, audit: Audit, manager: StaffMember | None, moderator) -> None:
    raised = audit.submitted_at
    late = rng.random() < 0.15
    SafeguardingConcern.objects.create(
        audit=audit,
        child_id=audit.child_id,
        team=audit.team,
        concern="Demo history: visits had stopped and the plan was not being followed.",
        manager=manager,
        raised_by=audit.auditor,
        raised_at=raised,
        acknowledge_by=raised.date(),
        status="resolved",
        acknowledged_by=manager.user if manager else moderator,
        acknowledged_at=raised + timedelta(days=1 if late else 0, hours=2),
        immediate_action="Visit the same week and a strategy discussion held.",
        outcome="Plan reviewed; child seen and safe.",
        closed_at=raised + timedelta(days=7),
    )


def _waiting_for_moderation(rng, this_month, themes, moderator) -> None:
    """Three of last month's audits still waiting for a moderator, for the demo's QA officer."""
    last = months_back(this_month, 2)[0]
    for audit in Audit.objects.filter(programme__month=last, moderations__isnull=True)[:3]:
        audit.status = "in_moderation"
        audit.final_grade = ""
        audit.finalised_at = None
        audit.save(update_fields=["status", "final_grade", "finalised_at"])
        audit.actions.all().delete()
        Moderation.objects.create(
            audit=audit,
            reason=Moderation.Reason.RANDOM,
            selected_at=audit.submitted_at,
            original_grade=audit.overall_grade,
        )

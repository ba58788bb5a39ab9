"""Changes to supervision records. Each takes keyword arguments, runs in one transaction, writes
its audit event (the session page's history) and refuses a change it cannot make with a
``SupervisionError`` whose message the page shows as it is, changing nothing.

    scheduled --hold--> held --write_record--> recorded --sign (both)--> signed off
        '--cancel(reason)--> cancelled        (editing a record clears its signatures)
    record_session: a session that has taken place, held or recorded at once
    bring_in: a session from the case record, to write up, sign and add decisions to
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from casegrip.store.live import LiveSnapshot
from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.audit import record_event
from casegrip.web.accounts.models import User
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import StaffMember

from . import supervision_access as access
from . import supervision_policy as sp
from .models import (
    HELD_STATUSES,
    AsyeStart,
    CaseDecision,
    SessionSource,
    SessionStatus,
    SessionType,
    SupervisionPolicy,
    SupervisionSession,
)
from .supervision_sources import case_record_rows

EARLIEST = date(2000, 1, 1)
MAX_MINUTES = 480
NOTE_FIELDS = ("wellbeing_notes", "workload_notes", "learning_notes")


class SupervisionError(Exception):
    """The change cannot be made; the message says why."""


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _locked(session: SupervisionSession) -> SupervisionSession:
    """The session re-read under a row lock, so two people acting at once cannot both move it
    from the same state."""
    return (
        SupervisionSession.objects.select_for_update(of=("self",))
        .select_related("supervisee__unit", "supervisor")
        .get(pk=session.pk)
    )


def _require(session: SupervisionSession, allowed: tuple[str, ...], doing: str) -> None:
    if session.status not in allowed:
        label = SessionStatus(session.status).label.lower()
        raise SupervisionError(f"The session is {label}: it cannot be {doing}.")


def _check_people(supervisee: StaffMember, supervisor: StaffMember) -> None:
    if supervisee.pk == supervisor.pk:
        raise SupervisionError("A worker cannot supervise themselves: choose the supervisor.")
    if not supervisee.active or not supervisor.active:
        raise SupervisionError("Both the worker and the supervisor must be current staff.")


def _check_minutes(minutes: int | None, required: bool) -> None:
    if minutes is None:
        if required:
            raise SupervisionError("Enter how long the session lasted, in minutes.")
        return
    if not 1 <= minutes <= MAX_MINUTES:
        raise SupervisionError(f"The length must be from 1 to {MAX_MINUTES} minutes.")


def _check_held_on(held_on: date, today: date) -> None:
    if held_on > today:
        raise SupervisionError("A session that has taken place cannot be dated in the future.")
    if held_on < EARLIEST:
        raise SupervisionError(f"The date cannot be before {_long(EARLIEST)}.")


def _no_duplicate(supervisee: StaffMember, held_on: date, but: int | None = None) -> None:
    clash = SupervisionSession.objects.filter(
        supervisee=supervisee, held_on=held_on, status__in=HELD_STATUSES
    ).exclude(pk=but)
    if clash.exists():
        raise SupervisionError(
            f"A session on {_long(held_on)} is already recorded for {supervisee.name}."
        )


def _event(actor: User, verb: str, session: SupervisionSession, before: str, **detail) -> None:
    record_event(
        actor,
        verb,
        session,
        supervisee=session.supervisee.name,
        status=[before, session.status],
        **detail,
    )


def _save(session: SupervisionSession, actor: User, *fields: str) -> None:
    session.updated_by = actor
    session.save(update_fields=[*fields, "updated_by", "updated_at"])


@transaction.atomic
def record_session(
    *,
    actor: User,
    supervisee: StaffMember,
    supervisor: StaffMember,
    held_on: date,
    minutes: int | None,
    session_type: str = SessionType.ONE_TO_ONE,
    wellbeing_notes: str = "",
    workload_notes: str = "",
    learning_notes: str = "",
    today: date | None = None,
) -> SupervisionSession:
    """A session that has taken place: recorded if any notes are given, else held (to be
    written up)."""
    if not access.may_record_for(Grants(actor), supervisee):
        raise PermissionDenied
    _check_people(supervisee, supervisor)
    _check_held_on(held_on, _today(today))
    _check_minutes(minutes, required=True)
    _no_duplicate(supervisee, held_on)
    notes = {
        "wellbeing_notes": wellbeing_notes.strip(),
        "workload_notes": workload_notes.strip(),
        "learning_notes": learning_notes.strip(),
    }
    session = SupervisionSession.objects.create(
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=held_on,
        minutes=minutes,
        session_type=SessionType(session_type),
        status=SessionStatus.RECORDED if any(notes.values()) else SessionStatus.HELD,
        created_by=actor,
        updated_by=actor,
        **notes,
    )
    _event(
        actor,
        "recorded supervision session",
        session,
        "",
        supervisor=supervisor.name,
        held_on=held_on.isoformat(),
        minutes=minutes,
        type=session.session_type,
    )
    return session


@transaction.atomic
def schedule_session(
    *,
    actor: User,
    supervisee: StaffMember,
    supervisor: StaffMember,
    on: date,
    session_type: str = SessionType.ONE_TO_ONE,
    today: date | None = None,
) -> SupervisionSession:
    """A session booked for today or later."""
    if not access.may_record_for(Grants(actor), supervisee):
        raise PermissionDenied
    _check_people(supervisee, supervisor)
    if on < _today(today):
        raise SupervisionError("A session is scheduled for today or later: record a past one.")
    session = SupervisionSession.objects.create(
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=on,
        session_type=SessionType(session_type),
        status=SessionStatus.SCHEDULED,
        created_by=actor,
        updated_by=actor,
    )
    _event(
        actor,
        "scheduled supervision session",
        session,
        "",
        supervisor=supervisor.name,
        held_on=on.isoformat(),
    )
    return session


def _may_change(actor: User, session: SupervisionSession) -> None:
    if not access.may_change(Grants(actor), session):
        raise PermissionDenied


@transaction.atomic
def hold(
    *,
    actor: User,
    session: SupervisionSession,
    held_on: date,
    minutes: int,
    today: date | None = None,
) -> SupervisionSession:
    """A scheduled session took place (on the day booked or another)."""
    session = _locked(session)
    _may_change(actor, session)
    _require(session, (SessionStatus.SCHEDULED,), "marked as held")
    _check_held_on(held_on, _today(today))
    _check_minutes(minutes, required=True)
    _no_duplicate(session.supervisee, held_on, but=session.pk)
    before = session.status
    moved = held_on != session.held_on
    session.held_on, session.minutes, session.status = held_on, minutes, SessionStatus.HELD
    _save(session, actor, "held_on", "minutes", "status")
    _event(
        actor,
        "held supervision session",
        session,
        before,
        held_on=held_on.isoformat(),
        minutes=minutes,
        moved=moved,
    )
    return session


@transaction.atomic
def write_record(
    *,
    actor: User,
    session: SupervisionSession,
    wellbeing_notes: str,
    workload_notes: str,
    learning_notes: str,
    minutes: int | None = None,
) -> SupervisionSession:
    """Write (or correct) the record of a held session. A signature given before the change no
    longer stands: both sign the record as it now is."""
    session = _locked(session)
    _may_change(actor, session)
    _require(session, (SessionStatus.HELD, SessionStatus.RECORDED), "written up")
    notes = {
        "wellbeing_notes": wellbeing_notes.strip(),
        "workload_notes": workload_notes.strip(),
        "learning_notes": learning_notes.strip(),
    }
    if not any(notes.values()):
        raise SupervisionError("Write at least one part of the record.")
    _check_minutes(minutes, required=False)
    changed = [k for k, v in notes.items() if getattr(session, k) != v]
    if minutes is not None and minutes != session.minutes:
        changed.append("minutes")
        session.minutes = minutes
    cleared = bool(changed) and bool(session.supervisee_signed_on or session.supervisor_signed_on)
    for key, value in notes.items():
        setattr(session, key, value)
    if cleared:
        session.supervisee_signed_on = session.supervisor_signed_on = None
    before = session.status
    session.status = SessionStatus.RECORDED
    _save(
        session,
        actor,
        *NOTE_FIELDS,
        "minutes",
        "status",
        "supervisee_signed_on",
        "supervisor_signed_on",
    )
    _event(
        actor,
        "wrote supervision record",
        session,
        before,
        changed=changed,
        signatures_cleared=cleared,
    )
    return session


@transaction.atomic
def sign(*, actor: User, session: SupervisionSession, on: date | None = None) -> SupervisionSession:
    """The supervisee or the supervisor signs the record; with both signatures it is signed
    off."""
    session = _locked(session)
    side = access.may_sign(Grants(actor), session)
    if not side:
        raise PermissionDenied
    _require(session, (SessionStatus.RECORDED,), "signed")
    field = f"{side}_signed_on"
    if getattr(session, field):
        raise SupervisionError(f"You signed this record on {_long(getattr(session, field))}.")
    on = _today(on)
    if on < session.held_on:
        raise SupervisionError("A record cannot be signed before the session was held.")
    setattr(session, field, on)
    before = session.status
    if session.supervisee_signed_on and session.supervisor_signed_on:
        session.status = SessionStatus.SIGNED_OFF
    _save(session, actor, field, "status")
    _event(actor, f"signed as {side}", session, before, signed_on=on.isoformat())
    return session


@transaction.atomic
def cancel(*, actor: User, session: SupervisionSession, reason: str) -> SupervisionSession:
    """A scheduled session that will not take place, and why."""
    session = _locked(session)
    _may_change(actor, session)
    _require(session, (SessionStatus.SCHEDULED,), "cancelled")
    if not reason.strip():
        raise SupervisionError("Give the reason the session was cancelled.")
    before = session.status
    session.status = SessionStatus.CANCELLED
    session.cancelled_reason = reason.strip()
    _save(session, actor, "status", "cancelled_reason")
    _event(actor, "cancelled supervision session", session, before)
    return session


@transaction.atomic
def add_decision(
    *,
    actor: User,
    session: SupervisionSession,
    child_id: str,
    summary: str,
    decision: str,
    rationale: str,
    next_review_on: date | None = None,
) -> CaseDecision:
    """A management decision about a child, with its rationale, made in a held session whose
    record is not yet signed off."""
    session = _locked(session)
    _may_change(actor, session)
    child_id = child_id.strip()
    if not child_id:
        raise SupervisionError("Enter the child's id in the case record.")
    if not Grants(actor).may_see(access.child_view(session, child_id)):
        raise PermissionDenied
    _require(session, (SessionStatus.HELD, SessionStatus.RECORDED), "given decisions")
    texts = {
        "summary": summary.strip(),
        "decision": decision.strip(),
        "rationale": rationale.strip(),
    }
    if not all(texts.values()):
        raise SupervisionError("Give the current situation, the decision and its rationale.")
    if next_review_on is not None and next_review_on < session.held_on:
        raise SupervisionError("The next review cannot be before the session.")
    made = CaseDecision.objects.create(
        session=session, child_id=child_id, next_review_on=next_review_on, created_by=actor, **texts
    )
    # The event names the decision, never the child: the audit log holds no child's data.
    _event(
        actor,
        "recorded case decision",
        session,
        session.status,
        decision=made.pk,
        next_review_on=next_review_on.isoformat() if next_review_on else None,
    )
    return made


@transaction.atomic
def bring_in(
    *,
    actor: User,
    supervisee: StaffMember,
    case_record_id: str,
    snapshot: LiveSnapshot | None,
) -> SupervisionSession:
    """A session from the case record, copied into casegrip (once) so that it can be written
    up, signed and given decisions. The copy stands for the day in compliance."""
    if not access.may_record_for(Grants(actor), supervisee):
        raise PermissionDenied
    row = next(
        (
            r
            for r in case_record_rows(snapshot, [supervisee.professional_id])
            if str(r["id"]) == case_record_id
        ),
        None,
    )
    if row is None:
        raise SupervisionError("The case record holds no such session for this worker.")
    existing = SupervisionSession.objects.filter(case_record_id=case_record_id).first()
    if existing is not None:
        raise SupervisionError("This session is already in casegrip.")
    supervisor = StaffMember.objects.filter(professional_id=row["supervisor"] or "").first()
    if supervisor is None:
        raise SupervisionError("The session's supervisor is not among casegrip's staff.")
    _check_people(supervisee, supervisor)
    _no_duplicate(supervisee, row["day"])
    kind = sp.CASE_RECORD_TYPES.get(str(row["kind"] or "").strip().upper())
    session = SupervisionSession.objects.create(
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=row["day"],
        minutes=row["minutes"],
        session_type=SessionType(kind) if kind else SessionType.AD_HOC,
        status=SessionStatus.HELD,
        source=SessionSource.CASE_RECORD,
        case_record_id=case_record_id,
        created_by=actor,
        updated_by=actor,
    )
    _event(
        actor,
        "brought in from the case record",
        session,
        "",
        supervisor=supervisor.name,
        held_on=session.held_on.isoformat(),
    )
    return session


@transaction.atomic
def set_asye_start(
    *, actor: User, staff: StaffMember, started_on: date | None, today: date | None = None
) -> AsyeStart | None:
    """Record (or correct, or with None remove) when a worker's ASYE began."""
    if not Grants(actor).has(Permission.RECORD_SUPERVISION, staff.unit):
        raise PermissionDenied
    current = AsyeStart.objects.select_for_update().filter(staff=staff).first()
    before = current.started_on.isoformat() if current else None
    if started_on is None:
        if current is None:
            raise SupervisionError(f"No ASYE start is recorded for {staff.name}.")
        record_event(
            actor, "removed ASYE start", current, staff=staff.name, started_on=[before, None]
        )
        current.delete()
        return None
    if started_on > _today(today):
        raise SupervisionError("The ASYE start cannot be in the future.")
    if started_on < EARLIEST:
        raise SupervisionError(f"The ASYE start cannot be before {_long(EARLIEST)}.")
    if current is None:
        current = AsyeStart(staff=staff)
    current.started_on, current.recorded_by = started_on, actor
    current.save()
    record_event(
        actor,
        "set ASYE start",
        current,
        staff=staff.name,
        started_on=[before, started_on.isoformat()],
    )
    return current


@transaction.atomic
def add_policy_version(
    *,
    actor: User,
    effective_from: date,
    name: str,
    asye_weekly_weeks: int = 6,
    asye_fortnightly_weeks: int = 26,
    standard_months: int = 1,
    minimum_minutes: int = 90,
    short_sessions_count: bool = True,
    qualifying_types: tuple[str, ...] = (SessionType.ONE_TO_ONE, SessionType.ASYE),
    exempt_job_titles: tuple[str, ...] = ("Head of service",),
    source: str = "",
) -> SupervisionPolicy:
    """A new version of the policy, in force from ``effective_from``; earlier versions stay as
    they were, so past months keep the rules of their time."""
    if not Grants(actor).has(Permission.ADMINISTER):
        raise PermissionDenied
    if not name.strip():
        raise SupervisionError("Name the policy version.")
    if SupervisionPolicy.objects.filter(effective_from=effective_from).exists():
        raise SupervisionError(f"A version already starts on {_long(effective_from)}.")
    if not 1 <= asye_weekly_weeks <= asye_fortnightly_weeks <= 52:
        raise SupervisionError("The ASYE phases must be in order and within the first year.")
    if not 1 <= standard_months <= 3:
        raise SupervisionError("Everyone else must be supervised every 1 to 3 months.")
    if not 15 <= minimum_minutes <= MAX_MINUTES:
        raise SupervisionError(f"The minimum length must be from 15 to {MAX_MINUTES} minutes.")
    kinds = sorted(set(qualifying_types))
    if not kinds or any(k not in SessionType.values for k in kinds):
        raise SupervisionError("Choose the session types that count, from the known types.")
    policy = SupervisionPolicy.objects.create(
        effective_from=effective_from,
        name=name.strip(),
        asye_weekly_weeks=asye_weekly_weeks,
        asye_fortnightly_weeks=asye_fortnightly_weeks,
        standard_months=standard_months,
        minimum_minutes=minimum_minutes,
        short_sessions_count=short_sessions_count,
        qualifying_types=kinds,
        exempt_job_titles=sorted({t.strip() for t in exempt_job_titles if t.strip()}),
        source=source.strip(),
        created_by=actor,
    )
    record_event(
        actor,
        "added supervision policy version",
        policy,
        name=policy.name,
        effective_from=effective_from.isoformat(),
    )
    return policy


@transaction.atomic
def record_history(
    *,
    sessions: list[SupervisionSession],
    asye_starts: list[AsyeStart],
    what: str,
) -> int:
    """Past sessions written in bulk by casegrip itself (no actor): one event per worker says
    what was added, so the history shows where the records came from. Returns the sessions
    added."""
    AsyeStart.objects.bulk_create(asye_starts)
    for start in asye_starts:
        record_event(
            None,
            "set ASYE start",
            start,
            staff=start.staff.name,
            started_on=[None, start.started_on.isoformat()],
            source=what,
        )
    made = SupervisionSession.objects.bulk_create(sessions)
    counts: dict[int, int] = {}
    for session in made:
        counts[session.supervisee_id] = counts.get(session.supervisee_id, 0) + 1
    staff = {m.pk: m for m in StaffMember.objects.filter(pk__in=counts)}
    for pk, count in counts.items():
        record_event(None, "added supervision history", staff[pk], sessions=count, source=what)
    return len(made)

"""The escalation state machine (practice.md 6.2). Each transition is one function with keyword
arguments, runs in one transaction, writes its audit event and refuses an illegal move with an
``EscalationError`` whose message the page shows as it is.

    informal --formalise--> issued --respond--> responded --accept--> resolved
       |                      | (late: escalate_unanswered)  '--reject_response--> issued (n+1)
       '--resolve_informally--> resolved
    bypass: from informal, issued or responded straight to a higher stage, with a reason
    refer_to_cafcass (IROs): concurrent (the process carries on) or not (it stops)
    withdraw: any open state;  close: resolved, withdrawn, referred, or formal and unresolved

Dates are the day something happened (``on``, today unless given), so deadlines count in
working days from them.
"""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.audit import record_event
from casegrip.web.accounts.models import User
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind

from . import deadlines
from .models import (
    LAST_STAGE,
    OPEN_STATUSES,
    STAGE_ROLES,
    Category,
    Escalation,
    EscalationStage,
    Outcome,
    PlanType,
    RaiserRole,
    Status,
    Subcategory,
)
from .permissions import is_raising_side, may_raise, may_respond

MAX_RESPONSE_DAYS = 30


class EscalationError(Exception):
    """The escalation's state does not allow this change; the message says why."""


def _day(on: date | None) -> date:
    return on or timezone.localdate()


def _locked(escalation: Escalation) -> Escalation:
    """The escalation re-read under a row lock, so two people acting at once cannot both move
    it from the same state."""
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("team")
        .get(pk=escalation.pk)
    )


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _not_before(on: date, earlier: date | None, what: str) -> None:
    if earlier is not None and on < earlier:
        raise EscalationError(f"The date cannot be before {what} ({_long(earlier)}).")


def _require_status(escalation: Escalation, allowed: tuple[str, ...], doing: str) -> None:
    if escalation.status not in allowed:
        label = Status(escalation.status).label.lower()
        raise EscalationError(f"Escalation {escalation.ref} is {label}: it cannot be {doing}.")


def _raising_side(actor: User, escalation: Escalation) -> None:
    if not is_raising_side(Grants(actor), escalation):
        raise PermissionDenied


def _save(escalation: Escalation, actor: User, *fields: str) -> None:
    escalation.updated_by = actor
    escalation.save(update_fields=[*fields, "updated_by", "updated_at"])


def _event(actor: User, verb: str, escalation: Escalation, before: str, **detail) -> None:
    record_event(
        actor,
        verb,
        escalation,
        ref=escalation.ref,
        status=[before, escalation.status],
        stage=escalation.current_stage,
        **detail,
    )


@transaction.atomic
def raise_escalation(
    *,
    actor: User,
    raised_by_role: str,
    child_id: str,
    team: OrgUnit,
    plan_type: str,
    category: str,
    subcategory: str,
    description: str,
    desired_outcome: str,
    informal_logged_at: date | None = None,
    informal_note_on_child_file: bool = False,
    raised_by_staff: StaffMember | None = None,
) -> Escalation:
    """Record an escalation at its informal stage, against the child's team at the time."""
    if team.kind != UnitKind.TEAM:
        raise EscalationError("Choose the child's team, not a larger unit.")
    if not may_raise(Grants(actor), team):
        raise PermissionDenied
    child_id = child_id.strip()
    if not child_id:
        raise EscalationError("Enter the child's id in the case record.")
    if not description.strip() or not desired_outcome.strip():
        raise EscalationError("Describe the problem and the outcome wanted.")
    escalation = Escalation.objects.create(
        ref=f"pending-{uuid.uuid4().hex[:8]}",
        raised_by=actor,
        raised_by_staff=raised_by_staff or StaffMember.objects.filter(user=actor).first(),
        raised_by_role=RaiserRole(raised_by_role),
        child_id=child_id,
        team=team,
        plan_type=PlanType(plan_type),
        category=Category(category),
        subcategory=Subcategory(subcategory),
        description=description.strip(),
        desired_outcome=desired_outcome.strip(),
        informal_logged_at=_day(informal_logged_at),
        informal_note_on_child_file=informal_note_on_child_file,
        updated_by=actor,
    )
    escalation.ref = f"ESC-{escalation.pk:05d}"
    escalation.save(update_fields=["ref"])
    _event(
        actor,
        "raised escalation",
        escalation,
        "",
        role=escalation.raised_by_role,
        plan_type=escalation.plan_type,
        category=escalation.category,
        subcategory=escalation.subcategory,
        team=team.name,
    )
    return escalation


@transaction.atomic
def resolve_informally(
    *,
    actor: User,
    escalation: Escalation,
    note: str = "",
    plan_changed: bool | None = None,
    on: date | None = None,
) -> Escalation:
    """The informal approach worked: resolved without a formal stage."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    _require_status(escalation, (Status.INFORMAL,), "resolved informally")
    on = _day(on)
    _not_before(on, escalation.informal_logged_at, "the informal approach")
    before = escalation.status
    escalation.status = Status.RESOLVED
    escalation.outcome = Outcome.RESOLVED
    escalation.resolved_at = on
    escalation.outcome_note = note
    escalation.plan_changed = plan_changed
    _save(escalation, actor, "status", "outcome", "resolved_at", "outcome_note", "plan_changed")
    _event(actor, "resolved informally", escalation, before)
    return escalation


def _issue(
    *,
    actor: User,
    escalation: Escalation,
    number: int,
    addressee_user: User | None,
    addressee_staff: StaffMember | None,
    response_days: int | None,
    reason: str,
    on: date,
) -> EscalationStage:
    """Issue stage ``number``; going past the next stage is a bypass and needs a reason."""
    if not 1 <= number <= LAST_STAGE:
        raise EscalationError(f"Stages run from 1 to {LAST_STAGE}.")
    if number <= escalation.current_stage:
        raise EscalationError(
            f"Escalation {escalation.ref} is at stage {escalation.current_stage}: "
            f"the next stage is {escalation.current_stage + 1} or higher."
        )
    bypassed = number > escalation.current_stage + 1
    if bypassed and not reason.strip():
        raise EscalationError(
            f"Give a reason for going straight to stage {number} "
            f"(past stage {escalation.current_stage + 1})."
        )
    if addressee_user is None and addressee_staff is None:
        raise EscalationError(f"Choose who stage {number} is addressed to.")
    if addressee_staff is None and addressee_user is not None:
        addressee_staff = StaffMember.objects.filter(user=addressee_user).first()
    days = deadlines.default_response_days() if response_days is None else response_days
    if not 1 <= days <= MAX_RESPONSE_DAYS:
        raise EscalationError(
            f"The time to respond must be from 1 to {MAX_RESPONSE_DAYS} working days."
        )
    stage = EscalationStage.objects.create(
        escalation=escalation,
        number=number,
        addressee_role=STAGE_ROLES[number],
        addressee_user=addressee_user,
        addressee_staff=addressee_staff,
        issued_at=on,
        response_working_days=days,
        response_due=deadlines.response_due(on, days),
        bypassed=bypassed,
        bypass_reason=reason.strip() if bypassed else "",
    )
    before = escalation.status
    escalation.status = Status.ISSUED
    escalation.current_stage = number
    _save(escalation, actor, "status", "current_stage")
    _event(
        actor,
        f"issued stage {number}",
        escalation,
        before,
        addressee=stage.addressee_name,
        addressee_role=stage.addressee_role,
        response_due=stage.response_due.isoformat(),
        bypassed=bypassed,
    )
    return stage


@transaction.atomic
def formalise(
    *,
    actor: User,
    escalation: Escalation,
    addressee_user: User | None = None,
    addressee_staff: StaffMember | None = None,
    stage: int = 1,
    response_days: int | None = None,
    reason: str = "",
    on: date | None = None,
) -> EscalationStage:
    """Start the formal process: issue stage 1 (or, with a reason, a higher stage)."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    _require_status(escalation, (Status.INFORMAL,), "made formal")
    on = _day(on)
    _not_before(on, escalation.informal_logged_at, "the informal approach")
    escalation.formal_started_at = on
    if escalation.has_iro_limit:
        escalation.overall_deadline = deadlines.overall_deadline(on)
    _save(escalation, actor, "formal_started_at", "overall_deadline")
    return _issue(
        actor=actor,
        escalation=escalation,
        number=stage,
        addressee_user=addressee_user,
        addressee_staff=addressee_staff,
        response_days=response_days,
        reason=reason,
        on=on,
    )


@transaction.atomic
def respond(
    *, actor: User, escalation: Escalation, text: str, on: date | None = None
) -> EscalationStage:
    """The addressee's response to the current stage (late responses are recorded as late)."""
    escalation = _locked(escalation)
    _require_status(escalation, (Status.ISSUED,), "responded to")
    if not may_respond(Grants(actor), escalation):
        raise PermissionDenied
    if not text.strip():
        raise EscalationError("Enter the response.")
    stage = escalation.current()
    on = _day(on)
    _not_before(on, stage.issued_at, f"stage {stage.number} was issued")
    stage.responded_at = on
    stage.responded_by = actor
    stage.response_text = text.strip()
    stage.save(update_fields=["responded_at", "responded_by", "response_text"])
    before = escalation.status
    escalation.status = Status.RESPONDED
    _save(escalation, actor, "status")
    _event(
        actor,
        f"responded to stage {stage.number}",
        escalation,
        before,
        in_time=on <= stage.response_due,
    )
    return stage


@transaction.atomic
def accept_response(
    *,
    actor: User,
    escalation: Escalation,
    outcome: str = Outcome.RESOLVED,
    note: str = "",
    plan_changed: bool | None = None,
    on: date | None = None,
) -> Escalation:
    """The raiser accepts the response: resolved, or partially resolved."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    _require_status(escalation, (Status.RESPONDED,), "resolved")
    if outcome not in (Outcome.RESOLVED, Outcome.PARTIALLY):
        raise EscalationError("Accepting a response resolves the escalation, fully or partly.")
    stage = escalation.current()
    on = _day(on)
    _not_before(on, stage.responded_at, f"the stage {stage.number} response")
    stage.decision = EscalationStage.Decision.ACCEPTED
    stage.decided_at = on
    stage.decision_note = note
    stage.save(update_fields=["decision", "decided_at", "decision_note"])
    before = escalation.status
    escalation.status = Status.RESOLVED
    escalation.outcome = Outcome(outcome)
    escalation.outcome_note = note
    escalation.plan_changed = plan_changed
    escalation.resolved_at = on
    _save(escalation, actor, "status", "outcome", "outcome_note", "plan_changed", "resolved_at")
    _event(actor, f"accepted stage {stage.number} response", escalation, before, outcome=outcome)
    return escalation


def _next_stage(
    *,
    actor: User,
    escalation: Escalation,
    decision: str,
    note: str,
    to_stage: int | None,
    addressee_user: User | None,
    addressee_staff: StaffMember | None,
    response_days: int | None,
    reason: str,
    on: date,
) -> EscalationStage:
    current = escalation.current()
    if current.number == LAST_STAGE:
        raise EscalationError(
            f"Stage {LAST_STAGE} is the last stage: close the escalation as unresolved "
            "or refer the case to Cafcass."
        )
    _not_before(on, current.responded_at or current.issued_at, f"stage {current.number}")
    current.decision = decision
    current.decided_at = on
    current.decision_note = note
    current.save(update_fields=["decision", "decided_at", "decision_note"])
    return _issue(
        actor=actor,
        escalation=escalation,
        number=to_stage or current.number + 1,
        addressee_user=addressee_user,
        addressee_staff=addressee_staff,
        response_days=response_days,
        reason=reason,
        on=on,
    )


@transaction.atomic
def reject_response(
    *,
    actor: User,
    escalation: Escalation,
    note: str,
    addressee_user: User | None = None,
    addressee_staff: StaffMember | None = None,
    to_stage: int | None = None,
    response_days: int | None = None,
    reason: str = "",
    on: date | None = None,
) -> EscalationStage:
    """The raiser does not accept the response: the next stage (or, with a reason, a higher
    one) is issued."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    _require_status(escalation, (Status.RESPONDED,), "moved on after a response")
    if not note.strip():
        raise EscalationError("Say why the response is not accepted.")
    return _next_stage(
        actor=actor,
        escalation=escalation,
        decision=EscalationStage.Decision.REJECTED,
        note=note.strip(),
        to_stage=to_stage,
        addressee_user=addressee_user,
        addressee_staff=addressee_staff,
        response_days=response_days,
        reason=reason,
        on=_day(on),
    )


@transaction.atomic
def escalate_unanswered(
    *,
    actor: User,
    escalation: Escalation,
    addressee_user: User | None = None,
    addressee_staff: StaffMember | None = None,
    to_stage: int | None = None,
    response_days: int | None = None,
    reason: str = "",
    note: str = "",
    on: date | None = None,
) -> EscalationStage:
    """No response by the due date: the next stage is issued. Before the due date this is a
    bypass and needs a reason."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    _require_status(escalation, (Status.ISSUED,), "escalated for want of a response")
    on = _day(on)
    current = escalation.current()
    if on <= current.response_due and not reason.strip():
        raise EscalationError(
            f"The stage {current.number} response is not due until "
            f"{_long(current.response_due)}: give a reason to escalate before then."
        )
    early = on <= current.response_due
    return _next_stage(
        actor=actor,
        escalation=escalation,
        decision=EscalationStage.Decision.NO_RESPONSE,
        # Before the deadline the reason is why the addressee was not waited for.
        note=(note or reason).strip() if early else note.strip(),
        to_stage=to_stage,
        addressee_user=addressee_user,
        addressee_staff=addressee_staff,
        response_days=response_days,
        reason=reason,
        on=on,
    )


@transaction.atomic
def bypass(
    *,
    actor: User,
    escalation: Escalation,
    to_stage: int,
    reason: str,
    addressee_user: User | None = None,
    addressee_staff: StaffMember | None = None,
    response_days: int | None = None,
    on: date | None = None,
) -> EscalationStage:
    """Go straight to a higher stage than the next, from the informal stage or any formal one,
    recording why (the IRO may bypass any stage)."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    _require_status(escalation, OPEN_STATUSES, "moved to a higher stage")
    if not reason.strip():
        raise EscalationError("Give the reason for bypassing a stage.")
    if to_stage <= escalation.current_stage + 1:
        raise EscalationError(
            f"A bypass goes past the next stage: choose stage {escalation.current_stage + 2} "
            "or higher."
        )
    common = {
        "actor": actor,
        "escalation": escalation,
        "addressee_user": addressee_user,
        "addressee_staff": addressee_staff,
        "response_days": response_days,
        "reason": reason,
        "on": on,
    }
    if escalation.status == Status.INFORMAL:
        return formalise(stage=to_stage, **common)
    decision = (
        EscalationStage.Decision.REJECTED
        if escalation.status == Status.RESPONDED
        else EscalationStage.Decision.NO_RESPONSE
    )
    return _next_stage(
        decision=decision,
        note=reason.strip(),
        to_stage=to_stage,
        **{**common, "on": _day(on)},
    )


@transaction.atomic
def refer_to_cafcass(
    *,
    actor: User,
    escalation: Escalation,
    concurrent: bool,
    note: str = "",
    on: date | None = None,
) -> Escalation:
    """An IRO refers the case to Cafcass: beside the process (concurrent) or instead of it."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    if escalation.raised_by_role != RaiserRole.IRO:
        raise EscalationError("Only an IRO's escalation can be referred to Cafcass.")
    if escalation.cafcass_referred_at is not None:
        raise EscalationError(f"Escalation {escalation.ref} has already been referred to Cafcass.")
    _require_status(escalation, OPEN_STATUSES, "referred to Cafcass")
    on = _day(on)
    _not_before(on, escalation.informal_logged_at, "the informal approach")
    before = escalation.status
    escalation.cafcass_referred_at = on
    escalation.cafcass_concurrent = concurrent
    fields = ["cafcass_referred_at", "cafcass_concurrent"]
    if not concurrent:
        escalation.status = Status.CAFCASS
        escalation.outcome_note = note
        fields += ["status", "outcome_note"]
    _save(escalation, actor, *fields)
    _event(actor, "referred to Cafcass", escalation, before, concurrent=concurrent)
    return escalation


@transaction.atomic
def withdraw(
    *, actor: User, escalation: Escalation, reason: str, on: date | None = None
) -> Escalation:
    """The raiser withdraws an open escalation, saying why."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    _require_status(escalation, OPEN_STATUSES, "withdrawn")
    if not reason.strip():
        raise EscalationError("Give the reason for withdrawing the escalation.")
    on = _day(on)
    _not_before(on, escalation.informal_logged_at, "the informal approach")
    before = escalation.status
    escalation.status = Status.WITHDRAWN
    escalation.withdrawn_at = on
    escalation.outcome_note = reason.strip()
    _save(escalation, actor, "status", "withdrawn_at", "outcome_note")
    _event(actor, "withdrew escalation", escalation, before)
    return escalation


@transaction.atomic
def close(
    *,
    actor: User,
    escalation: Escalation,
    unresolved: bool = False,
    note: str = "",
    plan_changed: bool | None = None,
    on: date | None = None,
) -> Escalation:
    """Close a resolved, withdrawn or referred escalation with its outcome; or, with
    ``unresolved``, a formal one that the process did not resolve."""
    escalation = _locked(escalation)
    _raising_side(actor, escalation)
    on = _day(on)
    outcomes = {
        Status.WITHDRAWN: Outcome.WITHDRAWN,
        Status.CAFCASS: Outcome.CAFCASS,
    }
    if unresolved:
        _require_status(escalation, (Status.ISSUED, Status.RESPONDED), "closed as unresolved")
        if not note.strip():
            raise EscalationError("Say why the escalation is closed unresolved.")
        stage = escalation.current()
        if stage.decision == "":
            stage.decision = (
                EscalationStage.Decision.REJECTED
                if stage.responded_at
                else EscalationStage.Decision.NO_RESPONSE
            )
            stage.decided_at = on
            stage.decision_note = note.strip()
            stage.save(update_fields=["decision", "decided_at", "decision_note"])
        escalation.outcome = Outcome.UNRESOLVED
        escalation.outcome_note = note.strip()
    else:
        allowed = (Status.RESOLVED, Status.WITHDRAWN, Status.CAFCASS)
        if escalation.status == Status.INFORMAL:
            raise EscalationError(
                f"Escalation {escalation.ref} is informal: resolve it or withdraw it first."
            )
        _require_status(escalation, allowed, "closed")
        if escalation.status in outcomes:
            escalation.outcome = outcomes[escalation.status]
        if note.strip():
            escalation.outcome_note = note.strip()
    _not_before(
        on,
        escalation.resolved_at or escalation.withdrawn_at or escalation.cafcass_referred_at,
        "the escalation ended",
    )
    if plan_changed is not None:
        escalation.plan_changed = plan_changed
    before = escalation.status
    escalation.status = Status.CLOSED
    escalation.closed_at = on
    _save(escalation, actor, "status", "outcome", "outcome_note", "plan_changed", "closed_at")
    _event(actor, "closed escalation", escalation, before, outcome=escalation.outcome)
    return escalation

"""Every change to the QA record. Each function runs in one transaction, checks that the actor
may make the change and that the state machine allows it, and writes its audit event (names,
codes and grades only: never a child's details)."""

import importlib
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casegrip.store.live import LiveSnapshot
from casegrip.store.snapshots import snapshot_config
from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.audit import record_event
from casegrip.web.accounts.models import User
from casegrip.web.accounts.roles import Permission as P
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind
from casegrip.web.working_days import working_calendar

from . import states
from .casefile import CASE_TYPES, open_cases
from .models import (
    Audit,
    AuditAction,
    AuditProgramme,
    AuditTool,
    GradingScheme,
    Moderation,
    SafeguardingConcern,
)
from .rules import in_random_share, rule
from .sampling import Auditor, allocate, draw
from .toolkit import ToolError, parse_tool, shipped

TEAM_MANAGER = "Team manager"


class NotAllowed(Exception):
    """The actor may not make this change; the message says why."""


class Invalid(Exception):
    """The change is incomplete or inconsistent: ``errors`` are (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def _now() -> datetime:
    return timezone.now()


def _today() -> date:
    return timezone.localdate()


def _step(machine: states.Machine, obj, event: str) -> str:
    """Move ``obj`` on by ``event`` (refused with a clear message when not allowed)."""
    before = obj.status
    obj.status = machine.after(before, event)
    return before


# Tools ------------------------------------------------------------------------------------------


def install_tools(scheme_model=GradingScheme, tool_model=AuditTool) -> int:
    """Copy the shipped grading schemes and tool versions into the database (missing ones only).
    Takes the models so that a data migration can pass its historical ones."""
    schemes, tools = shipped()
    for data in schemes:
        scheme_model.objects.get_or_create(
            code=data["code"], defaults={"name": data["name"], "levels": data["levels"]}
        )
    added = 0
    for data in tools:
        if tool_model.objects.filter(slug=data["slug"], version=data["version"]).exists():
            continue
        tool_model.objects.create(
            slug=data["slug"],
            name=data["name"],
            version=data["version"],
            kind=data.get("kind", "case"),
            status="live",
            grading_scheme=scheme_model.objects.get(code=data["grading_scheme"]),
            definition=data,
        )
        added += 1
    return added


def ensure_tools() -> None:
    """The shipped tools and default targets, if the database has none (a test database
    flushed by a browser test, say): the data migration's own step, run again."""
    if not GradingScheme.objects.exists() or not AuditTool.objects.exists():
        from django.apps import apps

        importlib.import_module(
            "casegrip.web.quality.migrations.0002_default_tools_and_targets"
        ).install(apps, None)


@transaction.atomic
def publish_tool_version(*, actor: User, slug: str, definition: dict) -> AuditTool:
    """A new live version of a tool; the previous live version is retired. Past audits keep the
    version they were done with."""
    if not Grants(actor).has(P.MANAGE_AUDIT_PROGRAMME):
        raise NotAllowed("Only the QA team may publish a new version of an audit tool.")
    ensure_tools()
    latest = AuditTool.objects.filter(slug=slug).order_by("-version").first()
    version = (latest.version if latest else 0) + 1
    data = {**definition, "slug": slug, "version": version}
    try:
        tool = parse_tool(data)
        scheme = GradingScheme.objects.get(code=tool.grading_scheme)
    except (ToolError, KeyError, TypeError) as exc:
        raise Invalid([("definition", str(exc))]) from None
    except GradingScheme.DoesNotExist:
        raise Invalid([("definition", f"No grading scheme {tool.grading_scheme!r}.")]) from None
    AuditTool.objects.filter(slug=slug, status=AuditTool.Status.LIVE).update(
        status=AuditTool.Status.RETIRED
    )
    new = AuditTool.objects.create(
        slug=slug,
        name=tool.name,
        version=version,
        kind=tool.kind,
        status=AuditTool.Status.LIVE,
        grading_scheme=scheme,
        definition=data,
    )
    record_event(actor, "published audit tool version", new, slug=slug, version=version)
    return new


# Programmes and allocation ----------------------------------------------------------------------


def _teams_under(unit: OrgUnit) -> list[OrgUnit]:
    return [u for u in unit.descendants().filter(kind=UnitKind.TEAM) if u.source_id]


@transaction.atomic
def create_programme(
    *,
    actor: User,
    name: str,
    kind: str,
    unit: OrgUnit,
    month: date,
    tool: AuditTool,
    per_team: int,
    case_types: list[str],
    theme: str = "",
    exclude_months: int = 12,
    chosen_children: list[str] | None = None,
    due_date: date | None = None,
) -> AuditProgramme:
    if not Grants(actor).has(P.MANAGE_AUDIT_PROGRAMME, unit):
        raise NotAllowed(f"You may not run an audit programme for {unit.name}.")
    errors = []
    if tool.status != AuditTool.Status.LIVE:
        errors.append(
            ("tool", f"{tool} is {tool.get_status_display().lower()}: choose a live one.")
        )
    unknown = sorted(set(case_types) - set(CASE_TYPES))
    if unknown or not (case_types or chosen_children):
        errors.append(("case_types", "Choose at least one type of case to sample."))
    if not 1 <= per_team <= 50 and not chosen_children:
        errors.append(("per_team", "Cases per team must be between 1 and 50."))
    month = month.replace(day=1)
    if due_date is None:
        next_month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
        due_date = date.fromordinal(next_month.toordinal() - 1)
    if due_date < month:
        errors.append(("due_date", "The due date must be in or after the programme's month."))
    if errors:
        raise Invalid(errors)
    programme = AuditProgramme.objects.create(
        name=name,
        kind=kind,
        unit=unit,
        month=month,
        tool=tool,
        theme=theme,
        per_team=per_team,
        case_types=case_types,
        exclude_months=exclude_months,
        chosen_children=chosen_children or [],
        due_date=due_date,
        created_by=actor,
    )
    record_event(actor, "created audit programme", programme, unit=unit.name, kind=kind)
    return programme


def _months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def eligible_auditors(unit: OrgUnit) -> list[User]:
    """Users who may conduct audits somewhere in or above ``unit``'s authority, by name."""
    users = (
        User.objects.filter(is_active=True, role_assignments__isnull=False)
        .prefetch_related("role_assignments__unit")
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    return [u for u in users if Grants(u).has(P.CONDUCT_AUDITS)]


@transaction.atomic
def allocate_programme(
    *, actor: User, programme: AuditProgramme, auditors: list[User], snapshot: LiveSnapshot
) -> list[Audit]:
    """Draw the sample from the case record and allocate it. Children audited in the last
    ``exclude_months`` months are left out; each auditor gets an even share, outside their own
    team where possible."""
    if not Grants(actor).has(P.MANAGE_AUDIT_PROGRAMME, programme.unit):
        raise NotAllowed(f"You may not allocate audits for {programme.unit.name}.")
    if programme.status != AuditProgramme.Status.DRAFT:
        raise Invalid([("programme", "This programme has already been allocated.")])
    if not auditors:
        raise Invalid([("auditors", "Choose at least one auditor.")])
    not_auditors = [u for u in auditors if not Grants(u).has(P.CONDUCT_AUDITS)]
    if not_auditors:
        names = ", ".join(u.get_full_name() or u.username for u in not_auditors)
        raise Invalid([("auditors", f"These people may not conduct audits: {names}.")])
    extract = date.fromisoformat(snapshot.extract_date)
    day = min(programme.month, extract)
    cases = open_cases(snapshot, day)
    teams = {u.source_id: u for u in _teams_under(programme.unit)}
    if programme.chosen_children:
        known = {c.child_id: c for c in cases if c.team_id in teams}
        missing = [c for c in programme.chosen_children if c not in known]
        if missing:
            raise Invalid(
                [
                    (
                        "chosen_children",
                        "These children have no open, allocated case in "
                        f"{programme.unit.name} on {day:%d %B %Y}: {', '.join(missing[:20])}.",
                    )
                ]
            )
        chosen, short = [known[c] for c in programme.chosen_children], {}
    else:
        since = _months_before(programme.month, programme.exclude_months)
        recent = set(
            Audit.objects.filter(allocated_at__date__gte=since)
            .exclude(status__in=["cancelled", "exempted"])
            .values_list("child_id", flat=True)
        )
        result = draw(
            cases,
            teams=sorted(teams),
            per_team=programme.per_team,
            case_types=programme.case_types,
            excluded=recent,
            seed=f"programme:{programme.pk}",
        )
        chosen, short = result.chosen, result.short
    if not chosen:
        raise Invalid([("programme", "No open case in scope matches the sample rule.")])
    staff_teams = {
        s.user_id: s.unit.source_id for s in StaffMember.objects.filter(user__in=auditors)
    }
    pool = [Auditor(u.pk, frozenset(filter(None, [staff_teams.get(u.pk)]))) for u in auditors]
    users = {u.pk: u for u in auditors}
    audits = [
        Audit(
            programme=programme,
            tool=programme.tool,
            child_id=case.child_id,
            case_type=case.case_type,
            team=teams.get(case.team_id),
            worker_id=case.worker_id,
            auditor=users[user_id],
            due_date=programme.due_date,
        )
        for case, user_id in allocate(chosen, pool)
    ]
    Audit.objects.bulk_create(audits)
    programme.status = AuditProgramme.Status.ALLOCATED
    programme.sample_note = f"Drawn from open cases on {day:%d %B %Y}. " + (
        "Teams with fewer eligible cases than asked for: "
        + ", ".join(f"{teams[t].name} ({n} short)" for t, n in sorted(short.items()))
        + "."
        if short
        else "Every team had enough eligible cases."
    )
    programme.save(update_fields=["status", "sample_note"])
    record_event(
        actor, "allocated audit programme", programme, audits=len(audits), auditors=len(pool)
    )
    return list(programme.audits.all())


# The audit form ---------------------------------------------------------------------------------


def _is_auditor(actor: User, audit: Audit) -> None:
    if audit.auditor_id != actor.pk:
        raise NotAllowed("Only the allocated auditor may complete this audit.")


def _clean_form(audit: Audit, data: dict) -> dict:
    """The parts of a saved form that belong to the tool, with unknown codes refused."""
    tool = audit.tool.tool
    scheme = audit.tool.grading_scheme.scheme
    errors = []
    responses = {}
    for q in tool.questions:
        answer = (data.get("responses", {}).get(q.id) or {}).get("answer", "")
        evidence = (data.get("responses", {}).get(q.id) or {}).get("evidence", "")
        codes = [c for c, _ in q.choices]
        if answer and codes and answer not in codes:
            errors.append((f"q_{q.id}", f"{q.text}: {answer!r} is not one of the answers."))
        if answer or evidence:
            responses[q.id] = {"answer": answer, "evidence": evidence}
    grades = {}
    for theme in tool.themes:
        entry = data.get("theme_grades", {}).get(theme.code) or {}
        grade = entry.get("grade", "")
        if grade and grade not in dict(scheme.choices):
            errors.append((f"grade_{theme.code}", f"{theme.label}: {grade!r} is not a grade."))
        if grade or entry.get("rationale"):
            grades[theme.code] = {"grade": grade, "rationale": entry.get("rationale", "")}
    overall = data.get("overall_grade", "")
    if overall and overall not in dict(scheme.choices):
        errors.append(("overall_grade", f"{overall!r} is not a grade."))
    if errors:
        raise Invalid(errors)
    at_risk = any((responses.get(q.id) or {}).get("answer") == "yes" for q in tool.limiting)
    if at_risk:
        overall = scheme.lowest.code  # the limiting rule: a child left at risk is Inadequate
    return {
        "responses": responses,
        "theme_grades": grades,
        "overall_grade": overall,
        "overall_rationale": data.get("overall_rationale", ""),
        "strengths": data.get("strengths", ""),
        "areas_for_development": data.get("areas_for_development", ""),
        "child_at_risk": at_risk,
    }


@transaction.atomic
def save_audit(*, actor: User, audit: Audit, data: dict) -> Audit:
    """Save the form as it stands (partial answers are fine until submission)."""
    _is_auditor(actor, audit)
    cleaned = _clean_form(audit, data)
    before = _step(states.AUDIT, audit, "save")
    for field, value in cleaned.items():
        setattr(audit, field, value)
    if before == "allocated":
        audit.started_at = _now()
        record_event(actor, "started audit", audit)
    audit.save()
    return audit


def _missing(audit: Audit) -> list[tuple[str, str]]:
    tool = audit.tool.tool
    errors = []
    for q in tool.questions:
        if q.mandatory and not (audit.responses.get(q.id) or {}).get("answer"):
            errors.append((f"q_{q.id}", f"Answer: {q.text}"))
    for theme in tool.themes:
        entry = audit.theme_grades.get(theme.code) or {}
        if not entry.get("grade"):
            errors.append((f"grade_{theme.code}", f"Grade the theme {theme.label}."))
        elif not entry.get("rationale", "").strip():
            errors.append(
                (f"rationale_{theme.code}", f"Say why you graded {theme.label} as you did.")
            )
    if not audit.overall_grade:
        errors.append(("overall_grade", "Give the overall grade."))
    if not audit.overall_rationale.strip():
        errors.append(("overall_rationale", "Say why you gave the overall grade."))
    if not audit.strengths.strip():
        errors.append(("strengths", "Record the strengths you found."))
    if not audit.areas_for_development.strip():
        errors.append(("areas_for_development", "Record the areas for development."))
    return errors


def team_manager(team: OrgUnit | None) -> StaffMember | None:
    if team is None:
        return None
    return (
        StaffMember.objects.filter(unit=team, job_title=TEAM_MANAGER, active=True)
        .order_by("pk")
        .first()
    )


def _moderation_reason(audit: Audit) -> str | None:
    scheme = audit.tool.grading_scheme.scheme
    rank = scheme.rank(audit.overall_grade)
    if rank == scheme.lowest.rank:
        return Moderation.Reason.INADEQUATE
    if rank == max(lv.rank for lv in scheme.levels):
        return Moderation.Reason.OUTSTANDING
    earlier = (
        Audit.objects.filter(auditor=audit.auditor, submitted_at__isnull=False)
        .exclude(pk=audit.pk)
        .count()
    )
    if earlier < rule("NEW_AUDITOR_FIRST"):
        return Moderation.Reason.NEW_AUDITOR
    if in_random_share(audit.pk, rule("RANDOM_SHARE")):
        return Moderation.Reason.RANDOM
    return None


def submit_audit(*, actor: User, audit: Audit, data: dict, concern: str = "") -> Audit:
    """Save, then submit. The answers are kept even when the submission is refused (the form
    says what is missing). A child left at risk forces Inadequate and raises a safeguarding
    escalation to the child's team manager before the audit counts as submitted. The audit
    then goes to moderation if a selection rule picks it, or is finalised."""
    save_audit(actor=actor, audit=audit, data=data)
    return _submit(actor, audit, concern)


@transaction.atomic
def _submit(actor: User, audit: Audit, concern: str) -> Audit:
    errors = _missing(audit)
    if audit.child_at_risk and not concern.strip():
        errors.append(("concern", "Say what the risk to the child is, for the team manager."))
    if errors:
        raise Invalid(errors)
    _step(states.AUDIT, audit, "submit")
    audit.submitted_at = _now()
    audit.save()
    if audit.child_at_risk:
        raise_concern(actor=actor, audit=audit, text=concern)
    record_event(actor, "submitted audit", audit, grade=audit.overall_grade)
    reason = _moderation_reason(audit)
    if reason:
        _send_to_moderation(actor, audit, reason)
    else:
        _finalise(actor, audit, audit.overall_grade, audit.theme_grades, "auditor")
    return audit


def _send_to_moderation(actor: User | None, audit: Audit, reason: str, note: str = "") -> None:
    _step(states.AUDIT, audit, "moderate")
    audit.save(update_fields=["status", "updated_at"])
    moderation = Moderation.objects.create(
        audit=audit,
        reason=reason,
        dispute_note=note,
        original_grade=audit.final_grade or audit.overall_grade,
    )
    record_event(actor, "selected audit for moderation", moderation, reason=reason)


def _finalise(actor: User | None, audit: Audit, grade: str, themes: dict, source: str) -> None:
    _step(states.AUDIT, audit, "finalise" if audit.status == "submitted" else "moderated")
    audit.final_grade = grade
    audit.final_theme_grades = {k: v.get("grade", "") for k, v in themes.items()}
    audit.grade_source = source
    audit.finalised_at = _now()
    audit.save()
    record_event(actor, "finalised audit", audit, grade=grade, source=source)
    _roll_up(actor, audit)


def _roll_up(actor: User | None, audit: Audit) -> None:
    """A finalised audit is closed when none of its actions is still to do (practice.md 6.1)."""
    if audit.status not in ("finalised", "actions_open", "closed"):
        return
    open_actions = audit.actions.exclude(status__in=["verified", "cancelled"]).exists()
    target = "actions_open" if open_actions else "closed"
    if audit.status == target:
        return
    _step(states.AUDIT, audit, "open_actions" if open_actions else "close")
    audit.save(update_fields=["status", "updated_at"])
    record_event(actor, f"audit {states.AUDIT.labels[target].lower()}", audit)


@transaction.atomic
def request_exemption(*, actor: User, audit: Audit, reason: str) -> Audit:
    _is_auditor(actor, audit)
    states.AUDIT.after(audit.status, "exempt")
    if not reason.strip():
        raise Invalid([("reason", "Say why this audit should be exempt.")])
    audit.exemption_reason = reason
    audit.exemption_requested_by = actor
    audit.save(update_fields=["exemption_reason", "exemption_requested_by", "updated_at"])
    record_event(actor, "requested audit exemption", audit)
    return audit


@transaction.atomic
def approve_exemption(*, actor: User, audit: Audit) -> Audit:
    if not Grants(actor).has(P.MANAGE_AUDIT_PROGRAMME, audit.programme.unit):
        raise NotAllowed("Only the QA team may approve an exemption.")
    if not audit.exemption_requested_by_id:
        raise Invalid([("audit", "Nobody has asked for this audit to be exempt.")])
    if audit.exemption_requested_by_id == actor.pk:
        raise NotAllowed("An exemption must be approved by someone other than who asked for it.")
    _step(states.AUDIT, audit, "exempt")
    audit.exemption_approved_by = actor
    audit.save()
    record_event(actor, "approved audit exemption", audit)
    return audit


@transaction.atomic
def cancel_audit(*, actor: User, audit: Audit, reason: str) -> Audit:
    if not Grants(actor).has(P.MANAGE_AUDIT_PROGRAMME, audit.programme.unit):
        raise NotAllowed("Only the QA team may cancel an audit.")
    if not reason.strip():
        raise Invalid([("reason", "Say why the audit is cancelled.")])
    _step(states.AUDIT, audit, "cancel")
    audit.cancel_reason = reason
    audit.save()
    record_event(actor, "cancelled audit", audit)
    return audit


# Moderation -------------------------------------------------------------------------------------


def may_dispute(actor: User, audit: Audit) -> bool:
    grants = Grants(actor)
    own = grants.own_professional_id and grants.own_professional_id == audit.worker_id
    return bool(own) or (audit.team is not None and grants.has(P.CONDUCT_AUDITS, audit.team))


@transaction.atomic
def dispute_grade(*, actor: User, audit: Audit, note: str) -> Moderation:
    """The worker or a manager of the child's team disagrees with the grade: it is moderated."""
    if not may_dispute(actor, audit) or audit.auditor_id == actor.pk:
        raise NotAllowed("Only the child's worker or team's managers may dispute the grade.")
    if not note.strip():
        raise Invalid([("note", "Say why you disagree with the grade.")])
    if audit.moderations.filter(completed_at__isnull=True).exists():
        raise Invalid([("note", "This audit is already being moderated.")])
    _send_to_moderation(actor, audit, Moderation.Reason.DISPUTED, note)
    return audit.moderations.first()


@transaction.atomic
def moderate(
    *,
    actor: User,
    moderation: Moderation,
    grade: str,
    theme_grades: dict[str, str],
    rationale: str,
    learning: str = "",
) -> Moderation:
    """Confirm or change the grades; a change needs a reason. The original grades stay."""
    audit = moderation.audit
    if not Grants(actor).has(P.MODERATE_AUDITS):
        raise NotAllowed("Only moderators may moderate an audit.")
    if audit.auditor_id == actor.pk:
        raise NotAllowed("An auditor may not moderate their own audit.")
    if moderation.completed_at:
        raise Invalid([("grade", "This moderation is already complete.")])
    scheme = audit.tool.grading_scheme.scheme
    errors = []
    if grade not in dict(scheme.choices):
        errors.append(("grade", "Choose the moderated overall grade."))
    themes = audit.final_theme_grades or {
        k: v.get("grade", "") for k, v in audit.theme_grades.items()
    }
    changes = {}
    for code, original in themes.items():
        new = theme_grades.get(code) or original
        if new not in dict(scheme.choices):
            errors.append((f"theme_{code}", f"{new!r} is not a grade."))
        elif new != original:
            changes[code] = [original, new]
    changed = grade != moderation.original_grade or bool(changes)
    if changed and not rationale.strip():
        errors.append(("rationale", "Say why you changed the grade."))
    if audit.child_at_risk and grade and grade != scheme.lowest.code:
        errors.append(("grade", "A child left at risk keeps the audit Inadequate."))
    if errors:
        raise Invalid(errors)
    moderation.moderator = actor
    moderation.moderated_grade = grade
    moderation.theme_changes = changes
    moderation.rationale = rationale
    moderation.learning_for_auditor = learning
    moderation.completed_at = _now()
    moderation.save()
    record_event(
        actor,
        "moderated audit",
        moderation,
        original=moderation.original_grade,
        moderated=grade,
        themes_changed=sorted(changes),
    )
    final_themes = {code: {"grade": (changes.get(code) or [g, g])[1]} for code, g in themes.items()}
    _finalise(actor, audit, grade, final_themes, "moderated" if changed else "confirmed")
    return moderation


# Actions ----------------------------------------------------------------------------------------


def due_by_priority(priority: str, start: date | None = None) -> date:
    days = rule("PRIORITY_DAYS")[priority]
    return working_calendar().add_working_days(start or _today(), days)


@transaction.atomic
def add_action(
    *,
    actor: User,
    description: str,
    owner: StaffMember,
    priority: str,
    category: str = AuditAction.Category.CASE,
    audit: Audit | None = None,
    moderation: Moderation | None = None,
    programme: AuditProgramme | None = None,
    due_date: date | None = None,
) -> AuditAction:
    """An action with an owner and a due date (by default from its priority, in working days)."""
    source = audit or (moderation.audit if moderation else None)
    grants = Grants(actor)
    if source is not None:
        allowed = source.auditor_id == actor.pk or grants.has(P.MODERATE_AUDITS)
        if not allowed and source.team is not None:
            allowed = grants.has(P.MANAGE_AUDIT_PROGRAMME, source.team)
        if not allowed:
            raise NotAllowed("Only the auditor, a moderator or the QA team may add actions here.")
        if source.status in states.AUDIT_NOT_SUBMITTED or source.status in (
            "exempted",
            "cancelled",
        ):
            raise Invalid([("description", "Actions are added once the audit is submitted.")])
    elif programme is None or not grants.has(P.MANAGE_AUDIT_PROGRAMME, programme.unit):
        raise NotAllowed("Only the QA team may add actions to a programme.")
    errors = []
    if not description.strip():
        errors.append(("description", "Describe the action."))
    if priority not in AuditAction.Priority.values:
        errors.append(("priority", "Choose a priority."))
    if due_date is not None and due_date < _today():
        errors.append(("due_date", "The due date cannot be in the past."))
    if errors:
        raise Invalid(errors)
    action = AuditAction.objects.create(
        audit=source,
        moderation=moderation,
        programme=programme or (source.programme if source else None),
        child_id=source.child_id if source else "",
        team=source.team if source and source.team else owner.unit,
        description=description,
        category=category,
        owner=owner,
        priority=priority,
        due_date=due_date or due_by_priority(priority),
        created_by=actor,
    )
    record_event(actor, "added audit action", action, priority=priority, owner=owner.name)
    if source is not None:
        _roll_up(actor, source)
    return action


def may_work_on(actor: User, action: AuditAction) -> bool:
    """The owner, or a manager of the action's team."""
    return action.owner.user_id == actor.pk or Grants(actor).has(P.CONDUCT_AUDITS, action.team)


def may_verify(actor: User, action: AuditAction) -> bool:
    grants = Grants(actor)
    manager = grants.has(P.CONDUCT_AUDITS, action.team) or grants.has(
        P.MANAGE_AUDIT_PROGRAMME, action.team
    )
    return manager and action.owner.user_id != actor.pk


@transaction.atomic
def progress_action(
    *,
    actor: User,
    action: AuditAction,
    event: str,
    note: str = "",
    method: str = "",
    effectiveness: str = "",
) -> AuditAction:
    """Move an action on: start, complete (with evidence), verify (loop closed), reject back to
    the owner, or cancel (with a reason, by a manager)."""
    if event in ("verify", "reject", "cancel"):
        if not may_verify(actor, action):
            raise NotAllowed(
                "A manager of the team other than the action's owner must "
                + ("verify" if event == "verify" else "reopen or cancel")
                + " it."
            )
    elif not may_work_on(actor, action):
        raise NotAllowed("Only the action's owner or a manager of the team may update it.")
    errors = []
    if event == "complete" and not note.strip():
        errors.append(("note", "Say what was done: the evidence that the action is complete."))
    if event in ("reject", "cancel") and not note.strip():
        errors.append(("note", "Give the reason."))
    if event == "verify" and not method:
        errors.append(("method", "Say how you checked it: file check, re-audit or supervision."))
    if errors:
        raise Invalid(errors)
    before = _step(states.ACTION, action, event)
    if event == "complete":
        action.completed_at = _now()
        action.evidence = note
    elif event == "verify":
        action.verified_by = actor
        action.verified_at = _now()
        action.verification_method = method
        action.effectiveness = effectiveness
    else:
        action.status_note = note
    action.save()
    record_event(actor, f"{event} audit action", action, status=[before, action.status])
    if action.audit is not None:
        _roll_up(actor, action.audit)
    return action


# Safeguarding escalations -----------------------------------------------------------------------


def raise_concern(*, actor: User, audit: Audit, text: str) -> SafeguardingConcern:
    """Called inside ``submit_audit``: the named manager is the child's team manager."""
    if audit.team is None:
        raise Invalid([("concern", "The child has no team in the case record to escalate to.")])
    concern = SafeguardingConcern.objects.create(
        audit=audit,
        child_id=audit.child_id,
        team=audit.team,
        concern=text,
        manager=team_manager(audit.team),
        raised_by=actor,
        acknowledge_by=working_calendar().add_working_days(_today(), rule("ACKNOWLEDGE_DAYS"))
        if rule("ACKNOWLEDGE_DAYS")
        else _next_working_day_or_today(_today()),
    )
    record_event(actor, "raised safeguarding escalation", concern, team=audit.team.name)
    return concern


def _next_working_day_or_today(day: date) -> date:
    calendar = working_calendar()
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)


def may_acknowledge(actor: User, concern: SafeguardingConcern) -> bool:
    """The named manager, or a manager above the team who may respond to escalations."""
    if concern.manager is not None and concern.manager.user_id == actor.pk:
        return True
    parent = concern.team.parent
    return parent is not None and Grants(actor).has(P.RESPOND_TO_ESCALATIONS, parent)


@transaction.atomic
def progress_concern(
    *, actor: User, concern: SafeguardingConcern, event: str, note: str = ""
) -> SafeguardingConcern:
    if not may_acknowledge(actor, concern):
        raise NotAllowed("Only the named manager, or a manager above the team, may do this.")
    if event in ("agree_action", "resolve", "escalate") and not note.strip():
        raise Invalid([("note", "Say what has been agreed or done.")])
    before = _step(states.CONCERN, concern, event)
    if event == "acknowledge":
        concern.acknowledged_by = actor
        concern.acknowledged_at = _now()
    elif event == "agree_action":
        concern.immediate_action = note
    else:
        concern.outcome = note
        concern.closed_at = _now()
    concern.save()
    record_event(actor, f"{event} safeguarding escalation", concern, status=[before, event])
    return concern


# Queries used by lists elsewhere ----------------------------------------------------------------


def open_actions_for(*, worker_ids: set[str] | None = None, team_ids: set[str] | None = None):
    """Open actions owned by these workers, or in these teams (None: everywhere)."""
    actions = AuditAction.objects.filter(status__in=states.ACTION_OPEN_STATES).select_related(
        "owner", "team"
    )
    if worker_ids is not None or team_ids is not None:
        actions = actions.filter(
            Q(owner__professional_id__in=worker_ids or set())
            | Q(team__source_id__in=team_ids or set())
        )
    return actions


def snapshot_disclosure(snapshot: LiveSnapshot | None):
    """The authority's disclosure rules (defaults before any import)."""
    from casegrip.config import Disclosure

    return snapshot_config(snapshot).disclosure if snapshot else Disclosure()

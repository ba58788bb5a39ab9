"""Every change to an improvement plan. Each function takes keyword arguments, runs in one
transaction, checks that the actor may manage plans for the plan's unit and that the status
change is allowed, and writes an audit event, so each plan, recommendation and action keeps its
history of who changed what and when."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.audit import record_event
from casegrip.web.accounts.models import User
from casegrip.web.accounts.roles import Permission as P
from casegrip.web.organisation.models import OrgUnit

from . import indicators, states
from .brag import Brag
from .models import ImprovementPlan, PlanAction, ProgressNote, Recommendation
from .spreadsheet import ParsedPlan, read_plan

MAX_AMBER_WITHIN = 60


class NotAllowed(Exception):
    """The actor may not make this change; the message says why."""


class Invalid(Exception):
    """The change is incomplete or inconsistent: ``errors`` are (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def _today() -> date:
    return timezone.localdate()


def may_manage(user: User, unit: OrgUnit) -> bool:
    return Grants(user).has(P.MANAGE_IMPROVEMENT_PLANS, unit)


def _require(actor: User, unit: OrgUnit) -> None:
    if not may_manage(actor, unit):
        raise NotAllowed(f"You may not change improvement plans for {unit.name}.")


def _author_name(user: User | None) -> str:
    if user is None:
        return "casegrip"
    return user.get_full_name() or user.username


def _changes(obj, values: dict) -> dict[str, list]:
    """Set ``values`` on ``obj``; the fields that changed, as [before, after] for the history."""
    changed = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changed[name] = [_plain(before), _plain(value)]
            setattr(obj, name, value)
    return changed


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _check_links(links: list[dict]) -> list[tuple[str, str]]:
    errors = []
    for link in links:
        if not indicators.known(link.get("measure_id", "")):
            errors.append(("measures", f"{link.get('measure_id')!r} is not a catalogue indicator."))
    return errors


# Plans ------------------------------------------------------------------------------------------


def _plan_errors(title: str, kind: str, amber_within: int) -> list[tuple[str, str]]:
    errors = []
    if not title.strip():
        errors.append(("title", "Give the plan a title."))
    if kind not in ImprovementPlan.Kind.values:
        errors.append(("kind", "Choose the kind of plan."))
    if not 0 <= amber_within <= MAX_AMBER_WITHIN:
        errors.append(("amber_within", f"Amber must be within 0 to {MAX_AMBER_WITHIN} days."))
    return errors


@transaction.atomic
def create_plan(
    *,
    actor: User,
    unit: OrgUnit,
    title: str,
    kind: str,
    source: str = "",
    source_date: date | None = None,
    governance_body: str = "",
    chair: str = "",
    workstreams: list[str] | None = None,
    amber_within: int = 10,
) -> ImprovementPlan:
    _require(actor, unit)
    errors = _plan_errors(title, kind, amber_within)
    if errors:
        raise Invalid(errors)
    plan = ImprovementPlan.objects.create(
        unit=unit,
        title=title.strip(),
        kind=kind,
        source=source.strip(),
        source_date=source_date,
        governance_body=governance_body.strip(),
        chair=chair.strip(),
        workstreams=[w.strip() for w in workstreams or [] if w.strip()],
        amber_within=amber_within,
        created_by=actor,
    )
    record_event(actor, "created improvement plan", plan, title=plan.title, unit=unit.name)
    return plan


@transaction.atomic
def update_plan(
    *,
    actor: User,
    plan: ImprovementPlan,
    title: str,
    kind: str,
    source: str,
    source_date: date | None,
    governance_body: str,
    chair: str,
    workstreams: list[str],
    amber_within: int,
) -> ImprovementPlan:
    _require(actor, plan.unit)
    errors = _plan_errors(title, kind, amber_within)
    if errors:
        raise Invalid(errors)
    changed = _changes(
        plan,
        {
            "title": title.strip(),
            "kind": kind,
            "source": source.strip(),
            "source_date": source_date,
            "governance_body": governance_body.strip(),
            "chair": chair.strip(),
            "workstreams": [w.strip() for w in workstreams if w.strip()],
            "amber_within": amber_within,
        },
    )
    if changed:
        plan.save()
        record_event(actor, "edited improvement plan", plan, changes=changed)
    return plan


@transaction.atomic
def change_plan_status(*, actor: User, plan: ImprovementPlan, status: str) -> ImprovementPlan:
    _require(actor, plan.unit)
    plan = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    before = plan.status
    states.PLAN.check(before, status)
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    record_event(actor, "changed improvement plan status", plan, before=before, after=status)
    return plan


# Recommendations --------------------------------------------------------------------------------


def _rec_errors(plan: ImprovementPlan, ref: str, text: str, pk: int | None, links: list[dict]):
    errors = []
    if not ref.strip():
        errors.append(("ref", "Give the recommendation a number."))
    elif plan.recommendations.filter(ref=ref.strip()).exclude(pk=pk).exists():
        errors.append(("ref", f"The plan already has a recommendation {ref.strip()}."))
    if not text.strip():
        errors.append(("text", "Enter the recommendation."))
    return errors + _check_links(links)


@transaction.atomic
def add_recommendation(
    *,
    actor: User,
    plan: ImprovementPlan,
    ref: str,
    text: str,
    lead: str = "",
    workstream: str = "",
    performance_framework: str = "",
    success_measures: str = "",
    measures: list[dict] | None = None,
    partnership_focus: str = "",
    link_plans: list[str] | None = None,
    governance_body: str = "",
    impact: str = "",
) -> Recommendation:
    _require(actor, plan.unit)
    measures = measures or []
    errors = _rec_errors(plan, ref, text, None, measures)
    if errors:
        raise Invalid(errors)
    last = plan.recommendations.order_by("-position").first()
    rec = Recommendation.objects.create(
        plan=plan,
        ref=ref.strip(),
        position=(last.position + 1) if last else 1,
        text=text.strip(),
        lead=lead.strip(),
        workstream=workstream.strip(),
        performance_framework=performance_framework.strip(),
        success_measures=success_measures.strip(),
        measures=measures,
        partnership_focus=partnership_focus.strip(),
        link_plans=[p.strip() for p in link_plans or [] if p.strip()],
        governance_body=governance_body.strip(),
        impact=impact.strip(),
    )
    record_event(actor, "added recommendation", rec, plan=plan.pk, ref=rec.ref)
    return rec


@transaction.atomic
def update_recommendation(
    *,
    actor: User,
    recommendation: Recommendation,
    ref: str,
    text: str,
    lead: str,
    workstream: str,
    performance_framework: str,
    success_measures: str,
    measures: list[dict],
    partnership_focus: str,
    link_plans: list[str],
    governance_body: str,
    impact: str,
) -> Recommendation:
    plan = recommendation.plan
    _require(actor, plan.unit)
    errors = _rec_errors(plan, ref, text, recommendation.pk, measures)
    if errors:
        raise Invalid(errors)
    changed = _changes(
        recommendation,
        {
            "ref": ref.strip(),
            "text": text.strip(),
            "lead": lead.strip(),
            "workstream": workstream.strip(),
            "performance_framework": performance_framework.strip(),
            "success_measures": success_measures.strip(),
            "measures": measures,
            "partnership_focus": partnership_focus.strip(),
            "link_plans": [p.strip() for p in link_plans if p.strip()],
            "governance_body": governance_body.strip(),
            "impact": impact.strip(),
        },
    )
    if changed:
        recommendation.save()
        record_event(actor, "edited recommendation", recommendation, changes=changed)
    return recommendation


# Actions ----------------------------------------------------------------------------------------


def _action_errors(rec: Recommendation, ref, text, start, due, pk) -> list[tuple[str, str]]:
    errors = []
    if not ref.strip():
        errors.append(("ref", "Give the action a number."))
    elif rec.actions.filter(ref=ref.strip()).exclude(pk=pk).exists():
        errors.append(("ref", f"Recommendation {rec.ref} already has an action {ref.strip()}."))
    if not text.strip():
        errors.append(("text", "Describe the action."))
    if start and due and start > due:
        errors.append(("start_date", "The action cannot start after it is due."))
    return errors


@transaction.atomic
def add_action(
    *,
    actor: User,
    recommendation: Recommendation,
    text: str,
    ref: str = "",
    lead: str = "",
    start_date: date | None = None,
    due_date: date | None = None,
    timescale: str = "",
) -> PlanAction:
    _require(actor, recommendation.plan.unit)
    last = recommendation.actions.order_by("-position").first()
    position = (last.position + 1) if last else 1
    ref = ref.strip() or f"{recommendation.ref}.{position}"
    errors = _action_errors(recommendation, ref, text, start_date, due_date, None)
    if errors:
        raise Invalid(errors)
    action = PlanAction.objects.create(
        recommendation=recommendation,
        ref=ref,
        position=position,
        text=text.strip(),
        lead=lead.strip() or recommendation.lead,
        start_date=start_date,
        due_date=due_date,
        timescale=timescale.strip(),
    )
    record_event(
        actor,
        "added plan action",
        action,
        recommendation=recommendation.ref,
        ref=ref,
        due=_plain(due_date),
    )
    return action


@transaction.atomic
def update_action(
    *,
    actor: User,
    action: PlanAction,
    ref: str,
    text: str,
    lead: str,
    start_date: date | None,
    due_date: date | None,
    timescale: str,
) -> PlanAction:
    _require(actor, action.recommendation.plan.unit)
    errors = _action_errors(action.recommendation, ref, text, start_date, due_date, action.pk)
    if errors:
        raise Invalid(errors)
    changed = _changes(
        action,
        {
            "ref": ref.strip(),
            "text": text.strip(),
            "lead": lead.strip(),
            "start_date": start_date,
            "due_date": due_date,
            "timescale": timescale.strip(),
        },
    )
    if changed:
        action.save()
        record_event(actor, "edited plan action", action, changes=changed)
    return action


@transaction.atomic
def update_progress(
    *,
    actor: User,
    action: PlanAction,
    status: str = "",
    note: str = "",
    on: date | None = None,
) -> PlanAction:
    """A progress note, a status change, or both. A change the status does not allow is refused
    (``states.IllegalTransition``) and nothing is saved."""
    _require(actor, action.recommendation.plan.unit)
    action = (
        PlanAction.objects.select_for_update(of=("self",))
        .select_related("recommendation__plan")
        .get(pk=action.pk)
    )
    today = _today()
    on = on or today
    note = note.strip()
    errors = []
    if on > today:
        errors.append(("on", "A progress note cannot be dated in the future."))
    status = status or action.status
    before = action.status
    if status != before:
        states.ACTION.check(before, status)
        if (before, status) in states.NEEDS_NOTE and not note:
            errors.append(
                ("note", f"Say why the action is now {states.ACTION.labels[status].lower()}.")
            )
    elif not note:
        errors.append(("note", "Write a progress note or choose a new status."))
    if errors:
        raise Invalid(errors)
    if status != before:
        action.status = status
        if status == states.COMPLETED:
            action.completed_on = on
        elif status == states.IMPACT_EVIDENCED:
            action.impact_evidenced_on = on
        elif before in states.DONE:  # reopened
            action.completed_on = None
        action.save(update_fields=["status", "completed_on", "impact_evidenced_on", "updated_at"])
        record_event(actor, "changed plan action status", action, before=before, after=status)
    if note:
        ProgressNote.objects.create(
            action=action,
            on=on,
            author=actor,
            author_name=_author_name(actor),
            note=note,
            status=action.status,
        )
        record_event(actor, "added progress note", action, on=on.isoformat(), status=status)
    return action


@transaction.atomic
def override_brag(*, actor: User, action: PlanAction, brag: str, reason: str = "") -> PlanAction:
    """Set the BRAG by hand (with a reason), or clear it (``brag=""``) to go back to derived."""
    _require(actor, action.recommendation.plan.unit)
    if brag and brag not in {b.value for b in Brag}:
        raise Invalid([("brag", "Choose blue, red, amber, green or grey.")])
    if brag and not reason.strip():
        raise Invalid([("reason", "Say why the derived colour is wrong.")])
    before = action.brag_override
    action.brag_override = brag
    action.brag_override_reason = reason.strip() if brag else ""
    action.brag_override_by = actor if brag else None
    action.brag_override_at = timezone.now() if brag else None
    action.save(
        update_fields=[
            "brag_override",
            "brag_override_reason",
            "brag_override_by",
            "brag_override_at",
            "updated_at",
        ]
    )
    if brag:
        record_event(
            actor, "overrode BRAG", action, before=before, after=brag, reason=reason.strip()
        )
    else:
        record_event(actor, "cleared BRAG override", action, before=before)
    return action


# Import -----------------------------------------------------------------------------------------


@transaction.atomic
def import_plan(
    *,
    actor: User,
    unit: OrgUnit,
    title: str,
    kind: str,
    data: bytes,
    filename: str = "",
    source: str = "",
    governance_body: str = "",
    chair: str = "",
) -> ImprovementPlan:
    """A new plan from a spreadsheet. The whole sheet is read and checked first
    (``spreadsheet.SheetInvalid`` names every problem); then everything is saved in this one
    transaction, so a plan is imported whole or not at all."""
    _require(actor, unit)
    errors = _plan_errors(title, kind, 10)
    if errors:
        raise Invalid(errors)
    parsed = read_plan(data, known_indicator=indicators.known)
    plan = create_plan(
        actor=actor,
        unit=unit,
        title=title,
        kind=kind,
        source=source,
        governance_body=governance_body,
        chair=chair,
        workstreams=sorted({r.workstream for r in parsed.recommendations if r.workstream}),
    )
    _save_parsed(actor, plan, parsed)
    record_event(
        actor,
        "imported improvement plan",
        plan,
        file=filename[:200],
        sheet=parsed.sheet,
        recommendations=len(parsed.recommendations),
        actions=parsed.action_count,
    )
    return plan


def _save_parsed(actor: User, plan: ImprovementPlan, parsed: ParsedPlan) -> None:
    today = _today()
    for position, item in enumerate(parsed.recommendations, start=1):
        rec = Recommendation.objects.create(
            plan=plan,
            ref=item.ref,
            position=position,
            text=item.text,
            lead=item.lead,
            workstream=item.workstream,
            performance_framework=item.performance_framework,
            success_measures=item.success_measures,
            measures=[indicators.link(m, today, target) for m, target in item.indicators],
            partnership_focus=item.partnership_focus,
            link_plans=item.link_plans,
            governance_body=item.governance_body[:300],
            impact=item.impact,
        )
        record_event(actor, "imported recommendation", rec, plan=plan.pk, row=item.row)
        for index, parsed_action in enumerate(item.actions, start=1):
            completed = parsed_action.completed_on
            action = PlanAction.objects.create(
                recommendation=rec,
                ref=parsed_action.ref,
                position=index,
                text=parsed_action.text,
                lead=parsed_action.lead,
                start_date=parsed_action.start_date,
                due_date=parsed_action.due_date,
                timescale=parsed_action.timescale,
                status=parsed_action.status,
                completed_on=(min(completed, today) if completed else today)
                if parsed_action.status in states.DONE
                else None,
            )
            record_event(
                actor,
                "imported plan action",
                action,
                row=parsed_action.row,
                status=action.status,
            )
            if parsed_action.progress:
                ProgressNote.objects.create(
                    action=action,
                    on=today,
                    author=actor,
                    author_name=f"{_author_name(actor)} (imported)",
                    note=parsed_action.progress,
                    status=action.status,
                )

"""Improvement plan pages: thin views over ``actions`` (changes) and ``summary`` (BRAG).

Reading a plan needs aggregate access to the plan's unit; changing it needs
``MANAGE_IMPROVEMENT_PLANS`` there. Nothing here is child-level."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from casegrip.store.live import live_snapshot
from casegrip.web.accounts.access import AggregateView, check, grants
from casegrip.web.accounts.audit import events_of
from casegrip.web.accounts.models import AuditEvent
from casegrip.web.accounts.roles import Permission as P
from casegrip.web.organisation.models import OrgUnit
from casegrip.web.sections import require_section

from . import actions, brag, indicators, states
from .forms import (
    ActionForm,
    ImportForm,
    OverrideForm,
    PlanForm,
    ProgressForm,
    RecommendationForm,
    measures_text,
)
from .models import ImprovementPlan, PlanAction, ProgressNote, Recommendation
from .spreadsheet import SheetInvalid
from .summary import ActionBrag, brag_summary, overdue_actions

SORTS = {
    "ref": lambda a: (a.action.position, a.action.pk),
    "due": lambda a: (a.action.due_date or date.max, a.action.position),
    "-due": lambda a: (-(a.action.due_date or date.min).toordinal(), a.action.position),
    "brag": lambda a: (brag.ORDER.index(a.brag), a.action.position),
    "status": lambda a: (list(states.ACTION.labels).index(a.action.status), a.action.position),
    "lead": lambda a: (a.action.lead.lower(), a.action.position),
}
SORT_LABELS = {
    "ref": "Plan order",
    "due": "Due soonest first",
    "-due": "Due latest first",
    "brag": "BRAG",
    "status": "Status",
    "lead": "Lead",
}


@dataclass(frozen=True)
class Crumb:
    label: str
    href: str = ""


def _today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Change:
    """An audit event as the history shows it: statuses and colours by their labels."""

    event: AuditEvent
    before: str
    after: str
    fields: list[str]
    reason: str


def _label(value: object) -> str:
    text = str(value or "")
    for labels in (states.ACTION.labels, states.PLAN.labels, brag.LABELS):
        if text in labels:
            return labels[text]
    return text


def _history(obj) -> list[Change]:
    events = events_of(obj)
    return [
        Change(
            event=e,
            before=_label(e.detail.get("before")),
            after=_label(e.detail.get("after")),
            fields=[name.replace("_", " ") for name in e.detail.get("changes", {})],
            reason=str(e.detail.get("reason", "")),
        )
        for e in events
    ]


def _crumbs(plan: ImprovementPlan | None = None, *more: Crumb) -> list[Crumb]:
    items = [Crumb("Improvement plans", reverse("improvement:index"))]
    if plan is not None:
        items.append(Crumb(plan.title, reverse("improvement:plan", args=[plan.pk])))
    return [*items, *more]


def _read(request: HttpRequest, plan: ImprovementPlan) -> bool:
    """Refuse unless the user may read the plan; whether they may also change it."""
    require_section(request, "improvement")
    check(request, AggregateView(plan.unit))
    return grants(request).has(P.MANAGE_IMPROVEMENT_PLANS, plan.unit)


def _manage(request: HttpRequest, plan: ImprovementPlan) -> None:
    if not _read(request, plan):
        raise PermissionDenied


def _manageable_units(request: HttpRequest):
    tops = grants(request).top_units(P.MANAGE_IMPROVEMENT_PLANS)
    if not tops:
        raise PermissionDenied
    query = Q()
    for top in tops:
        query |= Q(path__startswith=top.path)
    return OrgUnit.objects.filter(query).exclude(kind="team").order_by("path")


def _plan(pk: int) -> ImprovementPlan:
    return get_object_or_404(ImprovementPlan.objects.select_related("unit"), pk=pk)


def _invalid(form, exc: actions.Invalid) -> None:
    for name, message in exc.errors:
        form.add_error(name if name in form.fields else None, message)


# The section and plans --------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    section = require_section(request, "improvement")
    user_grants = grants(request)
    query = Q(pk__in=[])
    for top in user_grants.top_units(P.VIEW_AGGREGATES):
        query |= Q(unit__path__startswith=top.path)
    plans = ImprovementPlan.objects.filter(query).select_related("unit")
    today = _today()
    rows = [(plan, brag_summary(plan, today)) for plan in plans]
    return render(
        request,
        "improvement/index.html",
        {
            "section": section,
            "rows": rows,
            "may_manage": user_grants.has(P.MANAGE_IMPROVEMENT_PLANS),
            "overdue": len(
                [
                    a
                    for a in overdue_actions(today)
                    if user_grants.has(P.VIEW_AGGREGATES, a.recommendation.plan.unit)
                ]
            ),
            "snapshot": live_snapshot(),
            "brags": brag.ORDER,
        },
    )


def plan_new(request: HttpRequest) -> HttpResponse:
    require_section(request, "improvement")
    units = _manageable_units(request)
    form = PlanForm(request.POST or None, units=units, initial={"unit": units.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = actions.create_plan(actor=request.user, **data)
        except actions.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except actions.Invalid as exc:
            _invalid(form, exc)
        else:
            return redirect("improvement:plan", plan.pk)
    return render(
        request,
        "improvement/plan_form.html",
        {"form": form, "plan": None, "breadcrumbs": _crumbs(None, Crumb("New plan"))},
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    _manage(request, plan)
    initial = {
        "title": plan.title,
        "kind": plan.kind,
        "source": plan.source,
        "source_date": plan.source_date,
        "governance_body": plan.governance_body,
        "chair": plan.chair,
        "workstreams": "\n".join(plan.workstreams),
        "amber_within": plan.amber_within,
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_plan(actor=request.user, plan=plan, **form.cleaned_data)
        except actions.Invalid as exc:
            _invalid(form, exc)
        else:
            return redirect("improvement:plan", plan.pk)
    return render(
        request,
        "improvement/plan_form.html",
        {"form": form, "plan": plan, "breadcrumbs": _crumbs(plan, Crumb("Edit"))},
    )


def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    _manage(request, plan)
    if request.method != "POST":
        return redirect("improvement:plan", plan.pk)
    try:
        actions.change_plan_status(
            actor=request.user, plan=plan, status=request.POST.get("status", "")
        )
    except states.IllegalTransition as exc:
        return _plan_page(request, plan, status_error=str(exc))
    return redirect("improvement:plan", plan.pk)


def _filtered(rows, brag_filter: str, status: str, lead: str, sort: str):
    shown = []
    for row in rows:
        items: list[ActionBrag] = [
            a
            for a in row.actions
            if (not brag_filter or a.brag == brag_filter)
            and (not status or (status == "overdue" and a.overdue) or a.action.status == status)
            and (not lead or a.action.lead == lead)
        ]
        if items or not (brag_filter or status or lead):
            shown.append((row, sorted(items, key=SORTS[sort])))
    return shown


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _plan(pk))


def _plan_page(request: HttpRequest, plan: ImprovementPlan, status_error: str = "") -> HttpResponse:
    may_manage = _read(request, plan)
    summary = brag_summary(plan, _today())
    brag_filter = request.GET.get("brag", "")
    brag_filter = brag_filter if brag_filter in brag.Brag._value2member_map_ else ""
    status = request.GET.get("status", "")
    status = status if status in states.ACTION.labels or status == "overdue" else ""
    leads = sorted({a.action.lead for r in summary.rows for a in r.actions if a.action.lead})
    lead = request.GET.get("lead", "")
    lead = lead if lead in leads else ""
    sort = request.GET.get("sort", "ref")
    sort = sort if sort in SORTS else "ref"
    return render(
        request,
        "improvement/plan.html",
        {
            "plan": plan,
            "summary": summary,
            "rows": _filtered(summary.rows, brag_filter, status, lead, sort),
            "filtering": bool(brag_filter or status or lead),
            "brag_filter": brag_filter,
            "status": status,
            "lead": lead,
            "sort": sort,
            "leads": leads,
            "brags": brag.ORDER,
            "statuses": states.ACTION.labels.items(),
            "sorts": SORT_LABELS.items(),
            "may_manage": may_manage,
            "next_statuses": [(s, states.PLAN.labels[s]) for s in states.PLAN.allowed(plan.status)],
            "status_error": status_error,
            "history": _history(plan),
            "breadcrumbs": _crumbs(None, Crumb(plan.title)),
        },
        status=400 if status_error else 200,
    )


def board(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    _read(request, plan)
    today = _today()
    summary = brag_summary(plan, today)
    overdue = [a for row in summary.rows for a in row.actions if a.overdue]
    notes = (
        ProgressNote.objects.filter(action__recommendation__plan=plan)
        .select_related("action")
        .order_by("-on", "-pk")[:12]
    )
    return render(
        request,
        "improvement/board.html",
        {
            "plan": plan,
            "summary": summary,
            "overdue": sorted(overdue, key=lambda a: a.action.due_date),
            "notes": notes,
            "brags": brag.ORDER,
            "meanings": [(b, brag.MEANINGS[b]) for b in brag.ORDER],
            "today": today,
            "breadcrumbs": _crumbs(plan, Crumb("Board view")),
        },
    )


# Import -----------------------------------------------------------------------------------------


def plan_import(request: HttpRequest) -> HttpResponse:
    require_section(request, "improvement")
    units = _manageable_units(request)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        initial={"unit": units.first(), "kind": ImprovementPlan.Kind.POST_INSPECTION},
    )
    problems: list = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            plan = actions.import_plan(
                actor=request.user, data=upload.read(), filename=upload.name, **data
            )
        except actions.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except actions.Invalid as exc:
            _invalid(form, exc)
        except SheetInvalid as exc:
            problems = exc.problems
        else:
            return redirect("improvement:plan", plan.pk)
    return render(
        request,
        "improvement/import.html",
        {
            "form": form,
            "problems": problems,
            "breadcrumbs": _crumbs(None, Crumb("Import a plan")),
        },
        status=400 if problems else 200,
    )


# Recommendations --------------------------------------------------------------------------------


def recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(Recommendation.objects.select_related("plan__unit"), pk=pk)
    may_manage = _read(request, rec.plan)
    summary = brag_summary(rec.plan, _today())
    row = next(r for r in summary.rows if r.recommendation.pk == rec.pk)
    return render(
        request,
        "improvement/recommendation.html",
        {
            "rec": rec,
            "plan": rec.plan,
            "row": row,
            "may_manage": may_manage,
            "history": _history(rec),
            "breadcrumbs": _crumbs(rec.plan, Crumb(f"Recommendation {rec.ref}")),
        },
    )


def _rec_form_page(request, plan, rec, form) -> HttpResponse:
    label = f"Recommendation {rec.ref}" if rec else "New recommendation"
    return render(
        request,
        "improvement/recommendation_form.html",
        {
            "form": form,
            "plan": plan,
            "rec": rec,
            "indicators": indicators.indicators(_today()),
            "breadcrumbs": _crumbs(plan, Crumb(label)),
        },
    )


def recommendation_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    _manage(request, plan)
    next_ref = str(plan.recommendations.count() + 1)
    form = RecommendationForm(request.POST or None, today=_today(), initial={"ref": next_ref})
    if request.method == "POST" and form.is_valid():
        try:
            rec = actions.add_recommendation(actor=request.user, plan=plan, **form.cleaned_data)
        except actions.Invalid as exc:
            _invalid(form, exc)
        else:
            return redirect("improvement:recommendation", rec.pk)
    return _rec_form_page(request, plan, None, form)


def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(Recommendation.objects.select_related("plan__unit"), pk=pk)
    _manage(request, rec.plan)
    today = _today()
    initial = {
        "ref": rec.ref,
        "text": rec.text,
        "workstream": rec.workstream,
        "lead": rec.lead,
        "performance_framework": rec.performance_framework,
        "success_measures": rec.success_measures,
        "measures": measures_text(rec.measures, today),
        "partnership_focus": rec.partnership_focus,
        "link_plans": "\n".join(rec.link_plans),
        "governance_body": rec.governance_body,
        "impact": rec.impact,
    }
    form = RecommendationForm(request.POST or None, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_recommendation(
                actor=request.user, recommendation=rec, **form.cleaned_data
            )
        except actions.Invalid as exc:
            _invalid(form, exc)
        else:
            return redirect("improvement:recommendation", rec.pk)
    return _rec_form_page(request, rec.plan, rec, form)


# Actions ----------------------------------------------------------------------------------------


def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(Recommendation.objects.select_related("plan__unit"), pk=pk)
    _manage(request, rec.plan)
    form = ActionForm(request.POST or None, initial={"lead": rec.lead})
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.add_action(actor=request.user, recommendation=rec, **form.cleaned_data)
        except actions.Invalid as exc:
            _invalid(form, exc)
        else:
            return redirect("improvement:action", item.pk)
    return render(
        request,
        "improvement/action_form.html",
        {
            "form": form,
            "rec": rec,
            "item": None,
            "breadcrumbs": _crumbs(
                rec.plan,
                Crumb(
                    f"Recommendation {rec.ref}",
                    reverse("improvement:recommendation", args=[rec.pk]),
                ),
                Crumb("New action"),
            ),
        },
    )


def _action(pk: int) -> PlanAction:
    return get_object_or_404(
        PlanAction.objects.select_related("recommendation__plan__unit", "brag_override_by"), pk=pk
    )


def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _action(pk)
    rec = item.recommendation
    _manage(request, rec.plan)
    initial = {
        "ref": item.ref,
        "text": item.text,
        "lead": item.lead,
        "start_date": item.start_date,
        "due_date": item.due_date,
        "timescale": item.timescale,
    }
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["ref"] = data["ref"] or item.ref
        try:
            actions.update_action(actor=request.user, action=item, **data)
        except actions.Invalid as exc:
            _invalid(form, exc)
        else:
            return redirect("improvement:action", item.pk)
    return render(
        request,
        "improvement/action_form.html",
        {
            "form": form,
            "rec": rec,
            "item": item,
            "breadcrumbs": _crumbs(
                rec.plan,
                Crumb(f"Action {item.ref}", reverse("improvement:action", args=[item.pk])),
                Crumb("Edit"),
            ),
        },
    )


def action(request: HttpRequest, pk: int) -> HttpResponse:
    item = _action(pk)
    rec = item.recommendation
    may_manage = _read(request, rec.plan)
    today = _today()
    progress = ProgressForm(status=item.status, today=today)
    override = OverrideForm(
        initial={"brag": item.brag_override, "reason": item.brag_override_reason}
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if request.POST.get("form") == "override":
            override = OverrideForm(request.POST)
            if override.is_valid():
                try:
                    actions.override_brag(actor=request.user, action=item, **override.cleaned_data)
                except actions.Invalid as exc:
                    _invalid(override, exc)
                else:
                    return redirect("improvement:action", item.pk)
        else:
            progress = ProgressForm(request.POST, status=item.status, today=today)
            if progress.is_valid():
                try:
                    actions.update_progress(
                        actor=request.user, action=item, **progress.cleaned_data
                    )
                except actions.Invalid as exc:
                    _invalid(progress, exc)
                except states.IllegalTransition as exc:
                    progress.add_error("status", str(exc))
                else:
                    return redirect("improvement:action", item.pk)
    summary = brag_summary(rec.plan, today)
    row = next(r for r in summary.rows if r.recommendation.pk == rec.pk)
    shown = next(a for a in row.actions if a.action.pk == item.pk)
    failed = progress if progress.errors else override if override.errors else None
    return render(
        request,
        "improvement/action.html",
        {
            "item": item,
            "rec": rec,
            "plan": rec.plan,
            "shown": shown,
            "linked": row.linked,
            "notes": item.notes.select_related("author"),
            "progress": progress,
            "override": override,
            "failed": failed,
            "may_manage": may_manage,
            "history": _history(item),
            "today": today,
            "breadcrumbs": _crumbs(
                rec.plan,
                Crumb(
                    f"Recommendation {rec.ref}",
                    reverse("improvement:recommendation", args=[rec.pk]),
                ),
                Crumb(f"Action {item.ref}"),
            ),
        },
        status=400 if failed else 200,
    )

"""The escalation pages: the list (and its CSV), raising one, the escalation with its stages,
history and actions, and the report. Escalations name children: every page that shows one
checks scope and writes the access log; the report is aggregate."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from casegrip.reports.tables import to_csv
from casegrip.web.accounts.access import AggregateView, check, grants
from casegrip.web.accounts.access_log import record_access, record_refusal
from casegrip.web.accounts.audit import events_of
from casegrip.web.accounts.models import AccessLog
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import OrgUnit, UnitKind
from casegrip.web.paging import paginate
from casegrip.web.sections import require_section

from . import actions, queries
from . import forms as esc_forms
from . import report as esc_report
from .models import Category, Escalation, Status
from .permissions import (
    child_view,
    is_raising_side,
    may_export,
    may_raise,
    may_respond,
    may_see,
)

SECTION = "escalations"


def _today() -> date:
    return timezone.localdate()


def _escalation(request: HttpRequest, pk: int, what: str) -> Escalation:
    """The escalation, if the user may see its child (or raised it, or was sent it)."""
    require_section(request, SECTION)
    escalation = get_object_or_404(Escalation.objects.select_related("team", "raised_by"), pk=pk)
    if not may_see(grants(request), escalation):
        record_refusal(request, child_view(escalation), what=what)
        raise PermissionDenied
    return escalation


# The list


PAGE_SIZE = 100


def index(request: HttpRequest) -> HttpResponse:
    section = require_section(request, SECTION)
    user_grants = grants(request)
    today = _today()
    filters = queries.ListFilters.from_query(request.GET)
    visible = queries.visible_to(user_grants)
    page = paginate(
        request, queries.filtered(visible, filters, today).prefetch_related("stages"), PAGE_SIZE
    )
    escalations = page.items
    record_access(request, what="escalations list", child_ids=[e.child_id for e in escalations])
    overdue = queries.overdue_ids(today)
    teams = OrgUnit.objects.filter(pk__in=visible.values("team_id")).order_by("name")
    return render(
        request,
        "escalations/index.html",
        {
            "section": section,
            "rows": [{"e": e, "overdue": e.pk in overdue} for e in escalations],
            "total": page.total,
            "pagination": page.links,
            "filters": filters,
            "statuses": [("open", "Open"), *Status.choices],
            "categories": Category.choices,
            "stages": [(str(n), "Informal" if n == 0 else f"Stage {n}") for n in range(5)],
            "teams": teams,
            "query": request.GET.urlencode(),
            "may_raise": may_raise(user_grants),
            "sort_links": _sort_links(request, filters),
        },
    )


def _sort_links(request: HttpRequest, filters: queries.ListFilters) -> dict[str, str]:
    links = {}
    for key in queries.SORTS:
        query = request.GET.copy()
        query["sort"] = key
        same = filters.sort == key
        query["order"] = "asc" if same and filters.descending else "desc"
        links[key] = "?" + query.urlencode()
    return links


def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV: rows the user may export (export rights on the child's team,
    or escalations they raised), written to the access log."""
    require_section(request, SECTION)
    user_grants = grants(request)
    filters = queries.ListFilters.from_query(request.GET)
    today = _today()
    visible = queries.visible_to(user_grants).prefetch_related("stages")
    escalations = [
        e for e in queries.filtered(visible, filters, today) if may_export(user_grants, e)
    ]
    if not escalations and not (
        user_grants.has(Permission.EXPORT_CHILD_RECORDS) or may_raise(user_grants)
    ):
        raise PermissionDenied
    record_access(
        request,
        what="escalations list (csv)",
        action=AccessLog.Action.EXPORT,
        child_ids=[e.child_id for e in escalations],
    )
    overdue = queries.overdue_ids(today)
    header = (
        "Ref",
        "Child",
        "Team",
        "Raised by",
        "Role",
        "Plan",
        "Category",
        "Issue",
        "Informal approach",
        "Formal start",
        "Stage",
        "Status",
        "Response due",
        "Overdue",
        "Overall deadline",
        "Cafcass referral",
        "Outcome",
        "Closed",
    )
    rows = []
    for e in escalations:
        stage = e.current()
        rows.append(
            (
                e.ref,
                e.child_id,
                e.team.name,
                str(e.raised_by),
                e.get_raised_by_role_display(),
                e.get_plan_type_display(),
                e.get_category_display(),
                e.get_subcategory_display(),
                e.informal_logged_at,
                e.formal_started_at,
                e.current_stage or "Informal",
                e.get_status_display(),
                stage.response_due if stage else None,
                "Yes" if e.pk in overdue else "No",
                e.overall_deadline,
                e.cafcass_referred_at,
                e.get_outcome_display(),
                e.closed_at,
            )
        )
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="casegrip-escalations-{today}.csv"'
    return response


# Raising


def _raisable_teams(request: HttpRequest):
    q = OrgUnit.objects.none()
    for top in grants(request).top_units(Permission.RAISE_ESCALATIONS):
        q = q | top.descendants().filter(kind=UnitKind.TEAM)
    return q.order_by("name")


def new(request: HttpRequest) -> HttpResponse:
    require_section(request, SECTION)
    if not may_raise(grants(request)):
        raise PermissionDenied
    form = esc_forms.RaiseForm(request.POST or None, teams=_raisable_teams(request), today=_today())
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            escalation = actions.raise_escalation(actor=request.user, **data)
        except actions.EscalationError as exc:
            error = str(exc)
        else:
            return redirect("escalations:detail", pk=escalation.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "escalations/new.html", {"form": form, "error": error}, status=status)


# One escalation


@dataclass(frozen=True)
class Step:
    """An action offered on the escalation page: its form and the transition it calls."""

    label: str
    form: type[forms.Form]
    run: Callable[..., object]
    side: str  # "raise" or "respond"


def _stage_kwargs(data: dict) -> dict:
    return {
        "addressee_user": data["addressee"],
        "response_days": data["response_days"],
        "reason": data["reason"],
    }


STEPS: dict[str, Step] = {
    "resolve-informally": Step(
        "Record that it was resolved informally",
        esc_forms.NoteForm,
        lambda e, u, d: actions.resolve_informally(actor=u, escalation=e, **d),
        "raise",
    ),
    "formalise": Step(
        "Start the formal process",
        esc_forms.StageForm,
        lambda e, u, d: actions.formalise(
            actor=u, escalation=e, stage=d["stage"] or 1, **_stage_kwargs(d)
        ),
        "raise",
    ),
    "respond": Step(
        "Respond",
        esc_forms.RespondForm,
        lambda e, u, d: actions.respond(actor=u, escalation=e, text=d["text"]),
        "respond",
    ),
    "accept": Step(
        "Accept the response",
        esc_forms.AcceptForm,
        lambda e, u, d: actions.accept_response(actor=u, escalation=e, **d),
        "raise",
    ),
    "reject": Step(
        "Do not accept the response: move to the next stage",
        esc_forms.StageForm,
        lambda e, u, d: actions.reject_response(
            actor=u, escalation=e, note=d["note"], to_stage=d["stage"], **_stage_kwargs(d)
        ),
        "raise",
    ),
    "escalate": Step(
        "No response: move to the next stage",
        esc_forms.StageForm,
        lambda e, u, d: actions.escalate_unanswered(
            actor=u, escalation=e, note=d["note"], to_stage=d["stage"], **_stage_kwargs(d)
        ),
        "raise",
    ),
    "bypass": Step(
        "Go straight to a higher stage (bypass)",
        esc_forms.StageForm,
        lambda e, u, d: actions.bypass(
            actor=u, escalation=e, to_stage=d["stage"] or 0, **_stage_kwargs(d)
        ),
        "raise",
    ),
    "cafcass": Step(
        "Refer to Cafcass",
        esc_forms.CafcassForm,
        lambda e, u, d: actions.refer_to_cafcass(actor=u, escalation=e, **d),
        "raise",
    ),
    "withdraw": Step(
        "Withdraw the escalation",
        esc_forms.WithdrawForm,
        lambda e, u, d: actions.withdraw(actor=u, escalation=e, reason=d["reason"]),
        "raise",
    ),
    "close": Step(
        "Close the escalation",
        esc_forms.CloseForm,
        lambda e, u, d: actions.close(actor=u, escalation=e, **d),
        "raise",
    ),
}

# Which steps each state offers; the state machine has the last word either way.
OFFERED = {
    Status.INFORMAL: ("resolve-informally", "formalise", "bypass", "cafcass", "withdraw"),
    Status.ISSUED: ("respond", "escalate", "bypass", "cafcass", "withdraw", "close"),
    Status.RESPONDED: ("accept", "reject", "bypass", "cafcass", "withdraw", "close"),
    Status.RESOLVED: ("close",),
    Status.WITHDRAWN: ("close",),
    Status.CAFCASS: ("close",),
    Status.CLOSED: (),
}


def _form(step: str, escalation: Escalation, data=None) -> forms.Form:
    form_class = STEPS[step].form
    if form_class is esc_forms.StageForm:
        return form_class(
            data, prefix=step, team=escalation.team, current_stage=escalation.current_stage
        )
    return form_class(data, prefix=step)


def _offered(request: HttpRequest, escalation: Escalation) -> list[str]:
    user_grants = grants(request)
    raising = is_raising_side(user_grants, escalation)
    responding = may_respond(user_grants, escalation)
    offered = []
    for step in OFFERED[Status(escalation.status)]:
        if STEPS[step].side == "raise" and not raising:
            continue
        if STEPS[step].side == "respond" and not responding:
            continue
        if step == "cafcass" and (
            escalation.raised_by_role != "iro" or escalation.cafcass_referred_at
        ):
            continue
        if step == "bypass" and escalation.current_stage >= 3:
            continue  # nothing above the next stage to go to
        if step in ("reject", "escalate") and escalation.current_stage >= 4:
            continue
        offered.append(step)
    return offered


def _label(status: str) -> str:
    return Status(status).label.lower() if status in Status.values else ""


def _history(escalation: Escalation) -> list[dict]:
    """The escalation's audit events, newest first, with its statuses in words."""
    events = events_of(escalation, newest_first=True)
    history = []
    for event in events:
        before, after = (event.detail.get("status") or ["", ""])[:2]
        moved = f"From {_label(before)} to {_label(after)}" if before and before != after else ""
        history.append({"event": event, "moved": moved})
    return history


def _page(
    request: HttpRequest,
    escalation: Escalation,
    *,
    bound: tuple[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    today = _today()
    steps = []
    for name in _offered(request, escalation):
        form = bound[1] if bound and bound[0] == name else _form(name, escalation)
        steps.append({"name": name, "label": STEPS[name].label, "form": form})
    stages = list(escalation.stages.select_related("addressee_user", "addressee_staff"))
    return render(
        request,
        "escalations/detail.html",
        {
            "e": escalation,
            "stages": [{"s": s, "overdue": s.is_overdue(today)} for s in stages],
            "steps": steps,
            "open_step": bound[0] if bound else "",
            "bound_form": bound[1] if bound else None,
            "error": error,
            "history": _history(escalation),
            "today": today,
            "over_limit": bool(
                escalation.overall_deadline
                and not escalation.drp_ended_at
                and today > escalation.overall_deadline
            ),
            "breadcrumbs": [
                {"label": "Escalations", "href": reverse("escalations:index")},
                {"label": escalation.ref},
            ],
        },
        status=status,
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _escalation(request, pk, "escalation")
    record_access(request, what="escalation", unit=escalation.team, child_id=escalation.child_id)
    return _page(request, escalation)


def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One transition (POST); a refusal by the state machine shows as an error summary."""
    if request.method != "POST" or step not in STEPS:
        raise Http404
    escalation = _escalation(request, pk, "escalation")
    form = _form(step, escalation, request.POST)
    record_access(
        request, what=f"escalation: {step}", unit=escalation.team, child_id=escalation.child_id
    )
    if not form.is_valid():
        return _page(request, escalation, bound=(step, form), status=400)
    try:
        STEPS[step].run(escalation, request.user, form.cleaned_data)
    except actions.EscalationError as exc:
        escalation.refresh_from_db()
        return _page(request, escalation, bound=(step, form), error=str(exc), status=400)
    return redirect("escalations:detail", pk=escalation.pk)


# The report


def _report_dates(request: HttpRequest, today: date) -> tuple[date, date, str]:
    try:
        end = date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
        start = (
            date.fromisoformat(request.GET["from"])
            if request.GET.get("from")
            else end - timedelta(days=364)
        )
    except ValueError:
        return today - timedelta(days=364), today, "Enter real dates, like 2026-04-01"
    if start > end:
        return end - timedelta(days=364), end, "The start of the period must be before its end"
    return start, end, ""


def report(request: HttpRequest) -> HttpResponse:
    require_section(request, SECTION)
    user_grants = grants(request)
    tops = user_grants.top_units(Permission.VIEW_AGGREGATES)
    if request.GET.get("unit"):
        try:
            unit = OrgUnit.objects.get(pk=int(request.GET["unit"]))
        except (ValueError, OrgUnit.DoesNotExist):
            raise Http404("No such unit") from None
    elif tops:
        unit = tops[0]
    else:
        raise PermissionDenied
    check(request, AggregateView(unit))
    today = _today()
    start, end, error = _report_dates(request, today)
    small = user_grants.has(Permission.VIEW_SMALL_NUMBERS, unit)
    rules = None if small else esc_report.disclosure_rules()
    units = [u for top in tops for u in top.descendants()]
    return render(
        request,
        "escalations/report.html",
        {
            "r": esc_report.build(unit, start, end, rules, today),
            "rules": rules,
            "units": units,
            "error": error,
            "categories": Category.choices,
            "breadcrumbs": [
                {"label": "Escalations", "href": reverse("escalations:index")},
                {"label": "Report"},
            ],
        },
    )

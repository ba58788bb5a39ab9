"""Quality pages: thin views over ``actions.py`` (changes), ``report.py`` (the QA report) and
``casefile.py`` (what the case record says). Every page that names a child checks scope and
writes the access log."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casegrip.reports.packs import PackError, chart_images, pdf_from_html
from casegrip.reports.tables import to_csv
from casegrip.store.live import live_snapshot
from casegrip.web.accounts.access import ChildRef, ChildView, grants, may_see
from casegrip.web.accounts.access_log import record_access, record_refusal
from casegrip.web.accounts.audit import events_of
from casegrip.web.accounts.models import AccessLog
from casegrip.web.accounts.roles import Permission as P
from casegrip.web.organisation.models import OrgUnit, StaffMember
from casegrip.web.paging import paginate
from casegrip.web.sections import require_section

from . import actions, states
from .casefile import CASE_TYPES, key_facts
from .forms import form_data
from .models import Audit, AuditAction, AuditProgramme, AuditTool, Moderation, SafeguardingConcern
from .report import AGREEMENT_ROWS, agreement_shares, build, month_end, months_back

OVERALL_FIELDS = [
    ("overall_rationale", "Why this overall grade"),
    ("strengths", "Strengths"),
    ("areas_for_development", "Areas for development"),
]
MANAGER_TITLES = ("Team manager", "Service manager", "Head of service")
ACTIONS_PAGE = 100
ACTION_SORTS = {"due": "due_date", "-due": "-due_date", "status": "status", "team": "team__name"}


def _today() -> date:
    return timezone.localdate()


def _child_ref(child_id: str, team: OrgUnit | None, worker_id: str = "") -> ChildRef:
    return ChildRef(child_id, units=(team,) if team else (), worker_ids=(worker_id,))


def _check_child(request: HttpRequest, child_id: str, team, worker_id="", *, also=False) -> None:
    """Refuse (and log the refusal) unless the user may see the child, or ``also`` grants it
    (the allocated auditor, a moderator, the named manager)."""
    target = ChildView(_child_ref(child_id, team, worker_id))
    if also or may_see(request, target):
        return
    record_refusal(request, target, what="quality record")
    raise PermissionDenied


def _audit_access(request: HttpRequest, audit: Audit) -> None:
    user_grants = grants(request)
    moderating = user_grants.has(P.MODERATE_AUDITS) and audit.status == "in_moderation"
    qa = audit.team is not None and user_grants.has(P.MANAGE_AUDIT_PROGRAMME, audit.team)
    mine = audit.auditor_id == request.user.pk
    _check_child(
        request, audit.child_id, audit.team, audit.worker_id, also=mine or moderating or qa
    )
    record_access(request, what="case file audit", unit=audit.team, child_id=audit.child_id)


def _errors_context(exc: actions.Invalid) -> dict:
    return {"errors": exc.errors, "error_fields": {f for f, _ in exc.errors}}


def index(request: HttpRequest) -> HttpResponse:
    require_section(request, "quality")
    user = request.user
    user_grants = grants(request)
    staff = StaffMember.objects.filter(user=user).first()
    context = {
        "my_audits": Audit.objects.filter(auditor=user, status__in=["allocated", "in_progress"])
        .select_related("team", "programme")
        .order_by("due_date"),
        "my_actions": AuditAction.objects.filter(
            owner=staff, status__in=states.ACTION_OPEN_STATES
        ).select_related("team")
        if staff
        else [],
        "concerns": [
            c
            for c in SafeguardingConcern.objects.filter(status="raised").select_related(
                "team", "manager"
            )
            if actions.may_acknowledge(user, c)
        ],
        "moderations": Moderation.objects.filter(completed_at__isnull=True)
        .exclude(audit__auditor=user)
        .select_related("audit__team")
        .count()
        if user_grants.has(P.MODERATE_AUDITS)
        else None,
        "to_verify": _to_verify(request, staff),
        "manages": user_grants.has(P.MANAGE_AUDIT_PROGRAMME),
        "programmes": AuditProgramme.objects.select_related("unit")[:12]
        if user_grants.has(P.MANAGE_AUDIT_PROGRAMME)
        else [],
        "today": _today(),
    }
    listed = [*context["my_actions"], *context["to_verify"]]
    if listed:
        record_access(
            request,
            what="my audit actions",
            child_ids=[a.child_id for a in listed if a.child_id],
        )
    return render(request, "quality/index.html", context)


def _to_verify(request: HttpRequest, staff: StaffMember | None) -> list[AuditAction]:
    """Completed actions in the teams this user manages, waiting for them to check."""
    tops = grants(request).top_units(P.CONDUCT_AUDITS)
    if not tops:
        return []
    in_scope = Q(pk__in=[])
    for top in tops:
        in_scope |= Q(team__path__startswith=top.path)
    waiting = AuditAction.objects.filter(in_scope, status="completed").select_related("team")
    if staff is not None:
        waiting = waiting.exclude(owner=staff)
    return list(waiting.order_by("due_date")[:50])


# Programmes -------------------------------------------------------------------------------------


def _manage(request: HttpRequest) -> None:
    require_section(request, "quality")
    if not grants(request).has(P.MANAGE_AUDIT_PROGRAMME):
        raise PermissionDenied


def programmes(request: HttpRequest) -> HttpResponse:
    _manage(request)
    rows = AuditProgramme.objects.select_related("unit", "tool").order_by("-month", "name")
    return render(request, "quality/programmes.html", {"programmes": rows})


def _units_for(request: HttpRequest) -> list[OrgUnit]:
    units = []
    for top in grants(request).top_units(P.MANAGE_AUDIT_PROGRAMME):
        units.extend(top.descendants().exclude(kind="team"))
    return units


def programme_new(request: HttpRequest) -> HttpResponse:
    _manage(request)
    actions.ensure_tools()
    units = _units_for(request)
    tools = AuditTool.objects.filter(status=AuditTool.Status.LIVE)
    today = _today()
    values = {
        "name": f"Monthly case file audit {today:%B %Y}",
        "kind": "monthly",
        "unit": str(units[0].pk) if units else "",
        "month": f"{today:%Y-%m}",
        "tool": str(tools.filter(kind="case").first().pk) if tools.exists() else "",
        "per_team": "2",
        "case_types": ["CIN", "CP", "CLA"],
        "exclude_months": "12",
        "theme": "",
        "chosen_children": "",
    }
    errors: list = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values if k != "case_types"}
        values["case_types"] = request.POST.getlist("case_types")
        try:
            month = date.fromisoformat(values["month"] + "-01")
        except ValueError:
            errors.append(("month", "Enter the month as a year and month, like 2026-12."))
            month = None
        unit = next((u for u in units if str(u.pk) == values["unit"]), None)
        tool = tools.filter(pk=values["tool"]).first() if values["tool"].isdigit() else None
        if unit is None:
            errors.append(("unit", "Choose the part of the service to audit."))
        if tool is None:
            errors.append(("tool", "Choose a live audit tool."))
        if not values["name"].strip():
            errors.append(("name", "Give the programme a name."))
        if not values["per_team"].isdigit():
            errors.append(("per_team", "Cases per team must be a whole number."))
        if not values["exclude_months"].isdigit():
            errors.append(("exclude_months", "Months must be a whole number."))
        if not errors:
            try:
                programme = actions.create_programme(
                    actor=request.user,
                    name=values["name"].strip(),
                    kind=values["kind"]
                    if values["kind"] in AuditProgramme.Kind.values
                    else "monthly",
                    unit=unit,
                    month=month,
                    tool=tool,
                    per_team=int(values["per_team"]),
                    case_types=values["case_types"],
                    theme=values["theme"].strip(),
                    exclude_months=int(values["exclude_months"]),
                    chosen_children=values["chosen_children"].replace(",", " ").split(),
                )
            except actions.NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            except actions.Invalid as exc:
                errors = exc.errors
            else:
                return redirect("quality:programme", programme.pk)
    return render(
        request,
        "quality/programme_new.html",
        {
            "units": units,
            "tools": tools,
            "values": values,
            "kinds": AuditProgramme.Kind.choices,
            "case_types": CASE_TYPES.items(),
            "errors": errors,
            "error_fields": {f for f, _ in errors},
        },
    )


def programme(request: HttpRequest, pk: int) -> HttpResponse:
    _manage(request)
    prog = get_object_or_404(AuditProgramme.objects.select_related("unit", "tool"), pk=pk)
    if not grants(request).has(P.MANAGE_AUDIT_PROGRAMME, prog.unit):
        raise PermissionDenied
    errors: list = []
    auditors = actions.eligible_auditors(prog.unit)
    if request.method == "POST" and request.POST.get("do") == "allocate":
        chosen = [u for u in auditors if str(u.pk) in request.POST.getlist("auditors")]
        snapshot = live_snapshot()
        if snapshot is None:
            errors = [
                ("auditors", "No case record has been imported yet: there is nothing to sample.")
            ]
        else:
            try:
                actions.allocate_programme(
                    actor=request.user, programme=prog, auditors=chosen, snapshot=snapshot
                )
            except actions.Invalid as exc:
                errors = exc.errors
            else:
                return redirect("quality:programme", prog.pk)
    if request.method == "POST" and request.POST.get("do") == "add_action":
        owner = StaffMember.objects.filter(
            pk=request.POST.get("owner") or 0, unit__path__startswith=prog.unit.path
        ).first()
        try:
            if owner is None:
                raise actions.Invalid([("owner", "Choose who owns the action.")])
            actions.add_action(
                actor=request.user,
                programme=prog,
                description=request.POST.get("note", ""),
                owner=owner,
                priority=request.POST.get("priority", "standard"),
                category=request.POST.get("category", "team"),
            )
        except actions.Invalid as exc:
            errors = exc.errors
        else:
            return redirect("quality:programme", prog.pk)
    audits = prog.audits.select_related("team", "auditor").order_by("team__name", "child_id")
    if audits:
        record_access(
            request,
            what="audit programme",
            unit=prog.unit,
            child_ids=[a.child_id for a in audits],
        )
    return render(
        request,
        "quality/programme.html",
        {
            "programme": prog,
            "audits": audits,
            "auditors": auditors,
            "errors": errors,
            "error_fields": {f for f, _ in errors},
            "case_types": CASE_TYPES,
            "programme_actions": prog.actions.filter(audit__isnull=True).select_related("owner"),
            "managers": StaffMember.objects.filter(
                unit__path__startswith=prog.unit.path, active=True, job_title__in=MANAGER_TITLES
            ).select_related("unit"),
            "priorities": AuditAction.Priority.choices,
            "categories": AuditAction.Category.choices,
        },
    )


# Audits -----------------------------------------------------------------------------------------


def _audit(pk: int) -> Audit:
    return get_object_or_404(
        Audit.objects.select_related("team", "programme__unit", "tool__grading_scheme", "auditor"),
        pk=pk,
    )


def _facts(audit: Audit) -> dict | None:
    snapshot = live_snapshot()
    if snapshot is None:
        return None
    return key_facts(snapshot, audit.child_id)


def _form_context(audit: Audit, errors: list | None = None, data: dict | None = None) -> dict:
    data = data or {
        "responses": audit.responses,
        "theme_grades": audit.theme_grades,
        "overall_grade": audit.overall_grade,
        "overall_rationale": audit.overall_rationale,
        "strengths": audit.strengths,
        "areas_for_development": audit.areas_for_development,
    }
    tool = audit.tool.tool
    sections = [
        {
            "title": s.title,
            "questions": [
                {
                    "q": q,
                    "answer": (data["responses"].get(q.id) or {}).get("answer", ""),
                    "evidence": (data["responses"].get(q.id) or {}).get("evidence", ""),
                }
                for q in s.questions
            ],
        }
        for s in tool.sections
    ]
    themes = [
        {
            "theme": t,
            "grade": (data["theme_grades"].get(t.code) or {}).get("grade", ""),
            "rationale": (data["theme_grades"].get(t.code) or {}).get("rationale", ""),
        }
        for t in tool.themes
    ]
    errors = errors or []
    return {
        "audit": audit,
        "tool": tool,
        "sections": sections,
        "themes": themes,
        "grades": audit.tool.grading_scheme.scheme.choices,
        "data": data,
        "errors": errors,
        "error_fields": {f for f, _ in errors},
        "case_types": CASE_TYPES,
        "overall_fields": OVERALL_FIELDS,
    }


def audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit form for its auditor while it is open; otherwise the audit as recorded, with
    its moderation, actions and what this user may do next."""
    require_section(request, "quality")
    item = _audit(pk)
    _audit_access(request, item)
    editing = item.auditor_id == request.user.pk and item.status in states.AUDIT_NOT_SUBMITTED
    context = _form_context(item)
    context["facts"] = _facts(item)
    if editing:
        return render(request, "quality/audit_form.html", context)
    return render(request, "quality/audit.html", _audit_page(request, item, context))


def _audit_page(request: HttpRequest, item: Audit, context: dict) -> dict:
    user = request.user
    user_grants = grants(request)
    team_staff = StaffMember.objects.filter(unit=item.team, active=True) if item.team else []
    labels = dict(context["grades"])
    context.update(
        {
            "moderations": item.moderations.select_related("moderator"),
            "open_moderation": item.moderations.filter(completed_at__isnull=True).first(),
            "actions": item.actions.select_related("owner"),
            "concern": getattr(item, "concern", None),
            "may_add_action": item.status in ("submitted", "in_moderation", *states.AUDIT_DONE)
            and (
                item.auditor_id == user.pk
                or user_grants.has(P.MODERATE_AUDITS)
                or (item.team is not None and user_grants.has(P.MANAGE_AUDIT_PROGRAMME, item.team))
            ),
            "may_moderate": user_grants.has(P.MODERATE_AUDITS) and item.auditor_id != user.pk,
            "may_dispute": item.status in states.AUDIT_DONE
            and actions.may_dispute(user, item)
            and item.auditor_id != user.pk,
            "may_manage": item.team is not None
            and user_grants.has(P.MANAGE_AUDIT_PROGRAMME, item.programme.unit),
            "owners": team_staff,
            "priorities": AuditAction.Priority.choices,
            "categories": AuditAction.Category.choices,
            "grade_label": labels,
        }
    )
    for t in context["themes"]:
        t["grade_label"] = labels.get(t["grade"], "")
        t["final"] = labels.get((item.final_theme_grades or {}).get(t["theme"].code, ""), "")
    return context


def audit_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save as you go (htmx posts the form on change) or on the auditor's button; submit."""
    require_section(request, "quality")
    if request.method != "POST":
        return redirect("quality:audit", pk)
    item = _audit(pk)
    _audit_access(request, item)
    data = form_data(request.POST)
    submitting = request.POST.get("do") == "submit"
    try:
        if submitting:
            actions.submit_audit(
                actor=request.user, audit=item, data=data, concern=request.POST.get("concern", "")
            )
        else:
            actions.save_audit(actor=request.user, audit=item, data=data)
    except actions.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except (actions.Invalid, states.IllegalTransition) as exc:
        errors = exc.errors if isinstance(exc, actions.Invalid) else [("audit", str(exc))]
        if request.headers.get("HX-Request"):
            return render(request, "quality/_saved.html", {"errors": errors}, status=200)
        context = _form_context(item, errors, data)
        context["facts"] = _facts(item)
        context["concern_text"] = request.POST.get("concern", "")
        return render(request, "quality/audit_form.html", context, status=400)
    if request.headers.get("HX-Request"):
        return render(request, "quality/_saved.html", {"saved_at": timezone.localtime()})
    if submitting:
        return redirect(reverse("quality:audit", args=[pk]) + "?submitted=1")
    return redirect(reverse("quality:audit", args=[pk]) + "?saved=1")


def audit_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Exemptions, cancellation, disputes and actions raised from an audit."""
    require_section(request, "quality")
    if request.method != "POST":
        return redirect("quality:audit", pk)
    item = _audit(pk)
    _audit_access(request, item)
    do = request.POST.get("do", "")
    note = request.POST.get("note", "")
    try:
        if do == "request_exemption":
            actions.request_exemption(actor=request.user, audit=item, reason=note)
        elif do == "approve_exemption":
            actions.approve_exemption(actor=request.user, audit=item)
        elif do == "cancel":
            actions.cancel_audit(actor=request.user, audit=item, reason=note)
        elif do == "dispute":
            actions.dispute_grade(actor=request.user, audit=item, note=note)
        elif do == "add_action":
            owner = StaffMember.objects.filter(
                pk=request.POST.get("owner") or 0, unit=item.team
            ).first()
            if owner is None:
                raise actions.Invalid([("owner", "Choose who owns the action.")])
            due = request.POST.get("due_date", "")
            actions.add_action(
                actor=request.user,
                audit=item,
                description=note,
                owner=owner,
                priority=request.POST.get("priority", "standard"),
                category=request.POST.get("category", "case"),
                due_date=date.fromisoformat(due) if due else None,
            )
        else:
            raise Http404("Unknown change")
    except actions.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except ValueError as exc:
        errors = getattr(exc, "errors", None) or [("due_date", "Enter a real date.")]
        return _audit_with_errors(request, item, errors)
    except (actions.Invalid, states.IllegalTransition) as exc:
        errors = exc.errors if isinstance(exc, actions.Invalid) else [("note", str(exc))]
        return _audit_with_errors(request, item, errors)
    return redirect("quality:audit", pk)


def _audit_with_errors(request: HttpRequest, item: Audit, errors: list) -> HttpResponse:
    context = _form_context(_audit(item.pk), errors)
    context["facts"] = _facts(item)
    page = _audit_page(request, item, context)
    page["note"] = request.POST.get("note", "")
    return render(request, "quality/audit.html", page, status=400)


# Moderation -------------------------------------------------------------------------------------


def _moderator(request: HttpRequest) -> None:
    require_section(request, "quality")
    if not grants(request).has(P.MODERATE_AUDITS):
        raise PermissionDenied


def moderation_queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    waiting = (
        Moderation.objects.filter(completed_at__isnull=True)
        .select_related("audit__team", "audit__auditor")
        .order_by("selected_at")
    )
    done = (
        Moderation.objects.filter(completed_at__isnull=False)
        .select_related("audit__team", "moderator")
        .order_by("-completed_at")[:25]
    )
    record_access(
        request,
        what="moderation queue",
        child_ids=[m.audit.child_id for m in [*waiting, *done]],
    )
    return render(
        request,
        "quality/moderation_queue.html",
        {"waiting": waiting, "done": done, "me": request.user.pk},
    )


def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    _moderator(request)
    mod = get_object_or_404(
        Moderation.objects.select_related("audit__tool__grading_scheme", "audit__team"), pk=pk
    )
    item = mod.audit
    record_access(request, what="moderation", unit=item.team, child_id=item.child_id)
    errors: list = []
    context = _form_context(item)
    if request.method == "POST":
        themes = {t.code: request.POST.get(f"theme_{t.code}", "") for t in context["tool"].themes}
        try:
            actions.moderate(
                actor=request.user,
                moderation=mod,
                grade=request.POST.get("grade", ""),
                theme_grades=themes,
                rationale=request.POST.get("rationale", ""),
                learning=request.POST.get("learning", ""),
            )
        except actions.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except actions.Invalid as exc:
            errors = exc.errors
        else:
            return redirect("quality:audit", item.pk)
    originals = item.final_theme_grades or {
        k: v.get("grade", "") for k, v in item.theme_grades.items()
    }
    context.update(
        {
            "moderation": mod,
            "facts": _facts(item),
            "originals": [(t, originals.get(t.code, "")) for t in context["tool"].themes],
            "posted": request.POST,
            "errors": errors,
            "error_fields": {f for f, _ in errors},
            "grade_label": dict(context["grades"]),
        }
    )
    return render(request, "quality/moderation.html", context)


# Actions ----------------------------------------------------------------------------------------


def _action_scope(request: HttpRequest):
    """Open to the owner (their own actions) and to managers of the teams they may see."""
    user_grants = grants(request)
    staff = StaffMember.objects.filter(user=request.user).first()
    actions_qs = AuditAction.objects.select_related("owner", "team", "audit")
    tops = user_grants.top_units(P.VIEW_CHILD_RECORDS)
    allowed = Q(owner=staff) if staff else Q(pk__in=[])
    for top in tops:
        allowed |= Q(team__path__startswith=top.path)
    return actions_qs.filter(allowed)


def action_list(request: HttpRequest) -> HttpResponse:
    require_section(request, "quality")
    rows = _action_scope(request)
    status = request.GET.get("status", "open")
    team = request.GET.get("team", "")
    sort = request.GET.get("sort", "due")
    today = _today()
    if status == "open":
        rows = rows.filter(status__in=states.ACTION_OPEN_STATES)
    elif status == "overdue":
        rows = rows.filter(status__in=states.ACTION_OPEN_STATES, due_date__lt=today)
    elif status in states.ACTION.labels:
        rows = rows.filter(status=status)
    if team.isdigit():
        rows = rows.filter(team_id=int(team))
    rows = rows.order_by(ACTION_SORTS.get(sort, "due_date"), "pk")
    exporting = request.GET.get("format") == "csv"
    page = paginate(request, rows, ACTIONS_PAGE)
    items = list(rows) if exporting else page.items
    record_access(
        request, what="audit actions", child_ids=[a.child_id for a in items if a.child_id]
    )
    if exporting:
        record_access(
            request,
            what="audit actions export",
            action=AccessLog.Action.EXPORT,
            child_ids=[a.child_id for a in items if a.child_id],
        )
        body = to_csv(
            ("Action", "Child", "Team", "Owner", "Priority", "Due", "Status", "Overdue"),
            [
                (
                    a.description,
                    a.child_id,
                    a.team.name,
                    a.owner.name,
                    a.get_priority_display(),
                    a.due_date.isoformat(),
                    a.status_label,
                    "yes" if a.is_open and a.due_date < today else "",
                )
                for a in items
            ],
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-actions.csv"'
        return response
    teams = sorted(
        OrgUnit.objects.filter(pk__in=_action_scope(request).values("team_id")).values_list(
            "name", "pk"
        )
    )
    return render(
        request,
        "quality/actions.html",
        {
            "actions": items,
            "status": status,
            "team": team,
            "sort": sort,
            "teams": teams,
            "statuses": states.ACTION.labels.items(),
            "today": today,
            "query": request.GET.urlencode(),
            "total": page.total,
            "first": page.first,
            "last": page.first + len(page.items) - 1,
            "pagination": page.links,
        },
    )


def action(request: HttpRequest, pk: int) -> HttpResponse:
    require_section(request, "quality")
    item = get_object_or_404(
        AuditAction.objects.select_related("owner", "team", "audit", "verified_by"), pk=pk
    )
    own = item.owner.user_id == request.user.pk
    if item.child_id:
        _check_child(request, item.child_id, item.team, also=own)
        record_access(request, what="audit action", unit=item.team, child_id=item.child_id)
    elif not (own or grants(request).has(P.VIEW_TEAM_DETAIL, item.team)):
        raise PermissionDenied
    errors: list = []
    if request.method == "POST":
        try:
            actions.progress_action(
                actor=request.user,
                action=item,
                event=request.POST.get("do", ""),
                note=request.POST.get("note", ""),
                method=request.POST.get("method", ""),
                effectiveness=request.POST.get("effectiveness", ""),
            )
        except KeyError:
            raise Http404("Unknown change") from None
        except actions.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except actions.Invalid as exc:
            errors = exc.errors
        except states.IllegalTransition as exc:
            errors = [("note", str(exc))]
        else:
            return redirect("quality:action", pk)
    user = request.user
    may_work = actions.may_work_on(user, item)
    may_check = actions.may_verify(user, item)
    events = [
        e
        for e in ("start", "complete", "verify", "reject", "cancel")
        if states.ACTION.allows(item.status, e)
        and (may_check if e in ("verify", "reject", "cancel") else may_work)
    ]
    return render(
        request,
        "quality/action.html",
        {
            "action": item,
            "events": events,
            "errors": errors,
            "error_fields": {f for f, _ in errors},
            "note": request.POST.get("note", ""),
            "today": _today(),
            "history": _history(item),
        },
    )


def _history(obj) -> list:
    return list(events_of(obj))


# Safeguarding escalations -----------------------------------------------------------------------


def concern(request: HttpRequest, pk: int) -> HttpResponse:
    require_section(request, "quality")
    item = get_object_or_404(
        SafeguardingConcern.objects.select_related("team", "manager", "audit"), pk=pk
    )
    named = actions.may_acknowledge(request.user, item)
    auditor = item.audit.auditor_id == request.user.pk
    _check_child(request, item.child_id, item.team, also=named or auditor)
    record_access(request, what="safeguarding escalation", unit=item.team, child_id=item.child_id)
    errors: list = []
    if request.method == "POST":
        try:
            actions.progress_concern(
                actor=request.user,
                concern=item,
                event=request.POST.get("do", ""),
                note=request.POST.get("note", ""),
            )
        except KeyError:
            raise Http404("Unknown change") from None
        except actions.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except actions.Invalid as exc:
            errors = exc.errors
        except states.IllegalTransition as exc:
            errors = [("note", str(exc))]
        else:
            return redirect("quality:concern", pk)
    events = [
        e
        for e in ("acknowledge", "agree_action", "resolve", "escalate")
        if named and states.CONCERN.allows(item.status, e)
    ]
    return render(
        request,
        "quality/concern.html",
        {
            "concern": item,
            "events": events,
            "errors": errors,
            "error_fields": {f for f, _ in errors},
            "today": _today(),
            "history": _history(item),
        },
    )


# The QA report ----------------------------------------------------------------------------------


def _report_context(request: HttpRequest) -> dict:
    require_section(request, "quality")
    user_grants = grants(request)
    tops = user_grants.top_units(P.VIEW_AGGREGATES)
    if not tops:
        raise PermissionDenied
    units = [u for top in tops for u in top.descendants()]
    chosen = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == chosen), tops[0])
    today = _today()
    default = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    try:
        month = date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = default
    month = min(month, today.replace(day=1))
    snapshot = live_snapshot()
    small = user_grants.has(P.VIEW_SMALL_NUMBERS, unit)
    rules = None if small else actions.snapshot_disclosure(snapshot)
    report = build(unit, month, rules, today)
    return {
        "report": report,
        "agreement_rows": AGREEMENT_ROWS,
        "month_shares": agreement_shares(report.agreement_month, rules),
        "year_shares": agreement_shares(report.agreement_year, rules),
        "units": [
            {"pk": u.pk, "label": "\u2003" * (u.depth - tops[0].depth) + u.name} for u in units
        ],
        "months": months_back(today.replace(day=1), 24)[::-1],
        "month_end": month_end(month),
        "rules": rules,
        "today": today,
    }


def report(request: HttpRequest) -> HttpResponse:
    return render(request, "quality/report.html", _report_context(request))


def report_pdf(request: HttpRequest) -> HttpResponse:
    context = _report_context(request)
    context["images"] = chart_images([("trend", context["report"].trend)])
    html = render_to_string("quality/report_pdf.html", context, request=request)
    try:
        body = pdf_from_html(html, base_url=request.build_absolute_uri("/"))
    except PackError as exc:
        return render(request, "performance/clinic_error.html", {"message": str(exc)}, status=503)
    report_ = context["report"]
    name = f"qa-report-{report_.unit.name}-{report_.month:%Y-%m}".replace(" ", "-").lower()
    safe = "".join(c for c in name if c.isalnum() or c in "-_")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    return response


# Tools ------------------------------------------------------------------------------------------


def tools(request: HttpRequest) -> HttpResponse:
    require_section(request, "quality")
    actions.ensure_tools()
    return render(
        request,
        "quality/tools.html",
        {"tools": AuditTool.objects.select_related("grading_scheme").order_by("slug", "-version")},
    )


def tool(request: HttpRequest, pk: int) -> HttpResponse:
    require_section(request, "quality")
    item = get_object_or_404(AuditTool.objects.select_related("grading_scheme"), pk=pk)
    return render(
        request,
        "quality/tool.html",
        {
            "item": item,
            "tool": item.tool,
            "scheme": item.grading_scheme.scheme,
            "used": item.audits.count(),
        },
    )

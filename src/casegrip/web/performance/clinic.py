"""The performance clinic: a unit's pack for a month (scorecard, exceptions, caseloads,
weekly-list totals), the actions agreed, and last month's actions followed up; as a page and as
a PDF with the same charts. The pack is aggregate: no child is named in it."""

import hashlib
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from casegrip.home import data_dir
from casegrip.measures.catalogue import CATALOGUE, MEASURES
from casegrip.measures.model import Rag
from casegrip.reports import charts
from casegrip.reports.packs import PackError, chart_images, pdf_from_html
from casegrip.reports.scorecard import scorecard, show, sparkline_points, trend_chart
from casegrip.web.accounts.access import grants
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import StaffMember

from . import actions
from .forms import ActionForm, StatusForm
from .models import ClinicAction
from .scope import Scope, below, visible_units
from .views import breakdown_rows, chosen_month, month_choices, page_context, published_figures
from .weekly import team_ids, totals_by_team

CASELOAD = "caseload_average_fte"
TREND_MONTHS = 13


def _previous(month: date) -> date:
    return month.replace(day=1) - timedelta(days=1)


def _caseloads(figs, scope: Scope, month: date) -> dict:
    """Caseloads in the unit at the month's end: each unit below (or worker), and every
    worker's caseload for the distribution, from the figures of caseload_average_fte."""
    measure = CATALOGUE[CASELOAD]
    by_unit = []
    for b in below(scope):
        point = next(
            (p for p in figs.points(CASELOAD, b.breakdown, b.group) if p.window_end == month), None
        )
        by_unit.append(
            {"label": b.label, "shown": show(measure, point, scope.rules) if point else None}
        )
    workers = StaffMember.objects.filter(
        unit__path__startswith=scope.unit.path, active=True
    ).exclude(professional_id="")
    loads = []
    for worker in workers:
        point = next(
            (
                p
                for p in figs.points(CASELOAD, "worker", worker.professional_id)
                if p.window_end == month
            ),
            None,
        )
        if point is not None and point.numerator:
            loads.append(point.numerator)
    over = sum(1 for n in loads if n > 18)
    return {
        "by_unit": by_unit,
        "workers": len(loads),
        "over": over,
        "histogram": charts.histogram(
            loads, title=f"caseloads in {scope.unit.name}", unit="children allocated", threshold=18
        ),
    }


def _actions(scope: Scope, month: date) -> tuple[list[ClinicAction], list[ClinicAction]]:
    """Last month's actions (and any still open from before), and this month's."""
    earlier = ClinicAction.objects.filter(unit=scope.unit, month__lt=month).filter(
        Q(month=_previous(month)) | Q(status=ClinicAction.Status.OPEN)
    )
    now = ClinicAction.objects.filter(unit=scope.unit, month=month)
    related = ("owner", "created_by")
    return list(earlier.select_related(*related)), list(now.select_related(*related))


def pack(request: HttpRequest) -> dict | None:
    """Everything the clinic pack shows, for the page and the PDF alike."""
    found = page_context(request)
    if found is None:
        return None
    live, figs, config, scope = found
    month = chosen_month(request, figs)
    rows = scorecard(
        MEASURES,
        figs,
        scope.breakdown,
        scope.group,
        rules=scope.rules,
        published=published_figures(),
        la_code=config.la_code,
        month=month,
        population=config.child_population,
    )
    exceptions = []
    for r in rows:
        if r.rag is Rag.RED or r.direction == "worsening":
            exceptions.append(
                {
                    "row": r,
                    "chart": trend_chart(
                        r.measure,
                        figs,
                        scope.breakdown,
                        scope.group,
                        scope.rules,
                        month,
                        TREND_MONTHS,
                    ),
                    "breakdown": breakdown_rows(r.measure, figs, scope, month),
                }
            )
    teams = sorted(team_ids(scope.unit))
    totals = totals_by_team(figs.due, teams)
    names = {u.source_id: u.name for u in scope.unit.descendants() if u.source_id}
    earlier, now = _actions(scope, month)
    return {
        "snapshot": live,
        "scope": scope,
        "month": month,
        "months": month_choices(figs),
        "units": visible_units(request),
        "rows": [{"row": r, "spark": sparkline_points(r.spark)} for r in rows],
        "counts": {rag: sum(1 for r in rows if r.rag == rag) for rag in ("red", "amber", "green")},
        "exceptions": exceptions,
        "caseloads": _caseloads(figs, scope, month),
        "weekly": sorted(
            ({"team": names.get(t, t), **v} for t, v in totals.items()),
            key=lambda t: (-t["overdue"], t["team"]),
        ),
        "earlier": earlier,
        "now": now,
        "may_record": grants(request).has(Permission.RECORD_CLINIC_ACTIONS, scope.unit),
        "today": date.today(),
        "status_choices": ClinicAction.Status.choices,
    }


def clinic(request: HttpRequest) -> HttpResponse:
    context = pack(request)
    if context is None:
        return render(request, "performance/clinic.html", {"snapshot": None})
    context["form"] = ActionForm(unit=context["scope"].unit, today=date.today())
    context["status_form"] = StatusForm()
    return render(request, "performance/clinic.html", context)


def _may_record(request: HttpRequest, scope: Scope) -> None:
    if not grants(request).has(Permission.RECORD_CLINIC_ACTIONS, scope.unit):
        raise PermissionDenied


def add_action(request: HttpRequest) -> HttpResponse:
    """Record an action agreed at the clinic (POST); errors show on the pack page."""
    if request.method != "POST":
        raise Http404
    context = pack(request)
    if context is None:
        raise Http404("No snapshot has been imported yet")
    scope, month = context["scope"], context["month"]
    _may_record(request, scope)
    form = ActionForm(request.POST, unit=scope.unit, today=date.today())
    if not form.is_valid():
        context.update(form=form, status_form=StatusForm())
        return render(request, "performance/clinic.html", context, status=400)
    actions.record_action(
        actor=request.user,
        unit=scope.unit,
        month=month,
        text=form.cleaned_data["text"],
        owner=form.cleaned_data["owner"],
        due_date=form.cleaned_data["due_date"],
        measure_id=form.cleaned_data["measure_id"],
    )
    return redirect(_pack_url(scope, month) + "#actions")


def update_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action done or dropped, with a note (POST)."""
    if request.method != "POST":
        raise Http404
    action = get_object_or_404(ClinicAction.objects.select_related("unit"), pk=pk)
    if not grants(request).has(Permission.RECORD_CLINIC_ACTIONS, action.unit):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if form.is_valid():
        actions.set_status(
            actor=request.user,
            action=action,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    month = request.POST.get("month", "")
    return redirect(
        reverse("performance:clinic") + f"?unit={action.unit.pk}&month={month[:7]}#actions"
    )


def _pack_url(scope: Scope, month: date) -> str:
    return reverse("performance:clinic") + f"?unit={scope.unit.pk}&month={month:%Y-%m}"


def clinic_pdf(request: HttpRequest) -> HttpResponse:
    """The pack as a PDF, with the same charts as SVG. Kept once made: the pack changes only
    with the snapshot, the unit, the month, the disclosure level and the actions."""
    context = pack(request)
    if context is None:
        raise Http404("No snapshot has been imported yet")
    scope, month = context["scope"], context["month"]
    updated = ClinicAction.objects.filter(unit=scope.unit).aggregate(Max("updated_at"))
    level = "exact" if scope.rules is None else f"{scope.rules.threshold}-{scope.rules.round_to}"
    key = hashlib.sha256(
        "|".join(
            (
                context["snapshot"].snapshot_id,
                str(scope.unit.pk),
                month.isoformat(),
                level,
                str(updated["updated_at__max"]),
                str(len(context["earlier"]) + len(context["now"])),
            )
        ).encode()
    ).hexdigest()[:24]
    folder = data_dir() / "packs"
    path = folder / f"clinic-{key}.pdf"
    if not path.exists():
        images = chart_images(
            [(f"exception-{i}", e["chart"]) for i, e in enumerate(context["exceptions"])]
            + [("caseloads", context["caseloads"]["histogram"])]
        )
        for i, exception in enumerate(context["exceptions"]):
            exception["image"] = images[f"exception-{i}"]
        html = render_to_string("performance/clinic_pdf.html", {**context, "images": images})
        try:
            body = pdf_from_html(html, base_url=request.build_absolute_uri("/"))
        except PackError as exc:
            return render(
                request, "performance/clinic_error.html", {"message": str(exc)}, status=503
            )
        folder.mkdir(parents=True, exist_ok=True)
        aside = path.with_suffix(".partial")
        aside.write_bytes(body)
        aside.replace(path)
    response = HttpResponse(path.read_bytes(), content_type="application/pdf")
    name = f"clinic-pack-{scope.unit.name}-{month:%Y-%m}".replace(" ", "-").lower()
    safe = "".join(c for c in name if c.isalnum() or c in "-_")
    response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    return response

"""The committee report: choose a committee and a meeting date; read it as a page, or download
it as a PDF or a Word document. Aggregate only and always disclosure-controlled."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from casegrip.config import Disclosure
from casegrip.reports.charts import to_png
from casegrip.reports.council import to_docx
from casegrip.reports.packs import PackError, chart_images, pdf_from_html
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config
from casegrip.web.accounts.access import grants
from casegrip.web.accounts.roles import Permission
from casegrip.web.sections import require_section

from .committee import COMMITTEES, build


def _context(request: HttpRequest) -> dict:
    require_section(request, "improvement")
    tops = grants(request).top_units(Permission.VIEW_AGGREGATES)
    if not tops:
        raise PermissionDenied
    unit = tops[0]
    committee = COMMITTEES.get(request.GET.get("committee", ""), COMMITTEES["improvement-board"])
    errors = []
    meeting = timezone.localdate()
    if request.GET.get("date"):
        try:
            meeting = date.fromisoformat(request.GET["date"])
        except ValueError:
            errors.append(("date", "Enter the meeting date as a real date, like 2027-01-14."))
    live = live_snapshot()
    rules = snapshot_config(live).disclosure if live else Disclosure()
    report = build(committee, meeting, unit, live, rules)
    return {
        "report": report,
        "committee": committee,
        "committees": COMMITTEES.values(),
        "meeting": meeting,
        "unit": unit,
        "errors": errors,
        "error_fields": {f for f, _ in errors},
        "query": f"committee={committee.slug}&date={meeting.isoformat()}",
    }


def _charts(report) -> list:
    return [chart for section in report.sections for chart in section.charts]


def _filename(context: dict, suffix: str) -> str:
    name = f"{context['committee'].slug}-report-{context['meeting']:%Y-%m-%d}"
    return f'attachment; filename="{name}.{suffix}"'


def committee(request: HttpRequest) -> HttpResponse:
    return render(request, "improvement/committee.html", _context(request))


def committee_pdf(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    context["images"] = chart_images(_charts(context["report"]))
    html = render_to_string("improvement/committee_pdf.html", context, request=request)
    try:
        body = pdf_from_html(html, base_url=request.build_absolute_uri("/"))
    except PackError as exc:
        return render(request, "performance/clinic_error.html", {"message": str(exc)}, status=503)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = _filename(context, "pdf")
    return response


def committee_docx(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    images = {key: to_png(chart) for key, chart in _charts(context["report"])}
    response = HttpResponse(
        to_docx(context["report"], images),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = _filename(context, "docx")
    return response

"""The Data section: the live snapshot, its provenance, data quality, import history, and
imports started from an uploaded extract."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from casegrip.model.findings import SOURCE_RULE_TITLES
from casegrip.store import checks
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import findings_path, history, list_snapshots, read_findings
from casegrip.web.accounts.access import grants
from casegrip.web.accounts.access_log import record_access
from casegrip.web.accounts.models import AccessLog
from casegrip.web.accounts.roles import Permission
from casegrip.web.sections import render_section, require_section

from . import actions, jobs
from .forms import ImportForm
from .models import ImportJob
from .uploads import ACCEPTED, LimitedUpload, describe_size, upload_limit

FINDINGS_PER_PAGE = 50
RECENT_JOBS = 10


def _counts(findings) -> list[dict]:
    counts: dict[str, int] = {}
    for rule in findings.column("rule").to_pylist():
        counts[rule] = counts.get(rule, 0) + 1
    described = {r.code: r for r in checks.RULES}
    rows = [
        {
            "code": code,
            "title": described[code].title
            if code in described
            else SOURCE_RULE_TITLES.get(code, code),
            "description": described[code].description if code in described else "",
            "count": counts.get(code, 0),
        }
        for code in sorted(set(described) | set(counts))
    ]
    return sorted(rows, key=lambda r: (-r["count"], r["code"]))


def index(request: HttpRequest) -> HttpResponse:
    return _index(request, ImportForm())


def _index(request: HttpRequest, form: ImportForm, status: int = 200) -> HttpResponse:
    live = live_snapshot()
    kept = list_snapshots()
    provenance = next((p for p in kept if live and p.snapshot_id == live.snapshot_id), None)
    counts = _counts(read_findings(live.snapshot_id)) if live else []
    may_import = grants(request).has(Permission.RUN_IMPORTS)
    if may_import:
        jobs.sweep_interrupted()
    response = render_section(
        request,
        "data",
        snapshot=live,
        provenance=provenance,
        row_counts=sorted(provenance.row_counts.items()) if provenance else [],
        quality=counts,
        total_findings=sum(r["count"] for r in counts),
        kept=kept,
        history=history()[:20],
        may_see_findings=may_import,
        may_import=may_import,
        may_build_returns=grants(request).has(Permission.BUILD_RETURNS),
        form=form,
        accepted=ACCEPTED,
        upload_limit=describe_size(upload_limit()),
        jobs=ImportJob.objects.select_related("started_by")[:RECENT_JOBS] if may_import else [],
    )
    response.status_code = status
    return response


def _require_imports(request: HttpRequest) -> None:
    require_section(request, "data")
    if not grants(request).has(Permission.RUN_IMPORTS):
        raise PermissionDenied


@csrf_exempt  # checked by _start_import, once the upload handler is in place
@require_POST
def start_import(request: HttpRequest) -> HttpResponse:
    """Start an import of the uploaded extract; the job page shows its progress."""
    # Refused before the body is read: nobody without the right gets an upload parsed.
    _require_imports(request)
    # Handlers can only change before the body is read, which the CSRF check would do.
    receiver = LimitedUpload(request, upload_limit())
    request.upload_handlers.insert(0, receiver)
    return _start_import(request, receiver)


@csrf_protect
def _start_import(request: HttpRequest, receiver: LimitedUpload) -> HttpResponse:
    form = ImportForm(
        request.POST,
        request.FILES,
        too_large=receiver.too_large,
        busy=jobs.active_job() is not None,
    )
    if not form.is_valid():
        return _index(request, form, status=400)
    limit = describe_size(upload_limit())
    job = actions.start_import(
        user=request.user,
        uploads=form.cleaned_data["files"],
        refused=[
            (name, f"the upload is larger than the {limit} limit") for name in receiver.too_large
        ],
    )
    return redirect("data:import_job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    _require_imports(request)
    jobs.sweep_interrupted()
    return get_object_or_404(ImportJob.objects.select_related("started_by"), pk=pk)


def _job_context(job: ImportJob) -> dict:
    live = live_snapshot()
    return {
        "job": job,
        "still_live": bool(live and job.snapshot_id and live.snapshot_id == job.snapshot_id),
        "live": live,
    }


def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's status and progress; the status part polls itself while the job runs."""
    job = _job(request, pk)
    return render(
        request,
        "data/import_job.html",
        {
            **_job_context(job),
            "breadcrumbs": [
                {"label": "Data", "href": reverse("data:index")},
                {"label": f"Import {job.pk}"},
            ],
        },
    )


def import_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status part of the job page alone, for htmx to swap in."""
    return render(request, "data/_import_status.html", _job_context(_job(request, pk)))


def _require_findings(request: HttpRequest):
    require_section(request, "data")
    if not grants(request).has(Permission.RUN_IMPORTS):
        raise PermissionDenied
    live = live_snapshot()
    if live is None:
        raise PermissionDenied
    return live


def quality(request: HttpRequest) -> HttpResponse:
    """Every finding of the live snapshot, filterable by rule and table: child-level, logged."""
    live = _require_findings(request)
    findings = read_findings(live.snapshot_id)
    rule, table = request.GET.get("rule", ""), request.GET.get("table", "")
    rows = findings.to_pylist()
    if rule:
        rows = [r for r in rows if r["rule"] == rule]
    if table:
        rows = [r for r in rows if r["table"] == table]
    page = Paginator(rows, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    record_access(request, what="data-quality findings")
    return render(
        request,
        "data/quality.html",
        {
            "snapshot": live,
            "page": page,
            "rule": rule,
            "table": table,
            "rules": _counts(findings),
            "tables": sorted(set(findings.column("table").to_pylist())),
            "breadcrumbs": [
                {"label": "Data", "href": reverse("data:index")},
                {"label": "Data quality"},
            ],
        },
    )


def quality_csv(request: HttpRequest) -> FileResponse:
    live = _require_findings(request)
    record_access(request, what="data-quality findings CSV", action=AccessLog.Action.EXPORT)
    return FileResponse(
        findings_path(live.snapshot_id).open("rb"),
        as_attachment=True,
        filename=f"casegrip-findings-{live.snapshot_id}.csv",
        content_type="text/csv",
    )

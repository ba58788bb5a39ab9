"""The Data section: the live snapshot, its provenance, data quality and import history."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from casegrip.model.findings import SOURCE_RULE_TITLES
from casegrip.store import checks
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import findings_path, history, list_snapshots, read_findings
from casegrip.web.accounts.access import grants
from casegrip.web.accounts.access_log import record_access
from casegrip.web.accounts.models import AccessLog
from casegrip.web.accounts.roles import Permission
from casegrip.web.sections import render_section, require_section

FINDINGS_PER_PAGE = 50


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
    live = live_snapshot()
    kept = list_snapshots()
    provenance = next((p for p in kept if live and p.snapshot_id == live.snapshot_id), None)
    counts = _counts(read_findings(live.snapshot_id)) if live else []
    return render_section(
        request,
        "data",
        snapshot=live,
        provenance=provenance,
        row_counts=sorted(provenance.row_counts.items()) if provenance else [],
        quality=counts,
        total_findings=sum(r["count"] for r in counts),
        kept=kept,
        history=history()[:20],
        may_see_findings=grants(request).has(Permission.RUN_IMPORTS),
    )


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

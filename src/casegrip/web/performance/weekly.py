"""The weekly list: for a worker or a unit, everything overdue or due within 10 working days
(visits, reviews, assessments, initial conferences, supervision), most urgent first.

The items come from the snapshot's worked-out due list (measures.results), so the page filters
a list in memory and never queries the case record. The list is child-level: every view and
export is scope-checked and written to the access log."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from casegrip.measures.due import OVERDUE, RULES, DueItem, rules
from casegrip.measures.results import DUE_WITHIN, figures
from casegrip.reports.tables import to_csv, to_xlsx
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config
from casegrip.web.accounts.access import CaseloadView, check, grants
from casegrip.web.accounts.access_log import record_access
from casegrip.web.accounts.models import AccessLog
from casegrip.web.accounts.roles import Permission
from casegrip.web.escalations import due as escalation_due
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind
from casegrip.web.paging import paginate
from casegrip.web.quality import due as quality_due
from casegrip.web.sections import require_section

KINDS = (*RULES, quality_due.ITEM, escalation_due.ITEM)
PAGE_SIZE = 100  # a whole authority's list runs to thousands of items


class NotLinked(Exception):
    """The user sees only their own caseload, but their account is not linked to a worker."""


@dataclass(frozen=True)
class ListScope:
    """Whose list: one worker's, or a unit's (its teams')."""

    unit: OrgUnit | None
    worker: StaffMember | None
    may_export: bool

    @property
    def title(self) -> str:
        return self.worker.name if self.worker else self.unit.name

    def query(self) -> str:
        return f"worker={self.worker.pk}" if self.worker else f"unit={self.unit.pk}"


def _scope(request: HttpRequest) -> ListScope:
    """The list asked for, checked. A unit's list needs child-level rights on the unit; a
    worker's list is their caseload (CaseloadView: their managers, or the worker themself).
    Exporting needs export rights on the unit, except that a worker may export their own list
    (it is the list they work from, and the export is logged like any other)."""
    user_grants = grants(request)
    if request.GET.get("worker"):
        worker = get_object_or_404(
            StaffMember.objects.select_related("unit"), pk=_pk(request, "worker")
        )
        check(request, CaseloadView(worker), what="weekly list")
        own = worker.user_id is not None and worker.user_id == request.user.pk
        may_export = own or user_grants.has(Permission.EXPORT_CHILD_RECORDS, worker.unit)
        return ListScope(None, worker, may_export)
    if request.GET.get("unit"):
        unit = get_object_or_404(OrgUnit, pk=_pk(request, "unit"))
    else:
        tops = user_grants.top_units(Permission.VIEW_CHILD_RECORDS)
        if not tops:
            if not user_grants.has(Permission.VIEW_OWN_CASELOAD):
                raise PermissionDenied
            own = StaffMember.objects.filter(user=request.user).select_related("unit").first()
            if own is None:
                raise NotLinked
            return ListScope(None, own, True)
        unit = tops[0]
    if not user_grants.has(Permission.VIEW_CHILD_RECORDS, unit):
        raise PermissionDenied
    return ListScope(unit, None, user_grants.has(Permission.EXPORT_CHILD_RECORDS, unit))


def _pk(request: HttpRequest, name: str) -> int:
    try:
        return int(request.GET[name])
    except ValueError:
        raise Http404(f"No such {name}") from None


def team_ids(unit: OrgUnit) -> set[str]:
    """The case-record ids of the teams at or below ``unit``."""
    return {u.source_id for u in unit.descendants().filter(kind=UnitKind.TEAM) if u.source_id}


def _everything_due(live) -> list[DueItem]:
    """The case record's due items at the extract date; open audit actions and escalation
    stages awaiting a response, today."""
    today = timezone.localdate()
    return [
        *figures(live).due,
        *quality_due.action_items(today, DUE_WITHIN),
        *escalation_due.response_items(today, DUE_WITHIN),
    ]


def items_for(due: Iterable[DueItem], scope: ListScope) -> list[DueItem]:
    if scope.worker is not None:
        return [i for i in due if i.worker_id and i.worker_id == scope.worker.professional_id]
    if scope.unit.kind == UnitKind.AUTHORITY:
        return list(due)
    teams = team_ids(scope.unit)
    return [i for i in due if i.team_id in teams]


def urgency(item: DueItem) -> tuple:
    """Overdue first, the longest overdue first; then due soonest first."""
    return (item.status != OVERDUE, -item.working_days, item.due, item.item)


def totals_by_team(due: Iterable[DueItem], teams: Iterable[str]) -> dict[str, dict[str, int]]:
    """Overdue and due-soon counts per team (every given team, zeros included)."""
    totals = {t: {"overdue": 0, "due": 0} for t in teams}
    for item in due:
        if item.team_id in totals:
            totals[item.team_id]["overdue" if item.status == OVERDUE else "due"] += 1
    return totals


def _filtered(request: HttpRequest, items: list[DueItem]) -> tuple[list[DueItem], dict]:
    chosen_kinds = [k for k in request.GET.getlist("item") if k in KINDS]
    status = request.GET.get("status", "")
    team = request.GET.get("team", "")
    worker = request.GET.get("by", "")
    if chosen_kinds:
        items = [i for i in items if i.item in chosen_kinds]
    if status in ("overdue", "due"):
        items = [i for i in items if i.status == status]
    if team:
        items = [i for i in items if i.team_id == team]
    if worker:
        items = [i for i in items if i.worker_id == worker]
    filters = {"kinds": chosen_kinds, "status": status, "team": team, "by": worker}
    return sorted(items, key=urgency), filters


def _names(items: list[DueItem]) -> dict[str, str]:
    workers = {i.worker_id for i in items if i.worker_id}
    teams = {i.team_id for i in items if i.team_id}
    names = dict(
        StaffMember.objects.filter(professional_id__in=workers).values_list(
            "professional_id", "name"
        )
    )
    names.update(OrgUnit.objects.filter(source_id__in=teams).values_list("source_id", "name"))
    return names


def _rows(items: list[DueItem], names: dict[str, str]) -> list[dict]:
    return [
        {
            "item": i,
            "worker": names.get(i.worker_id, i.worker_id or "Unallocated"),
            "team": names.get(i.team_id, i.team_id or "Unallocated"),
        }
        for i in items
    ]


def _child_ids(items: list[DueItem]) -> list[str]:
    return [i.child_id for i in items if i.child_id]


def weekly(request: HttpRequest) -> HttpResponse:
    require_section(request, "performance")
    live = live_snapshot()
    if live is None:
        return render(request, "performance/weekly.html", {"snapshot": None})
    try:
        scope = _scope(request)
    except NotLinked:
        return render(request, "performance/weekly.html", {"snapshot": live, "unlinked": True})
    everything = items_for(_everything_due(live), scope)
    items, filters = _filtered(request, everything)
    page = paginate(request, items, PAGE_SIZE)
    shown = page.items
    record_access(
        request,
        what="weekly list",
        unit=scope.unit or scope.worker.unit,
        child_ids=_child_ids(shown),
    )
    counts = Counter(i.status for i in items)
    by_kind = Counter(i.item for i in items)
    names = _names(everything)
    teams = sorted({(names.get(i.team_id, i.team_id), i.team_id) for i in everything if i.team_id})
    workers = sorted(
        {(names.get(i.worker_id, i.worker_id), i.worker_id) for i in everything if i.worker_id}
    )
    return render(
        request,
        "performance/weekly.html",
        {
            "snapshot": live,
            "scope": scope,
            "rows": _rows(shown, names),
            "total": len(items),
            "pagination": page.links,
            "overdue": counts.get(OVERDUE, 0),
            "due_soon": counts.get("due", 0),
            "by_kind": [(k, by_kind[k]) for k in KINDS if by_kind.get(k)],
            "kinds": KINDS,
            "filters": filters,
            "teams": teams,
            "workers": workers,
            "within": DUE_WITHIN,
            "rules": {
                **rules(snapshot_config(live)),
                quality_due.ITEM: quality_due.RULE,
                escalation_due.ITEM: escalation_due.RULE,
            },
            "query": request.GET.urlencode(),
        },
    )


def weekly_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are CSV or XLSX")
    require_section(request, "performance")
    live = live_snapshot()
    if live is None:
        raise Http404("No snapshot has been imported yet")
    scope = _scope(request)
    if not scope.may_export:
        raise PermissionDenied
    items, _ = _filtered(request, items_for(_everything_due(live), scope))
    record_access(
        request,
        what=f"weekly list ({fmt})",
        action=AccessLog.Action.EXPORT,
        unit=scope.unit or scope.worker.unit,
        child_ids=_child_ids(items),
    )
    header = (
        "Status",
        "What",
        "Child",
        "Worker",
        "Team",
        "Due",
        "Working days overdue",
        "Last",
        "How worked out",
    )
    table = [
        (
            "Overdue" if r["item"].status == OVERDUE else "Due",
            r["item"].item,
            r["item"].child_id or "",
            r["worker"],
            r["team"],
            r["item"].due,
            r["item"].working_days,
            r["item"].last,
            r["item"].how,
        )
        for r in _rows(items, _names(items))
    ]
    name = f"casegrip-weekly-list-{live.extract_date}"
    if fmt == "csv":
        response = HttpResponse(to_csv(header, table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx([("Weekly list", header, table)]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

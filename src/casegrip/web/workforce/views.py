from datetime import date

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import allocated_children, snapshot_config
from casegrip.web.accounts.access import CaseloadView, UnitView, check, grants
from casegrip.web.accounts.access_log import record_access
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import OrgUnit, StaffMember
from casegrip.web.sections import render_section


def _breadcrumbs(unit: OrgUnit, request: HttpRequest) -> list[dict]:
    crumbs = [{"label": "Workforce", "href": reverse("workforce:index")}]
    for node in unit.ancestors():
        if grants(request).may_see(UnitView(node)):
            crumbs.append({"label": node.name, "href": reverse("workforce:unit", args=[node.pk])})
    crumbs.append({"label": unit.name})
    return crumbs


def index(request: HttpRequest) -> HttpResponse:
    """The units the user may see, as a tree, and their own caseload if they carry one."""
    user_grants = grants(request)
    units: list[OrgUnit] = []
    for top in user_grants.top_units(Permission.VIEW_TEAM_DETAIL):
        units.extend(
            top.descendants().annotate(staff_count=Count("staff", filter=Q(staff__active=True)))
        )
    own = StaffMember.objects.filter(user=request.user).first()
    return render_section(request, "workforce", units=units, own=own)


def unit(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's staff and the units directly below it."""
    unit = get_object_or_404(OrgUnit, pk=pk)
    check(request, UnitView(unit))
    user_grants = grants(request)
    staff = [
        {"member": member, "may_see_caseload": user_grants.may_see(CaseloadView(member))}
        for member in unit.staff.filter(active=True)
    ]
    return render(
        request,
        "workforce/unit.html",
        {
            "unit": unit,
            "staff": staff,
            "children_units": unit.children.all(),
            "breadcrumbs": _breadcrumbs(unit, request),
            "snapshot": live_snapshot(),
        },
    )


def _allocated(snapshot, worker: StaffMember) -> list[dict]:
    """The worker's children at the extract date, from the live snapshot."""
    if snapshot is None or not worker.professional_id:
        return []
    config = snapshot_config(snapshot)
    return allocated_children(
        snapshot,
        worker.professional_id,
        config.involvement_roles.allocated_social_worker,
        date.fromisoformat(snapshot.extract_date),
    )


def caseload(request: HttpRequest, pk: int) -> HttpResponse:
    """The children allocated to one worker: child-level, so scope-checked and logged."""
    worker = get_object_or_404(StaffMember.objects.select_related("unit"), pk=pk)
    check(request, CaseloadView(worker), what="worker caseload")
    snapshot = live_snapshot()
    children = _allocated(snapshot, worker)
    record_access(
        request,
        what="worker caseload",
        unit=worker.unit,
        child_ids=[c["child_id"] for c in children],
    )
    if grants(request).may_see(UnitView(worker.unit)):
        crumbs = _breadcrumbs(worker.unit, request)
        crumbs[-1]["href"] = reverse("workforce:unit", args=[worker.unit.pk])
    else:
        crumbs = [{"label": "Workforce", "href": reverse("workforce:index")}]
    crumbs.append({"label": f"{worker.name}: caseload"})
    return render(
        request,
        "workforce/caseload.html",
        {"worker": worker, "children": children, "snapshot": snapshot, "breadcrumbs": crumbs},
    )

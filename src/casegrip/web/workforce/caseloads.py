"""Caseloads by team and worker on any date, against 18 children (15 for an ASYE worker), with
the distribution, the trend, and the open cases that nobody holds."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from casegrip.engines.connect import connect
from casegrip.measures.caseloads import Caseloads, caseloads_on
from casegrip.measures.catalogue import CATALOGUE
from casegrip.measures.results import figures
from casegrip.reports import charts
from casegrip.reports.scorecard import trend_chart
from casegrip.reports.tables import to_csv
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config
from casegrip.web.accounts.access import CaseloadView, UnitView, check, grants
from casegrip.web.accounts.access_log import record_access
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind
from casegrip.web.performance.scope import key_of
from casegrip.web.sections import require_section

TARGET, ASYE_TARGET = 18, 15


@dataclass(frozen=True)
class WorkerLoad:
    worker_id: str
    name: str
    team: str
    team_unit: OrgUnit | None
    asye: bool
    fte: float
    cases: int
    staff: StaffMember | None
    may_open: bool

    @property
    def target(self) -> int:
        return ASYE_TARGET if self.asye else TARGET

    @property
    def over(self) -> int:
        return self.cases - self.target


def _unit(request: HttpRequest) -> OrgUnit:
    if request.GET.get("unit"):
        try:
            unit = get_object_or_404(OrgUnit, pk=int(request.GET["unit"]))
        except ValueError:
            raise Http404("No such unit") from None
    else:
        tops = grants(request).top_units(Permission.VIEW_TEAM_DETAIL)
        if not tops:
            raise PermissionDenied
        unit = tops[0]
    check(request, UnitView(unit))
    return unit


def _day(request: HttpRequest, extract_date: date) -> tuple[date, str]:
    """The date asked for, or the extract date; an error message when it cannot be used."""
    text = request.GET.get("date", "").strip()
    if not text:
        return extract_date, ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return extract_date, f"“{text[:20]}” is not a date: enter it as YYYY-MM-DD"
    if day > extract_date:
        last = f"{extract_date:%-d %B %Y}"
        return extract_date, f"The case record goes up to {last}: choose it or an earlier date"
    return day, ""


def _loads(request: HttpRequest, unit: OrgUnit, found: Caseloads) -> list[WorkerLoad]:
    """Case holders in the unit's teams, with their names, targets and whether the user may open
    their caseload."""
    teams = {u.source_id: u for u in unit.descendants().filter(kind=UnitKind.TEAM) if u.source_id}
    staff = {
        s.professional_id: s
        for s in StaffMember.objects.filter(
            professional_id__in=[h.worker_id for h in found.holders]
        ).select_related("unit")
    }
    user_grants = grants(request)
    out = []
    for h in found.holders:
        member = staff.get(h.worker_id)
        team = teams.get(h.team_id or "")
        if team is None and not (member and unit.contains(member.unit)):
            continue
        out.append(
            WorkerLoad(
                worker_id=h.worker_id,
                name=member.name if member else h.worker_id,
                team=team.name if team else (member.unit.name if member else ""),
                team_unit=team or (member.unit if member else None),
                asye=h.asye or bool(member and member.is_asye),
                fte=h.fte,
                cases=h.cases,
                staff=member,
                may_open=bool(member and user_grants.may_see(CaseloadView(member))),
            )
        )
    return out


def _by_unit(unit: OrgUnit, loads: list[WorkerLoad], found: Caseloads) -> list[dict]:
    """One row per unit directly below ``unit``: workers, children, average, over target."""
    rows = []
    for child in unit.children.order_by("name"):
        teams = {u.source_id for u in child.descendants() if u.source_id}
        mine = [w for w in loads if w.team_unit is not None and child.contains(w.team_unit)]
        children = sum(w.cases for w in mine)
        rows.append(
            {
                "unit": child,
                "workers": len(mine),
                "children": children,
                "average": round(children / len(mine), 1) if mine else None,
                "over": sum(1 for w in mine if w.over > 0),
                "unallocated": sum(1 for u in found.unallocated if u["team_id"] in teams),
            }
        )
    return rows


def caseloads(request: HttpRequest) -> HttpResponse:
    require_section(request, "workforce")
    live = live_snapshot()
    if live is None:
        return render(request, "workforce/caseloads.html", {"snapshot": None})
    unit = _unit(request)
    config = snapshot_config(live)
    extract_date = date.fromisoformat(live.extract_date)
    day, error = _day(request, extract_date)
    connection = connect(live.engine, snapshot=live)
    try:
        found = caseloads_on(connection, config, day)
    finally:
        connection.close()
    loads = _loads(request, unit, found)
    teams = {u.source_id for u in unit.descendants() if u.source_id}
    unallocated = [
        u for u in found.unallocated if unit.kind == UnitKind.AUTHORITY or u["team_id"] in teams
    ]
    may_see_children = grants(request).has(Permission.VIEW_CHILD_RECORDS, unit)
    if may_see_children and unallocated:
        record_access(
            request,
            what="unallocated cases",
            unit=unit,
            child_ids=[u["child_id"] for u in unallocated],
        )
    breakdown, group = key_of(unit)
    figs = figures(live)
    children = sum(w.cases for w in loads)
    return render(
        request,
        "workforce/caseloads.html",
        {
            "snapshot": live,
            "unit": unit,
            "day": day,
            "error": error,
            "loads": loads,
            "by_unit": _by_unit(unit, loads, found),
            "summary": {
                "workers": len(loads),
                "children": children,
                "average": round(children / len(loads), 1) if loads else None,
                "over": sum(1 for w in loads if w.over > 0),
                "unallocated": len(unallocated),
            },
            "unallocated": unallocated if may_see_children else None,
            "histogram": charts.histogram(
                [w.cases for w in loads],
                title=f"caseloads in {unit.name} on {day:%-d %B %Y}",
                unit="children allocated",
                threshold=TARGET,
            ),
            "trend": trend_chart(
                CATALOGUE["caseload_average_fte"], figs, breakdown, group, None, figs.months[-1], 13
            ),
            "units": [
                u
                for top in grants(request).top_units(Permission.VIEW_TEAM_DETAIL)
                for u in top.descendants()
            ],
        },
    )


def caseloads_csv(request: HttpRequest) -> HttpResponse:
    """The worker table as CSV: caseload sizes, no child."""
    require_section(request, "workforce")
    live = live_snapshot()
    if live is None:
        raise Http404("No snapshot has been imported yet")
    unit = _unit(request)
    day, _ = _day(request, date.fromisoformat(live.extract_date))
    connection = connect(live.engine, snapshot=live)
    try:
        found = caseloads_on(connection, snapshot_config(live), day)
    finally:
        connection.close()
    header = ("Worker", "Team", "ASYE", "FTE", "Children", "Target", "Above target by")
    rows = [
        (w.name, w.team, "yes" if w.asye else "no", w.fte, w.cases, w.target, max(w.over, 0))
        for w in _loads(request, unit, found)
    ]
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="casegrip-caseloads-{day}.csv"'
    return response

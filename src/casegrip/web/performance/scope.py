"""Which unit a performance page is about, and how its figures are keyed and disclosed."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest

from casegrip.config import AuthorityConfig, Disclosure
from casegrip.web.accounts.access import AggregateView, check, grants
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind


@dataclass(frozen=True)
class Scope:
    unit: OrgUnit
    breakdown: str
    group: str
    rules: Disclosure | None  # None: this user may see small numbers on this unit
    may_see_children: bool
    may_export_children: bool

    def team_ids(self) -> list[str] | None:
        """The case-record ids of the teams in scope (None: the whole authority)."""
        if self.unit.kind == UnitKind.AUTHORITY:
            return None
        return [
            u.source_id for u in self.unit.descendants().filter(kind=UnitKind.TEAM) if u.source_id
        ]


def key_of(unit: OrgUnit) -> tuple[str, str]:
    """(breakdown, group) under which a unit's figures are kept."""
    if unit.kind == UnitKind.AUTHORITY:
        return "authority", unit.la_code
    return str(unit.kind), unit.source_id


def resolve(request: HttpRequest, config: AuthorityConfig, unit_pk: str | None) -> Scope:
    """The unit asked for (or the user's highest), checked: 403 outside the user's scope."""
    user_grants = grants(request)
    if unit_pk:
        try:
            unit = OrgUnit.objects.get(pk=int(unit_pk))
        except (ValueError, OrgUnit.DoesNotExist):
            raise Http404("No such unit") from None
    else:
        tops = user_grants.top_units(Permission.VIEW_AGGREGATES)
        unit = tops[0] if tops else None
        if unit is None:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
    check(request, AggregateView(unit))
    breakdown, group = key_of(unit)
    small = user_grants.has(Permission.VIEW_SMALL_NUMBERS, unit)
    return Scope(
        unit=unit,
        breakdown=breakdown,
        group=group,
        rules=None if small else config.disclosure,
        may_see_children=user_grants.has(Permission.VIEW_CHILD_RECORDS, unit),
        may_export_children=user_grants.has(Permission.EXPORT_CHILD_RECORDS, unit),
    )


@dataclass(frozen=True)
class Below:
    """One row of a breakdown one level down: a unit or a worker."""

    label: str
    breakdown: str
    group: str
    unit: OrgUnit | None = None
    worker: StaffMember | None = None


def below(scope: Scope) -> list[Below]:
    """The units one level below the scope's unit (a service may hold localities and teams
    side by side), or, under a team, its workers."""
    if scope.unit.kind == UnitKind.TEAM:
        staff = scope.unit.staff.filter(active=True).exclude(professional_id="").order_by("name")
        return [Below(s.name, "worker", s.professional_id, worker=s) for s in staff]
    rows = []
    for child in scope.unit.children.order_by("name"):
        breakdown, group = key_of(child)
        if group:
            rows.append(Below(child.name, breakdown, group, unit=child))
    return rows


def visible_units(request: HttpRequest) -> list[dict]:
    """Every unit the user may see figures for, indented by depth, for a scope picker."""
    units: list[dict] = []
    for top in grants(request).top_units(Permission.VIEW_AGGREGATES):
        for unit in top.descendants():
            indent = "\u2003" * (unit.depth - top.depth)
            units.append({"pk": unit.pk, "label": f"{indent}{unit.name}", "unit": unit})
    return units

"""The one place that decides whether a user may see a unit, an aggregate or a child.

Every view asks through ``check`` (which refuses with 403) or ``may_see`` (which answers yes or
no). A decision depends only on the user's role assignments and where the thing sits in the
organisation tree; a role on a unit applies to every unit below it.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from casegrip.web.organisation.models import OrgUnit, StaffMember

from .roles import Permission, get_role

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class ChildRef:
    """What an access decision needs to know of a child: where the case sits, who holds it."""

    child_id: str
    units: tuple[OrgUnit, ...]
    worker_ids: tuple[str, ...] = ()  # professional ids of the allocated workers


@dataclass(frozen=True)
class UnitView:
    """A page about a team or other unit: its staff and each worker's caseload size."""

    unit: OrgUnit


@dataclass(frozen=True)
class AggregateView:
    """Figures for a unit with no child-level detail."""

    unit: OrgUnit


@dataclass(frozen=True)
class ChildView:
    """A child's record, or a row about one child."""

    child: ChildRef


@dataclass(frozen=True)
class CaseloadView:
    """The children allocated to one worker: a child-level list."""

    worker: StaffMember


Target = UnitView | AggregateView | ChildView | CaseloadView
CHILD_LEVEL_TARGETS = (ChildView, CaseloadView)


class Grants:
    """A user's permissions, each with the units it holds on."""

    def __init__(self, user: "User") -> None:
        self.user = user
        self._on: dict[Permission, list[OrgUnit]] = {}
        if not (user.is_authenticated and user.is_active):
            return
        for assignment in user.role_assignments.select_related("unit"):
            for permission in get_role(assignment.role).permissions:
                self._on.setdefault(permission, []).append(assignment.unit)

    def has(self, permission: Permission, unit: OrgUnit | None = None) -> bool:
        """Held anywhere (no unit), or on ``unit`` through it or one of its ancestors."""
        held = self._on.get(permission, [])
        if unit is None:
            return bool(held)
        return any(top.contains(unit) for top in held)

    def top_units(self, permission: Permission) -> list[OrgUnit]:
        """The highest units the permission holds on, without ones nested in another."""
        held = sorted(self._on.get(permission, []), key=lambda u: u.path)
        tops: list[OrgUnit] = []
        for unit in held:
            if not any(top.contains(unit) for top in tops):
                tops.append(unit)
        return tops

    @cached_property
    def own_professional_id(self) -> str:
        """The user's id in the case record, if they are a member of staff who carries cases."""
        if not self.user.is_authenticated:
            return ""
        staff = StaffMember.objects.filter(user=self.user).only("professional_id").first()
        return staff.professional_id if staff else ""

    def may_see(self, target: Target) -> bool:
        match target:
            case UnitView(unit):
                return self.has(Permission.VIEW_TEAM_DETAIL, unit)
            case AggregateView(unit):
                return self.has(Permission.VIEW_AGGREGATES, unit)
            case CaseloadView(worker):
                if self.has(Permission.VIEW_CHILD_RECORDS, worker.unit):
                    return True
                return self.has(Permission.VIEW_OWN_CASELOAD) and worker.user_id == self.user.pk
            case ChildView(child):
                if any(self.has(Permission.VIEW_CHILD_RECORDS, u) for u in child.units):
                    return True
                own = self.has(Permission.VIEW_OWN_CASELOAD) and self.own_professional_id
                return bool(own) and own in child.worker_ids
        raise TypeError(f"Not an access target: {target!r}")


def grants(request: HttpRequest) -> Grants:
    """The signed-in user's grants, worked out once per request."""
    cached = getattr(request, "_casegrip_grants", None)
    if cached is None or cached.user is not request.user:
        cached = Grants(request.user)
        request._casegrip_grants = cached
    return cached


def may_see(request: HttpRequest, target: Target) -> bool:
    return grants(request).may_see(target)


def check(request: HttpRequest, target: Target, *, what: str = "") -> None:
    """Refuse with 403 unless the user may see ``target``; refusals of child data are logged."""
    if may_see(request, target):
        return
    if isinstance(target, CHILD_LEVEL_TARGETS):
        from .access_log import record_refusal

        record_refusal(request, target, what=what or "child-level page")
    raise PermissionDenied

"""Finding escalations: those a user may see, the list's filters, and overdue responses.

Everything here is child-level (an escalation names a child): a caller that shows what it
returns checks scope and writes the access log.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.models import User
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import OrgUnit, StaffMember

from .models import Escalation, EscalationStage, Status


def _under(units: Iterable[OrgUnit], field: str = "team") -> Q:
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"{field}__path__startswith": unit.path})
    return q


def visible_to(grants: Grants) -> QuerySet[Escalation]:
    """Escalations about children in the user's child-level scope, and any they raised or
    were sent by name."""
    user = grants.user
    q = _under(grants.top_units(Permission.VIEW_CHILD_RECORDS))
    q |= Q(raised_by=user) | Q(stages__addressee_user=user) | Q(stages__addressee_staff__user=user)
    ids = Escalation.objects.filter(q).values("pk")
    return Escalation.objects.filter(pk__in=ids).select_related("team", "raised_by")


@dataclass(frozen=True)
class OverdueResponse:
    """A formal stage whose response is past its due date."""

    escalation_id: int
    ref: str
    child_id: str
    team: str
    stage: int
    addressee: str
    addressee_role: str
    issued_at: date
    due: date


def _overdue_stages(today: date) -> QuerySet[EscalationStage]:
    # Only the current stage can be awaiting a response: earlier ones carry a decision.
    return EscalationStage.objects.filter(
        escalation__status=Status.ISSUED,
        responded_at__isnull=True,
        decision="",
        response_due__lt=today,
    ).select_related("escalation__team", "addressee_user", "addressee_staff")


def overdue_ids(today: date) -> set[int]:
    """The escalations whose current stage's response is overdue."""
    return set(_overdue_stages(today).values_list("escalation_id", flat=True))


def overdue_for(
    staff_or_user: StaffMember | User | None,
    units: Iterable[OrgUnit] = (),
    *,
    today: date | None = None,
) -> list[OverdueResponse]:
    """Stage responses overdue for a person (addressed to them, as a user or a member of
    staff) or for units (escalations about children of the teams at or below any of them),
    the longest overdue first. Pass ``None`` and units for a unit's list.

    For the weekly list: the result names children, so the caller checks scope and records
    the access as for any child-level list."""
    today = today or timezone.localdate()
    q = _under(units, "escalation__team")
    if isinstance(staff_or_user, StaffMember):
        q |= Q(addressee_staff=staff_or_user)
        if staff_or_user.user_id:
            q |= Q(addressee_user_id=staff_or_user.user_id)
    elif staff_or_user is not None:
        q |= Q(addressee_user=staff_or_user) | Q(addressee_staff__user=staff_or_user)
    stages = _overdue_stages(today).filter(q).order_by("response_due", "escalation__ref")
    return [
        OverdueResponse(
            escalation_id=s.escalation_id,
            ref=s.escalation.ref,
            child_id=s.escalation.child_id,
            team=s.escalation.team.name,
            stage=s.number,
            addressee=s.addressee_name,
            addressee_role=s.get_addressee_role_display(),
            issued_at=s.issued_at,
            due=s.response_due,
        )
        for s in stages
    ]


SORTS = {
    "raised": ("informal_logged_at", "pk"),
    "ref": ("ref",),
    "team": ("team__name", "pk"),
    "stage": ("current_stage", "pk"),
    "status": ("status", "pk"),
    "category": ("category", "subcategory", "pk"),
}


@dataclass(frozen=True)
class ListFilters:
    status: str = ""
    stage: str = ""
    category: str = ""
    team: str = ""
    overdue: bool = False
    sort: str = "raised"
    descending: bool = True

    @classmethod
    def from_query(cls, query) -> "ListFilters":
        sort = query.get("sort", "raised")
        return cls(
            status=query.get("status", ""),
            stage=query.get("stage", ""),
            category=query.get("category", ""),
            team=query.get("team", ""),
            overdue=query.get("overdue") == "1",
            sort=sort if sort in SORTS else "raised",
            descending=query.get("order", "desc") != "asc",
        )


def filtered(
    escalations: QuerySet[Escalation], filters: ListFilters, today: date
) -> QuerySet[Escalation]:
    if filters.status == "open":
        escalations = escalations.filter(
            status__in=(Status.INFORMAL, Status.ISSUED, Status.RESPONDED)
        )
    elif filters.status in Status.values:
        escalations = escalations.filter(status=filters.status)
    if filters.stage.isdigit():
        escalations = escalations.filter(current_stage=int(filters.stage))
    if filters.category:
        escalations = escalations.filter(category=filters.category)
    if filters.team.isdigit():
        escalations = escalations.filter(team_id=int(filters.team))
    if filters.overdue:
        overdue = _overdue_stages(today).values("escalation_id")
        escalations = escalations.filter(pk__in=overdue)
    order = SORTS[filters.sort]
    if filters.descending:
        order = tuple(f"-{f}" for f in order)
    return escalations.order_by(*order)

"""Changes to the organisation tree. Each runs in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction

from casegrip.synth.organisation import OrganisationPlan

from .models import ALLOWED_PARENTS, OrgUnit, StaffMember, UnitKind


@transaction.atomic
def create_unit(
    *,
    kind: str,
    name: str,
    parent: OrgUnit | None = None,
    source_id: str = "",
    la_code: str = "",
) -> OrgUnit:
    """Add a unit under ``parent``; an authority has no parent."""
    kind = UnitKind(kind)
    parent_kind = UnitKind(parent.kind) if parent else None
    if kind is UnitKind.AUTHORITY and parent is not None:
        raise ValidationError("An authority is the top of the tree and has no parent.")
    if kind is not UnitKind.AUTHORITY and parent_kind not in ALLOWED_PARENTS[kind]:
        allowed = " or ".join(sorted(k.label.lower() for k in ALLOWED_PARENTS[kind]))
        raise ValidationError(f"A {kind.label.lower()} must sit under a {allowed}.")
    # The path needs the row's id, so the unit is saved with a temporary unique path first.
    unit = OrgUnit.objects.create(
        kind=kind,
        name=name,
        parent=parent,
        source_id=source_id,
        la_code=la_code,
        path=f"pending-{name}-{parent.pk if parent else 0}",
    )
    unit.path = f"{parent.path if parent else ''}{unit.pk:06d}."
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def add_staff(
    *,
    unit: OrgUnit,
    name: str,
    job_title: str = "",
    professional_id: str = "",
    is_asye: bool = False,
) -> StaffMember:
    """Record a member of staff in a unit."""
    return StaffMember.objects.create(
        unit=unit,
        name=name,
        job_title=job_title,
        professional_id=professional_id,
        is_asye=is_asye,
    )


@transaction.atomic
def load_plan(plan: OrganisationPlan) -> OrgUnit:
    """Create an authority, its units and staff from a plan; returns the authority."""
    if OrgUnit.objects.filter(kind=UnitKind.AUTHORITY, la_code=plan.la_code).exists():
        raise ValidationError(f"An authority with DfE code {plan.la_code} already exists.")
    authority = create_unit(kind=UnitKind.AUTHORITY, name=plan.name, la_code=plan.la_code)
    by_source: dict[str, OrgUnit] = {}
    for spec in plan.units:
        parent = by_source[spec.parent_id] if spec.parent_id else authority
        by_source[spec.source_id] = create_unit(
            kind=spec.kind, name=spec.name, parent=parent, source_id=spec.source_id
        )
    for person in plan.staff:
        add_staff(
            unit=by_source[person.unit_id],
            name=person.name,
            job_title=person.job_title,
            professional_id=person.professional_id,
            is_asye=person.is_asye,
        )
    return authority

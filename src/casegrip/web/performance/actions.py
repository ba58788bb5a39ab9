"""Changes to clinic actions. Each runs in one transaction and writes its audit event."""

from datetime import date

from django.db import transaction

from casegrip.web.accounts.audit import record_event
from casegrip.web.accounts.models import User
from casegrip.web.organisation.models import OrgUnit, StaffMember

from .models import ClinicAction


@transaction.atomic
def record_action(
    *,
    actor: User,
    unit: OrgUnit,
    month: date,
    text: str,
    owner: StaffMember | None,
    due_date: date,
    measure_id: str = "",
) -> ClinicAction:
    """An action agreed at ``unit``'s clinic for ``month``."""
    action = ClinicAction.objects.create(
        unit=unit,
        month=month,
        text=text,
        owner=owner,
        due_date=due_date,
        measure_id=measure_id,
        created_by=actor,
    )
    record_event(actor, "recorded clinic action", action, unit=unit.name, month=month.isoformat())
    return action


@transaction.atomic
def set_status(*, actor: User, action: ClinicAction, status: str, note: str = "") -> ClinicAction:
    """Mark an action open, done or dropped, with a note saying what happened."""
    before = action.status
    action.status = ClinicAction.Status(status)
    action.status_note = note
    action.save(update_fields=["status", "status_note", "updated_at"])
    record_event(actor, "updated clinic action", action, status=[before, action.status])
    return action

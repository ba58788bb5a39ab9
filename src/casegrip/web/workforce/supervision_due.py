"""Supervision on the weekly list: every worker whose supervision is overdue or falls due within
10 working days, with how the due date was worked out."""

from datetime import date
from typing import NamedTuple

from casegrip.store.live import live_snapshot
from casegrip.web.organisation.models import StaffMember
from casegrip.web.working_days import working_calendar

from .supervision_sources import load

WITHIN_WORKING_DAYS = 10


class SupervisionDue(NamedTuple):
    worker_id: str  # the worker's professional id in the case record
    team_id: str  # their unit's id in the case record (ssd_department)
    last: date | None  # the last qualifying session
    due: date  # today for a worker nobody has supervised
    how: str


def overdue_supervision(today: date, *, within: int = WITHIN_WORKING_DAYS) -> list[SupervisionDue]:
    """Active workers with a professional id whom the policy covers, whose next supervision was
    due before ``today`` or falls due within ``within`` working days of it; most overdue
    first. Sessions in casegrip and in the live snapshot's case record both count."""
    members = list(
        StaffMember.objects.filter(active=True).exclude(professional_id="").select_related("unit")
    )
    found = load(members, live_snapshot())
    horizon = working_calendar().add_working_days(today, within)
    due = []
    for standing in found.standings(today):
        if not standing.due_by(horizon):
            continue
        member = found.members[standing.worker.key]
        due.append(
            SupervisionDue(
                worker_id=member.professional_id,
                team_id=member.unit.source_id,
                last=standing.last.day if standing.last else None,
                due=standing.due or today,
                how=standing.how,
            )
        )
    return sorted(due, key=lambda d: (d.due, d.worker_id))

"""Escalation stages waiting for a response, as weekly-list items: on the addressee's list and
their team's (issue 7: "overdue responses on the addressee's weekly list")."""

from datetime import date

from casegrip.measures.due import DUE, OVERDUE, DueItem
from casegrip.web.working_days import working_calendar

from .models import EscalationStage, Status

ITEM = "Escalation response"
RULE = (
    "a formal stage of an IRO or child protection chair escalation: the addressee responds "
    "within the stage's working days (5 unless set otherwise) from when it was issued"
)


def response_items(today: date, within: int) -> list[DueItem]:
    """Every formal stage still awaiting a response that is overdue on ``today`` or due within
    ``within`` working days. The worker is the addressee (where they are a member of staff in
    the case record); the team is the child's."""
    calendar = working_calendar()
    horizon = calendar.add_working_days(today, within)
    waiting = EscalationStage.objects.filter(
        escalation__status=Status.ISSUED,
        responded_at__isnull=True,
        decision="",
        response_due__lte=horizon,
    ).select_related("escalation__team", "addressee_staff", "addressee_user__staff")
    items = []
    for stage in waiting:
        staff = stage.addressee_staff or getattr(stage.addressee_user, "staff", None)
        items.append(
            DueItem(
                item=ITEM,
                child_id=stage.escalation.child_id,
                worker_id=(staff.professional_id if staff else "") or None,
                team_id=stage.escalation.team.source_id or None,
                last=stage.issued_at,
                due=stage.response_due,
                status=OVERDUE if stage.response_due < today else DUE,
                working_days=calendar.working_days_between(stage.response_due, today),
                how=f"{stage.escalation.ref} stage {stage.number} issued on "
                f"{stage.issued_at:%d %B %Y}, {stage.response_working_days} working days to "
                "respond",
            )
        )
    return items

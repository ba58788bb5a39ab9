"""Open audit actions as weekly-list items: overdue, or due within the list's window, on the
owner's list and their team's (practice.md 6.1: "overdue actions appear on the owner's and
team's weekly list")."""

from datetime import date

from casegrip.measures.due import DUE, OVERDUE, DueItem
from casegrip.web.working_days import working_calendar

from . import states
from .models import AuditAction

ITEM = "Audit action"
RULE = (
    "from a case file audit: due by its priority (immediate 1, high 5, standard 20 working days "
    "from when it was agreed) unless the auditor set a date"
)


def action_items(today: date, within: int) -> list[DueItem]:
    """Every open audit action that is overdue on ``today`` or due within ``within`` working
    days, as a due-list item about its owner, team and child."""
    calendar = working_calendar()
    horizon = calendar.add_working_days(today, within)
    items = []
    open_actions = AuditAction.objects.filter(
        status__in=states.ACTION_OPEN_STATES, due_date__lte=horizon
    ).select_related("owner", "team")
    for action in open_actions:
        overdue = action.due_date < today
        items.append(
            DueItem(
                item=ITEM,
                child_id=action.child_id or None,
                worker_id=action.owner.professional_id or None,
                team_id=action.team.source_id or None,
                last=action.created_at.date(),
                due=action.due_date,
                status=OVERDUE if overdue else DUE,
                working_days=calendar.working_days_between(action.due_date, today),
                how=f"{action.get_priority_display()} action agreed on "
                f"{action.created_at:%d %B %Y}, due {action.due_date:%d %B %Y}",
            )
        )
    return items

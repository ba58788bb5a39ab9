"""Escalation deadlines in working days: England's bank holidays plus the authority's closures.

The closures come from the configuration of the live snapshot; before any import there is no
configuration, and the calendar is England's bank holidays alone.
"""

from datetime import date

from django.conf import settings

from casegrip.calendar import WorkingCalendar
from casegrip.web.working_days import working_calendar

from .models import DEFAULT_RESPONSE_WORKING_DAYS, IRO_LIMIT_WORKING_DAYS


def default_response_days() -> int:
    """Working days an addressee has to respond to a stage: 5 unless the installation sets
    ``CASEGRIP_ESCALATION_RESPONSE_DAYS`` in its settings (local protocols use 3, 5 or 10)."""
    return int(
        getattr(settings, "CASEGRIP_ESCALATION_RESPONSE_DAYS", DEFAULT_RESPONSE_WORKING_DAYS)
    )


def response_due(issued: date, working_days: int, calendar: WorkingCalendar | None = None) -> date:
    return (calendar or working_calendar()).add_working_days(issued, working_days)


def overall_deadline(formal_start: date, calendar: WorkingCalendar | None = None) -> date:
    return (calendar or working_calendar()).add_working_days(formal_start, IRO_LIMIT_WORKING_DAYS)


def working_days_between(start: date, end: date, calendar: WorkingCalendar | None = None) -> int:
    return (calendar or working_calendar()).working_days_between(start, end)

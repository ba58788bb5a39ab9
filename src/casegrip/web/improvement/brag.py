"""BRAG: how a plan action stands (practice.md 6.3), worked out from its status, dates and the
measures its recommendation is judged by. Pure: everything it needs is passed in.

- Blue: completed, or completed with its impact evidenced.
- Red: overdue (its due date has passed), or a measure is further below target than its tolerance.
- Grey: not started and its start date is still to come.
- Amber: due within ``amber_within`` working days, or a measure is below target within tolerance.
- Green: on track.

A person may override the derived colour with a reason; ``effective`` prefers that.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from . import states


class Brag(StrEnum):
    BLUE = "blue"
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    GREY = "grey"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def tag(self) -> str:
        """The GOV.UK tag modifier that colours it (a plain tag is blue)."""
        return {"amber": "orange", "blue": ""}.get(self.value, self.value)


LABELS = {
    Brag.BLUE: "Blue",
    Brag.RED: "Red",
    Brag.AMBER: "Amber",
    Brag.GREEN: "Green",
    Brag.GREY: "Grey",
}
MEANINGS = {
    Brag.BLUE: "completed or impact evidenced",
    Brag.RED: "overdue, or a measure below its tolerance",
    Brag.AMBER: "due soon, or a measure just below target",
    Brag.GREEN: "on track",
    Brag.GREY: "not started and not due to start yet",
}
ORDER = tuple(Brag)  # the order boards read them in: B, R, A, G, then grey
DEFAULT_AMBER_WITHIN = 10  # working days


class Calendar(Protocol):
    def working_days_between(self, start: date, end: date) -> int: ...


@dataclass(frozen=True)
class Reading:
    """A linked measure's latest value against the plan's target for it."""

    value: float | None
    target: float | None
    higher_is_better: bool
    tolerance: float

    def judge(self) -> Brag | None:
        """Green on or better than target, amber within tolerance, red beyond; None unknown."""
        if self.value is None or self.target is None:
            return None
        gap = self.value - self.target if self.higher_is_better else self.target - self.value
        if gap >= 0:
            return Brag.GREEN
        return Brag.AMBER if -gap <= self.tolerance else Brag.RED


def is_overdue(status: str, due_date: date | None, today: date) -> bool:
    return status in states.OPEN and due_date is not None and due_date < today


def derive(
    *,
    status: str,
    start_date: date | None,
    due_date: date | None,
    today: date,
    calendar: Calendar,
    amber_within: int = DEFAULT_AMBER_WITHIN,
    readings: tuple[Reading, ...] | list[Reading] = (),
) -> Brag:
    """The derived BRAG of one action on ``today``."""
    if status in states.DONE:
        return Brag.BLUE
    judged = {r.judge() for r in readings}
    if is_overdue(status, due_date, today) or Brag.RED in judged:
        return Brag.RED
    if status == states.NOT_DUE and start_date is not None and start_date > today:
        return Brag.GREY
    if due_date is not None and calendar.working_days_between(today, due_date) <= amber_within:
        return Brag.AMBER
    if Brag.AMBER in judged:
        return Brag.AMBER
    return Brag.GREEN


def effective(derived: Brag, override: str) -> Brag:
    """The colour shown: a person's override when there is one."""
    return Brag(override) if override else derived

"""The statuses of plans and plan actions (practice.md 6.3), as data.

A status change names the status it leads to; ``check`` refuses one the current status does not
allow with a message that says what the thing is, where it stands and what may come next.
Overdue is not a status: it is derived from the due date (``OPEN``).
"""

from dataclasses import dataclass


class IllegalTransition(Exception):
    """A status change the current status does not allow; the message is for the user."""


@dataclass(frozen=True)
class Machine:
    name: str
    labels: dict[str, str]  # status -> label, in the order a user reads them
    moves: dict[str, frozenset[str]]  # status -> the statuses it may change to

    def allowed(self, status: str) -> list[str]:
        return [s for s in self.labels if s in self.moves.get(status, frozenset())]

    def check(self, before: str, after: str) -> None:
        if after not in self.labels:
            raise IllegalTransition(f"{after!r} is not a status a {self.name} can have.")
        if after in self.moves.get(before, frozenset()):
            return
        possible = [self.labels[s].lower() for s in self.allowed(before)]
        next_steps = ", ".join(possible) if possible else "nothing: it is finished"
        raise IllegalTransition(
            f"This {self.name} is {self.labels[before].lower()}, so it cannot become "
            f"{self.labels[after].lower()}. It may become: {next_steps}."
        )


NOT_DUE = "not_due"
IN_PROGRESS = "in_progress"
PARTIALLY_COMPLETE = "partially_complete"
COMPLETED = "completed"
IMPACT_EVIDENCED = "impact_evidenced"

ACTION = Machine(
    "plan action",
    {
        NOT_DUE: "Not due",
        IN_PROGRESS: "In progress",
        PARTIALLY_COMPLETE: "Partially complete",
        COMPLETED: "Completed",
        IMPACT_EVIDENCED: "Impact evidenced",
    },
    {
        # Plans report progress monthly, so an action may jump ahead between two reports.
        NOT_DUE: frozenset({IN_PROGRESS, PARTIALLY_COMPLETE, COMPLETED}),
        IN_PROGRESS: frozenset({PARTIALLY_COMPLETE, COMPLETED}),
        PARTIALLY_COMPLETE: frozenset({IN_PROGRESS, COMPLETED}),
        # A board may challenge a completion: reopening needs a note saying why.
        COMPLETED: frozenset({IMPACT_EVIDENCED, IN_PROGRESS}),
        IMPACT_EVIDENCED: frozenset(),
    },
)
OPEN = frozenset({NOT_DUE, IN_PROGRESS, PARTIALLY_COMPLETE})
DONE = frozenset({COMPLETED, IMPACT_EVIDENCED})
# Moves that must say why (in a progress note).
NEEDS_NOTE = {(COMPLETED, IN_PROGRESS), (COMPLETED, IMPACT_EVIDENCED)}

PLAN = Machine(
    "plan",
    {
        "draft": "Draft",
        "approved": "Approved",
        "submitted": "Submitted to Ofsted",
        "live": "Live",
        "closed": "Closed",
    },
    {
        "draft": frozenset({"approved", "live"}),
        "approved": frozenset({"draft", "submitted", "live"}),
        "submitted": frozenset({"live"}),
        "live": frozenset({"closed"}),
        "closed": frozenset({"live"}),
    },
)

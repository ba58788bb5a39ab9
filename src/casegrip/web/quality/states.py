"""The state machines of audits, actions and safeguarding escalations (practice.md 6.1), as data.

Each machine maps an event to the states it may happen in and the state it leads to. Actions
ask ``after`` before changing anything; an event the machine does not allow is refused with a
message that says what the thing is, what state it is in and what may happen next.
"""

from dataclasses import dataclass


class IllegalTransition(Exception):
    """An event that the current state does not allow; the message is for the user."""


@dataclass(frozen=True)
class Machine:
    name: str
    labels: dict[str, str]  # state -> label
    events: dict[str, tuple[frozenset[str], str]]  # event -> (from states, to state)
    verbs: dict[str, str]  # event -> what a user would call it

    def after(self, state: str, event: str) -> str:
        allowed, target = self.events[event]
        if state in allowed:
            return target
        possible = [self.verbs[e] for e, (sources, _) in self.events.items() if state in sources]
        next_steps = "; ".join(possible) if possible else "nothing: it is finished"
        raise IllegalTransition(
            f"This {self.name} is {self.labels[state].lower()}, so it cannot be "
            f"{self.verbs[event]}. What may happen next: {next_steps}."
        )

    def allows(self, state: str, event: str) -> bool:
        return state in self.events[event][0]


def _m(name: str, labels: dict[str, str], table: dict[str, tuple[set[str], str, str]]) -> Machine:
    return Machine(
        name,
        labels,
        {event: (frozenset(sources), target) for event, (sources, target, _) in table.items()},
        {event: verb for event, (_, _, verb) in table.items()},
    )


AUDIT = _m(
    "audit",
    {
        "allocated": "Allocated",
        "in_progress": "In progress",
        "submitted": "Submitted",
        "in_moderation": "In moderation",
        "finalised": "Finalised",
        "actions_open": "Actions open",
        "closed": "Closed",
        "exempted": "Exempted",
        "cancelled": "Cancelled",
    },
    {
        "start": ({"allocated"}, "in_progress", "started"),
        "save": ({"allocated", "in_progress"}, "in_progress", "edited"),
        "submit": ({"in_progress"}, "submitted", "submitted"),
        "exempt": ({"allocated"}, "exempted", "exempted"),
        "cancel": ({"allocated"}, "cancelled", "cancelled"),
        "moderate": (
            {"submitted", "finalised", "actions_open", "closed"},
            "in_moderation",
            "sent for moderation",
        ),
        "moderated": ({"in_moderation"}, "finalised", "given a moderated grade"),
        "finalise": ({"submitted"}, "finalised", "finalised"),
        "open_actions": ({"finalised", "closed"}, "actions_open", "given open actions"),
        "close": ({"finalised", "actions_open"}, "closed", "closed"),
    },
)

ACTION = _m(
    "action",
    {
        "open": "Open",
        "in_progress": "In progress",
        "completed": "Completed",
        "verified": "Verified",
        "reopened": "Reopened",
        "cancelled": "Cancelled",
    },
    {
        "start": ({"open", "reopened"}, "in_progress", "started"),
        "complete": ({"open", "in_progress", "reopened"}, "completed", "marked complete"),
        "verify": ({"completed"}, "verified", "verified"),
        "reject": ({"completed"}, "reopened", "reopened"),
        "cancel": ({"open", "in_progress", "reopened"}, "cancelled", "cancelled"),
    },
)

CONCERN = _m(
    "safeguarding escalation",
    {
        "raised": "Raised",
        "acknowledged": "Acknowledged",
        "action_agreed": "Action agreed",
        "resolved": "Resolved",
        "escalated": "Escalated further",
    },
    {
        "acknowledge": ({"raised"}, "acknowledged", "acknowledged"),
        "agree_action": ({"acknowledged"}, "action_agreed", "given an agreed action"),
        "resolve": ({"action_agreed"}, "resolved", "resolved"),
        "escalate": ({"raised", "acknowledged", "action_agreed"}, "escalated", "escalated further"),
    },
)

ACTION_OPEN_STATES = frozenset({"open", "in_progress", "reopened"})
AUDIT_NOT_SUBMITTED = frozenset({"allocated", "in_progress"})
AUDIT_DONE = frozenset({"finalised", "actions_open", "closed"})

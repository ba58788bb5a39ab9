"""Who may do what to an escalation, asked by the views (to offer an action) and by the actions
(to refuse one): the raising side (the raiser, or a colleague who may raise escalations for
the child's team, covering for them) and the responding side (the named addressee, or a
manager who may respond to escalations for the child's team)."""

from casegrip.web.accounts.access import ChildRef, ChildView, Grants
from casegrip.web.accounts.models import User
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import OrgUnit

from .models import Escalation, EscalationStage


def child_view(escalation: Escalation) -> ChildView:
    """The access target of an escalation: its child, in the team it was raised against."""
    return ChildView(ChildRef(escalation.child_id, units=(escalation.team,)))


def may_raise(grants: Grants, team: OrgUnit | None = None) -> bool:
    return grants.has(Permission.RAISE_ESCALATIONS, team)


def is_addressee(user: User, stage: EscalationStage) -> bool:
    if stage.addressee_user_id is not None and stage.addressee_user_id == user.pk:
        return True
    staff = stage.addressee_staff
    return staff is not None and staff.user_id is not None and staff.user_id == user.pk


def is_raising_side(grants: Grants, escalation: Escalation) -> bool:
    if escalation.raised_by_id == grants.user.pk:
        return True
    return grants.has(Permission.RAISE_ESCALATIONS, escalation.team)


def may_respond(grants: Grants, escalation: Escalation) -> bool:
    """Respond to the current stage: its addressee, or a manager of the child's team."""
    stage = escalation.current()
    if stage is None:
        return False
    if is_addressee(grants.user, stage):
        return True
    return grants.has(Permission.RESPOND_TO_ESCALATIONS, escalation.team)


def is_involved(grants: Grants, escalation: Escalation) -> bool:
    """The raiser or the addressee of any stage: they see the escalation wherever the child's
    case sits, since it was sent to them by name."""
    if escalation.raised_by_id == grants.user.pk:
        return True
    return any(is_addressee(grants.user, s) for s in escalation.stages.all())


def may_see(grants: Grants, escalation: Escalation) -> bool:
    return is_involved(grants, escalation) or grants.may_see(child_view(escalation))


def may_export(grants: Grants, escalation: Escalation) -> bool:
    """A row of the child-level export: export rights on the team, or the raiser's own log."""
    if escalation.raised_by_id == grants.user.pk:
        return True
    return grants.has(Permission.EXPORT_CHILD_RECORDS, escalation.team)

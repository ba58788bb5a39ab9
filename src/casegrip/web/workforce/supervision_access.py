"""Who may see and change supervision records, asked by the views (to offer an action) and by
the actions (to refuse one).

- A worker sees their own supervision, and signs their own sessions.
- A session's supervisor sees and records it, and signs it as supervisor; a worker's usual
  supervisor (of their latest session held in casegrip) may record their next one.
- Anyone with ``record_supervision`` on the supervisee's unit records and changes sessions
  there; anyone with ``view_team_detail`` there reads them.
- A decision about a child is child-level: seen by those who may see the child's record, or by
  the supervisee when the child is theirs (their professional id is passed as the worker).
"""

from casegrip.web.accounts.access import ChildRef, ChildView, Grants
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import StaffMember

from .models import HELD_STATUSES, SupervisionSession


def is_self(grants: Grants, member: StaffMember) -> bool:
    return member.user_id is not None and member.user_id == grants.user.pk


def usual_supervisor(member: StaffMember) -> StaffMember | None:
    """The supervisor of the worker's latest session held in casegrip."""
    latest = (
        SupervisionSession.objects.filter(supervisee=member, status__in=HELD_STATUSES)
        .select_related("supervisor")
        .order_by("-held_on", "-pk")
        .first()
    )
    return latest.supervisor if latest else None


def may_record_for(grants: Grants, member: StaffMember) -> bool:
    if grants.has(Permission.RECORD_SUPERVISION, member.unit):
        return True
    supervisor = usual_supervisor(member)
    return supervisor is not None and is_self(grants, supervisor)


def may_view_worker(grants: Grants, member: StaffMember) -> bool:
    return (
        is_self(grants, member)
        or grants.has(Permission.VIEW_TEAM_DETAIL, member.unit)
        or may_record_for(grants, member)
    )


def may_change(grants: Grants, session: SupervisionSession) -> bool:
    """Record, schedule, cancel and add decisions: the supervisor or a recorder for the unit."""
    return is_self(grants, session.supervisor) or grants.has(
        Permission.RECORD_SUPERVISION, session.supervisee.unit
    )


def may_view_session(grants: Grants, session: SupervisionSession) -> bool:
    return (
        may_change(grants, session)
        or is_self(grants, session.supervisee)
        or grants.has(Permission.VIEW_TEAM_DETAIL, session.supervisee.unit)
    )


def may_sign(grants: Grants, session: SupervisionSession) -> str:
    """Which signature the user may give: "supervisee", "supervisor" or "" (none)."""
    if is_self(grants, session.supervisee):
        return "supervisee"
    if is_self(grants, session.supervisor):
        return "supervisor"
    return ""


def child_view(session: SupervisionSession, child_id: str) -> ChildView:
    """The access target of a decision: the child, in the supervisee's unit, as the
    supervisee's case."""
    supervisee = session.supervisee
    workers = (supervisee.professional_id,) if supervisee.professional_id else ()
    return ChildView(ChildRef(child_id, units=(supervisee.unit,), worker_ids=workers))

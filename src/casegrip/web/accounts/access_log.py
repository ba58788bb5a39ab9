"""Writing the access log: the only way child-level views and exports are recorded."""

from collections.abc import Iterable

from django.http import HttpRequest

from casegrip.web.organisation.models import OrgUnit

from .models import AccessLog


def record_access(
    request: HttpRequest,
    *,
    what: str,
    action: str = AccessLog.Action.VIEW,
    unit: OrgUnit | None = None,
    child_id: str = "",
    child_ids: Iterable[str] = (),
) -> AccessLog:
    """Record that the signed-in user saw or exported a child's data or a list of children."""
    return AccessLog.objects.create(
        user=request.user,
        action=action,
        what=what[:200],
        path=request.get_full_path()[:500],
        unit=unit,
        child_id=child_id,
        child_ids=sorted(set(child_ids)),
    )


def record_refusal(request: HttpRequest, target: object, *, what: str) -> AccessLog | None:
    """Record a refused attempt to see child-level data, so that probing shows up in the log."""
    from .access import CaseloadView, ChildView

    if not request.user.is_authenticated:
        return None
    match target:
        case ChildView(child):
            return record_access(
                request, what=what, action=AccessLog.Action.DENIED, child_id=child.child_id
            )
        case CaseloadView(worker):
            return record_access(
                request, what=what, action=AccessLog.Action.DENIED, unit=worker.unit
            )
    return None


def record_command_access(
    user,
    *,
    what: str,
    command: str,
    action: str = AccessLog.Action.EXPORT,
    unit: OrgUnit | None = None,
    child_ids: Iterable[str] = (),
) -> AccessLog:
    """Record child-level output of a command-line tool, which runs as a casegrip user too."""
    return AccessLog.objects.create(
        user=user,
        action=action,
        what=what[:200],
        path=f"cli: {command}"[:500],
        unit=unit,
        child_ids=sorted(set(child_ids)),
    )

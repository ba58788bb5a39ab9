from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casegrip.web.navigation import sections_for

from .access import grants
from .roles import CHILD_LEVEL, Permission, get_role


def home(request: HttpRequest) -> HttpResponse:
    """Who you are, what you may see, and where to go from here."""
    user_grants = grants(request)
    assignments = [
        {"role": get_role(a.role), "unit": a.unit}
        for a in request.user.role_assignments.select_related("unit")
    ]
    child_level = any(user_grants.has(p) for p in CHILD_LEVEL)
    return render(
        request,
        "home.html",
        {
            "assignments": assignments,
            "sections": sections_for(request),
            "child_level": child_level,
            "own_caseload_only": child_level and not user_grants.has(Permission.VIEW_CHILD_RECORDS),
            "suppressed": not user_grants.has(Permission.VIEW_SMALL_NUMBERS),
            "aggregate_units": user_grants.top_units(Permission.VIEW_AGGREGATES),
            "child_units": user_grants.top_units(Permission.VIEW_CHILD_RECORDS),
        },
    )

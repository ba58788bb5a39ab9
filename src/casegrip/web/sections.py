"""Shared by the section apps: the gate every section's pages pass through."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casegrip.store.live import live_snapshot
from casegrip.web.accounts.access import grants
from casegrip.web.navigation import SECTIONS_BY_APP, Section


def require_section(request: HttpRequest, app: str) -> Section:
    """The section, or 403 when none of the user's roles opens it."""
    section = SECTIONS_BY_APP[app]
    user_grants = grants(request)
    if not any(user_grants.has(p) for p in section.permissions):
        raise PermissionDenied
    return section


def render_section(request: HttpRequest, app: str, **context: object) -> HttpResponse:
    """A section's landing page, ``<app>/index.html``, with the section and the live snapshot."""
    section = require_section(request, app)
    return render(
        request,
        f"{app}/index.html",
        {
            "section": section,
            "grants": grants(request),
            **context,
            # A view that already read the live pointer passes it, so it is read once.
            "snapshot": context["snapshot"] if "snapshot" in context else live_snapshot(),
        },
    )

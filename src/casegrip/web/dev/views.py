from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casegrip.web.accounts.access import grants
from casegrip.web.accounts.roles import Permission


def components(request: HttpRequest) -> HttpResponse:
    """The gallery of every component casegrip uses, for developers and administrators."""
    if not (settings.DEBUG or grants(request).has(Permission.ADMINISTER)):
        raise PermissionDenied
    return render(request, "dev/components.html")

"""The Django admin is for casegrip administrators only, whatever flags a user carries."""

from django.contrib.admin import AdminSite
from django.http import HttpRequest

from .accounts.access import grants
from .accounts.roles import Permission


def restrict_admin_to_administrators(site: AdminSite) -> None:
    def has_permission(request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and grants(request).has(Permission.ADMINISTER))

    site.has_permission = has_permission
    site.site_header = "casegrip administration"
    site.site_title = "casegrip administration"

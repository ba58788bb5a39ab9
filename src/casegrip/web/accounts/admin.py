from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AccessLog, AuditEvent, LoginFailure, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["unit"]
    readonly_fields = ["granted_at", "granted_by"]


@admin.register(User)
class CasegripUserAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are evidence: nobody edits or deletes them, not even administrators."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "what", "child_id", "unit"]
    list_filter = ["action", "at"]
    search_fields = ["child_id", "user__username", "what"]
    date_hierarchy = "at"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "verb", "object_type", "object_id"]
    list_filter = ["verb", "object_type"]


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "address"]
    search_fields = ["username", "address"]

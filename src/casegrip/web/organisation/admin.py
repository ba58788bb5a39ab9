from django.contrib import admin

from .models import OrgUnit, StaffMember


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "source_id", "la_code"]
    list_filter = ["kind"]
    search_fields = ["name", "source_id"]
    readonly_fields = ["path"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "unit", "professional_id", "is_asye", "active"]
    list_filter = ["is_asye", "active", "unit"]
    search_fields = ["name", "professional_id"]
    autocomplete_fields = ["unit", "user"]

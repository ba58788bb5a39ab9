"""The oversight record of the performance clinic: the actions agreed, followed up next month."""

from django.conf import settings
from django.db import models

from casegrip.web.organisation.models import OrgUnit, StaffMember


class ClinicAction(models.Model):
    """An action agreed at a unit's performance clinic for a month, with an owner and a due
    date; next month's pack lists it with its status."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="clinic_actions")
    month = models.DateField(help_text="The last day of the month the clinic looked at.")
    measure_id = models.CharField("indicator", max_length=64, blank=True)
    text = models.TextField("action")
    owner = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    status_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

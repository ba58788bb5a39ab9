"""Users, their role assignments, the access log and failed sign-ins."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from casegrip.web.organisation.models import OrgUnit

from .roles import ROLE_CHOICES, get_role


class User(AbstractUser):
    """A person who signs in to casegrip."""

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role held on a unit of the organisation tree, applying to everything below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="role_assignments")
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["user__username", "unit__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="unique_role_on_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} is {get_role(self.role).name} for {self.unit}"


class AccessLog(models.Model):
    """Who saw or exported which child's data, or which list of children, and when.

    Written only through ``casegrip.web.accounts.access_log.record_access``.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        DENIED = "denied", "Refused"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    what = models.CharField(max_length=200, help_text="The page or export, in words.")
    path = models.CharField(max_length=500)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT)
    child_id = models.CharField(max_length=64, blank=True, db_index=True)
    child_ids = models.JSONField(default=list, blank=True, help_text="The children on a list.")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.what}"


class LoginFailure(models.Model):
    """A failed sign-in, kept for throttling and for the security team."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} from {self.address or 'unknown'}"


class AuditEvent(models.Model):
    """A change someone made to the oversight record: who, when, what and to which object.

    Written only through ``casegrip.web.accounts.audit.record_event``, inside the action that
    made the change, so the change and its record commit or roll back together.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.verb} {self.object_type}"

"""IRO and CP chair escalations (dispute resolution): the escalation and its formal stages.

Written only through ``actions``; each change is kept in the audit log (``AuditEvent``) with
who and when, and the escalation page reads its history from there.
"""

from datetime import date

from django.conf import settings
from django.db import models

from casegrip.web.organisation.models import OrgUnit, StaffMember

LAST_STAGE = 4
# The 20-working-day ceiling on the formal process, from the IRO Handbook (2010) section 6.2.
IRO_LIMIT_WORKING_DAYS = 20
DEFAULT_RESPONSE_WORKING_DAYS = 5


class RaiserRole(models.TextChoices):
    IRO = "iro", "IRO"
    CP_CHAIR = "cp-chair", "CP chair"


class PlanType(models.TextChoices):
    CLA = "cla", "Child looked after (CLA)"
    CP = "cp", "Child protection (CP)"


class Category(models.TextChoices):
    PROCESS = "process", "Process"
    PRACTICE = "practice", "Practice"
    RESOURCE = "resource", "Resource"


class Subcategory(models.TextChoices):
    DRIFT_DELAY = "drift-delay", "Drift and delay"
    ALLOCATION = "allocation", "No allocated social worker"
    CARE_PLAN = "care-plan", "Care plan"
    PERMANENCE = "permanence", "Permanence"
    PLACEMENT = "placement", "Placement"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    VISITS = "visits", "Visits not done"
    REPORTS = "reports-not-shared", "Reports not shared in time"
    CORE_GROUP = "core-group", "Core group"
    PARTICIPATION = "participation", "Child participation"
    OTHER = "other", "Other"


class AddresseeRole(models.TextChoices):
    """Role slugs as in ``accounts.roles``, so a stage's addressee can be found by role."""

    TEAM_MANAGER = "team-manager", "Team manager"
    SERVICE_MANAGER = "service-manager", "Service manager"
    HEAD_OF_SERVICE = "head-of-service", "Head of service"
    DIRECTOR = "director", "Director"


STAGE_ROLES = {
    1: AddresseeRole.TEAM_MANAGER,
    2: AddresseeRole.SERVICE_MANAGER,
    3: AddresseeRole.HEAD_OF_SERVICE,
    4: AddresseeRole.DIRECTOR,
}


class Status(models.TextChoices):
    INFORMAL = "informal", "Informal"
    ISSUED = "issued", "Awaiting response"
    RESPONDED = "responded", "Response received"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CAFCASS = "cafcass", "Referred to Cafcass"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (Status.INFORMAL, Status.ISSUED, Status.RESPONDED)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    PARTIALLY = "partially", "Partially resolved"
    UNRESOLVED = "unresolved", "Unresolved"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CAFCASS = "cafcass", "Referred to Cafcass"


class Escalation(models.Model):
    """A dispute raised by an IRO or CP chair about a child's plan, informal first, then
    through formal stages addressed to more senior managers."""

    ref = models.CharField(max_length=16, unique=True, editable=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by_role = models.CharField(max_length=16, choices=RaiserRole.choices)
    child_id = models.CharField("child", max_length=64, db_index=True)
    team = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="escalations",
        help_text="The child's team when the escalation was raised.",
    )
    plan_type = models.CharField(max_length=8, choices=PlanType.choices)
    category = models.CharField(max_length=16, choices=Category.choices)
    subcategory = models.CharField(max_length=32, choices=Subcategory.choices)
    description = models.TextField()
    desired_outcome = models.TextField()
    informal_logged_at = models.DateField(help_text="When the informal approach was made.")
    informal_note_on_child_file = models.BooleanField(default=False)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INFORMAL)
    current_stage = models.PositiveSmallIntegerField(default=0, help_text="0: informal.")
    formal_started_at = models.DateField(null=True, blank=True)
    overall_deadline = models.DateField(
        null=True, blank=True, help_text="IRO escalations: 20 working days from the formal start."
    )
    resolved_at = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateField(null=True, blank=True)
    cafcass_referred_at = models.DateField(null=True, blank=True)
    cafcass_concurrent = models.BooleanField(
        default=False, help_text="The dispute resolution process carries on beside the referral."
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    plan_changed = models.BooleanField(null=True, blank=True)
    closed_at = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-informal_logged_at", "-pk"]
        indexes = [models.Index(fields=["status", "current_stage"])]

    def __str__(self) -> str:
        return self.ref

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_formal(self) -> bool:
        return self.formal_started_at is not None

    @property
    def has_iro_limit(self) -> bool:
        return self.raised_by_role == RaiserRole.IRO

    @property
    def drp_ended_at(self) -> date | None:
        """When the dispute resolution process stopped: resolved, withdrawn, handed to Cafcass
        (not concurrently) or closed unresolved."""
        if self.resolved_at:
            return self.resolved_at
        if self.withdrawn_at:
            return self.withdrawn_at
        if self.cafcass_referred_at and not self.cafcass_concurrent:
            return self.cafcass_referred_at
        return self.closed_at

    def current(self) -> "EscalationStage | None":
        if not self.current_stage:
            return None
        # Through .all() so that a list with the stages prefetched asks nothing more.
        return next((s for s in self.stages.all() if s.number == self.current_stage), None)


class EscalationStage(models.Model):
    """One formal stage: issued to an addressee, with a response due in working days."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Not accepted"
        NO_RESPONSE = "no-response", "Escalated without a response"

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    addressee_role = models.CharField(max_length=32, choices=AddresseeRole.choices)
    addressee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    addressee_staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateField()
    response_working_days = models.PositiveSmallIntegerField()
    response_due = models.DateField()
    responded_at = models.DateField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_text = models.TextField(blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    decided_at = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    bypassed = models.BooleanField(
        default=False, help_text="Issued straight to this stage, past one or more below it."
    )
    bypass_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["escalation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "number"], name="one_stage_per_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=LAST_STAGE), name="stage_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.escalation.ref} stage {self.number}"

    @property
    def addressee_name(self) -> str:
        if self.addressee_staff:
            return self.addressee_staff.name
        if self.addressee_user:
            return str(self.addressee_user)
        return ""

    def responded_in_time(self) -> bool | None:
        """None while unanswered."""
        if self.responded_at is None:
            return None
        return self.responded_at <= self.response_due

    def is_overdue(self, today: date) -> bool:
        return (
            self.responded_at is None
            and self.decision == ""
            and self.escalation.status == Status.ISSUED
            and today > self.response_due
        )

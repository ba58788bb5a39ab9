"""Supervision: the policy (versioned data), each worker's ASYE start, sessions recorded in
casegrip and the decisions about children made in them.

Written only through ``actions``; each change is kept in the audit log (``AuditEvent``) with who
and when, and the session page reads its history from there. Sessions recorded in the case
record (``ssd_supervision``) are read from the live snapshot, not copied here, unless someone
brings one in to add decisions or sign it off (``source`` says which).
"""

from django.conf import settings
from django.db import models

from casegrip.web.organisation.models import StaffMember

from . import supervision_policy as sp


class SupervisionPolicy(models.Model):
    """One version of the supervision policy, in force from ``effective_from`` until the next
    version starts. Old versions are kept so that a past month is judged by the rules of then."""

    effective_from = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    asye_weekly_weeks = models.PositiveSmallIntegerField(
        "ASYE weekly for the first (weeks)", default=6
    )
    asye_fortnightly_weeks = models.PositiveSmallIntegerField(
        "ASYE fortnightly until (weeks)", default=26
    )
    standard_months = models.PositiveSmallIntegerField(
        "everyone else every (calendar months)", default=1
    )
    minimum_minutes = models.PositiveSmallIntegerField(default=90)
    short_sessions_count = models.BooleanField(
        default=True,
        help_text="Whether a session shorter than the minimum still counts towards the "
        "frequency (it is reported as short either way).",
    )
    qualifying_types = models.JSONField(
        default=sp.default_qualifying_types,
        help_text="Session types that meet the frequency rule.",
    )
    exempt_job_titles = models.JSONField(
        default=sp.default_exempt_job_titles,
        blank=True,
        help_text="Job titles outside the frequency rule (compared without case).",
    )
    source = models.TextField(blank=True, help_text="Where the rules come from.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["effective_from"]
        verbose_name_plural = "supervision policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(asye_fortnightly_weeks__gte=models.F("asye_weekly_weeks")),
                name="supervision_policy_asye_phases_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(standard_months__gte=1), name="supervision_policy_months_1_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from:%-d %B %Y})"

    def rules(self) -> sp.Rules:
        return sp.Rules(
            effective_from=self.effective_from,
            name=self.name,
            asye_weekly_weeks=self.asye_weekly_weeks,
            asye_fortnightly_weeks=self.asye_fortnightly_weeks,
            standard_months=self.standard_months,
            minimum_minutes=self.minimum_minutes,
            short_sessions_count=self.short_sessions_count,
            qualifying_types=frozenset(self.qualifying_types),
            exempt_job_titles=frozenset(t.lower() for t in self.exempt_job_titles),
        )


class AsyeStart(models.Model):
    """When a worker started their assessed and supported year in employment: the ASYE rules
    count weeks from it. Kept here rather than on ``StaffMember``, which the organisation app
    owns."""

    staff = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="asye_start")
    started_on = models.DateField("ASYE start date")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ASYE start"

    def __str__(self) -> str:
        return f"{self.staff}: ASYE from {self.started_on:%-d %B %Y}"


class SessionType(models.TextChoices):
    ONE_TO_ONE = sp.ONE_TO_ONE, "One-to-one"
    GROUP = sp.GROUP, "Group"
    REFLECTIVE = sp.REFLECTIVE, "Reflective"
    ASYE = sp.ASYE, "ASYE"
    # Only the case record records ad hoc sessions; casegrip keeps the type when one is brought in.
    AD_HOC = sp.AD_HOC, "Ad hoc"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    RECORDED = "recorded", "Recorded"
    SIGNED_OFF = "signed_off", "Signed off"
    CANCELLED = "cancelled", "Cancelled"


HELD_STATUSES = (SessionStatus.HELD, SessionStatus.RECORDED, SessionStatus.SIGNED_OFF)


class SessionSource(models.TextChoices):
    CASEGRIP = sp.CASEGRIP, "casegrip"
    CASE_RECORD = sp.CASE_RECORD, "Case record"


class SupervisionSession(models.Model):
    """A supervision session: scheduled, held, its record written, signed by both, or
    cancelled."""

    supervisee = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    supervisor = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="supervision_given"
    )
    held_on = models.DateField("date", help_text="When it was held (or is to be held).")
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    session_type = models.CharField(
        "type", max_length=16, choices=SessionType.choices, default=SessionType.ONE_TO_ONE
    )
    status = models.CharField(max_length=16, choices=SessionStatus.choices)
    wellbeing_notes = models.TextField("wellbeing and support", blank=True)
    workload_notes = models.TextField("workload", blank=True)
    learning_notes = models.TextField("learning and development", blank=True)
    supervisee_signed_on = models.DateField(null=True, blank=True)
    supervisor_signed_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    source = models.CharField(
        max_length=16, choices=SessionSource.choices, default=SessionSource.CASEGRIP
    )
    case_record_id = models.CharField(
        max_length=64, blank=True, help_text="supe_supervision_id, for a session brought in."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["supervisee", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supervisee=models.F("supervisor")),
                name="supervision_not_self",
            ),
            models.UniqueConstraint(
                fields=["case_record_id"],
                condition=~models.Q(case_record_id=""),
                name="supervision_case_record_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Supervision of {self.supervisee} on {self.held_on:%-d %B %Y}"

    @property
    def is_held(self) -> bool:
        return self.status in HELD_STATUSES

    @property
    def is_open(self) -> bool:
        """Its record can still change: held or recorded, not yet signed off."""
        return self.status in (SessionStatus.HELD, SessionStatus.RECORDED)


class CaseDecision(models.Model):
    """A management decision about a child made in supervision, with its rationale. The child
    is named by their id in the case record; nothing else about them is kept here."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.PROTECT, related_name="decisions"
    )
    child_id = models.CharField("child", max_length=64, db_index=True)
    summary = models.TextField("current situation")
    decision = models.TextField("management decision")
    rationale = models.TextField()
    next_review_on = models.DateField("next review date", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return f"Decision {self.pk} in {self.session}"

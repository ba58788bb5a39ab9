"""The oversight record of quality assurance: tools, programmes, audits, moderation, the actions
they raise and the safeguarding escalations an audit can open.

A child appears only by the case record's id. Grades and states change only through
``actions.py``, which writes an audit event for every change; the original grade and the
moderated one are both kept, never overwritten.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from casegrip.web.organisation.models import OrgUnit, StaffMember

from . import states
from .toolkit import ToolDefinition, parse_scheme, parse_tool

USER = settings.AUTH_USER_MODEL


class GradingScheme(models.Model):
    """Ordered grades (best first) kept as data; a tool names the scheme it grades on."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    levels = models.JSONField()

    def __str__(self) -> str:
        return self.name

    @property
    def scheme(self):
        return parse_scheme({"code": self.code, "name": self.name, "levels": self.levels})


class AuditTool(models.Model):
    """One version of an audit tool. A live or retired version is never edited."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        RETIRED = "retired", "Retired"

    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, default="case")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    grading_scheme = models.ForeignKey(GradingScheme, on_delete=models.PROTECT)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="audittool_slug_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def tool(self) -> ToolDefinition:
        return parse_tool(self.definition)


class QualityTarget(models.Model):
    """A QA target from a date on (a trajectory is several rows): the latest effective row on
    or before a month's end applies to that month."""

    class Measure(models.TextChoices):
        GOOD_OR_BETTER = "good_or_better", "Audits graded good or better (%)"
        INADEQUATE = "inadequate", "Audits graded inadequate (%)"
        COMPLETION = "completion", "Audits completed by their due date (%)"
        ACTIONS_ON_TIME = "actions_on_time", "Audit actions completed on time (%)"

    measure = models.CharField(max_length=32, choices=Measure.choices)
    effective_from = models.DateField()
    value = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["measure", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "effective_from"], name="qualitytarget_measure_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} from {self.effective_from}: {self.value}"


class AuditProgramme(models.Model):
    """A month's (or a theme's) audits for a unit: how the sample is drawn and who audits."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly case file audit"
        THEMATIC = "thematic", "Thematic audit"
        DIP_SAMPLE = "dip_sample", "Dip sample"
        PRACTICE_WEEK = "practice_week", "Practice week"

    class Status(models.TextChoices):
        DRAFT = "draft", "Not yet allocated"
        ALLOCATED = "allocated", "Allocated"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MONTHLY)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="audit_programmes")
    month = models.DateField(help_text="The first day of the month the audits are due in.")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT)
    theme = models.CharField(max_length=200, blank=True)
    per_team = models.PositiveSmallIntegerField(default=2)
    case_types = models.JSONField(default=list)
    exclude_months = models.PositiveSmallIntegerField(default=12)
    chosen_children = models.JSONField(default=list, blank=True)
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sample_note = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "name"]

    def __str__(self) -> str:
        return self.name


class Audit(models.Model):
    """One child's case file audited with one tool version."""

    Status = models.TextChoices("Status", [(k, v) for k, v in states.AUDIT.labels.items()])

    programme = models.ForeignKey(AuditProgramme, on_delete=models.PROTECT, related_name="audits")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="audits")
    child_id = models.CharField(max_length=64)
    case_type = models.CharField(max_length=8, blank=True)
    team = models.ForeignKey(OrgUnit, null=True, on_delete=models.PROTECT, related_name="+")
    worker_id = models.CharField(max_length=64, blank=True)
    auditor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="audits")
    due_date = models.DateField()
    status = models.CharField(max_length=16, default="allocated")
    responses = models.JSONField(default=dict, blank=True)  # question id -> {answer, evidence}
    theme_grades = models.JSONField(default=dict, blank=True)  # theme -> {grade, rationale}
    overall_grade = models.CharField(max_length=16, blank=True)
    overall_rationale = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    child_at_risk = models.BooleanField(default=False)
    final_grade = models.CharField(max_length=16, blank=True)
    final_theme_grades = models.JSONField(default=dict, blank=True)
    grade_source = models.CharField(max_length=16, blank=True)  # auditor / moderated
    exemption_reason = models.TextField(blank=True)
    exemption_requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exemption_approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)
    allocated_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["child_id"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Audit {self.pk}"

    @property
    def status_label(self) -> str:
        return states.AUDIT.labels[self.status]


class Moderation(models.Model):
    """A second look at a submitted audit. The original grades stay on the audit."""

    class Reason(models.TextChoices):
        INADEQUATE = "inadequate", "Every Inadequate audit"
        OUTSTANDING = "outstanding", "Every Outstanding audit"
        RANDOM = "random", "Random share"
        NEW_AUDITOR = "new_auditor", "A new auditor's first audits"
        DISPUTED = "disputed", "Grade disputed"

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="moderations")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    dispute_note = models.TextField(blank=True)
    selected_at = models.DateTimeField(default=timezone.now)
    moderator = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderations"
    )
    original_grade = models.CharField(max_length=16)
    moderated_grade = models.CharField(max_length=16, blank=True)
    theme_changes = models.JSONField(default=dict, blank=True)  # theme -> [original, moderated]
    rationale = models.TextField(blank=True)
    learning_for_auditor = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-selected_at", "pk"]

    def __str__(self) -> str:
        return f"Moderation {self.pk}"


class AuditAction(models.Model):
    """An action from an audit, a moderation or a thematic programme, through to verified."""

    Status = models.TextChoices("Status", [(k, v) for k, v in states.ACTION.labels.items()])

    class Priority(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate (1 working day)"
        HIGH = "high", "High (5 working days)"
        STANDARD = "standard", "Standard (20 working days)"

    class Category(models.TextChoices):
        CASE = "case", "For this child"
        TEAM = "team", "For the team"
        SYSTEMIC = "systemic", "For the service"
        TRAINING = "training", "Training"

    audit = models.ForeignKey(
        Audit, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    moderation = models.ForeignKey(
        Moderation, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    programme = models.ForeignKey(
        AuditProgramme, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    child_id = models.CharField(max_length=64, blank=True)
    team = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.CASE)
    owner = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="audit_actions")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.STANDARD)
    due_date = models.DateField()
    status = models.CharField(max_length=12, default="open")
    completed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(max_length=32, blank=True)
    effectiveness = models.CharField(max_length=16, blank=True)
    status_note = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def status_label(self) -> str:
        return states.ACTION.labels[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in states.ACTION_OPEN_STATES


class SafeguardingConcern(models.Model):
    """A 'child left at risk' finding: raised to a named manager, who must acknowledge it."""

    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="concern")
    child_id = models.CharField(max_length=64)
    team = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    concern = models.TextField()
    manager = models.ForeignKey(
        StaffMember, null=True, on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    raised_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledge_by = models.DateField(help_text="The working day it must be acknowledged by.")
    status = models.CharField(max_length=16, default="raised")
    acknowledged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    immediate_action = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"Safeguarding escalation {self.pk}"

    @property
    def status_label(self) -> str:
        return states.CONCERN.labels[self.status]

"""Improvement plans: a post-inspection action plan or a Single Service Plan, its
recommendations (or priorities), their actions and the dated progress notes on each action.

Aggregate only: nothing here names a child. Every change goes through ``actions.py``, which
writes an audit event, so each object's history (who, what, when) is in ``AuditEvent``.
"""

from django.conf import settings
from django.db import models

from casegrip.web.organisation.models import OrgUnit

from . import states
from .brag import DEFAULT_AMBER_WITHIN, Brag

USER = settings.AUTH_USER_MODEL


class ImprovementPlan(models.Model):
    class Kind(models.TextChoices):
        POST_INSPECTION = "post_inspection", "Post-inspection action plan"
        SINGLE_SERVICE = "single_service", "Single Service Plan"

    Status = models.TextChoices("Status", [(k, v) for k, v in states.PLAN.labels.items()])

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="improvement_plans")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.POST_INSPECTION)
    source = models.CharField(
        max_length=300, blank=True, help_text="The inspection report, DfE notice or review."
    )
    source_date = models.DateField(null=True, blank=True)
    governance_body = models.CharField(max_length=200, blank=True)
    chair = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, default="draft")
    workstreams = models.JSONField(default=list, blank=True)  # names, in order
    amber_within = models.PositiveSmallIntegerField(
        default=DEFAULT_AMBER_WITHIN,
        help_text="An open action due within this many working days is amber.",
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        return states.PLAN.labels[self.status]


class Recommendation(models.Model):
    """An inspection recommendation, or a priority of a Single Service Plan."""

    plan = models.ForeignKey(
        ImprovementPlan, on_delete=models.PROTECT, related_name="recommendations"
    )
    ref = models.CharField(max_length=16)
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    workstream = models.CharField(max_length=200, blank=True)
    lead = models.CharField(max_length=200, blank=True)
    performance_framework = models.TextField(
        "Performance management framework",
        blank=True,
        help_text="Where the outcomes and metrics are reported, such as the performance clinic.",
    )
    success_measures = models.TextField(
        blank=True, help_text="The measures in the plan's own words, with their targets."
    )
    # Catalogue indicators: [{"measure_id": str, "target": float | None, "tolerance": float}]
    measures = models.JSONField(default=list, blank=True)
    partnership_focus = models.TextField(blank=True)
    link_plans = models.JSONField(default=list, blank=True)  # strategy or plan names
    governance_body = models.CharField(max_length=300, blank=True)
    impact = models.TextField("Impact statement", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="recommendation_plan_ref")
        ]

    def __str__(self) -> str:
        return f"{self.ref}. {self.text[:60]}"


class PlanAction(models.Model):
    Status = models.TextChoices("Status", [(k, v) for k, v in states.ACTION.labels.items()])

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    ref = models.CharField(max_length=16)
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    lead = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, help_text="Empty: ongoing.")
    timescale = models.CharField(
        max_length=200, blank=True, help_text="The timescale as the plan words it."
    )
    status = models.CharField(max_length=20, default=states.NOT_DUE)
    completed_on = models.DateField(null=True, blank=True)
    impact_evidenced_on = models.DateField(null=True, blank=True)
    brag_override = models.CharField(
        max_length=8, blank=True, choices=[(b.value, b.label) for b in Brag]
    )
    brag_override_reason = models.TextField(blank=True)
    brag_override_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    brag_override_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["recommendation", "position", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "ref"], name="planaction_rec_ref")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.text[:60]}"

    @property
    def status_label(self) -> str:
        return states.ACTION.labels[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in states.OPEN


class ProgressNote(models.Model):
    """A dated note on an action, with the status the action had when it was written."""

    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="notes")
    on = models.DateField()
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL)
    author_name = models.CharField(max_length=200, blank=True)
    note = models.TextField()
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"Note of {self.on}"

    @property
    def status_label(self) -> str:
        return states.ACTION.labels.get(self.status, self.status)

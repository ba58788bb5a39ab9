"""The risk register (practice.md 6.4): matrix versions, registers at team, service and
directorate level, risks, and every rating of a risk.

Changes go through ``actions.py`` only, which keeps each rating as a new row and records who
made each change and when. A rating keeps the score, band and direction worked out when it was
made, from the matrix in force on its date.
"""

from datetime import date

from django.conf import settings
from django.db import models

from casegrip.web.organisation.models import OrgUnit

from . import scoring

USER = settings.AUTH_USER_MODEL


class RiskMatrix(models.Model):
    """One version of the banding: it applies to ratings dated on or after ``effective_from``
    until the next version."""

    name = models.CharField(max_length=200)
    effective_from = models.DateField(unique=True)
    bands = models.JSONField(help_text="Bands, lowest scores first: key, label, lowest, ...")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "risk matrices"

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from:%-d %B %Y})"

    @property
    def matrix(self) -> scoring.Matrix:
        return scoring.parse_matrix(self.bands)


def matrix_in_force(on: date) -> RiskMatrix | None:
    """The matrix version that applies on ``on`` (None before the first one)."""
    return RiskMatrix.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def bands_in_force(on: date) -> scoring.Matrix:
    found = matrix_in_force(on)
    return found.matrix if found else scoring.DEFAULT_MATRIX


class Level(models.TextChoices):
    TEAM = "team", "Team"
    SERVICE = "service", "Service"
    DIRECTORATE = "directorate", "Directorate"


class RiskRegister(models.Model):
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=16, choices=Level.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="risk_registers")
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="risk_registers")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding"
    WORKFORCE = "workforce", "Workforce"
    DEMAND = "demand", "Demand"
    FINANCIAL = "financial", "Financial"
    REPUTATIONAL = "reputational", "Reputational"
    LEGAL = "legal", "Legal and regulatory"
    PARTNERSHIP = "partnership", "Partnership"
    IT_DATA = "it_data", "IT and data"
    INSPECTION = "inspection", "Inspection"


class Appetite(models.TextChoices):
    AVERSE = "averse", "Averse"
    MINIMAL = "minimal", "Minimal"
    CAUTIOUS = "cautious", "Cautious"
    OPEN = "open", "Open"
    EAGER = "eager", "Eager"


class Response(models.TextChoices):
    TOLERATE = "tolerate", "Tolerate"
    TREAT = "treat", "Treat"
    TRANSFER = "transfer", "Transfer"
    TERMINATE = "terminate", "Terminate"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    TREATING = "treating", "Being treated"
    MONITORING = "monitoring", "Monitoring"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"


class Risk(models.Model):
    register = models.ForeignKey(RiskRegister, on_delete=models.PROTECT, related_name="risks")
    ref = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=16, choices=Category.choices)
    cause = models.TextField()
    event = models.TextField()
    consequence = models.TextField()
    controls = models.TextField(blank=True, help_text="Existing controls, one a line.")
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="risks_owned")
    date_identified = models.DateField()
    appetite_level = models.CharField(max_length=16, choices=Appetite.choices)
    appetite_threshold = models.PositiveSmallIntegerField(
        help_text="The highest current score within appetite (1 to 25)."
    )
    response = models.CharField(max_length=16, choices=Response.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    linked_measures = models.JSONField(default=list, blank=True)
    # Kept by actions.rescore so that lists filter and sort without a query per risk.
    latest = models.ForeignKey(
        "RiskAssessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_review_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["register__name", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["register", "ref"], name="risk_unique_ref"),
            models.CheckConstraint(
                condition=models.Q(appetite_threshold__gte=1, appetite_threshold__lte=25),
                name="risk_appetite_1_25",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    def review_overdue(self, today: date) -> bool:
        return self.is_open and self.next_review_date is not None and self.next_review_date < today

    @property
    def control_lines(self) -> list[str]:
        return [line.strip() for line in self.controls.splitlines() if line.strip()]


def _rating_range(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
        name=f"riskassessment_{field}_1_5",
    )


RATING_FIELDS = (
    "inherent_likelihood",
    "inherent_impact",
    "current_likelihood",
    "current_impact",
    "target_likelihood",
    "target_impact",
)


class Direction(models.TextChoices):
    UP = scoring.UP, "Worse"
    DOWN = scoring.DOWN, "Better"
    SAME = scoring.SAME, "No change"
    NEW = scoring.NEW, "New"


class RiskAssessment(models.Model):
    """One rating of a risk: never edited, a re-rating is a new row."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    current_likelihood = models.PositiveSmallIntegerField()
    current_impact = models.PositiveSmallIntegerField()
    target_likelihood = models.PositiveSmallIntegerField()
    target_impact = models.PositiveSmallIntegerField()
    target_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField(help_text="Current likelihood x impact.")
    matrix = models.ForeignKey(
        RiskMatrix, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    band = models.CharField(max_length=16)
    band_label = models.CharField(max_length=64)
    band_colour = models.CharField(max_length=16)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    appetite_threshold = models.PositiveSmallIntegerField()
    above_appetite = models.BooleanField()
    next_review_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessed_on", "pk"]
        constraints = [_rating_range(field) for field in RATING_FIELDS]

    def __str__(self) -> str:
        return f"{self.risk.ref} on {self.assessed_on}: {self.score}"

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_impact

    @property
    def arrow(self) -> str:
        return scoring.DIRECTION_ARROWS[self.direction]

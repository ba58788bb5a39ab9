"""Imports started from the Data page: each is a row that the background task keeps up to date.

The case record itself never enters this database: a job holds the uploaded files' names and
sizes, where the task has got to, and how it ended (the snapshot it put live, or why it failed).
"""

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    """One import of an uploaded extract: the record of a background task and its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        INTERRUPTED = "interrupted", "Interrupted"

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # As uploaded: [{"name": ..., "size": ...}]. Names are the user's: always shown escaped.
    files = models.JSONField(default=list, blank=True)
    # Problems found while the upload was received (too large, not an extract file):
    # [[name, reason]]. The task fails on them first, so they reach the import history.
    refused = models.JSONField(default=list, blank=True)
    step = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    steps = models.JSONField(default=list, blank=True)  # the steps reached, in order
    error = models.TextField(blank=True)
    # Something that went wrong after the snapshot went live (figures, teams and staff).
    warning = models.TextField(blank=True)
    snapshot_id = models.CharField(max_length=64, blank=True)
    previous_snapshot_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {
            self.Status.SUCCEEDED,
            self.Status.FAILED,
            self.Status.INTERRUPTED,
        }

    @property
    def file_names(self) -> str:
        return ", ".join(f["name"] for f in self.files)


class ReturnCheck(models.Model):
    """A statutory return checked against the DfE rules: what was checked, by whom, and the
    counts; the findings themselves are a CSV file in the data directory (they name children)."""

    class Kind(models.TextChoices):
        SSDA903 = "903", "SSDA903 return"
        CIN = "cin", "CIN census"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    findings = models.PositiveIntegerField()
    children = models.PositiveIntegerField()
    rules = models.PositiveIntegerField()
    seconds = models.FloatField()
    file_name = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} checked {self.created_at:%Y-%m-%d}"

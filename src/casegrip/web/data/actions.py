"""Changes the Data section makes: starting an import from an upload, and recording its end.

Each writes in one transaction with its audit event. The case record itself changes only through
``casegrip.store.snapshots`` in the job's background task (jobs.py).
"""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from casegrip.web.accounts.audit import record_event
from casegrip.web.accounts.models import User

from .models import ImportJob
from .uploads import receive, upload_folder


def start_import(
    *, user: User, uploads: list[UploadedFile], refused: list[tuple[str, str]]
) -> ImportJob:
    """Record an import of the uploaded files, save them under the data directory and start the
    job in the background. ``refused`` holds files dropped while they were received, with why;
    a job with problems still runs, to fail at its first step and be in the import history."""
    from . import jobs  # jobs finishes through this module

    with transaction.atomic():
        job = ImportJob.objects.create(
            started_by=user,
            files=[{"name": upload.name, "size": upload.size} for upload in uploads]
            + [{"name": name, "size": None} for name, _ in refused],
        )
        job.refused = receive(uploads, upload_folder(job.pk), refused)
        job.save(update_fields=["refused"])
        record_event(user, "started import", job, files=[f["name"] for f in job.files])
    # After the commit: the job's thread reads the row through its own connection.
    jobs.start(job)
    return job


@transaction.atomic
def finish_import(
    *,
    job: ImportJob,
    status: str,
    snapshot_id: str = "",
    error: str = "",
    warning: str = "",
) -> ImportJob:
    """Record how the job ended: the snapshot it put live, or why it failed."""
    job.refresh_from_db()
    job.status = status
    job.snapshot_id = snapshot_id or job.snapshot_id
    job.error = error
    job.warning = warning
    job.finished_at = timezone.now()
    if status == ImportJob.Status.SUCCEEDED:
        job.step, job.done, job.total, job.percent = "Finished", 1, 1, 100
    job.save(
        update_fields=[
            "status",
            "snapshot_id",
            "error",
            "warning",
            "finished_at",
            "step",
            "done",
            "total",
            "percent",
        ]
    )
    record_event(None, f"import {status}", job, snapshot_id=job.snapshot_id)
    return job

"""Running an import job in the background (ADR 0008).

A job runs in a thread of the web process that started it: it checks and unpacks the upload,
reads it (``casegrip.sources``), imports it as a snapshot (``casegrip.store.snapshots``, all or
nothing, one import at a time), works out the figures the pages read (``casegrip.measures.results``)
and brings teams and staff up to date. Its progress goes to the job's row, which the job page
polls. While it runs, the thread holds a lock on a file in the job's upload folder: a job marked
running whose lock is free was stopped with its process, and ``sweep_interrupted`` says so.
"""

import fcntl
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.db import connections
from django.utils import timezone

from casegrip.config import AuthorityConfig, ConfigError, parse_config
from casegrip.engines import engine_name
from casegrip.measures.results import compute
from casegrip.model.findings import SourceError
from casegrip.sources import read_source
from casegrip.store.live import LiveSnapshot, live_snapshot
from casegrip.store.snapshots import (
    ImportFailed,
    Provenance,
    history,
    import_extract,
    record_attempt,
    snapshot_config,
)
from casegrip.web.organisation.sync import sync_from_live_snapshot

from . import actions
from .models import ImportJob
from .uploads import CONFIG_NAME, unpack, upload_folder, upload_limit

logger = logging.getLogger(__name__)

CHECKING = "Checking the upload"
READING = "Reading the extract"
FIGURES = "Working out the figures"
DUE = "Working out due lists"
SYNCING = "Updating teams and staff"
# The steps the library reports, by the name the page shows, and the share of the whole bar
# each takes (from, to), roughly as long as they take on a council's extract.
LABELS = {"figures": FIGURES, "due list": DUE, "done": DUE}
SHARES = {
    CHECKING: (0, 3),
    READING: (3, 15),
    "Loading tables": (15, 30),
    "Checking data quality": (30, 40),
    "Writing the snapshot": (40, 45),
    "Copying to PostgreSQL": (45, 50),
    FIGURES: (50, 94),
    DUE: (94, 98),
    SYNCING: (98, 100),
}
RUNNING_LOCK = ".running"
# A job is made, then its thread starts: only after this long without a thread is it stale.
QUEUE_GRACE = timedelta(minutes=2)
UNCHANGED = "The live snapshot is unchanged."


class JobProgress:
    """The progress callback of an import: writes the step, done and total to the job's row.

    A write on every call would be one per table and per measure from a thread that should be
    importing; so a new step and the end of a step are written at once, and the counting in
    between at most every ``interval`` seconds."""

    def __init__(
        self,
        job_id: int,
        *,
        interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self.interval = interval
        self.clock = clock
        self.step = ""
        self.steps: list[str] = []
        self.last = float("-inf")
        self.writes = 0

    def __call__(self, step: str, done: int, total: int) -> None:
        label = LABELS.get(step, step)
        if label == DUE:  # the figures' counters go on through it: one piece of work, not n
            done, total = (1, 1) if step == "done" else (0, 1)
        now = self.clock()
        new_step = label != self.step
        if not new_step and done < total and now - self.last < self.interval:
            return
        if new_step:
            self.step = label
            self.steps.append(label)
        start, end = SHARES.get(label, (0, 100))
        fraction = min(done / total, 1.0) if total else 0.0
        ImportJob.objects.filter(pk=self.job_id).update(
            step=label,
            done=done,
            total=total,
            percent=round(start + (end - start) * fraction),
            steps=self.steps,
        )
        self.last = now
        self.writes += 1


@contextmanager
def _alive(folder: Path) -> Iterator[None]:
    """Hold the job's lock for as long as its thread works on it."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / RUNNING_LOCK).open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_alive(job_id: int) -> bool:
    """Whether a thread, in this process or another, still works on the job."""
    path = upload_folder(job_id) / RUNNING_LOCK
    if not path.exists():
        return False
    with path.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def source_path(job: ImportJob) -> str:
    """How the import history and the provenance name an upload: unique to the job."""
    return f"upload {job.pk}"


def _went_live(job: ImportJob) -> str:
    """The snapshot the job's import put live, by the import history, or ''."""
    path = source_path(job)
    return next(
        (
            h["snapshot_id"]
            for h in history()
            if h["source_path"] == path and h["outcome"] == "succeeded"
        ),
        "",
    )


def _record_failure(job: ImportJob, reason: str) -> None:
    """Put the failure in the import history, unless the store already did."""
    path = source_path(job)
    if not any(h["source_path"] == path for h in history()):
        record_attempt(path, "failed", reason)


def _config(folder: Path) -> AuthorityConfig:
    """The upload's authority.yaml, else the one the live snapshot was imported with."""
    own = folder / CONFIG_NAME
    if own.exists():
        try:
            data = yaml.safe_load(own.read_text())
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{CONFIG_NAME}: cannot be read: {exc}") from exc
        return parse_config(data, source=CONFIG_NAME)
    live = live_snapshot()
    if live is None:
        raise ConfigError(
            "No authority configuration: the upload has no authority.yaml and no snapshot is "
            "live to take one from. Add authority.yaml to the upload (see "
            "docs/authority.example.yaml)."
        )
    return snapshot_config(live)


def _snapshot(provenance: Provenance) -> LiveSnapshot:
    # The snapshot this import made, not whatever is live by the time its figures start.
    return LiveSnapshot(
        snapshot_id=provenance.snapshot_id,
        extract_date=provenance.extract_date,
        imported_at=provenance.imported_at,
        source=provenance.source,
        engine=provenance.engine,
        location=provenance.location,
    )


def run(job_id: int) -> ImportJob:
    """Run the import job now, in this thread; returns it finished."""
    job = ImportJob.objects.get(pk=job_id)
    folder = upload_folder(job.pk)
    progress = JobProgress(job.pk)
    try:
        with _alive(folder):
            live = live_snapshot()
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.RUNNING,
                started_at=timezone.now(),
                previous_snapshot_id=live.snapshot_id if live else "",
            )
            logger.info("Import %s started", job.pk)
            _run(job, folder, progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    job.refresh_from_db()
    logger.info("Import %s finished: %s", job.pk, job.status)
    return job


def _run(job: ImportJob, folder: Path, progress: JobProgress) -> None:
    try:
        progress(CHECKING, 0, 1)
        extract_folder = unpack(folder, job.files, job.refused, upload_limit())
        config = _config(extract_folder)
        progress(CHECKING, 1, 1)
        progress(READING, 0, 1)
        extract = read_source(str(extract_folder), kind="ssd")
        try:
            progress(READING, 1, 1)
            provenance = import_extract(
                extract,
                config=config,
                source_path=source_path(job),
                engine=engine_name(),
                progress=progress,
            )
        finally:
            extract.close()  # already closed unless the import never started (another ran)
    except (SourceError, ConfigError, ImportFailed) as exc:
        _fail(job, str(exc))
        return
    except Exception as exc:
        # Only the kind of error: a message can quote a value from the case record.
        logger.error("Import %s stopped: %s", job.pk, type(exc).__name__)
        _fail(job, f"casegrip stopped with an unexpected error ({type(exc).__name__}: {exc}).")
        return

    # The snapshot is live from here on: what fails now is a warning, not a failed import.
    ImportJob.objects.filter(pk=job.pk).update(snapshot_id=provenance.snapshot_id)
    warnings = []
    try:
        compute(_snapshot(provenance), progress=progress)
    except Exception as exc:
        logger.error("Import %s: figures not worked out: %s", job.pk, type(exc).__name__)
        warnings.append(
            f"The figures could not be worked out ({type(exc).__name__}: {exc}); pages will "
            "try again when they are first opened."
        )
    try:
        progress(SYNCING, 0, 1)
        sync_from_live_snapshot()
        progress(SYNCING, 1, 1)
    except Exception as exc:
        logger.error("Import %s: teams and staff not updated: %s", job.pk, type(exc).__name__)
        warnings.append(
            f"Teams and staff could not be brought up to date ({type(exc).__name__}: {exc}); "
            "import the extract again, or ask an administrator to check the authority "
            "configuration."
        )
    actions.finish_import(
        job=job,
        status=ImportJob.Status.SUCCEEDED,
        snapshot_id=provenance.snapshot_id,
        warning=" ".join(warnings),
    )


def _fail(job: ImportJob, reason: str) -> None:
    _record_failure(job, reason)
    actions.finish_import(job=job, status=ImportJob.Status.FAILED, error=reason)


def _in_thread(job_id: int) -> None:
    try:
        run(job_id)
    except Exception as exc:  # the job's row says what happened; the thread must not crash loud
        logger.error("Import %s could not run: %s", job_id, type(exc).__name__)
    finally:
        connections.close_all()


def start(job: ImportJob) -> None:
    """Run the job in a thread of this process; at once, in this thread, when the setting
    ``CASEGRIP_RUN_IMPORTS_INLINE`` is true (tests)."""
    if getattr(settings, "CASEGRIP_RUN_IMPORTS_INLINE", False):
        run(job.pk)
        return
    threading.Thread(
        target=_in_thread, args=(job.pk,), name=f"casegrip-import-{job.pk}", daemon=True
    ).start()


def sweep_interrupted() -> list[ImportJob]:
    """Mark as interrupted the jobs whose thread is gone (its process stopped or restarted), and
    put them in the import history; returns them."""
    stale = []
    cutoff = timezone.now() - QUEUE_GRACE
    for job in ImportJob.objects.filter(
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    ):
        if job.status == ImportJob.Status.QUEUED and job.created_at > cutoff:
            continue
        if is_alive(job.pk):
            continue
        went_live = job.snapshot_id or _went_live(job)
        if went_live:
            message = (
                f"casegrip stopped after snapshot {went_live} went live; its figures will be "
                "worked out when pages first need them."
            )
        else:
            message = f"casegrip stopped before the import finished. {UNCHANGED}"
            _record_failure(job, "interrupted: casegrip stopped before the import finished")
        actions.finish_import(
            job=job,
            status=ImportJob.Status.INTERRUPTED,
            snapshot_id=went_live,
            error=message,
        )
        shutil.rmtree(upload_folder(job.pk), ignore_errors=True)
        stale.append(job)
    return stale


def active_job() -> ImportJob | None:
    """The job still running or waiting to, once the interrupted ones are swept."""
    sweep_interrupted()
    return (
        ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
        .order_by("-created_at")
        .first()
    )

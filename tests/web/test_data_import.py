"""Imports started from the Data page: upload, background job with progress, all or nothing."""

import io
import shutil
import threading
import zipfile
from functools import partial
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from casegrip.measures import results
from casegrip.measures.catalogue import MEASURES
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import history, import_lock, snapshot_config
from casegrip.web.accounts.models import AuditEvent
from casegrip.web.data import jobs
from casegrip.web.data.models import ImportJob
from casegrip.web.data.uploads import upload_folder
from casegrip.web.organisation.models import OrgUnit

from ..conftest import client_for

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "authority.example.yaml"
PERSON = b"pers_person_id,pers_dob\nC1,2015-01-01\nC2,99/99/99\n"
PROFESSIONALS = (
    b"prof_professional_id,prof_professional_name,prof_professional_job_title,"
    b"prof_professional_department\nW1,Ana Lee,Social worker,T1\n"
)
# Working out every measure takes ~20 s on the small authority; two show the figures are made.
SOME_MEASURES = [m for m in MEASURES if m.id in {"cla_rate_per_10k", "cp_rate_per_10k"}]


@pytest.fixture
def home(small, tmp_path, monkeypatch, settings):
    """The small authority live, in a data directory of this test's own (imports change it)."""
    copy = tmp_path / "home"
    shutil.copytree(small.home / "snapshots", copy / "snapshots")
    monkeypatch.setenv("CASEGRIP_HOME", str(copy))
    monkeypatch.setattr(jobs, "compute", partial(results.compute, measures=SOME_MEASURES))
    settings.CASEGRIP_RUN_IMPORTS_INLINE = True
    return copy


@pytest.fixture
def analyst(small):
    return client_for(small.user("performance-analyst", small.authority))


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def upload(client: Client, files: dict[str, bytes]):
    sent = [SimpleUploadedFile(name, data) for name, data in files.items()]
    return client.post(reverse("data:start_import"), {"files": sent})


def started(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("data:import_job", args=[job.pk])
    return job


def test_a_good_zip_puts_a_new_snapshot_live_with_its_figures(home, analyst):
    before = live_snapshot()
    extract = zipped(
        {
            "extract/ssd_person.csv": PERSON,
            "extract/ssd_professionals.csv": PROFESSIONALS,
            "extract/authority.yaml": EXAMPLE.read_bytes(),
            "__MACOSX/extract/._ssd_person.csv": b"resource fork",
        }
    )

    job = started(upload(analyst, {"extract.zip": extract}))

    assert job.status == ImportJob.Status.SUCCEEDED, job.error
    live = live_snapshot()
    assert live.snapshot_id == job.snapshot_id != before.snapshot_id
    assert job.previous_snapshot_id == before.snapshot_id
    assert snapshot_config(live).name == "Example City Council"
    assert results.ready(live)
    figures = results.figures(live)
    assert {m for m, _, _ in figures.series} == {"cla_rate_per_10k", "cp_rate_per_10k"}
    assert OrgUnit.objects.get(source_id="T1").name == "North Assessment"
    assert history()[0]["source_path"] == f"upload {job.pk}"
    assert history()[0]["outcome"] == "succeeded"
    assert not upload_folder(job.pk).exists()  # no second copy of the case record is kept
    events = AuditEvent.objects.filter(object_type="data.importjob", object_id=str(job.pk))
    verbs = set(events.values_list("verb", flat=True))
    assert verbs == {"started import", "import succeeded"}

    page = analyst.get(reverse("data:import_job", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"snapshot {job.snapshot_id} is live" in html
    assert f'href="{reverse("data:index")}#live-snapshot"' in html
    assert "hx-trigger" not in html  # finished: nothing polls


def test_progress_is_recorded_on_the_job_step_by_step(home, analyst, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # through temporary files, as large uploads go
    before = live_snapshot()
    job = started(
        upload(analyst, {"ssd_person.csv": PERSON, "ssd_professionals.csv": PROFESSIONALS})
    )

    assert job.status == ImportJob.Status.SUCCEEDED, job.error
    assert job.steps == [
        "Checking the upload",
        "Reading the extract",
        "Loading tables",
        "Checking data quality",
        "Writing the snapshot",
        "Working out the figures",
        "Working out due lists",
        "Updating teams and staff",
    ]
    assert (job.step, job.percent) == ("Finished", 100)
    assert job.started_at <= job.finished_at
    # Without authority.yaml in the upload, the live snapshot's configuration is used.
    assert live_snapshot().snapshot_id == job.snapshot_id != before.snapshot_id
    assert snapshot_config(live_snapshot()) == snapshot_config(before)


def test_progress_writes_are_throttled_but_every_step_is_written(home, small):
    job = ImportJob.objects.create()
    now = [0.0]
    progress = jobs.JobProgress(job.pk, interval=0.5, clock=lambda: now[0])

    for done in range(1000):
        progress("Loading tables", done, 1000)  # all within the same instant
    job.refresh_from_db()
    assert (job.step, job.done, job.total) == ("Loading tables", 0, 1000)
    now[0] = 1.0
    progress("Loading tables", 500, 1000)
    job.refresh_from_db()
    assert (job.done, job.percent) == (500, 22)  # halfway through 15-30 % of the bar
    progress("Loading tables", 1000, 1000)  # the end of a step is always written
    progress("figures", 0, 10)  # so is a new one, under the name the page uses
    job.refresh_from_db()

    assert progress.writes == 4
    assert (job.step, job.done, job.total) == ("Working out the figures", 0, 10)
    assert job.steps == ["Loading tables", "Working out the figures"]


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ssd_person.csv", b"0" * (3 * 1024 * 1024))
    return buffer.getvalue()


BAD_UPLOADS = {
    "unreadable file": (
        {"ssd_person.parquet": b"not parquet at all"},
        ["ssd_person.parquet", "cannot be read"],
    ),
    "zip with ../ in a name": (
        {"extract.zip": zipped({"../ssd_person.csv": PERSON})},
        ["extract.zip", "'../ssd_person.csv'", "climbs out of the folder"],
    ),
    "zip with an absolute name": (
        {"extract.zip": zipped({"/etc/ssd_person.csv": PERSON})},
        ["extract.zip", "absolute path"],
    ),
    "zip bomb": (
        {"bomb.zip": bomb()},
        ["bomb.zip", "would unpack to 3 MB, more than the 1 MB limit"],
    ),
    "zip of too many files": (
        {"many.zip": zipped({f"ssd_t{i}.csv": b"" for i in range(501)})},
        ["many.zip", "holds 501 files; a zip may hold 500 at most"],
    ),
    "file too large": (
        {"ssd_person.csv": b"pers_person_id\n" + b"C1\n" * 400_000},
        ["ssd_person.csv", "larger than the 1 MB limit"],
    ),
    "file that is not part of an extract": (
        {"notes.txt": b"hello", "ssd_person.csv": PERSON},
        ["notes.txt", "is not part of an SSD extract"],
    ),
    "zip with nothing to import": (
        {"extract.zip": zipped({"readme.txt": b"hello"})},
        ["extract.zip", "holds no ssd_<table>.csv or .parquet files"],
    ),
    "unusable configuration": (
        {"ssd_person.csv": PERSON, "authority.yaml": b"name: [unclosed"},
        ["authority.yaml", "cannot be read"],
    ),
}


@pytest.mark.parametrize(("files", "expected"), BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_a_bad_upload_fails_saying_why_and_changes_nothing(
    home, analyst, settings, files, expected
):
    settings.CASEGRIP_UPLOAD_MAX_BYTES = 1024 * 1024
    before = live_snapshot()

    job = started(upload(analyst, files))

    assert job.status == ImportJob.Status.FAILED
    for words in expected:
        assert words in job.error
    assert live_snapshot() == before
    assert history()[0]["source_path"] == f"upload {job.pk}"
    assert history()[0]["outcome"] == "failed"
    assert expected[0] in history()[0]["reason"]
    assert not upload_folder(job.pk).exists()
    page = analyst.get(reverse("data:import_job", args=[job.pk])).content.decode()
    assert "The import failed" in page
    assert "The live snapshot is unchanged" in page
    assert before.snapshot_id in page
    index = analyst.get(reverse("data:index")).content.decode()
    assert reverse("data:import_job", args=[job.pk]) in index


def test_uploaded_file_names_are_escaped(home, analyst):
    job = started(upload(analyst, {"<i>notes.txt": b"hello"}))

    assert job.status == ImportJob.Status.FAILED
    for url in (reverse("data:import_job", args=[job.pk]), reverse("data:index")):
        html = analyst.get(url).content.decode()
        assert "&lt;i&gt;notes.txt" in html
        assert "<i>notes" not in html


def test_one_import_at_a_time(home, analyst):
    with import_lock(None):  # as if `casegrip import` were running
        job = started(upload(analyst, {"ssd_person.csv": PERSON}))

    assert job.status == ImportJob.Status.FAILED
    assert "Another import is running" in job.error
    assert history()[0]["source_path"] == f"upload {job.pk}"  # the store did not record it


def test_a_running_job_shows_progress_and_refuses_a_second_upload(home, analyst):
    job = ImportJob.objects.create(
        status=ImportJob.Status.RUNNING, step="Loading tables", done=9, total=40, percent=18
    )
    with jobs._alive(upload_folder(job.pk)):
        page = analyst.get(reverse("data:import_job", args=[job.pk]))
        part = analyst.get(reverse("data:import_job_status", args=[job.pk]))
        second = upload(analyst, {"ssd_person.csv": PERSON})

    for html in (page.content.decode(), part.content.decode()):
        assert 'role="progressbar"' in html
        assert 'aria-valuenow="18"' in html
        assert "Loading tables: 9 of 40" in html
        assert f'hx-get="{reverse("data:import_job_status", args=[job.pk])}"' in html
        assert 'hx-trigger="every 1s"' in html
    assert "<html" not in part.content.decode()  # only the part htmx swaps in
    assert second.status_code == 400
    assert "Another import is running" in second.content.decode()
    assert ImportJob.objects.count() == 1


def test_a_job_whose_process_stopped_is_marked_interrupted(home, analyst):
    before = live_snapshot()
    job = ImportJob.objects.create(status=ImportJob.Status.RUNNING, step="Loading tables")
    upload_folder(job.pk).mkdir(parents=True)  # its lock file is free: nobody holds it

    page = analyst.get(reverse("data:import_job", args=[job.pk])).content.decode()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.INTERRUPTED
    assert "The import was interrupted" in page
    assert "The live snapshot is unchanged" in page
    assert live_snapshot() == before
    assert history()[0]["source_path"] == f"upload {job.pk}"
    assert history()[0]["outcome"] == "failed"


def test_team_managers_cannot_import_or_see_imports(home, small):
    team = small.unit("East Family Support and Protection")
    manager = client_for(small.user("team-manager", team))
    job = ImportJob.objects.create(status=ImportJob.Status.FAILED, error="ssd_person.csv: bad")

    assert manager.get(reverse("data:index")).status_code == 403
    assert upload(manager, {"ssd_person.csv": PERSON}).status_code == 403
    assert manager.get(reverse("data:import_job", args=[job.pk])).status_code == 403
    assert manager.get(reverse("data:import_job_status", args=[job.pk])).status_code == 403
    assert ImportJob.objects.count() == 1


def test_administrators_see_the_data_page_but_cannot_import(home, small):
    admin = client_for(small.user("administrator", small.authority))
    job = ImportJob.objects.create(status=ImportJob.Status.FAILED)

    page = admin.get(reverse("data:index")).content.decode()
    assert 'id="import-form"' not in page
    assert upload(admin, {"ssd_person.csv": PERSON}).status_code == 403
    assert admin.get(reverse("data:import_job", args=[job.pk])).status_code == 403


def test_the_upload_needs_a_csrf_token(home, small):
    client = Client(enforce_csrf_checks=True)
    client.force_login(small.user("performance-analyst", small.authority))

    assert upload(client, {"ssd_person.csv": PERSON}).status_code == 403
    assert not ImportJob.objects.exists()


def test_an_empty_form_asks_for_a_file(home, analyst):
    response = analyst.post(reverse("data:start_import"), {})

    assert response.status_code == 400
    assert "Choose a .zip of the extract folder" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_in_a_thread_of_its_own(org, make_user, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(jobs, "compute", partial(results.compute, measures=SOME_MEASURES))
    analyst = client_for(make_user("performance-analyst", org["authority"]))
    extract = zipped({"ssd_person.csv": PERSON, "authority.yaml": EXAMPLE.read_bytes()})

    response = upload(analyst, {"extract.zip": extract})
    # The test waits for the thread rather than polling: SQLite's shared in-memory test
    # database locks whole tables, so a poll while the job writes fails here (not on a file
    # database, which waits for the lock).
    threads = [t for t in threading.enumerate() if t.name.startswith("casegrip-import-")]
    assert len(threads) == 1
    threads[0].join(timeout=300)

    job = started(response)
    assert threads[0].name == f"casegrip-import-{job.pk}"
    assert job.status == ImportJob.Status.SUCCEEDED, job.error
    assert live_snapshot().snapshot_id == job.snapshot_id
    assert not jobs.is_alive(job.pk)
    part = analyst.get(reverse("data:import_job_status", args=[job.pk])).content.decode()
    assert "The import succeeded" in part

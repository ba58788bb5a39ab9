"""casegrip import, snapshots and quality from the command line."""

import shutil
from pathlib import Path

from typer.testing import CliRunner

from casegrip.cli import app
from casegrip.store.live import live_snapshot
from casegrip.web.organisation.models import OrgUnit

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "authority.example.yaml"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [*args], catch_exceptions=False)


def ssd_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "extract"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("pers_person_id,pers_dob\nC1,2015-01-01\nC2,99/99/99\n")
    (folder / "ssd_professionals.csv").write_text(
        "prof_professional_id,prof_professional_name,prof_professional_job_title,"
        "prof_professional_department\nW1,Ana Lee,Social worker,T1\n"
    )
    shutil.copy(EXAMPLE, folder / "authority.yaml")
    return folder


def test_import_puts_a_snapshot_live_and_syncs_the_organisation(db, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path / "home"))

    result = invoke("import", str(ssd_folder(tmp_path)), "--settings", "test")

    assert result.exit_code == 0, result.output
    assert "is live" in result.output
    assert live_snapshot().extract_date
    assert OrgUnit.objects.get(source_id="T1").name == "North Assessment"
    listing = invoke("snapshots")
    assert live_snapshot().snapshot_id in listing.output
    report = invoke("quality", "--out", str(tmp_path / "findings.csv"))
    assert "unparseable_date" in report.output
    assert "99/99/99" in (tmp_path / "findings.csv").read_text()


def test_a_failed_import_says_why_and_changes_nothing(db, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path / "home"))
    good = ssd_folder(tmp_path)
    invoke("import", str(good), "--settings", "test", "--no-sync", "--no-figures")
    before = live_snapshot()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "ssd_person.parquet").write_bytes(b"not parquet at all")
    shutil.copy(EXAMPLE, bad / "authority.yaml")

    result = invoke("import", str(bad), "--settings", "test", "--no-sync", "--no-figures")

    assert result.exit_code == 2
    assert "live snapshot is unchanged" in result.output
    assert "ssd_person.parquet" in result.output
    assert live_snapshot() == before
    assert "Failed import" in invoke("snapshots").output


def test_import_without_a_configuration_explains_where_to_put_one(db, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path / "home"))
    folder = ssd_folder(tmp_path)
    (folder / "authority.yaml").unlink()
    result = invoke("import", str(folder), "--settings", "test", "--no-figures")
    assert result.exit_code == 2
    assert "No authority configuration" in result.output
    assert live_snapshot() is None

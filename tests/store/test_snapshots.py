"""Snapshots: all or nothing, provenance, keeping the last N, and the PostgreSQL engine."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date

import pyarrow as pa
import pytest

from casegrip.config import parse_config
from casegrip.model.extract import Extract, SourceFile
from casegrip.model.schema import conform
from casegrip.store.live import live_snapshot, snapshots_dir
from casegrip.store.snapshots import (
    ImportFailed,
    history,
    import_extract,
    import_lock,
    list_snapshots,
    open_snapshot,
    read_findings,
    read_table,
)

CONFIG = parse_config(
    {
        "name": "Testshire",
        "la_code": "998",
        "child_population": 1000,
        "services": [{"id": "S", "name": "Care", "teams": [{"id": "T1", "name": "Team"}]}],
        "snapshots_to_keep": 1,
    }
)


def extract(people: int = 3) -> Extract:
    person = conform(
        "ssd_person",
        pa.table(
            {
                "pers_person_id": [f"C{i}" for i in range(people)],
                "pers_dob": pa.array([date(2015, 1, 1)] * people, pa.date32()),
            }
        ),
    )
    episodes = conform(
        "ssd_cin_episodes",
        pa.table(
            {
                "cine_referral_id": ["R1", "R2"],
                "cine_person_id": ["C0", "NOBODY"],
                "cine_referral_date": pa.array([date(2024, 1, 1), date(2024, 2, 1)], pa.date32()),
            }
        ),
    )
    return Extract(
        source="ssd",
        tables={"ssd_person": person, "ssd_cin_episodes": episodes},
        files=[SourceFile("ssd_person.csv", "0" * 64, people)],
        extract_date=date(2024, 3, 31),
    )


def run(home, data=None, **kwargs):
    return import_extract(data or extract(), config=CONFIG, source_path="test", home=home, **kwargs)


def test_an_import_goes_live_with_its_provenance_and_findings(tmp_path):
    provenance = run(tmp_path)

    live = live_snapshot(tmp_path)
    assert live.snapshot_id == provenance.snapshot_id
    assert live.extract_date == "2024-03-31"
    assert provenance.row_counts["ssd_person"] == 3
    assert provenance.files[0]["name"] == "ssd_person.csv"
    assert provenance.casegrip_version
    assert provenance.authority == "Testshire"
    saved = json.loads((snapshots_dir(tmp_path) / live.snapshot_id / "provenance.json").read_text())
    assert saved["snapshot_id"] == live.snapshot_id
    findings = read_findings(live.snapshot_id, tmp_path).to_pylist()
    assert any(f["rule"] == "orphan_reference" and f["value"] == "NOBODY" for f in findings)
    con = open_snapshot(live)
    try:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        assert {"ssd_person", "ssd_cp_plans", "calendar", "_findings"} <= tables
    finally:
        con.close()
    assert history(tmp_path)[0]["outcome"] == "succeeded"


@pytest.mark.parametrize("step", ["tables", "checks", "provenance"])
def test_a_failed_import_leaves_the_live_snapshot_untouched(tmp_path, step):
    first = run(tmp_path)

    with pytest.raises(ImportFailed, match=f"after {step}"):
        run(tmp_path, extract(people=10), fail_after=step)

    assert live_snapshot(tmp_path).snapshot_id == first.snapshot_id
    assert read_table(live_snapshot(tmp_path), "ssd_person").num_rows == 3
    assert not list(snapshots_dir(tmp_path).glob("*.partial"))
    assert [p.snapshot_id for p in list_snapshots(tmp_path)] == [first.snapshot_id]
    failed = history(tmp_path)[0]
    assert failed["outcome"] == "failed"
    assert step in failed["reason"]


def test_a_killed_import_leaves_the_live_snapshot_and_the_next_import_cleans_up(tmp_path):
    first = run(tmp_path)
    script = textwrap.dedent(
        f"""
        import time, sys
        sys.path.insert(0, {str(os.path.dirname(__file__))!r})
        from test_snapshots import run, extract
        from pathlib import Path

        def stall(step, done, total):
            if step == "Loading tables" and done == 5:
                print("stalled", flush=True)
                time.sleep(60)

        run(Path({str(tmp_path)!r}), extract(people=10), progress=stall)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    ) as child:
        try:
            assert child.stdout.readline().strip() == "stalled"
            assert list(snapshots_dir(tmp_path).glob("*.partial"))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)

    assert live_snapshot(tmp_path).snapshot_id == first.snapshot_id
    assert read_table(live_snapshot(tmp_path), "ssd_person").num_rows == 3
    second = run(tmp_path, extract(people=7))
    assert not list(snapshots_dir(tmp_path).glob("*.partial"))
    assert read_table(live_snapshot(tmp_path), "ssd_person").num_rows == 7
    assert second.snapshot_id != first.snapshot_id


def test_only_one_import_at_a_time(tmp_path):
    with import_lock(tmp_path), pytest.raises(ImportFailed, match="Another import is running"):
        run(tmp_path)


def test_older_snapshots_beyond_the_configured_number_are_removed(tmp_path):
    ids = []
    for _ in range(3):
        ids.append(run(tmp_path).snapshot_id)
        time.sleep(0.01)

    kept = [p.snapshot_id for p in list_snapshots(tmp_path)]
    assert kept == [ids[2], ids[1]]  # the live one and one more (snapshots_to_keep: 1)


def test_the_postgresql_engine_keeps_each_snapshot_in_its_own_schema(
    tmp_path, pg_engine_url, monkeypatch
):
    import psycopg

    monkeypatch.setenv("CASEGRIP_ENGINE_URL", pg_engine_url)
    first = run(tmp_path, engine="postgres")
    second = run(tmp_path, extract(people=5), engine="postgres")

    live = live_snapshot(tmp_path)
    assert live.engine == "postgres"
    assert live.location == f"casegrip_snapshot_{second.snapshot_id}".lower()
    assert read_table(live, "ssd_person").num_rows == 5
    with psycopg.connect(pg_engine_url) as conn:
        schemas = {
            r[0]
            for r in conn.execute(
                "SELECT schema_name FROM information_schema.schemata "
                "WHERE schema_name LIKE 'casegrip_%%'"
            )
        }
        assert first.location in schemas
        assert second.location in schemas
        assert not any(s.startswith("casegrip_building_") for s in schemas)
        count = conn.execute(
            f'SELECT count(*) FROM "{second.location}".ssd_person'  # noqa: S608
        ).fetchone()
        assert count == (5,)
        for schema in (first.location, second.location):
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

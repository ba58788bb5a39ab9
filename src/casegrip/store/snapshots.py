"""Importing a case record as a snapshot: build beside the live one, check, swap atomically.

Every import builds in ``snapshots/<id>.partial/``. Only when every table is loaded, every check
has run and the provenance is written is the folder renamed to ``snapshots/<id>/`` and the live
pointer replaced. Any failure, or a killed process, leaves a ``.partial`` folder (removed by the
next import) and the live snapshot untouched. One import runs at a time (a file lock).
"""

import fcntl
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from casegrip import __version__
from casegrip.calendar import WorkingCalendar
from casegrip.config import AuthorityConfig, dump_config, load_config
from casegrip.engines import postgres as pg
from casegrip.engines import postgres_url
from casegrip.engines.duck import quiet_connection
from casegrip.model.extract import Extract, HeldTable
from casegrip.model.findings import FINDING_COLUMNS, Finding
from casegrip.model.schema import TABLES, conform, empty
from casegrip.store import checks
from casegrip.store.live import LiveSnapshot, live_snapshot, set_live, snapshots_dir

DATABASE_FILE = "case_record.duckdb"
CONFIG_FILE = "authority.yaml"
FINDINGS_FILE = "findings.csv"
PG_PREFIX = "casegrip_snapshot_"
PG_BUILDING = "casegrip_building_"
Progress = Callable[[str, int, int], None]  # step, done, total


class ImportFailed(Exception):
    """The import did not complete; the live snapshot is unchanged. The message says why."""


@dataclass
class Provenance:
    snapshot_id: str
    source: str
    source_path: str
    engine: str
    extract_date: str
    imported_at: str
    duration_seconds: float
    casegrip_version: str
    files: list[dict]
    row_counts: dict[str, int]
    findings_by_rule: dict[str, int]
    authority: str = ""
    la_code: str = ""
    location: str = ""
    extra: dict = field(default_factory=dict)


def _no_progress(step: str, done: int, total: int) -> None:
    return None


@contextmanager
def import_lock(home: Path | None) -> Iterator[None]:
    folder = snapshots_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".import.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportFailed(
                "Another import is running; try again when it has finished."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _new_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def findings_table(findings: list[Finding]) -> pa.Table:
    rows = [f.as_row() for f in findings]
    return pa.table(
        {
            "rule": pa.array([r["rule"] for r in rows], pa.string()),
            "table": pa.array([r["table"] for r in rows], pa.string()),
            "row": pa.array([r["row"] for r in rows], pa.int64()),
            "field": pa.array([r["field"] for r in rows], pa.string()),
            "value": pa.array([r["value"] for r in rows], pa.string()),
            "message": pa.array([r["message"] for r in rows], pa.string()),
            "severity": pa.array([r["severity"] for r in rows], pa.string()),
            "file": pa.array([r["file"] for r in rows], pa.string()),
        }
    )


def import_extract(
    extract: Extract,
    *,
    config: AuthorityConfig,
    source_path: str,
    engine: str = "duckdb",
    home: Path | None = None,
    progress: Progress = _no_progress,
    fail_after: str | None = None,
) -> Provenance:
    """Check ``extract`` and put it in service as a new snapshot; all or nothing.

    ``fail_after`` names a step after which to fail on purpose (tests of the atomic swap).
    """
    started = time.perf_counter()
    with import_lock(home):
        remove_partials(home)
        snapshot_id = _new_id()
        partial = snapshots_dir(home) / f"{snapshot_id}.partial"
        partial.mkdir(parents=True)
        pg_schema = ""
        try:
            provenance = _build(
                extract, config, source_path, engine, snapshot_id, partial, progress, fail_after
            )
            if engine == "postgres":
                pg_schema = _copy_to_postgres(partial, snapshot_id, progress)
                provenance.location = pg_schema
                (partial / DATABASE_FILE).unlink()
            final = partial.with_name(snapshot_id)
            if engine == "duckdb":
                provenance.location = str(final / DATABASE_FILE)
            provenance.duration_seconds = round(time.perf_counter() - started, 3)
            (partial / "provenance.json").write_text(json.dumps(asdict(provenance), indent=2))
            _maybe_fail(fail_after, "provenance")
            partial.rename(final)
            set_live(
                LiveSnapshot(
                    snapshot_id=snapshot_id,
                    extract_date=provenance.extract_date,
                    imported_at=provenance.imported_at,
                    source=provenance.source,
                    engine=engine,
                    location=provenance.location,
                ),
                home,
            )
        except BaseException as exc:
            shutil.rmtree(partial, ignore_errors=True)
            if pg_schema:
                _drop_postgres_schema(pg_schema)
            reason = str(exc) or type(exc).__name__
            record_attempt(source_path, "failed", reason, snapshot_id=snapshot_id, home=home)
            if isinstance(exc, ImportFailed):
                raise
            if isinstance(exc, Exception):
                raise ImportFailed(f"The import failed and nothing changed: {reason}") from exc
            raise
        record_attempt(source_path, "succeeded", "", snapshot_id=snapshot_id, home=home)
        prune(config.snapshots_to_keep, home)
        return provenance


def _maybe_fail(fail_after: str | None, step: str) -> None:
    if fail_after == step:
        raise ImportFailed(f"stopped on purpose after {step}")


def _build(
    extract: Extract,
    config: AuthorityConfig,
    source_path: str,
    engine: str,
    snapshot_id: str,
    partial: Path,
    progress: Progress,
    fail_after: str | None,
) -> Provenance:
    as_at = extract.extract_date or date.today()
    # The snapshot is built and checked in memory, then written to its file in one step:
    # loading into memory runs at well over a million rows a second, while DuckDB compresses a
    # file-backed table row group by row group as it loads; checks also run faster in memory.
    con = extract.database or quiet_connection(":memory:")
    try:
        names = sorted(TABLES)
        for done, name in enumerate(names):
            progress("Loading tables", done, len(names))
            data = extract.tables.get(name)
            if isinstance(data, HeldTable):
                continue  # the source loaded it into this database already
            if data is None:
                data = empty(name)
            elif data.schema != TABLES[name].arrow_schema():
                data = conform(name, data)
            con.register("incoming", data)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
            con.unregister("incoming")
        progress("Loading tables", len(names), len(names))
        _maybe_fail(fail_after, "tables")

        calendar = WorkingCalendar(config.closure_days).table()
        con.register("incoming", calendar)
        con.execute("CREATE TABLE calendar AS SELECT * FROM incoming")
        con.unregister("incoming")

        progress("Checking data quality", 0, 1)
        found = checks.run_checks(con, as_at=as_at)
        everything = pa.concat_tables([findings_table(extract.findings), found])
        con.register("incoming", everything)
        con.execute("CREATE TABLE _findings AS SELECT * FROM incoming")
        con.unregister("incoming")
        checks.write_findings_csv(everything.select(list(FINDING_COLUMNS)), partial / FINDINGS_FILE)
        progress("Checking data quality", 1, 1)
        _maybe_fail(fail_after, "checks")

        by_rule = dict(
            con.execute(
                "SELECT rule, count(*) FROM _findings GROUP BY rule ORDER BY rule"
            ).fetchall()
        )
        progress("Writing the snapshot", 0, 1)
        target = str(partial / DATABASE_FILE).replace("'", "''")
        con.execute(f"ATTACH '{target}' AS disk")
        con.execute("COPY FROM DATABASE memory TO disk")
        con.execute("DETACH disk")
        progress("Writing the snapshot", 1, 1)
    finally:
        con.close()
        extract.database = None
    (partial / CONFIG_FILE).write_text(dump_config(config))
    return Provenance(
        snapshot_id=snapshot_id,
        source=extract.source,
        source_path=source_path,
        engine=engine,
        extract_date=as_at.isoformat(),
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_seconds=0.0,
        casegrip_version=__version__,
        files=[asdict(f) for f in extract.files],
        row_counts=extract.row_counts(),
        findings_by_rule=by_rule,
        authority=config.name,
        la_code=config.la_code,
    )


def _copy_to_postgres(partial: Path, snapshot_id: str, progress: Progress) -> str:
    building, final = f"{PG_BUILDING}{snapshot_id}".lower(), f"{PG_PREFIX}{snapshot_id}".lower()
    con = quiet_connection(str(partial / DATABASE_FILE), read_only=True)
    try:
        with pg.connect(postgres_url()) as conn:
            pg.drop_schema(conn, building)
            pg.create_schema(conn, building)
            names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
            for done, name in enumerate(names):
                progress("Copying to PostgreSQL", done, len(names))
                pg.copy_table(conn, building, name, con.table(name).to_arrow_table())
            conn.execute(f"ALTER SCHEMA {pg.quote(building)} RENAME TO {pg.quote(final)}")
            progress("Copying to PostgreSQL", len(names), len(names))
    except Exception:
        _drop_postgres_schema(building)
        raise
    finally:
        con.close()
    return final


def _drop_postgres_schema(schema: str) -> None:
    try:
        with pg.connect(postgres_url()) as conn:
            pg.drop_schema(conn, schema)
    except Exception:  # cleaning up after a failure must not hide the failure
        return


def remove_partials(home: Path | None = None) -> list[str]:
    """Remove what killed or failed imports left behind; only call under the import lock."""
    removed = []
    for path in snapshots_dir(home).glob("*.partial"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def list_snapshots(home: Path | None = None) -> list[Provenance]:
    """Complete snapshots, newest first."""
    found = []
    for path in (
        sorted(snapshots_dir(home).iterdir(), reverse=True) if snapshots_dir(home).exists() else []
    ):
        meta = path / "provenance.json"
        if path.is_dir() and not path.name.endswith(".partial") and meta.exists():
            found.append(Provenance(**json.loads(meta.read_text())))
    return found


def prune(keep: int, home: Path | None = None) -> list[str]:
    """Delete all but the live snapshot and the ``keep`` newest others."""
    live = live_snapshot(home)
    removed = []
    older = [p for p in list_snapshots(home) if not live or p.snapshot_id != live.snapshot_id]
    for provenance in older[keep:]:
        shutil.rmtree(snapshots_dir(home) / provenance.snapshot_id, ignore_errors=True)
        if provenance.engine == "postgres" and provenance.location:
            _drop_postgres_schema(provenance.location)
        removed.append(provenance.snapshot_id)
    return removed


def record_attempt(
    source_path: str,
    outcome: str,
    reason: str,
    *,
    snapshot_id: str = "",
    home: Path | None = None,
) -> None:
    """Add an import attempt to the history; sources that fail before the store call this."""
    folder = snapshots_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    entry = {
        "snapshot_id": snapshot_id,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_path": source_path,
        "outcome": outcome,
        "reason": reason[:500],
    }
    with (folder / "history.jsonl").open("a") as handle:
        handle.write(json.dumps(entry) + "\n")


def history(home: Path | None = None) -> list[dict]:
    """Every import tried, newest first, with its outcome and, for failures, the reason."""
    path = snapshots_dir(home) / "history.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in reversed(path.read_text().splitlines()) if line.strip()]


def open_snapshot(snapshot: LiveSnapshot | None = None, home: Path | None = None):
    """A read-only DuckDB connection to a snapshot (the live one by default), or None."""
    snapshot = snapshot or live_snapshot(home)
    if snapshot is None or snapshot.engine != "duckdb":
        return None
    return quiet_connection(snapshot.location, read_only=True)


def findings_path(snapshot_id: str, home: Path | None = None) -> Path:
    """The CSV of every finding of a snapshot."""
    return snapshots_dir(home) / snapshot_id / FINDINGS_FILE


def snapshot_config(snapshot: LiveSnapshot, home: Path | None = None) -> AuthorityConfig:
    """The authority configuration a snapshot was imported with (read once: a snapshot's
    files never change, and pages ask for it on every request)."""
    path = snapshots_dir(home) / snapshot.snapshot_id / CONFIG_FILE
    return _config_at(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=8)
def _config_at(path: str, stamp: int) -> AuthorityConfig:
    return load_config(Path(path))


def read_findings(snapshot_id: str, home: Path | None = None) -> pa.Table:
    path = findings_path(snapshot_id, home)
    return pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in FINDING_COLUMNS if c != "row"}
            | {"row": pa.int64()}
        ),
    )


def read_table(snapshot: LiveSnapshot, name: str) -> pa.Table:
    """One canonical table of a snapshot, whole, as Arrow."""
    if name not in TABLES:
        raise KeyError(f"{name!r} is not a table of the canonical case record")
    if snapshot.engine == "postgres":
        rows = query(snapshot, f"SELECT * FROM {{schema}}.{pg.quote(name)}", [])
        if not rows:
            return empty(name)
        return conform(name, pa.Table.from_pylist(rows))
    con = quiet_connection(snapshot.location, read_only=True)
    try:
        return con.table(name).to_arrow_table()
    finally:
        con.close()


def query(snapshot: LiveSnapshot, sql: str, params: list) -> list[dict]:
    """Rows of a read-only query on a snapshot, whichever engine keeps it.

    ``sql`` names tables as ``{schema}.table`` and takes its parameters as ``?``."""
    if snapshot.engine == "postgres":
        with pg.connect(postgres_url()) as conn:
            cursor = conn.execute(
                sql.replace("{schema}", pg.quote(snapshot.location)).replace("?", "%s"), params
            )
            columns = [c.name for c in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    con = quiet_connection(snapshot.location, read_only=True)
    try:
        cursor = con.execute(sql.replace("{schema}.", ""), params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def allocated_children(
    snapshot: LiveSnapshot, professional_id: str, roles: list[str], as_at: date
) -> list[dict]:
    """The children allocated to a worker at a date (open involvements in the given roles)."""
    placeholders = ", ".join("?" for _ in roles)
    return query(
        snapshot,
        "SELECT invo_person_id AS child_id, min(invo_involvement_start_date) AS since, "
        "string_agg(DISTINCT invo_referral_id, ', ') AS referrals "
        "FROM {schema}.ssd_involvements "
        f"WHERE invo_professional_id = ? AND invo_professional_role_id IN ({placeholders}) "
        "AND invo_involvement_start_date <= ? "
        "AND (invo_involvement_end_date IS NULL OR invo_involvement_end_date > ?) "
        "GROUP BY invo_person_id ORDER BY since, child_id",
        [professional_id, *roles, as_at, as_at],
    )

"""Which snapshot of the case record is in service.

The pointer is one small JSON file, ``snapshots/live.json`` under the data directory. It is
replaced atomically (write aside, fsync, rename) only after a new snapshot is complete, so a
reader sees the old snapshot or the new one, never a half-made one.
"""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from casegrip.home import data_dir


@dataclass(frozen=True)
class LiveSnapshot:
    snapshot_id: str
    extract_date: str
    imported_at: str
    source: str
    engine: str = "duckdb"
    location: str = ""  # the DuckDB file, or the PostgreSQL schema


def snapshots_dir(home: Path | None = None) -> Path:
    return (home or data_dir()) / "snapshots"


def pointer_file(home: Path | None = None) -> Path:
    return snapshots_dir(home) / "live.json"


def live_snapshot(home: Path | None = None) -> LiveSnapshot | None:
    """The snapshot in service, or None when nothing has been imported yet."""
    path = pointer_file(home)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return LiveSnapshot(**{k: str(v) for k, v in data.items() if k in LiveSnapshot.__annotations__})


def set_live(snapshot: LiveSnapshot, home: Path | None = None) -> None:
    """Put ``snapshot`` in service, atomically."""
    path = pointer_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_suffix(".json.new")
    with aside.open("w") as handle:
        json.dump(asdict(snapshot), handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(aside, path)

"""Which snapshot of the case record is in service.

The pointer is one small JSON file, ``snapshots/live.json`` under the data directory, replaced
atomically when an import succeeds; until the first import there is none.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from casegrip.home import data_dir


@dataclass(frozen=True)
class LiveSnapshot:
    snapshot_id: str
    extract_date: str
    imported_at: str
    source: str


def pointer_file(home: Path | None = None) -> Path:
    return (home or data_dir()) / "snapshots" / "live.json"


def live_snapshot(home: Path | None = None) -> LiveSnapshot | None:
    """The snapshot in service, or None when nothing has been imported yet."""
    path = pointer_file(home)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return LiveSnapshot(
        snapshot_id=str(data["snapshot_id"]),
        extract_date=str(data.get("extract_date", "")),
        imported_at=str(data.get("imported_at", "")),
        source=str(data.get("source", "")),
    )

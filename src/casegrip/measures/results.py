"""Figures worked out once per snapshot, for pages and packs that must answer in milliseconds.

A snapshot never changes, so neither do its figures: every measure of the catalogue, for each of
the last ``MONTHS`` months, by each organisation breakdown (authority, service, locality, team,
worker), and the due list on the extract date. They are worked out after an import (or by the
first page that needs them) into two Parquet files beside the snapshot, written aside and renamed,
and read into memory once per process.
"""

import fcntl
import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from casegrip.store.live import LiveSnapshot, snapshots_dir
from casegrip.store.snapshots import snapshot_config

from .due import DueItem
from .frame import Frame, monthly_windows
from .model import Measure
from .runner import Point, run_many

FIGURES_FILE = "figures.parquet"
DUE_FILE = "due.parquet"
MONTHS = 25  # a 13-month sparkline, and a two-year trend on the indicator page
ORG_BREAKDOWNS = ("authority", "service", "locality", "team", "worker")
DUE_WITHIN = 10  # working days: the weekly list's horizon

FIGURE_SCHEMA = pa.schema(
    [
        ("measure_id", pa.string()),
        ("breakdown", pa.string()),
        ("grp", pa.string()),
        ("window_end", pa.date32()),
        ("numerator", pa.int64()),
        ("denominator", pa.int64()),
        ("value", pa.float64()),
    ]
)
DUE_SCHEMA = pa.schema(
    [
        ("item", pa.string()),
        ("child_id", pa.string()),
        ("worker_id", pa.string()),
        ("team_id", pa.string()),
        ("last", pa.date32()),
        ("due", pa.date32()),
        ("status", pa.string()),
        ("working_days", pa.int64()),
        ("how", pa.string()),
    ]
)

Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


def _folder(snapshot: LiveSnapshot, home: Path | None) -> Path:
    return snapshots_dir(home) / snapshot.snapshot_id


@contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """One process works the figures out; the others wait for it and then read them."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".figures.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(table: pa.Table, path: Path) -> None:
    aside = path.with_suffix(".parquet.partial")
    pq.write_table(table, aside)
    with aside.open("rb") as handle:
        os.fsync(handle.fileno())
    aside.replace(path)


def compute(
    snapshot: LiveSnapshot,
    measures: list[Measure] | None = None,
    *,
    home: Path | None = None,
    engine: str | None = None,
    progress: Progress = _no_progress,
) -> Path:
    """Work out and store a snapshot's figures and due list; returns the snapshot's folder."""
    with _lock(_folder(snapshot, home)):
        return _compute(snapshot, measures, home=home, engine=engine, progress=progress)


def _compute(
    snapshot: LiveSnapshot,
    measures: list[Measure] | None,
    *,
    home: Path | None,
    engine: str | None,
    progress: Progress,
) -> Path:
    from casegrip.engines.connect import connect

    from .catalogue import MEASURES
    from .due import due_items

    folder = _folder(snapshot, home)
    chosen = list(measures if measures is not None else MEASURES)
    config = snapshot_config(snapshot, home)
    extract_date = date.fromisoformat(snapshot.extract_date)
    connection = connect(engine or snapshot.engine, snapshot=snapshot)
    try:
        frame = Frame(connection, monthly_windows(extract_date, MONTHS), config)
        columns: dict[str, list] = {name: [] for name in FIGURE_SCHEMA.names}
        finished = itertools.count(1)

        def measured(_measure: Measure) -> None:
            progress("figures", next(finished), len(chosen) + 1)

        progress("figures", 0, len(chosen) + 1)
        figures = run_many(chosen, frame, ORG_BREAKDOWNS, extra=False, progress=measured)
        for (measure_id, breakdown), points in figures.items():
            for point in points:
                columns["measure_id"].append(measure_id)
                columns["breakdown"].append(breakdown)
                columns["grp"].append(point.group)
                columns["window_end"].append(point.window_end)
                columns["numerator"].append(point.numerator)
                columns["denominator"].append(point.denominator)
                columns["value"].append(point.value)
        progress("due list", len(chosen), len(chosen) + 1)
        due = due_items(connection, config, extract_date, within=DUE_WITHIN)
    finally:
        connection.close()
    _write(pa.table(columns, schema=FIGURE_SCHEMA), folder / FIGURES_FILE)
    _write(
        pa.Table.from_pylist([item.as_dict() for item in due], schema=DUE_SCHEMA),
        folder / DUE_FILE,
    )
    progress("done", len(chosen) + 1, len(chosen) + 1)
    return folder


@dataclass
class Figures:
    """A snapshot's figures in memory: series by (measure, breakdown, group), and the due list."""

    snapshot_id: str
    extract_date: date
    months: list[date]
    series: dict[tuple[str, str, str], list[Point]] = field(default_factory=dict)
    due: list[DueItem] = field(default_factory=list)

    def points(self, measure_id: str, breakdown: str, group: str) -> list[Point]:
        """The monthly points of one group, oldest first (missing months are absent)."""
        return self.series.get((measure_id, breakdown, group), [])

    def groups(self, measure_id: str, breakdown: str) -> list[str]:
        return sorted(g for (m, b, g) in self.series if m == measure_id and b == breakdown)

    def latest(self, measure_id: str, breakdown: str, group: str) -> Point | None:
        points = self.points(measure_id, breakdown, group)
        if points and points[-1].window_end == self.months[-1]:
            return points[-1]
        return None


def _read(folder: Path, snapshot_id: str, extract_date: date) -> Figures:
    table = pq.read_table(folder / FIGURES_FILE)
    series: dict[tuple[str, str, str], list[Point]] = {}
    columns = [table.column(n).to_pylist() for n in FIGURE_SCHEMA.names]
    for m, b, g, w, n, d, v in zip(*columns, strict=True):
        series.setdefault((m, b, g), []).append(Point(w, g, n, d, v))
    for points in series.values():
        points.sort(key=lambda p: p.window_end)
    due = [DueItem(**row) for row in pq.read_table(folder / DUE_FILE).to_pylist()]
    months = [w.end for w in monthly_windows(extract_date, MONTHS)]
    return Figures(snapshot_id, extract_date, months, series, due)


@lru_cache(maxsize=2)
def _cached(folder: str, snapshot_id: str, extract_date: date, stamp: float) -> Figures:
    return _read(Path(folder), snapshot_id, extract_date)


def figures(snapshot: LiveSnapshot, *, home: Path | None = None) -> Figures:
    """The snapshot's figures, worked out first if no process has done so yet."""
    folder = _folder(snapshot, home)
    path = folder / FIGURES_FILE
    if not ready(snapshot, home=home):
        with _lock(folder):
            if not ready(snapshot, home=home):
                _compute(snapshot, None, home=home, engine=None, progress=_no_progress)
    extract_date = date.fromisoformat(snapshot.extract_date)
    return _cached(str(folder), snapshot.snapshot_id, extract_date, path.stat().st_mtime)


def ready(snapshot: LiveSnapshot, *, home: Path | None = None) -> bool:
    folder = _folder(snapshot, home)
    return (folder / FIGURES_FILE).exists() and (folder / DUE_FILE).exists()


def warm(home: Path | None = None) -> None:
    """Read the live snapshot's figures into memory, if they have been worked out."""
    from casegrip.store.live import live_snapshot

    snapshot = live_snapshot(home)
    if snapshot is not None and ready(snapshot, home=home):
        figures(snapshot, home=home)

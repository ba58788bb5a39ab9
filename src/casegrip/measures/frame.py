"""What a measure's rows function sees: the snapshot's tables, the windows, the configuration."""

import calendar as _calendar
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from casegrip.config import AuthorityConfig
from casegrip.engines.connect import Compiled, EngineConnection

_frame_numbers = itertools.count(1)


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def label(self) -> str:
        return self.end.isoformat()


def month_end(day: date) -> date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def monthly_windows(last: date, months: int) -> list[Window]:
    """The ``months`` calendar months ending with the month of ``last`` (which may be mid-month:
    the last window then ends on ``last``)."""
    windows = []
    end = last
    for _ in range(months):
        start = end.replace(day=1)
        windows.append(Window(start, end))
        end = start - timedelta(days=1)
    return list(reversed(windows))


def windows_table(windows: list[Window]) -> ir.Table:
    return ibis.memtable(
        {
            "window_start": [w.start for w in windows],
            "window_end": [w.end for w in windows],
        },
        schema={"window_start": "date", "window_end": "date"},
    )


class Frame:
    """The tables of one snapshot on one engine, the windows to evaluate, the configuration."""

    def __init__(self, connection, windows: list[Window], config: AuthorityConfig) -> None:
        self.connection = connection
        self.window_list = windows
        self.config = config
        self._windows = None
        # When many measures run on one frame (runner.run_many), pieces several of them build
        # (allocations, periods of care...) are worked out once into temporary tables.
        self.share = False
        self._shared: dict[str, ir.Table] = {}
        self._compiled: dict[object, Compiled] = {}

    def shared(self, name: str, build) -> ir.Table:
        """``build()``, worked out once for this frame when sharing is on."""
        if not self.share:
            return build()
        if name not in self._shared:
            self._shared[name] = self.connection.materialise(
                f"_cg_{next(_frame_numbers)}_{name}", build()
            )
        return self._shared[name]

    def on(self, connection: EngineConnection) -> "Frame":
        """The same windows and configuration on another connection (nothing shared)."""
        return Frame(connection, self.window_list, self.config)

    def compiled(self, key: object, build: Callable[[], ir.Table]) -> Compiled:
        """``build()`` compiled for this frame's engine, once per ``key`` (the caller's promise
        that every query built under that key compiles to the same SQL)."""
        if key not in self._compiled:
            self._compiled[key] = self.connection.compile(build())
        return self._compiled[key]

    def table(self, name: str) -> ir.Table:
        return self.connection.table(name)

    @property
    def calendar(self) -> ir.Table:
        return self.connection.table("calendar")

    @property
    def windows(self) -> ir.Table:
        if self._windows is None:
            self._windows = windows_table(self.window_list)
        return self._windows

    def in_window(self, table: ir.Table, column: str) -> ir.Table:
        """Rows of ``table`` whose ``column`` falls inside a window (both ends included), once
        per window, with ``window_start`` and ``window_end``."""
        w = self.windows
        return table.join(w, [table[column] >= w.window_start, table[column] <= w.window_end])

    def open_at(self, table: ir.Table, start: str, end: str) -> ir.Table:
        """Rows of ``table`` open at each window's end: started on or before it and not ended by
        it. Something that ends on the window's end is no longer open then, as in the DfE's
        counts at 31 March."""
        w = self.windows
        return table.join(
            w,
            [
                table[start] <= w.window_end,
                table[end].isnull() | (table[end] > w.window_end),
            ],
        )

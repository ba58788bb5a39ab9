"""Work shared between two threads, each on a DuckDB cursor of its own.

DuckDB plans and runs a query without holding Python's lock, and a cursor is a second
connection to the same database (the tables are shared; temporary tables are not), so two
threads keep both cores of a small machine busy on the many small queries of a validation."""

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from threading import Lock
from typing import TypeVar

import duckdb

Item = TypeVar("Item")
THREADS = 2


def on_two_cursors(
    con: duckdb.DuckDBPyConnection,
    items: Sequence[Item],
    work: Callable[[duckdb.DuckDBPyConnection, int, Item], None],
    *,
    name: str,
    start: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
    finish: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
) -> None:
    """``work(cursor, thread, item)`` for every item, in order, on two threads (numbered 0 and
    1), each taking the next item when it is free: a thread left with the long items ends no
    later than the other by more than one item. ``start`` and ``finish`` run on each thread's
    cursor before its first item and after its last. The first error is raised here."""
    taken = count()
    lock = Lock()

    def run(thread: int) -> None:
        cursor = con.cursor()
        try:
            if start is not None:
                start(cursor, thread)
            while True:
                with lock:
                    index = next(taken)
                if index >= len(items):
                    break
                work(cursor, thread, items[index])
            if finish is not None:
                finish(cursor, thread)
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix=name) as pool:
        for done in [pool.submit(run, thread) for thread in range(THREADS)]:
            done.result()

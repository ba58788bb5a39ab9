"""The catalogue on an england-scale synthetic set: authorities pooled, DuckDB and Spark.

Target (issue 4): the catalogue on at least 20 pooled synthetic authorities with DuckDB and with
Spark local mode; report rows per second and how time grows with the number of authorities.

Each run pools the first N authorities of `synthesise_england` into one snapshot (their ids and
team codes are distinct), then runs every measure in the catalogue for 12 monthly points by
authority and by team. Baseline, measured in the same run: the same work on the first
authorities alone (the smallest N), so the ratio says how time grows against the data.

    .venv/bin/python bench/bench_england.py [--authorities 5 10 20] [--spark-at 5 20] [--months 12]
"""

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow as pa

from casegrip.config import AuthorityConfig
from casegrip.engines.connect import connect, stop_spark
from casegrip.measures.catalogue import MEASURES
from casegrip.measures.frame import Frame, monthly_windows
from casegrip.model.extract import Extract
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import import_extract
from casegrip.synth import synthesise_england


def pooled(results) -> tuple[Extract, AuthorityConfig]:
    names = results[0].extract.tables.keys()
    tables = {n: pa.concat_tables([r.extract.tables[n] for r in results]) for n in names}
    first = results[0].config
    config = first.model_copy(
        update={
            "name": f"{len(results)} synthetic authorities pooled",
            "child_population": sum(r.config.child_population for r in results),
            "services": [s for r in results for s in r.config.services],
        }
    )
    return Extract(
        source="ssd", tables=tables, extract_date=results[0].extract.extract_date
    ), config


def run_catalogue(engine: str, snapshot, config, months: int, end: date) -> float:
    from casegrip.measures.runner import run_many

    connection = connect(engine, snapshot=snapshot)
    try:
        frame = Frame(connection, monthly_windows(end, months), config)
        start = time.perf_counter()
        run_many(MEASURES, frame, breakdowns=("authority", "team"), extra=False)
        return time.perf_counter() - start
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--authorities", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--spark-at", type=int, nargs="+", default=[5, 20])
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    most = max(args.authorities)
    end = date.today()
    start = time.perf_counter()
    results = synthesise_england(most, years=5, seed=1, end_date=end)
    print(f"synthesised {most} authorities in {time.perf_counter() - start:.0f} s")

    timings: dict[tuple[str, int], tuple[int, float]] = {}
    for n in sorted(args.authorities):
        extract, config = pooled(results[:n])
        with tempfile.TemporaryDirectory(prefix="casegrip-england-") as scratch:
            home = Path(scratch)
            provenance = import_extract(extract, config=config, source_path="bench", home=home)
            rows = sum(provenance.row_counts.values())
            snapshot = live_snapshot(home)
            engines = ["duckdb"] + (["spark"] if n in args.spark_at else [])
            for engine in engines:
                seconds = run_catalogue(engine, snapshot, config, args.months, end)
                timings[(engine, n)] = (rows, seconds)
                print(
                    f"{engine:6s} {n:3d} authorities, {rows:>11,} rows: {seconds:7.1f} s, "
                    f"{rows / seconds:>10,.0f} rows/s ({len(MEASURES)} measures, "
                    f"{args.months} months, by authority and team)",
                    flush=True,
                )
    stop_spark()
    for engine in ("duckdb", "spark"):
        runs = sorted((n, r, s) for (e, n), (r, s) in timings.items() if e == engine)
        if len(runs) > 1:
            (n0, r0, s0), (n1, r1, s1) = runs[0], runs[-1]
            print(
                f"{engine}: {n1 / n0:.1f}x the authorities, {r1 / r0:.1f}x the rows, "
                f"{s1 / s0:.1f}x the time (baseline: {n0} authorities in the same run)"
            )


if __name__ == "__main__":
    main()

"""Synthesise and import the city profile; Parquet into DuckDB against a bare DuckDB load.

Targets (issue 3): synthesise and import `city`, 5 years, in under 60 s on this 2-core machine;
import from Parquet into DuckDB at 1 million rows per second or more.

Baselines, measured in the same run on the same files: DuckDB's own
`CREATE TABLE t AS SELECT * FROM read_parquet(file)` for every file, with no parsing, checks or
provenance, into memory (what casegrip's load step does, less the lenient parsing) and into a
file (where DuckDB's compression sets the pace). casegrip's import reads leniently into an
in-memory database, conforms every table, builds the calendar, runs every data-quality check,
writes the checked snapshot to its file in one step, and swaps atomically.

    .venv/bin/python bench/bench_import.py [--profile city] [--years 5]
"""

import argparse
import tempfile
import time
from pathlib import Path

from casegrip.engines.duck import quiet_connection
from casegrip.sources.ssd import read_ssd_folder
from casegrip.store.snapshots import import_extract
from casegrip.synth import synthesise, write_extract


def bare_duckdb_load(folder: Path, database: str) -> int:
    con = quiet_connection(database)
    rows = 0
    try:
        for path in sorted(folder.glob("ssd_*.parquet")):
            con.execute(
                f'CREATE TABLE "{path.stem}" AS SELECT * FROM read_parquet($p)', {"p": str(path)}
            )
            rows += con.execute(f'SELECT count(*) FROM "{path.stem}"').fetchone()[0]
    finally:
        con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="city")
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casegrip-bench-") as scratch:
        work = Path(scratch)
        start = time.perf_counter()
        result = synthesise(args.profile, years=args.years, seed=1)
        synth_seconds = time.perf_counter() - start
        write_extract(result, work / "extract")
        write_seconds = time.perf_counter() - start - synth_seconds

        bare_duckdb_load(work / "extract", ":memory:")  # warm: DuckDB's first query imports
        start = time.perf_counter()
        rows = bare_duckdb_load(work / "extract", ":memory:")
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        bare_duckdb_load(work / "extract", str(work / "baseline.duckdb"))
        baseline_file = time.perf_counter() - start

        start = time.perf_counter()
        extract = read_ssd_folder(work / "extract", result.extract.extract_date)
        read_seconds = time.perf_counter() - start
        marks: dict[str, list[float]] = {}

        def progress(step: str, done: int, total: int) -> None:
            marks.setdefault(step, []).append(time.perf_counter())

        provenance = import_extract(
            extract,
            config=result.config,
            source_path="bench",
            home=work / "home",
            progress=progress,
        )
        import_seconds = time.perf_counter() - start
        load_seconds = read_seconds + marks["Loading tables"][-1] - marks["Loading tables"][0]
        persist_seconds = marks["Writing the snapshot"][-1] - marks["Writing the snapshot"][0]
        check_seconds = marks["Checking data quality"][-1] - marks["Checking data quality"][0]

    findings = sum(provenance.findings_by_rule.values())
    total = synth_seconds + write_seconds + import_seconds
    print(
        f"profile {args.profile}, {args.years} years: {rows:,} rows in {len(extract.files)} files"
    )
    print(f"synthesise {synth_seconds:.1f} s, write Parquet {write_seconds:.1f} s")
    print(
        f"baseline bare DuckDB load into memory: {baseline:.2f} s ({rows / baseline:,.0f} rows/s), "
        f"into a file: {baseline_file:.2f} s ({rows / baseline_file:,.0f} rows/s); "
        f"casegrip import: {import_seconds:.2f} s ({rows / import_seconds:,.0f} rows/s; "
        f"read {read_seconds:.2f} s, checks and swap {import_seconds - read_seconds:.2f} s), "
        f"{findings:,} findings; "
        f"ratio {import_seconds / baseline_file:.1f}x the bare load into a file"
    )
    print(f"synthesise + write + import: {total:.1f} s (target under 60 s)")
    print(
        f"Parquet into DuckDB (read and load, before checks): {load_seconds:.2f} s, "
        f"{rows / load_seconds:,.0f} rows/s, "
        f"{load_seconds / baseline:.1f}x the bare load into memory "
        "(target 1,000,000 rows/s or more)"
    )
    print(
        f"data-quality checks {check_seconds:.2f} s; writing the checked snapshot to its "
        f"compressed file {persist_seconds:.2f} s ({rows / persist_seconds:,.0f} rows/s)"
    )
    print(f"whole import with checks, write and swap: {rows / import_seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()

"""Validating an SSDA903 return against the DfE rules that csc-validator-be-903 implements.

``validate(folder, year)`` loads the return's CSV files (and, optionally, the previous year's)
into an in-memory DuckDB database and runs every rule of the collection year whose tables
were all supplied, as the DfE validator skips a rule when a table it needs is missing."""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from casegrip.returns.validation.findings import Finding

from ..sql import literal
from . import (  # noqa: F401  (importing a rules module registers its rules)
    rules_100,
    rules_200,
    rules_300,
    rules_400,
    rules_500,
    rules_600,
    rules_1000,
    rules_dolo,
    rules_earlier_years,
    rules_integrity,
    rules_placement,
    rules_providers,
    rules_sw,
)
from .load import load
from .registry import FINDINGS_SQL, REGISTRY, found_findings, run_into

__all__ = ["REGISTRY", "validate", "validate_to_csv"]

# (rule, message, findings, children) per rule, most findings first: as ``run.by_rule``.
BY_RULE_SQL = """
    SELECT rule_code, m.message, count(*) AS findings,
           count(DISTINCT c) FILTER (WHERE coalesce(c, '') <> '') AS children
    FROM found JOIN _messages m USING (rule_code)
    GROUP BY rule_code, m.message ORDER BY findings DESC, rule_code"""


def validate(
    path: Path,
    year: int,
    previous: Path | None = None,
    authority: str | None = None,
    providers: Sequence[Path] | None = None,
) -> list[Finding]:
    """The findings of every applicable rule on the return in folder ``path`` for collection
    year ``year`` (1 April of ``year - 1`` to 31 March of ``year``); rules that compare with the
    previous year's return run only when its folder is given as ``previous``, and rules that
    compare placements with the return's own local authority only when its ONS code (such as
    E09000027) is given as ``authority``; rules that look up a placement's URN only when
    Ofsted's provider lists (XLSX files: ``providers.read_providers``) are given as
    ``providers``."""
    con = _connect()
    try:
        _run(con, path, year, previous, authority, providers)
        return found_findings(con)
    finally:
        con.close()


def validate_to_csv(
    path: Path,
    year: int,
    out: Path | None,
    previous: Path | None = None,
    authority: str | None = None,
    providers: Sequence[Path] | None = None,
) -> list[tuple[str, str, int, int]]:
    """As ``validate``, but the findings go straight from DuckDB to the CSV ``out`` (when
    given; the columns of ``run.findings_csv``) and what comes back is the summary by rule.
    A return full of errors has 100,000s of findings: making each a Python object and writing
    it out took longer than finding them all."""
    con = _connect()
    try:
        _run(con, path, year, previous, authority, providers)
        if out is None:
            return con.execute(BY_RULE_SQL).fetchall()
        copy = (
            'COPY (SELECT rule_code, "table", "row", NULLIF(child_id, \'\') AS child_id,'
            f" NULLIF(fields, '') AS fields, message FROM ({FINDINGS_SQL}))"
            f" TO {literal(str(out))} (HEADER, DELIMITER ',')"
        )
        # The summary is worked out on a cursor of its own while the file is written.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ssda903-summary") as pool:
            summary = pool.submit(_summary, con)
            con.execute(copy)
            return summary.result()
    finally:
        con.close()


def _summary(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, int]]:
    with con.cursor() as cursor:
        return cursor.execute(BY_RULE_SQL).fetchall()


def _connect() -> duckdb.DuckDBPyConnection:
    # One DuckDB thread: on tables this small, a thread pool costs more than it saves (loading
    # took half as long), and two of our own threads (load, run_into) keep both cores busy.
    return duckdb.connect(config={"threads": 1})


def _run(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    year: int,
    previous: Path | None,
    authority: str | None,
    providers: Sequence[Path] | None,
) -> None:
    present = load(con, Path(path), Path(previous) if previous else None, authority, providers)
    applicable = [
        rule.code
        for rule in REGISTRY.rules.values()
        if rule.applies(year) and set(rule.tables) <= present
    ]
    run_into(con, applicable, year)

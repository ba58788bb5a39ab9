"""Validating an SSDA903 return against the DfE rules that csc-validator-be-903 implements.

``validate(folder, year)`` loads the return's CSV files (and, optionally, the previous year's)
into an in-memory DuckDB database and runs every rule of the collection year whose tables
were all supplied, as the DfE validator skips a rule when a table it needs is missing."""

from pathlib import Path

import duckdb

from casegrip.returns.validation.findings import SORT_KEY, Finding

from . import (  # noqa: F401  (importing a rules module registers its rules)
    rules_100,
    rules_200,
    rules_300,
    rules_400,
    rules_500,
    rules_600,
    rules_1000,
    rules_earlier_years,
    rules_integrity,
    rules_sw,
)
from .load import load
from .registry import REGISTRY, run_together

__all__ = ["REGISTRY", "validate"]


def validate(path: Path, year: int, previous: Path | None = None) -> list[Finding]:
    """The findings of every applicable rule on the return in folder ``path`` for collection
    year ``year`` (1 April of ``year - 1`` to 31 March of ``year``); rules that compare with the
    previous year's return run only when its folder is given as ``previous``."""
    con = duckdb.connect()
    try:
        present = load(con, Path(path), Path(previous) if previous else None)
        applicable = [
            rule.code
            for rule in REGISTRY.rules.values()
            if rule.applies(year) and set(rule.tables) <= present
        ]
        return sorted(run_together(con, applicable, year), key=SORT_KEY)
    finally:
        con.close()

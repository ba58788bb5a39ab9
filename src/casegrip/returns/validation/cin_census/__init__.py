"""Validating a CIN census against the DfE rules (as Data to Insight's ``csc-validator-be-cin``
implements them), each rule one set-based query on DuckDB.

``validate(path, year)`` loads the XML (``load.py``) and runs every rule of collection year
``year`` registered on ``registry``. The census year is 1 April of ``year - 1`` to 31 March of
``year``, whatever the file's header says (rule 100 reports a header that disagrees). Rules are
grouped by what they check: ``rules_return`` (header and whole-return counts), ``rules_child``,
``rules_episodes`` (CINdetails), ``rules_assessments``, ``rules_cin_plans``, ``rules_section47``
and ``rules_protection``. No rule needs the previous year's return.
"""

from pathlib import Path

import duckdb

from ..findings import Finding
from . import (
    rules_assessments,
    rules_child,
    rules_cin_plans,
    rules_episodes,
    rules_protection,
    rules_return,
    rules_section47,
)
from .load import load
from .rule import registry

RULE_MODULES = (
    rules_return,
    rules_child,
    rules_episodes,
    rules_assessments,
    rules_cin_plans,
    rules_section47,
    rules_protection,
)

__all__ = ["RULE_MODULES", "registry", "validate", "validate_loaded"]


def validate_loaded(con: duckdb.DuckDBPyConnection, year: int) -> list[Finding]:
    """The findings on a census already loaded into ``con`` (the tables of ``load.py``)."""
    return registry.run(con, year)


def validate(path: Path | str, year: int) -> list[Finding]:
    """The findings on the CIN census XML at ``path`` for collection year ``year``."""
    with duckdb.connect() as con:
        load(con, Path(path))
        return validate_loaded(con, year)

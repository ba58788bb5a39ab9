"""How a CIN census rule is written: a function of the collection year that returns one SQL
query, whose rows (table, row, child) are the rule's findings.

Each query selects ``"table"``, ``"row"`` and ``child_id``; the rule's code, fields and message
come from its registration. Helpers here are the SQL the rules share: the census period, the
yes/no flags as the DfE validator reads them, and working days before the reference date.
"""

from collections.abc import Callable, Iterable
from datetime import date
from functools import cache

import duckdb

from casegrip.calendar import WorkingCalendar
from casegrip.returns.layouts import UnsupportedYear, cin_layout

from ..findings import Finding, Registry

registry = Registry("CIN census")

# The DfE validator's rule packs begin with collection year 2023; earlier years get its rules.
FIRST_RULE_YEAR = 2023
LAST_YEAR = 2040


def since(year: int) -> tuple[int, ...]:
    """The collection years from ``year`` on (for ``years=`` of a rule added that year)."""
    return tuple(range(year, LAST_YEAR + 1))


def sql_rule(
    code: str,
    message: str,
    *,
    fields: Iterable[str],
    tables: Iterable[str],
    years: Iterable[int] = (),
) -> Callable[[Callable[[int], str]], Callable[[int], str]]:
    """Register a rule written as ``query(year) -> SQL``."""
    fields = tuple(fields)

    def register(query: Callable[[int], str]) -> Callable[[int], str]:
        def check(con: duckdb.DuckDBPyConnection, year: int) -> list[Finding]:
            found = con.execute(f"SELECT DISTINCT * FROM ({query(year)})").fetchall()
            return [
                Finding(code, table, int(row), child or "", fields, message)
                for table, row, child in found
            ]

        registry.rule(code, message, fields=fields, tables=tables, years=years)(check)
        return query

    return register


def rows(table: str, where: str, alias: str = "t", joins: str = "") -> str:
    """The rows of ``table`` (as ``alias``) where ``where`` holds."""
    return (
        f'SELECT \'{table}\' AS "table", {alias}._row AS "row", {alias}.LAchildID AS child_id '
        f'FROM "{table}" {alias} {joins} WHERE {where}'
    )


def return_level(condition: str) -> str:
    """One finding on the Header when a condition on the whole return holds."""
    return f"SELECT 'Header', 0, NULL WHERE ({condition})"


def start(year: int) -> str:
    return f"DATE '{year - 1}-04-01'"


def end(year: int) -> str:
    return f"DATE '{year}-03-31'"


def in_period(column: str, year: int) -> str:
    return f"({column} BETWEEN {start(year)} AND {end(year)})"


def outside_period(column: str, year: int) -> str:
    """Present and not within the census year."""
    return f"({column} < {start(year)} OR {column} > {end(year)})"


def yes(column: str) -> str:
    """A 1/true flag (the schema's xs:boolean)."""
    return f"(lower(trim({column})) IN ('1', 'true'))"


def no(column: str) -> str:
    """A 0/false flag: a missing flag is neither yes nor no."""
    return f"(lower(trim({column})) IN ('0', 'false'))"


def codes(year: int, element: str) -> str:
    """The year's codes for ``element`` (from the census layout) as a SQL list."""
    try:
        allowed = cin_layout(year).codes[element]
    except UnsupportedYear:  # beyond the layouts held: the nearest year's codes
        allowed = cin_layout(2026 if year > 2026 else 2017).codes[element]
    return "(" + ", ".join(f"'{c}'" for c in sorted(allowed)) + ")"


def sql_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def rule_year(year: int) -> int:
    """The year whose DfE rule pack applies (the first pack for years before it)."""
    return max(year, FIRST_RULE_YEAR)


@cache
def _calendar(year: int) -> WorkingCalendar:
    # Only the census year and the one before: a whole calendar takes a second to build.
    return WorkingCalendar(first_year=year - 1, last_year=year)


def working_days_before_end(year: int, days: int) -> str:
    """The date ``days`` working days before 31 March, counting 31 March as the first
    (the DfE validator's '45 working days before the end of the census year')."""
    day = _calendar(year).add_working_days(date(year, 3, 31), -(days - 1))
    return f"DATE '{day.isoformat()}'"


def working_day_before_start(year: int) -> str:
    """The last working day before 1 April."""
    day = _calendar(year).add_working_days(date(year - 1, 4, 1), -1)
    return f"DATE '{day.isoformat()}'"

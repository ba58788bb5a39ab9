"""The SSDA903 rule registry, and the decorator that turns one SQL query into a rule.

A rule's query returns one row per finding: the table (``t``), the 0-based row in it (``r``)
and the child (``c``). Queries read the typed tables made by ``load`` (``Episodes``, ...) and,
for format checks, the raw tables (``Episodes_raw``, ...)."""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import duckdb

from casegrip.returns.validation.findings import Finding, Registry

from .load import TABLES

REGISTRY = Registry("SSDA903")

Query = Callable[[int], str]

# Each rule's query and how its rows become findings, by rule code: ``run_together`` runs many
# rules as one statement.
QUERIES: dict[str, tuple[Query, Callable[[Iterable[tuple]], list[Finding]]]] = {}


def start(year: int) -> str:
    """The collection year's first day, as a SQL date literal."""
    return f"DATE '{date(year - 1, 4, 1).isoformat()}'"


def end(year: int) -> str:
    """The collection year's last day, as a SQL date literal."""
    return f"DATE '{date(year, 3, 31).isoformat()}'"


def codes(values: Iterable[str]) -> str:
    """A SQL list of text codes, for ``IN``."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def sql_rule(
    code: str,
    message: str,
    *,
    fields: Iterable[str],
    tables: Iterable[str],
    years: Iterable[int] = (),
) -> Callable[[Query], Query]:
    """Register ``query(year) -> SQL`` as rule ``code``; each finding names the rule's fields
    that its table holds."""
    fields = tuple(fields)

    def register(query: Query) -> Query:
        held: dict[str, tuple[str, ...]] = {}  # the rule's fields each table holds

        def fields_in(table: str) -> tuple[str, ...]:
            if table not in held:
                columns = TABLES.get(table.removesuffix("_last"), ())
                held[table] = tuple(f for f in fields if f in columns)
            return held[table]

        def findings(found: Iterable[tuple]) -> list[Finding]:
            return [
                Finding(code, table, int(row), child or "", fields_in(table), message)
                for table, row, child in found
            ]

        def check(con: duckdb.DuckDBPyConnection, year: int) -> list[Finding]:
            return findings(con.execute(f"SELECT DISTINCT t, r, c FROM ({query(year)})").fetchall())

        REGISTRY.rule(code, message, fields=fields, tables=tables, years=years)(check)
        QUERIES[code] = (query, findings)
        return query

    return register


def run_together(con: duckdb.DuckDBPyConnection, rule_codes: list[str], year: int) -> list[Finding]:
    """The findings of the rules ``rule_codes``, run on two threads, each on a cursor of its own
    with one DuckDB thread.

    A rule's query takes about a millisecond on a return of 10,000 children, most of it DuckDB
    parsing and planning it, which DuckDB does without holding Python's lock: two threads
    planning a query each beat one query made of all the rules (which took longer to plan
    than the rules took one by one) and one thread running them in turn."""
    if not rule_codes:
        return []
    halves = [rule_codes[0::2], rule_codes[1::2]]

    def run(codes: list[str]) -> list[Finding]:
        cursor = con.cursor()
        try:
            cursor.execute("SET threads = 1")
            found: list[Finding] = []
            for code in codes:
                query, findings = QUERIES[code]
                found.extend(
                    findings(
                        cursor.execute(f"SELECT DISTINCT t, r, c FROM ({query(year)})").fetchall()
                    )
                )
            return found
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="ssda903-rules") as pool:
        return [finding for part in pool.map(run, halves) for finding in part]


def invalid_code(table: str, field: str, valid: Iterable[str], *, blank_ok: bool) -> str:
    """Rows of ``table`` whose ``field`` is not one of ``valid`` (or is blank, unless allowed)."""
    blank = "FALSE" if blank_ok else f'"{field}" IS NULL'
    return (
        f"SELECT '{table}' AS t, _row AS r, CHILD AS c FROM \"{table}\""
        f' WHERE "{field}" NOT IN {codes(valid)} OR {blank}'
    )


def invalid_date(table: str, field: str, *, blank_ok: bool = True) -> str:
    """Rows of ``table`` whose ``field`` is not a DD/MM/YYYY date (or is blank, unless allowed)."""
    blank = "FALSE" if blank_ok else f'"{field}" IS NULL'
    return (
        f"SELECT '{table}' AS t, _row AS r, CHILD AS c FROM \"{table}_raw\""
        f' WHERE ("{field}" IS NOT NULL AND try_strptime("{field}", \'%d/%m/%Y\') IS NULL)'
        f" OR {blank}"
    )


def continuously_looked_after(year: int) -> str:
    """The children looked after continuously through the year, as the DfE rules define it:
    in care at some point in the year, with no episode that starts a period of care after
    1 April, ends one before 31 March, or is a short break (V3, V4) in the year."""
    s, e = start(year), end(year)
    return f"""
        SELECT CHILD FROM Episodes GROUP BY CHILD
        HAVING bool_or(coalesce(DECOM <= {e} AND (DEC >= {s} OR DEC IS NULL), FALSE))
           AND NOT bool_or(coalesce(
                (RNE = 'S' AND DECOM > {s} AND DECOM <= {e})
             OR (coalesce(REC, '') <> 'X1' AND DEC >= {s} AND DEC < {e})
             OR (LS IN ('V3', 'V4') AND DECOM <= {e} AND (DEC >= {s} OR DEC IS NULL)), FALSE))
    """


def zz_date(column: str) -> str:
    """``column`` (text) as a date, reading an unknown day or month (ZZ) as the latest it could
    be and an unknown year (ZZZZ) as 2000, as the DfE validator does for dates that may be
    partly unknown; NULL when not a date."""
    filled = (
        f"regexp_replace(regexp_replace(regexp_replace(upper({column}),"
        " '^ZZ/', '01/'), '/ZZ/', '/01/'), '/ZZZZ$', '/2000')"
    )
    parsed = f"try_strptime({filled}, '%d/%m/%Y')::DATE"
    return f"""CASE
        WHEN regexp_matches(upper({column}), '^[^/]*/ZZ/') THEN
            ({parsed} + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE
        WHEN regexp_matches(upper({column}), '^ZZ/') THEN
            ({parsed} + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE
        ELSE {parsed} END"""

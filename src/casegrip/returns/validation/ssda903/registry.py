"""The SSDA903 rule registry, and the decorator that turns one SQL query into a rule.

A rule's query returns one row per finding: the table (``t``), the 0-based row in it (``r``)
and the child (``c``). Queries read the typed tables made by ``load`` (``Episodes``, ...), for
format checks the raw tables (``Episodes_raw``, ...), and the tables several rules share
(``shared``: ``_continuously_looked_after``, ...). ``run_into`` runs many rules and keeps their
findings in DuckDB."""

from collections.abc import Callable, Iterable
from datetime import date
from threading import Event

import duckdb

from casegrip.returns.validation.cursors import on_two_cursors
from casegrip.returns.validation.findings import Finding, Registry
from casegrip.returns.validation.sql import literal

from .load import TABLES

REGISTRY = Registry("SSDA903")

Query = Callable[[int], str]

# Each rule's query, by rule code: ``run_into`` runs them on the engine.
QUERIES: dict[str, Query] = {}

# Tables that several rules read, each made once per validation before the rules that name it
# run (``prepare``): a query that many rules would otherwise each work out again, such as the
# children looked after all year or each episode beside the one before it.
SHARED: dict[str, Query] = {}


def shared(name: str) -> Callable[[Query], Query]:
    """Register ``query(year) -> SQL`` as the shared table ``name`` (which starts with "_")."""

    def register(query: Query) -> Query:
        SHARED[name] = query
        return query

    return register


def prepare(con: duckdb.DuckDBPyConnection, queries: Iterable[str], year: int) -> None:
    """The shared tables that ``queries`` name, made in ``con`` on two cursors."""
    sql = "\n".join(queries)
    needed = [name for name in SHARED if name in sql]
    on_two_cursors(
        con,
        needed,
        lambda cursor, _, name: cursor.execute(
            f'CREATE OR REPLACE TABLE "{name}" AS {SHARED[name](year)}'
        ),
        name="ssda903-shared",
    )


def start(year: int) -> str:
    """The collection year's first day, as a SQL date literal."""
    return f"DATE '{date(year - 1, 4, 1).isoformat()}'"


def end(year: int) -> str:
    """The collection year's last day, as a SQL date literal."""
    return f"DATE '{date(year, 3, 31).isoformat()}'"


def codes(values: Iterable[str]) -> str:
    """A SQL list of text codes, for ``IN``."""
    return "(" + ", ".join(literal(v) for v in values) + ")"


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
        held = _fields_by_table(fields)

        def check(con: duckdb.DuckDBPyConnection, year: int) -> list[Finding]:
            sql = query(year)
            prepare(con, [sql], year)
            found = con.execute(f"SELECT DISTINCT t, r, c FROM ({sql})").fetchall()
            return [
                Finding(code, t, int(r), c or "", held.get(t.removesuffix("_last"), ()), message)
                for t, r, c in found
            ]

        REGISTRY.rule(code, message, fields=fields, tables=tables, years=years)(check)
        QUERIES[code] = query
        return query

    return register


# The first item of ``run_into``'s work: not a rule code.
MESSAGES = "_messages"


def run_into(con: duckdb.DuckDBPyConnection, rule_codes: list[str], year: int) -> None:
    """Run the rules ``rule_codes`` and leave their findings in ``con`` as the view ``found``
    (rule_code, t, r, c), with each rule's message and fields beside them (``FINDINGS_SQL``).

    The rules run on two threads (``on_two_cursors``). A rule's query takes one or two
    milliseconds on a return of 10,000 children, half of it DuckDB planning it: two threads
    planning a query each beat one query made of all the rules (which took longer to plan than
    the rules took one by one) and one thread running them in turn. Findings stay in DuckDB,
    which sorts them and writes them out far faster than Python objects could be made of them:
    a return full of errors has 100,000s."""
    columns = "rule_code VARCHAR, t VARCHAR, r BIGINT, c VARCHAR"
    queries = {code: QUERIES[code](year) for code in rule_codes}
    needs = {code: [name for name in SHARED if name in sql] for code, sql in queries.items()}
    made = {name: Event() for name in SHARED if any(name in names for names in needs.values())}
    # The rules' messages and fields, then the shared tables, are made first, on the same two
    # threads as the rules: each rule that reads a shared table comes after every rule that
    # reads none, so it seldom waits.
    work = [MESSAGES, *made, *sorted(rule_codes, key=lambda code: bool(needs[code]))]
    in_transaction = [False, False]

    def start(cursor: duckdb.DuckDBPyConnection, thread: int) -> None:
        cursor.execute(f"CREATE OR REPLACE TABLE _all_found_{thread} ({columns})")

    def run(cursor: duckdb.DuckDBPyConnection, thread: int, item: str) -> None:
        if item == MESSAGES:
            cursor.execute(_messages_and_fields(rule_codes))
            return
        if item in made:
            try:
                cursor.execute(f'CREATE OR REPLACE TABLE "{item}" AS {SHARED[item](year)}')
            finally:
                made[item].set()  # even on failure, so the other thread does not wait forever
            return
        for name in needs[item]:
            made[name].wait()
        # One transaction, once every shared table is made (one that began earlier would not
        # see them): committing each rule's findings on its own took a tenth longer.
        if not in_transaction[thread] and all(event.is_set() for event in made.values()):
            cursor.execute("BEGIN")
            in_transaction[thread] = True
        cursor.execute(
            f"INSERT INTO _all_found_{thread} SELECT '{item}', t, r, c FROM ({queries[item]})"
        )

    def finish(cursor: duckdb.DuckDBPyConnection, thread: int) -> None:
        if in_transaction[thread]:
            cursor.execute("COMMIT")
        # A rule may find a row twice (through two joins, say). Each thread's findings are made
        # distinct once, at its end (a rule runs wholly on one thread): a DISTINCT in each of
        # 250 queries cost more to plan than this costs to run, even on 170,000 findings.
        cursor.execute(
            f"CREATE OR REPLACE TABLE _found_{thread} AS SELECT DISTINCT * FROM _all_found_{thread}"
        )

    on_two_cursors(con, work, run, name="ssda903-rules", start=start, finish=finish)
    con.execute("CREATE OR REPLACE VIEW found AS FROM _found_0 UNION ALL FROM _found_1")


def _messages_and_fields(rule_codes: list[str]) -> str:
    """SQL that makes ``_messages`` (each rule's message) and ``_fields`` (the rule's fields
    each table holds), for ``FINDINGS_SQL``."""
    fields = [
        (code, table, ";".join(held))
        for code in rule_codes
        for table, held in _fields_by_table(REGISTRY.rules[code].fields).items()
    ]
    messages = [(code, REGISTRY.rules[code].message) for code in rule_codes]
    return (
        "CREATE OR REPLACE TABLE _messages (rule_code VARCHAR, message VARCHAR);"
        "CREATE OR REPLACE TABLE _fields (rule_code VARCHAR, t VARCHAR, fields VARCHAR);"
        + (f"INSERT INTO _messages {_columns_of_text(messages)};" if messages else "")
        + (f"INSERT INTO _fields {_columns_of_text(fields)};" if fields else "")
    )


# Joins the values of a column into one text: no message or field name holds it.
UNIT_SEPARATOR = "\x1f"


def _columns_of_text(rows: list[tuple[str, ...]]) -> str:
    """A SELECT of ``rows``, each column given as one text literal split apart again: DuckDB
    parses a handful of long literals in a fraction of the time it takes over 1,000 short
    ones, and binding the values as parameters would import pandas."""
    split = (
        f"unnest(string_split({literal(UNIT_SEPARATOR.join(column))}, chr(31)))"
        for column in zip(*rows, strict=True)
    )
    return f"SELECT {', '.join(split)}"


# Every finding ``run_into`` left, in the order of ``SORT_KEY``: rule_code, table, row, child_id
# ('' when the row names none), fields (';'-joined) and message.
FINDINGS_SQL = """
    SELECT f.rule_code, f.t AS "table", f.r AS "row", coalesce(f.c, '') AS child_id,
           coalesce(d.fields, '') AS fields, m.message
    FROM found f JOIN _messages m USING (rule_code)
    LEFT JOIN _fields d ON d.rule_code = f.rule_code AND d.t = f.t
    ORDER BY f.rule_code, f.t, f.r, child_id"""


def found_findings(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """The findings ``run_into`` left in ``con``, as Python objects, in order."""
    return [
        Finding(code, table, row, child, tuple(fields.split(";")) if fields else (), message)
        for code, table, row, child, fields, message in con.execute(FINDINGS_SQL).fetchall()
    ]


def run_together(con: duckdb.DuckDBPyConnection, rule_codes: list[str], year: int) -> list[Finding]:
    """The findings of the rules ``rule_codes``, in order (see ``run_into``)."""
    run_into(con, rule_codes, year)
    return found_findings(con)


def _fields_by_table(fields: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The rule's fields each table holds (its findings in that table name them)."""
    by_table: dict[str, tuple[str, ...]] = {}
    for table, columns in TABLES.items():
        held = tuple(f for f in fields if f in columns)
        if held:
            by_table[table] = held
    return by_table


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
    1 April, ends one before 31 March, or is a short break (V3, V4) in the year. (A shared
    table, made for the year being validated.)"""
    return "SELECT CHILD FROM _continuously_looked_after"


@shared("_continuously_looked_after")
def _continuously_looked_after(year: int) -> str:
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

"""Small pieces of SQL text the builders put together from layout data (codes and words
from the YAML, never from the case record)."""


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_case(expression: str, mapping: dict[str, str], otherwise: str) -> str:
    """``CASE expression WHEN 'key' THEN 'value' ... ELSE otherwise END`` from a mapping."""
    if not mapping:
        return otherwise
    whens = " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v)}" for k, v in mapping.items())
    return f"CASE {expression} {whens} ELSE {otherwise} END"


def sql_list(values) -> str:
    """``('a', 'b')`` for ``IN``; never empty."""
    return "(" + ", ".join(sql_text(v) for v in values) + ")" if values else "(NULL)"

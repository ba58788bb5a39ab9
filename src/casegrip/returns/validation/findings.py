"""The shape every validation rule reports in, and the registry rules join."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter

import duckdb

FINDING_COLUMNS = ("rule_code", "table", "row", "child_id", "fields", "message")


@dataclass(frozen=True, order=True)
class Finding:
    rule_code: str
    table: str
    row: int  # 0-based within ``table``
    child_id: str
    fields: tuple[str, ...]
    message: str

    def as_row(self) -> dict:
        return {
            "rule_code": self.rule_code,
            "table": self.table,
            "row": self.row,
            "child_id": self.child_id,
            "fields": ";".join(self.fields),
            "message": self.message,
        }


# Findings in their natural order, sorted faster than by comparing the dataclasses.
SORT_KEY = attrgetter("rule_code", "table", "row", "child_id", "fields", "message")

RuleFunction = Callable[[duckdb.DuckDBPyConnection, int], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    fields: tuple[str, ...]
    tables: tuple[str, ...]
    check: RuleFunction
    years: tuple[int, ...] = field(default=())  # collection years it applies to; () = all

    def applies(self, year: int) -> bool:
        return not self.years or year in self.years


class Registry:
    """The rules of one return (SSDA903 or CIN census)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rules: dict[str, Rule] = {}

    def rule(
        self,
        code: str,
        message: str,
        *,
        fields: Iterable[str],
        tables: Iterable[str],
        years: Iterable[int] = (),
    ) -> Callable[[RuleFunction], RuleFunction]:
        def register(check: RuleFunction) -> RuleFunction:
            if code in self.rules:
                raise ValueError(f"{self.name} rule {code} is registered twice")
            self.rules[code] = Rule(
                code, message, tuple(fields), tuple(tables), check, tuple(years)
            )
            return check

        return register

    def run(self, con: duckdb.DuckDBPyConnection, year: int) -> list[Finding]:
        findings: list[Finding] = []
        for rule in self.rules.values():
            if rule.applies(year):
                findings.extend(rule.check(con, year))
        return sorted(findings)

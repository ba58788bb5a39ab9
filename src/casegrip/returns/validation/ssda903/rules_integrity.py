"""SSDA903 internal checks INT01 to INT36: every child in a table is in the header, with the
same date of birth (and sex), and appears once in the tables that hold one row a child."""

from .registry import sql_rule

IN_HEADER = {
    "INT01": "AD1",
    "INT02": "PlacedAdoption",
    "INT03": "Episodes",
    "INT04": "Missing",
    "INT05": "OC2",
    "INT06": "OC3",
    "INT07": "PrevPerm",
    "INT08": "Reviews",
    "INT09": "UASC",
}
SAME_DOB = {
    "INT11": "AD1",
    "INT12": "PlacedAdoption",
    "INT13": "Missing",
    "INT14": "OC2",
    "INT15": "OC3",
    "INT16": "PrevPerm",
    "INT17": "Reviews",
    "INT18": "UASC",
}
ONCE = {
    "INT31": "AD1",
    "INT32": "Header",
    "INT33": "OC2",
    "INT34": "OC3",
    "INT35": "PrevPerm",
    "INT36": "UASC",
}


def _in_header(code: str, table: str) -> None:
    @sql_rule(
        code,
        f"Internal Check: Child in {table} does not exist in Header.",
        fields=["CHILD"],
        tables=[table, "Header"],
    )
    def check(year: int) -> str:
        return f"""
            SELECT '{table}' t, _row r, CHILD c FROM "{table}" x
            WHERE NOT EXISTS (SELECT 1 FROM Header h WHERE h.CHILD = x.CHILD)"""


def _agrees(code: str, table: str, field: str) -> None:
    @sql_rule(
        code,
        f"Internal Check: {field} in {table} is different to {field} in Header.",
        fields=[field],
        tables=[table, "Header"],
    )
    def check(year: int) -> str:
        return f"""
            SELECT DISTINCT '{table}' t, x._row r, x.CHILD c
            FROM "{table}" x JOIN Header h USING (CHILD)
            WHERE x.{field} <> h.{field}"""


def _once(code: str, table: str) -> None:
    @sql_rule(
        code,
        f"Internal Check: Child should only exist once in {table}.",
        fields=["CHILD"],
        tables=[table],
    )
    def check(year: int) -> str:
        return f"""
            SELECT '{table}' t, _row r, CHILD c FROM "{table}"
            QUALIFY count(*) OVER (PARTITION BY CHILD) > 1 AND CHILD IS NOT NULL"""


for _code, _table in IN_HEADER.items():
    _in_header(_code, _table)
for _code, _table in SAME_DOB.items():
    _agrees(_code, _table, "DOB")
_agrees("INT21", "UASC", "SEX")
for _code, _table in ONCE.items():
    _once(_code, _table)

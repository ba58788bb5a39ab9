"""SSDA903 rules on deprivation of liberty orders (DoLOs), collected from 2027 in the DoLo table:
the DfE validator's 2026-27 rules 700 to 710.

The validator's code for 709 and 710 reads a column, PLACEMENT, that the Episodes table calls
PLACE, and fails; here they are the rules as written."""

from .registry import end, sql_rule, start
from .rules_500 import outside_every_period

DOLO_YEARS = range(2027, 2100)


def _dolo(where: str) -> str:
    """DoLo rows (``d``, typed, beside ``w``, as given) where ``where`` holds."""
    return f"""
        SELECT 'DoLo' t, d._row r, d.CHILD c FROM DoLo d JOIN DoLo_raw w USING (_row)
        WHERE {where}"""


@sql_rule(
    "700",
    "The start date of the DoLO is not a valid date.",
    fields=["DOLO_START"],
    tables=["DoLo"],
    years=DOLO_YEARS,
)
def dolo_start_date(year: int) -> str:
    return _dolo("d.DOLO_START IS NULL")


@sql_rule(
    "701",
    "The end date of the DoLO is not a valid date.",
    fields=["DOLO_END"],
    tables=["DoLo"],
    years=DOLO_YEARS,
)
def dolo_end_date(year: int) -> str:
    return _dolo("w.DOLO_END IS NOT NULL AND d.DOLO_END IS NULL")


@sql_rule(
    "702",
    "The date that the DoLO ended is before the date that it started.",
    fields=["DOLO_START", "DOLO_END"],
    tables=["DoLo"],
    years=DOLO_YEARS,
)
def dolo_ends_before_start(year: int) -> str:
    # On the day it started counts as before, as the validator has it.
    return _dolo("d.DOLO_END <= d.DOLO_START")


@sql_rule(
    "703",
    "The date that the DoLO started is after the end of the collection year.",
    fields=["DOLO_START"],
    tables=["DoLo"],
    years=DOLO_YEARS,
)
def dolo_starts_after_year(year: int) -> str:
    return _dolo(f"d.DOLO_START > {end(year)}")


@sql_rule(
    "704",
    "The date that the DoLO ended is before the start or after the end of the collection year.",
    fields=["DOLO_END"],
    tables=["DoLo"],
    years=DOLO_YEARS,
)
def dolo_ends_outside_year(year: int) -> str:
    return _dolo(f"d.DOLO_END > {end(year)} OR d.DOLO_END < {start(year)}")


@sql_rule(
    "705",
    "A DoLO cannot start when the previous DoLO is still open.",
    fields=["DOLO_START", "DOLO_END"],
    tables=["DoLo"],
    years=DOLO_YEARS,
)
def dolo_overlaps_previous(year: int) -> str:
    # Each child's orders in order of end (of start, for one not ended), then of start; an
    # order is flagged when the one before it has no end or ends after it starts.
    return """
        SELECT 'DoLo' t, _row r, CHILD c FROM (
            SELECT *, lag(CHILD) OVER w AS p_child, lag(DOLO_END) OVER w AS p_end
            FROM DoLo
            WINDOW w AS (ORDER BY CHILD, coalesce(DOLO_END, DOLO_START) NULLS LAST,
                                  DOLO_START NULLS LAST, _row))
        WHERE CHILD = p_child AND (p_end IS NULL OR DOLO_START < p_end)"""


@sql_rule(
    "706",
    "There is an open DoLO in last year\u2019s return and there is no corresponding DoLO"
    " recorded at the start of this year..",
    fields=["DOLO_START"],
    tables=["DoLo", "DoLo_last"],
    years=DOLO_YEARS,
)
def open_dolo_not_continued(year: int) -> str:
    # Last year's row is the one to mend; its table is named so.
    return """
        SELECT 'DoLo_last' t, l._row r, l.CHILD c FROM DoLo_last_raw l
        WHERE l.DOLO_END IS NULL AND NOT EXISTS (
            SELECT 1 FROM DoLo_raw d
            WHERE d.CHILD = l.CHILD AND d.DOLO_START = l.DOLO_START)"""


@sql_rule(
    "707",
    "Child ceased to be looked after but there is a DoLO without an end date.",
    fields=["DOLO_END"],
    tables=["DoLo", "Episodes"],
    years=DOLO_YEARS,
)
def dolo_open_after_care(year: int) -> str:
    # As 577 for missing periods: outside every period of care of the child.
    return outside_every_period(
        """m.DOLO_START IS NOT NULL AND (
               (m.DOLO_END IS NULL AND p.DEC IS NOT NULL)
            OR (m.DOLO_END IS NULL AND m.DOLO_START < p.DECOM)
            OR m.DOLO_END > p.DEC OR m.DOLO_END < p.DECOM)""",
        table="DoLo",
    )


@sql_rule(
    "708",
    "Dates of DoLOs are before child\u2019s date of birth.",
    fields=["DOLO_START"],
    tables=["DoLo"],
    years=DOLO_YEARS,
)
def dolo_before_birth(year: int) -> str:
    return _dolo("d.DOLO_START <= d.DOB")


def _placed_during_dolo(wrong: str) -> str:
    """The DoLo rows and the Episodes rows of a child's episodes that overlap an order with both
    dates, where the episode's placement is ``wrong`` (on ``e.PLACE``)."""
    return f"""
        WITH wrong AS (
            SELECT d._row AS dolo_row, e._row AS episode_row, d.CHILD
            FROM DoLo d JOIN DoLo_raw w USING (_row) JOIN Episodes e ON e.CHILD = d.CHILD
            WHERE w.DOLO_START IS NOT NULL AND w.DOLO_END IS NOT NULL
              AND (d.DOLO_START <= e.DEC OR e.DEC IS NULL) AND d.DOLO_END >= e.DECOM
              AND ({wrong}))
        SELECT 'DoLo' t, dolo_row r, CHILD c FROM wrong
        UNION SELECT 'Episodes' t, episode_row r, CHILD c FROM wrong"""


@sql_rule(
    "709",
    "Child with a DoLO is in an unexpected placement type.",
    fields=["DOLO_START", "PLACE"],
    tables=["DoLo", "Episodes"],
    years=DOLO_YEARS,
)
def dolo_unexpected_placement(year: int) -> str:
    return _placed_during_dolo("coalesce(e.PLACE NOT IN ('K2', 'Z12', 'Z13'), TRUE)")


@sql_rule(
    "710",
    "Child with a DoLO can not be placed in secure children's homes, with parents, young"
    " offender institutions, or supported accommodation.",
    fields=["DOLO_START", "PLACE"],
    tables=["DoLo", "Episodes"],
    years=DOLO_YEARS,
)
def dolo_forbidden_placement(year: int) -> str:
    return _placed_during_dolo("e.PLACE IN ('K1', 'P1', 'R5', 'K3')")

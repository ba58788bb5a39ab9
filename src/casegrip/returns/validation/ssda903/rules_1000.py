"""SSDA903 rules 1000 to 1012, 3001 and EPI: care leavers (OC3) against episodes, missing
dates, reasons for placement change, and children with no episodes."""

from .registry import codes, end, sql_rule, start

OC3_GIVEN = "(IN_TOUCH IS NOT NULL OR ACTIV IS NOT NULL OR ACCOM IS NOT NULL)"
PLACE_CHANGE = "CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE CUSTOD OTHER".split()


@sql_rule(
    "1000",
    "This child is recorded as having died in care and therefore should not have the care"
    " leaver information completed. [NOTE: This only tests the current and previous year data"
    " loaded into the tool]",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["Episodes", "OC3"],
)
def died_but_care_leaver(year: int) -> str:
    return """
        SELECT 'OC3' t, _row r, CHILD c FROM OC3 WHERE CHILD IN (
            SELECT CHILD FROM Episodes WHERE REC = 'E2'
            UNION SELECT CHILD FROM Episodes_last WHERE REC = 'E2')"""


@sql_rule(
    "1002",
    "This child has no previous episodes of care, therefore should not have care leaver"
    " information recorded. [NOTE: This tool can only test the current and previous year data"
    " loaded into the tool - this check may generate false positives if a child had episodes"
    " prior to last year's collection.]",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["Episodes", "Episodes_last", "OC3"],
)
def care_leaver_without_care(year: int) -> str:
    return """
        SELECT 'OC3' t, _row r, CHILD c FROM OC3 o
        WHERE NOT EXISTS (SELECT 1 FROM Episodes e WHERE e.CHILD = o.CHILD)
          AND NOT EXISTS (SELECT 1 FROM Episodes_last e WHERE e.CHILD = o.CHILD)"""


@sql_rule(
    "1003",
    "Date of LA's decision that a child should be placed for adoption is before the child"
    " started to be looked after.",
    fields=["DATE_PLACED", "DECOM", "RNE"],
    tables=["Episodes", "PlacedAdoption"],
)
def decision_before_care_started(year: int) -> str:
    return """
        WITH first AS (
            SELECT * FROM Episodes WHERE RNE = 'S' AND DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1),
        bad AS (
            SELECT e._row er, p._row pr, e.CHILD c FROM first e JOIN PlacedAdoption p USING (CHILD)
            WHERE p.DATE_PLACED < e.DECOM)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'PlacedAdoption', pr, c FROM bad"""


@sql_rule(
    "1004",
    "The start date of the missing episode or episode that the child was away from placement"
    " without authorisation is not a valid date.",
    fields=["MIS_START"],
    tables=["Missing"],
)
def missing_start_date(year: int) -> str:
    return "SELECT 'Missing' t, _row r, CHILD c FROM Missing WHERE MIS_START IS NULL"


@sql_rule(
    "1005",
    "The end date of the missing episode or episode that the child was away from placement"
    " without authorisation is not a valid date.",
    fields=["MIS_END"],
    tables=["Missing"],
)
def missing_end_date(year: int) -> str:
    return """
        SELECT 'Missing' t, _row r, CHILD c FROM Missing_raw
        WHERE MIS_END IS NOT NULL AND try_strptime(MIS_END, '%d/%m/%Y') IS NULL"""


@sql_rule("1006", "Missing type invalid.", fields=["MISSING"], tables=["Missing"])
def missing_code(year: int) -> str:
    return "SELECT 'Missing' t, _row r, CHILD c FROM Missing WHERE MISSING NOT IN ('M', 'A')"


@sql_rule(
    "1009",
    "Reason for placement change is not a valid code.",
    fields=["REASON_PLACE_CHANGE"],
    tables=["Episodes"],
)
def place_change_code(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE REASON_PLACE_CHANGE NOT IN {codes(PLACE_CHANGE)}"""


@sql_rule(
    "1010",
    "This child has no episodes loaded for current year even though there was an open episode"
    " of care at the end of the previous year, and care leaver data has been entered.",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["Episodes", "Episodes_last", "OC3"],
)
def open_last_year_no_episodes(year: int) -> str:
    return """
        WITH latest AS (
            SELECT l.CHILD, w.DEC FROM Episodes_last l JOIN Episodes_last_raw w USING (_row)
            WHERE l.DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY l.CHILD ORDER BY l.DECOM DESC, l._row DESC) = 1)
        SELECT 'OC3' t, _row r, CHILD c FROM OC3 o
        WHERE NOT EXISTS (SELECT 1 FROM Episodes e WHERE e.CHILD = o.CHILD)
          AND CHILD IN (SELECT CHILD FROM latest WHERE DEC IS NULL)"""


@sql_rule(
    "1011",
    "This child is recorded as having his/her care transferred to another local authority for"
    " the final episode and therefore should not have the care leaver information completed.",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["Episodes", "OC3"],
)
def transferred_but_care_leaver(year: int) -> str:
    return f"""
        WITH latest AS (
            SELECT * FROM Episodes WHERE DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM DESC, _row) = 1)
        SELECT 'OC3' t, _row r, CHILD c FROM OC3
        WHERE {OC3_GIVEN} AND CHILD IN (SELECT CHILD FROM latest WHERE REC = 'E3')"""


@sql_rule(
    "1012",
    "No other data should be returned for OC3 children who had no episodes in the current year",
    fields=["CHILD"],
    tables=["Episodes"],
)
def data_without_episodes(year: int) -> str:
    # The tables' rows together against Episodes once: one look-up of the children with
    # episodes, not six (it took half as long).
    rows = " UNION ALL ".join(
        f"SELECT '{table}' t, _row r, CHILD c FROM \"{table}\""
        for table in ("PlacedAdoption", "Missing", "Reviews", "AD1", "PrevPerm", "OC2")
    )
    return f"""
        SELECT t, r, c FROM ({rows}) x
        WHERE NOT EXISTS (SELECT 1 FROM Episodes e WHERE e.CHILD = x.c)"""


@sql_rule(
    "3001",
    "Where care leavers information is being returned for a young person around their 17th"
    " birthday, the accommodation cannot be with their former foster carer(s).",
    fields=["REC"],
    tables=["Header", "OC3"],
)
def care_leaver_with_foster_carers_at_17(year: int) -> str:
    return f"""
        SELECT 'OC3' t, o._row r, o.CHILD c FROM OC3 o JOIN Header h USING (CHILD)
        WHERE o.ACCOM IN ('Z1', 'Z2')
          AND h.DOB + INTERVAL 17 YEAR BETWEEN {start(year)} AND {end(year)}"""


@sql_rule(
    "EPI",
    "WARNING: Episodes need to be loaded for this child before further validation is possible"
    " [NOTE: This refers to the DfE portal - here, all checks that can be performed with only"
    " the available data will be run.]",
    fields=["CHILD"],
    tables=["Header"],
)
def no_episodes(year: int) -> str:
    return """
        SELECT 'Header' t, _row r, CHILD c FROM Header h
        WHERE NOT EXISTS (SELECT 1 FROM Episodes e WHERE e.CHILD = h.CHILD)
          AND NOT EXISTS (SELECT 1 FROM OC3 o WHERE o.CHILD = h.CHILD)"""


@sql_rule(
    "1001",
    "The episodes recorded for this young person suggest they are not a relevant or a former"
    " relevant child and therefore should not have care leaver information completed. [NOTE:"
    " This tool can only test the current and previous year data loaded into the tool - this"
    " check may generate false positives if a child had episodes prior to last year's"
    " collection.]",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["Episodes", "Episodes_last", "Header", "OC3"],
)
def not_a_relevant_child(year: int) -> str:
    # A care leaver needs 13 weeks (91 days) in care since their 14th birthday, some of it
    # after their 16th, counting both years' episodes (an episode in both returns once, the
    # copy with an end date preferred); the latest open episode runs to the year's end and
    # short breaks (V3, V4) do not count. A child whose last episode ended in adoption is
    # never a care leaver. The validator checks nothing when any of the tables is empty.
    e = end(year)
    return f"""
        WITH both_years AS (
            SELECT CHILD, DECOM, DEC, LS, REC, 0 AS src, _row FROM Episodes
            UNION ALL SELECT CHILD, DECOM, DEC, LS, REC, 1, _row FROM Episodes_last),
        once AS (
            SELECT * FROM both_years
            QUALIFY row_number() OVER (
                PARTITION BY CHILD, DECOM ORDER BY DEC NULLS LAST, src, _row) = 1),
        filled AS (
            SELECT CHILD, DECOM, LS, REC,
                   CASE WHEN DECOM = max(DECOM) OVER (PARTITION BY CHILD)
                        THEN coalesce(DEC, {e}) ELSE DEC END AS DEC
            FROM once),
        adopted AS (
            SELECT CHILD FROM filled WHERE DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM DESC) = 1
                AND REC IN ('E11', 'E12')),
        counted AS (
            SELECT f.CHILD, f.DECOM, f.DEC,
                   (h.DOB + INTERVAL 14 YEAR)::DATE AS dob14,
                   (h.DOB + INTERVAL 16 YEAR)::DATE AS dob16
            FROM filled f JOIN Header h USING (CHILD)
            WHERE h.DOB IS NOT NULL AND h.DOB + INTERVAL 20 YEAR > {e}
              AND coalesce(f.LS NOT IN ('V3', 'V4'), TRUE)),
        totals AS (
            SELECT CHILD,
                   sum(greatest(DEC - greatest(coalesce(DECOM, dob14), dob14), 0)) AS after14,
                   sum(greatest(DEC - greatest(coalesce(DECOM, dob16), dob16), 0)) AS after16
            FROM counted GROUP BY CHILD)
        SELECT 'OC3' t, o._row r, o.CHILD c FROM OC3 o LEFT JOIN totals USING (CHILD)
        WHERE EXISTS (SELECT 1 FROM Episodes) AND EXISTS (SELECT 1 FROM Episodes_last)
          AND EXISTS (SELECT 1 FROM Header) AND EXISTS (SELECT 1 FROM counted)
          AND (o.CHILD IN (SELECT CHILD FROM adopted)
               OR NOT coalesce(after14 >= 91 AND after16 >= 1, FALSE))"""


@sql_rule(
    "1007",
    "Care leaver information is not required for 17- or 18-year olds who are still looked after"
    " [on their 17th or 18th birthday.]",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["Episodes", "OC3"],
)
def care_leaver_in_care_on_birthday(year: int) -> str:
    # The birthday is the latest on or before the year's end. An episode still open counts as
    # in care on it, as the rule text says (the validator's code misses open episodes).
    # A birthday on 29 February falls on the 28th in other years.
    e = end(year)
    this_year = f"(o.DOB + to_years({year} - year(o.DOB)))::DATE"
    birthday = f"""CASE WHEN {this_year} <= {e} THEN {this_year}
            ELSE (o.DOB + to_years({year - 1} - year(o.DOB)))::DATE END"""
    return f"""
        SELECT 'OC3' t, o._row r, o.CHILD c FROM OC3 o JOIN Episodes p USING (CHILD)
        WHERE (o.IN_TOUCH IS NOT NULL OR o.ACTIV IS NOT NULL OR o.ACCOM IS NOT NULL)
          AND o.DOB + INTERVAL 17 YEAR <= {e} AND o.DOB + INTERVAL 19 YEAR > {e}
          AND p.DECOM <= {birthday} AND (p.DEC > {birthday} OR p.DEC IS NULL)"""


@sql_rule(
    "1014",
    "UASC information is not required for care leavers",
    fields=["ACCOM", "ACTIV", "DUC", "IN_TOUCH"],
    tables=["Episodes", "OC3", "UASC"],
)
def uasc_for_care_leaver(year: int) -> str:
    # A child with episodes, none of them in the year, is a care leaver.
    s, e = start(year), end(year)
    return f"""
        WITH leavers AS (
            SELECT CHILD FROM Episodes GROUP BY CHILD
            HAVING NOT bool_or(coalesce(
                DECOM <= {e} AND (DEC >= {s} OR DEC IS NULL), FALSE))),
        flagged AS (
            SELECT CHILD FROM OC3 WHERE {OC3_GIVEN}
            INTERSECT SELECT CHILD FROM UASC
            INTERSECT SELECT CHILD FROM leavers)
        SELECT 'UASC' t, _row r, CHILD c FROM UASC WHERE CHILD IN (SELECT CHILD FROM flagged)
        UNION ALL
        SELECT 'OC3' t, _row r, CHILD c FROM OC3
        WHERE {OC3_GIVEN} AND CHILD IN (SELECT CHILD FROM flagged)"""


# numpy's average year, in days, which the validator measures ages in for rule 1016.
NUMPY_YEAR = 365.2425


@sql_rule(
    "1016",
    "Care leaver information is not required for 17- or 18-year olds who cease to be looked"
    " after, after their birthday.",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["Episodes", "OC3"],
    years=range(2024, 2100),  # new in the DfE's 2023-24 rules
)
def care_leaver_left_after_birthday(year: int) -> str:
    # Aged 17 at the year's end and left care on or after their 17th birthday, or 18 and left
    # on or after their 18th.
    age = f"({end(year)} - o.DOB)"
    return f"""
        SELECT 'OC3' t, o._row r, o.CHILD c FROM OC3 o JOIN Episodes p USING (CHILD)
        WHERE (o.IN_TOUCH IS NOT NULL OR o.ACTIV IS NOT NULL OR o.ACCOM IS NOT NULL)
          AND ((
                {age} >= 17 * {NUMPY_YEAR} AND {age} < 18 * {NUMPY_YEAR}
                AND p.DEC >= o.DOB + INTERVAL 17 YEAR)
            OR ({age} >= 18 * {NUMPY_YEAR} AND {age} < 19 * {NUMPY_YEAR}
                AND p.DEC >= o.DOB + INTERVAL 18 YEAR))"""


@sql_rule(
    "NoE",
    "This child has no episodes loaded for previous year even though child started to be looked"
    " after before this current year.",
    fields=["DECOM"],
    tables=["Episodes", "Episodes_last"],
)
def no_episodes_last_year(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes e
        WHERE DECOM < {start(year)}
          AND NOT EXISTS (SELECT 1 FROM Episodes_last l WHERE l.CHILD = e.CHILD)"""

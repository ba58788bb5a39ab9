"""SSDA903 rules 202 to 232: agreement with last year's return, UPNs, placement providers,
URNs and reasons for placement change."""

from .registry import end, sql_rule, start

TEMPORARY = "('T0', 'T1', 'T2', 'T3', 'T4')"
NO_URN = {  # placement types that have no Ofsted URN, by the first year of each list
    2023: "('H5', 'P1', 'P2', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4', 'Z1')",
    2024: "('P1', 'P2', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4', 'Z1')",
    2025: "('P1', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4', 'Z1')",
    2026: "('P1', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13',"
    " 'Z14')",
}


def _differs_from_last(field: str, *, upper: bool = False) -> str:
    """Header rows whose ``field`` differs from last year's for the same child (a blank
    differs from a value, and two blanks agree, as the validator compares them as text)."""
    now, last = (
        (f"upper(h.{field})", f"upper(l.{field})") if upper else (f"h.{field}", f"l.{field}")
    )
    return f"""
        SELECT 'Header' t, h._row r, h.CHILD c FROM Header h JOIN Header_last l USING (CHILD)
        WHERE {now} IS DISTINCT FROM {last}"""


@sql_rule(
    "202",
    "The gender code conflicts with the gender already recorded for this child.",
    fields=["SEX"],
    tables=["Header", "Header_last"],
)
def sex_changed(year: int) -> str:
    return _differs_from_last("SEX")


@sql_rule(
    "203",
    "Date of birth disagrees with the date of birth already recorded for this child.",
    fields=["DOB"],
    tables=["Header", "Header_last"],
)
def dob_changed(year: int) -> str:
    return _differs_from_last("DOB")


@sql_rule(
    "204",
    "Ethnic origin code disagrees with the ethnic origin already recorded for this child.",
    fields=["ETHNIC"],
    tables=["Header", "Header_last"],
)
def ethnic_changed(year: int) -> str:
    return _differs_from_last("ETHNIC", upper=True)


@sql_rule(
    "207",
    "Mother status for the current year disagrees with the mother status already recorded for"
    " this child.",
    fields=["MOTHER"],
    tables=["Episodes", "Header", "Header_last"],
)
def mother_changed(year: int) -> str:
    return """
        SELECT 'Header' t, h._row r, h.CHILD c FROM Header h JOIN Header_last l USING (CHILD)
        WHERE l.MOTHER = '1' AND h.MOTHER IS DISTINCT FROM l.MOTHER
          AND h.CHILD IN (SELECT CHILD FROM Episodes)"""


@sql_rule(
    "208",
    "Unique Pupil Number (UPN) for the current year disagrees with the Unique Pupil Number"
    " (UPN) already recorded for this child.",
    fields=["UPN"],
    tables=["Header", "Header_last"],
)
def upn_changed(year: int) -> str:
    # Allowed: UN1 or blank to UN2-UN5, and any unknown (UN code or blank) to a known UPN.
    unknown = "('UN1', 'UN2', 'UN3', 'UN4', 'UN5')"
    return f"""
        SELECT 'Header' t, h._row r, h.CHILD c FROM Header h JOIN Header_last l USING (CHILD)
        WHERE h.UPN IS DISTINCT FROM l.UPN
          AND NOT (coalesce(l.UPN, 'UN1') = 'UN1'
                   AND coalesce(h.UPN IN ('UN2', 'UN3', 'UN4', 'UN5'), FALSE))
          AND NOT ((l.UPN IS NULL OR l.UPN IN {unknown})
                   AND h.UPN IS NOT NULL AND h.UPN NOT IN {unknown})"""


@sql_rule(
    "209",
    "Child looked after is of school age and should not have an unknown Unique Pupil Number"
    " (UPN) code of UN1.",
    fields=["DOB", "UPN"],
    tables=["Header"],
)
def un1_at_school_age(year: int) -> str:
    # School age: 4 by 31 August two years before the collection year ends (as the validator).
    return f"""
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE UPN = 'UN1' AND DOB + INTERVAL 4 YEAR <= DATE '{year - 2}-08-31'"""


@sql_rule(
    "210",
    "Children looked after for more than a week at 31 March should not have an unknown Unique"
    " Pupil Number (UPN) code of UN4.",
    fields=["DECOM", "UPN"],
    tables=["Episodes", "Header"],
)
def un4_for_a_week(year: int) -> str:
    return f"""
        WITH bad AS (
            SELECT e._row er, h._row hr, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
            WHERE h.UPN = 'UN4' AND e.DECOM >= DATE '{year}-03-24')
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'Header', hr, c FROM bad"""


@sql_rule(
    "213",
    "Placement provider information not required.",
    fields=["PLACE_PROVIDER"],
    tables=["Episodes"],
)
def provider_for_temporary(year: int) -> str:
    places = TEMPORARY if year < 2026 else TEMPORARY[:-1] + ", 'Z11', 'Z12', 'Z13', 'Z14')"
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE PLACE IN {places} AND PLACE_PROVIDER IS NOT NULL"""


@sql_rule(
    "214",
    "Placement location information not required.",
    fields=["PL_POST", "URN"],
    tables=["Episodes"],
)
def location_for_short_break(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE LS IN ('V3', 'V4') AND (PL_POST IS NOT NULL OR URN IS NOT NULL)"""


@sql_rule(
    "215",
    "Child has care leaver information but one or more data items relating to children looked"
    " after for 12 months have been completed.",
    fields=[
        "ACCOM",
        "ACTIV",
        "CONVICTED",
        "HEALTH_ASSESSMENT",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "INTERVENTION_OFFERED",
        "INTERVENTION_RECEIVED",
        "IN_TOUCH",
        "SUBSTANCE_MISUSE",
        "TEETH_CHECK",
    ],
    tables=["OC2", "OC3"],
)
def oc2_items_for_care_leaver(year: int) -> str:
    return """
        WITH bad AS (
            SELECT o3._row r3, o2._row r2, o3.CHILD c FROM OC3_raw o3 JOIN OC2_raw o2 USING (CHILD)
            WHERE (o3.IN_TOUCH IS NOT NULL OR o3.ACTIV IS NOT NULL OR o3.ACCOM IS NOT NULL)
              AND (o2.CONVICTED IS NOT NULL OR o2.HEALTH_CHECK IS NOT NULL
                   OR o2.IMMUNISATIONS IS NOT NULL OR o2.TEETH_CHECK IS NOT NULL
                   OR o2.HEALTH_ASSESSMENT IS NOT NULL OR o2.SUBSTANCE_MISUSE IS NOT NULL
                   OR o2.INTERVENTION_RECEIVED IS NOT NULL OR o2.INTERVENTION_OFFERED IS NOT NULL))
        SELECT 'OC3' t, r3 r, c FROM bad UNION ALL SELECT 'OC2', r2, c FROM bad"""


@sql_rule(
    "217",
    "Children who are placed for adoption with current foster carers (placement types A3 or"
    " A5) must have a reason for new episode of S, T or U.",
    fields=["DECOM", "PLACE", "RNE"],
    tables=["Episodes"],
)
def adoption_by_carers_rne(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE PLACE IN ('A3', 'A5') AND DECOM >= DATE '2015-04-01'
          AND coalesce(RNE NOT IN ('S', 'T', 'U'), TRUE)"""


@sql_rule(
    "222",
    "Ofsted Unique reference number (URN) should not be recorded for this placement type.",
    fields=["URN"],
    tables=["Episodes"],
)
def urn_not_needed(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE PLACE IN {NO_URN[max([y for y in NO_URN if y <= year] or [2023])]}
          AND URN IS NOT NULL AND URN <> 'XXXXXXX'"""


@sql_rule(
    "225",
    "Reason for placement change must be recorded.",
    fields=["REASON_PLACE_CHANGE"],
    tables=["Episodes"],
)
def place_change_reason_missing(year: int) -> str:
    return f"""
        WITH ordered AS (
            SELECT *, lead(CHILD) OVER w AS next_child, lead(RNE) OVER w AS next_rne,
                   lead(PLACE) OVER w AS next_place
            FROM Episodes WINDOW w AS (ORDER BY CHILD, DECOM, _row))
        SELECT 'Episodes' t, _row r, CHILD c FROM ordered
        WHERE CHILD = next_child AND REC = 'X1' AND REASON_PLACE_CHANGE IS NULL
          AND coalesce(PLACE NOT IN {TEMPORARY}, TRUE) AND next_rne IN ('P', 'B', 'T', 'U')
          AND coalesce(next_place NOT IN {TEMPORARY}, TRUE)"""


@sql_rule(
    "226",
    "Reason for placement change is not required.",
    fields=["PLACE", "REASON_PLACE_CHANGE"],
    tables=["Episodes"],
)
def place_change_reason_for_temporary(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM (
            SELECT *, lag(REASON_PLACE_CHANGE) OVER (
                PARTITION BY CHILD ORDER BY DECOM, _row) AS previous_reason
            FROM Episodes)
        WHERE PLACE IN {TEMPORARY}
          AND (REASON_PLACE_CHANGE IS NOT NULL OR previous_reason IS NOT NULL)"""


@sql_rule(
    "231",
    "We expect that unaccompanied asylum seeking children are generally older young people."
    " Please check the date of birth is correct. If the date of birth is correct then please"
    " provide details in a bypass request.",
    fields=["DOB"],
    tables=["Header", "UASC"],
    years=range(2025, 2100),
)
def uasc_under_eleven(year: int) -> str:
    # The validator's code asks for a Header column, UASC_STATUS, that an SSDA903 return in CSV
    # does not have, and fails; as the rule says, a child is UASC when they are in the UASC
    # table, and one under 11 at the year's end is queried.
    return f"""
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE CHILD IN (SELECT CHILD FROM UASC) AND DOB > {end(year)} - INTERVAL 11 YEAR"""


@sql_rule(
    "232",
    "Sex of the child/young person has been reported as unknown.",
    fields=["SEX"],
    tables=["Header"],
    years=range(2025, 2100),
)
def sex_unknown(year: int) -> str:
    return "SELECT 'Header' t, _row r, CHILD c FROM Header WHERE SEX = 'U'"


@sql_rule(
    "233",
    "Reason for placement change is not required when the episode has not ceased.",
    fields=["DEC", "REASON_PLACE_CHANGE"],
    tables=["Episodes"],
    years=range(2026, 2100),
)
def place_change_reason_while_open(year: int) -> str:
    # The validator's code reads a column, DATE_EPISODE_CEASED, that the return calls DEC, and
    # fails; this is the rule as it is written.
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes_raw
        WHERE DEC IS NULL AND REASON_PLACE_CHANGE IS NOT NULL"""


@sql_rule(
    "234",
    "A child aged under 10 can not change placement due to being admitted to custody",
    fields=["REASON_PLACE_CHANGE", "DOB"],
    tables=["Episodes", "Header"],
    years=range(2026, 2100),
)
def custody_under_10(year: int) -> str:
    return """
        WITH bad AS (
            SELECT e._row er, h._row hr, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
            WHERE e.REASON_PLACE_CHANGE = 'CUSTOD' AND h.DOB + INTERVAL 10 YEAR > e.DECOM)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'Header', hr, c FROM bad"""


@sql_rule(
    "242",
    "URN = 'XXXXXXX' can only be used for regional adoption agencies",
    fields=["URN"],
    tables=["Episodes"],
    years=range(2026, 2100),
)
def xxxxxxx_not_adoption(year: int) -> str:
    places = "('A3', 'A4', 'A5', 'A6', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6')"
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE URN = 'XXXXXXX' AND coalesce(PLACE NOT IN {places}, TRUE)"""


# Rules 205A to 205D compare a child's UASC status in the two years. Loading CSV files, the
# validator marks a Header row UASC when its child is listed in that year's UASC table, and
# compares from the UASC rows; so, as there, a child is UASC in a year when listed in both
# that year's Header and UASC tables.
UASC_TABLES = ["Header", "Header_last", "UASC", "UASC_last"]


def _uasc_both_years(condition: str, *, header_too: bool) -> str:
    """This year's UASC rows (and, if ``header_too``, their child's Header rows) where
    ``condition`` holds for the row ``u`` and a row ``l`` of last year's UASC table (NULL
    when there is none), with ``now`` and ``last`` saying whether the child is UASC in
    each year."""
    found = f"""
        SELECT u._row, u.CHILD
        FROM (SELECT *, CHILD IN (SELECT CHILD FROM Header) AS now FROM UASC) u
        LEFT JOIN (SELECT *, CHILD IN (SELECT CHILD FROM Header_last) AS last
                   FROM UASC_last) l ON l.CHILD = u.CHILD
        WHERE {condition}"""
    rows = f"SELECT 'UASC' t, _row r, CHILD c FROM ({found})"
    if header_too:
        rows += f""" UNION ALL SELECT 'Header', h._row, h.CHILD FROM Header h
            WHERE h.CHILD IN (SELECT CHILD FROM ({found}))"""
    return rows


def _last_year(year: int) -> str:
    return f"DATE '{year - 2}-04-01' AND DATE '{year - 1}-03-31'"


@sql_rule(
    "205A",
    "Child identified as UASC last year is no longer UASC this year, but date UASC ceased in"
    " both years does not support this.",
    fields=["CHILD", "UASC"],
    tables=UASC_TABLES,
)
def uasc_ceased_dates_wrong(year: int) -> str:
    # The ceased date should be in last year's return, within last year, and not this year's.
    return _uasc_both_years(
        f"""NOT now AND coalesce(l.last, FALSE)
            AND (u.DUC IS NOT NULL OR NOT coalesce(l.DUC BETWEEN {_last_year(year)}, FALSE))""",
        header_too=False,
    )


@sql_rule(
    "205B",
    "Child previously identified as UASC is also UASC this year, but date UASC ceased in both"
    " years does not support this.",
    fields=["DUC", "UASC"],
    tables=UASC_TABLES,
)
def uasc_both_years_dates_wrong(year: int) -> str:
    # Last year's ceased date must be the 18th birthday; this year's must be in this year or
    # the same as last year's.
    return _uasc_both_years(
        f"""now AND coalesce(l.last, FALSE)
            AND ((NOT coalesce(u.DUC BETWEEN {start(year)} AND {end(year)}, FALSE)
                  AND NOT coalesce(u.DUC = l.DUC, FALSE))
                 OR NOT coalesce(l.DUC = l.DOB + INTERVAL 18 YEAR, FALSE))""",
        header_too=True,
    )


@sql_rule(
    "205C",
    "Child not identified as UASC either this year or last year but date UASC ceased has been"
    " provided.",
    fields=["DUC", "UASC"],
    tables=UASC_TABLES,
)
def uasc_never_but_ceased(year: int) -> str:
    return _uasc_both_years(
        "NOT now AND NOT coalesce(l.last, FALSE) AND (u.DUC IS NOT NULL OR l.DUC IS NOT NULL)",
        header_too=False,
    )


@sql_rule(
    "205D",
    "Child identified as UASC this year but not identified as UASC status provided for the"
    " child last year.",
    fields=["CHILD", "UASC"],
    tables=UASC_TABLES,
)
def uasc_now_not_last_year(year: int) -> str:
    return """
        SELECT 'Header' t, h._row r, h.CHILD c FROM Header h
        WHERE h.CHILD IN (SELECT CHILD FROM UASC)
          AND h.CHILD IN (SELECT CHILD FROM Header_last)
          AND h.CHILD NOT IN (SELECT CHILD FROM UASC_last WHERE CHILD IS NOT NULL)"""

"""SSDA903 rules 502 to 576: continuity with last year's return, adopters, placement
providers, health (OC2), decisions to place for adoption, and missing episodes."""

from .registry import continuously_looked_after, end, shared, sql_rule, start

ADOPTION_PLACES = "('A3', 'A4', 'A5', 'A6')"


def first_this_year_last_open(
    condition: str, *, joined: str = "", still_open: str = "p.DEC IS NULL"
) -> str:
    """Each child's first episode this year (``e``, by start) paired with their latest episode
    of last year (``p``), when that one was ``still_open`` and ``condition`` holds; ``joined``
    adds tables joined to the two."""
    return f"""
        WITH first AS (
            SELECT * FROM Episodes WHERE DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1),
        latest AS (
            SELECT * FROM Episodes_last WHERE DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM DESC, _row) = 1)
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM first e JOIN latest p USING (CHILD)
        {joined}
        WHERE {still_open} AND {condition}"""


@sql_rule(
    "502",
    "Last year's record ended with an open episode. The date on which that episode started"
    " does not match the start date of the first episode on this year's record.",
    fields=["DECOM"],
    tables=["Episodes", "Episodes_last"],
)
def open_episode_start_changed(year: int) -> str:
    return """
        WITH first AS (
            SELECT * FROM Episodes WHERE DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1)
        SELECT 'Episodes' t, e._row r, e.CHILD c
        FROM first e JOIN Episodes_last_raw p ON p.CHILD = e.CHILD
        JOIN Episodes_last pl ON pl._row = p._row
        WHERE p.DEC IS NULL AND e.DECOM IS DISTINCT FROM pl.DECOM"""


def _register_503(code: str, field: str, what: str) -> None:
    @sql_rule(
        code,
        f"The {what} in the first episode does not match open episode at end of last year.",
        fields=[field],
        tables=["Episodes", "Episodes_last"],
    )
    def differs(year: int) -> str:
        allowed = ""
        if field == "PLACE" and year in (2024, 2025):
            allowed = " AND NOT (e.PLACE = 'K3' AND p.PLACE = 'H5')"
        elif field == "PLACE" and year == 2026:
            allowed = " AND NOT (e.PLACE IN ('Z11', 'Z12', 'Z13', 'Z14') AND p.PLACE = 'Z1')"
        return first_this_year_last_open(f"e.{field} IS DISTINCT FROM p.{field}{allowed}")


for _code, _field, _what in (
    ("503A", "RNE", "reason for new episode"),
    ("503B", "LS", "legal status"),
    ("503C", "CIN", "category of need"),
    ("503D", "PLACE", "placement type"),
    ("503E", "PLACE_PROVIDER", "placement provider"),
    ("503F", "URN", "Ofsted URN"),
):
    _register_503(_code, _field, _what)


@sql_rule(
    "504",
    "The category of need code differs from that reported at start of current period of being"
    " looked after",
    fields=["CIN"],
    tables=["Episodes"],
)
def need_changed_in_period(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM _episodes_with_previous
        WHERE CHILD = p_child AND p_rec = 'X1' AND p_dec = DECOM
          AND CIN IS DISTINCT FROM p_cin"""


def _adopters(code: str, message: str, where: str) -> None:
    @sql_rule(code, message, fields=["LS_ADOPTR", "SEX_ADOPTR"], tables=["AD1"])
    def check(year: int) -> str:
        return f"SELECT 'AD1' t, _row r, CHILD c FROM AD1 WHERE {where}"


_adopters(
    "511",
    "If reporting that the number of person(s) adopting the looked after child is two adopters"
    " then the code should only be MM, FF or MF.",
    "NB_ADOPTR = 2 AND SEX_ADOPTR IN ('M1', 'F1')",
)
_adopters(
    "514",
    "Data entry on the legal status of adopters shows a single adopter but data entry for the"
    " numbers of adopters shows it as a couple.",
    "LS_ADOPTR = 'L0' AND coalesce(SEX_ADOPTR NOT IN ('M1', 'F1'), TRUE)",
)
_adopters(
    "517",
    "If reporting legal status of adopters is L3 then the genders of adopters should be coded"
    " as MF.",
    "LS_ADOPTR = 'L3' AND SEX_ADOPTR IS DISTINCT FROM 'MF'",
)
_adopters(
    "518",
    "If reporting legal status of adopters is L4 then the genders of adopters should be coded"
    " as MM or FF.",
    "LS_ADOPTR = 'L4' AND coalesce(SEX_ADOPTR NOT IN ('MM', 'FF'), TRUE)",
)
_adopters(
    "519",
    "Data entered on the legal status of adopters shows civil partnership couple, but data"
    " entered on genders of adopters does not show it as a couple.",
    "LS_ADOPTR = 'L2' AND coalesce(SEX_ADOPTR NOT IN ('MM', 'FF', 'MF'), TRUE)",
)
_adopters(
    "520",
    "Data entry on the legal status of adopters shows different gender married couple but data"
    " entry on genders of adopters shows it as a same gender couple.",
    "LS_ADOPTR = 'L11' AND SEX_ADOPTR IS DISTINCT FROM 'MF'",
)
_adopters(
    "524",
    "If reporting legal status of adopters is L12 then the genders of adopters should be coded"
    " as MM or FF.",
    "LS_ADOPTR = 'L12' AND coalesce(SEX_ADOPTR NOT IN ('MM', 'FF'), TRUE)",
)


@sql_rule(
    "516",
    "The episode data submitted for this child does not show that he/she was with their former"
    " foster carer(s) during the year. If the code in the reason episode ceased is E45 or E46"
    " the child must have a placement code of U1 to U6.",
    fields=["PLACE", "REC"],
    tables=["Episodes"],
)
def sgo_carers_not_foster(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE REC IN ('E45', 'E46')
          AND coalesce(PLACE NOT IN ('U1', 'U2', 'U3', 'U4', 'U5', 'U6'), TRUE)"""


@sql_rule(
    "521",
    "Date of local authority's decision (LA) that adoption is in the best interests of the"
    " child (date should be placed) must be on or prior to the date the child is placed for"
    " adoption.",
    fields=["DATE_INT", "DECOM", "PLACE"],
    tables=["AD1", "Episodes"],
)
def decision_after_placed(year: int) -> str:
    return f"""
        WITH bad AS (
            SELECT e._row er, a._row ar, e.CHILD c FROM Episodes e JOIN AD1 a USING (CHILD)
            WHERE e.PLACE IN {ADOPTION_PLACES} AND a.DATE_INT > e.DECOM)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'AD1', ar, c FROM bad"""


@sql_rule(
    "522",
    "Date of decision that the child should be placed for adoption must be on or before the"
    " date that a child should no longer be placed for adoption.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
    tables=["PlacedAdoption"],
)
def placed_ceased_before_placed(year: int) -> str:
    return """
        SELECT 'PlacedAdoption' t, _row r, CHILD c FROM PlacedAdoption
        WHERE DATE_PLACED_CEASED < DATE_PLACED"""


@sql_rule(
    "523",
    "Date of decision that the child should be placed for adoption should be the same date as"
    " the decision that adoption is in the best interest (date should be placed).",
    fields=["DATE_INT", "DATE_PLACED"],
    tables=["AD1", "PlacedAdoption"],
)
def placed_not_decision(year: int) -> str:
    return """
        WITH bad AS (
            SELECT p._row pr, a._row ar, p.CHILD c FROM PlacedAdoption p JOIN AD1 a USING (CHILD)
            WHERE p.DATE_PLACED <> a.DATE_INT)
        SELECT 'PlacedAdoption' t, pr r, c FROM bad UNION ALL SELECT 'AD1', ar, c FROM bad"""


@sql_rule(
    "525",
    "A child for whom the decision to be placed for adoption has been reversed cannot be"
    " adopted during the year.",
    fields=[
        "DATE_INT",
        "DATE_MATCH",
        "DATE_PLACED_CEASED",
        "FOSTER_CARE",
        "LS_ADOPTR",
        "NB_ADOPTR",
        "SEX_ADOPTR",
    ],
    tables=["AD1", "PlacedAdoption"],
)
def reversed_but_adopted(year: int) -> str:
    return """
        WITH bad AS (
            SELECT p._row pr, a._row ar, p.CHILD c
            FROM PlacedAdoption_raw p JOIN AD1_raw a USING (CHILD)
            WHERE p.DATE_PLACED_CEASED IS NOT NULL
              AND (a.DATE_INT IS NOT NULL OR a.DATE_MATCH IS NOT NULL
                   OR a.FOSTER_CARE IS NOT NULL OR a.NB_ADOPTR IS NOT NULL
                   OR a.SEX_ADOPTR IS NOT NULL OR a.LS_ADOPTR IS NOT NULL))
        SELECT 'PlacedAdoption' t, pr r, c FROM bad UNION ALL SELECT 'AD1', ar, c FROM bad"""


def _provider(code: str, message: str, where: str) -> None:
    @sql_rule(code, message, fields=["PLACE", "PLACE_PROVIDER"], tables=["Episodes"])
    def check(year: int) -> str:
        return f"SELECT 'Episodes' t, _row r, CHILD c FROM Episodes WHERE {where}"


@sql_rule(
    "526",
    "Child is missing a placement provider code for at least one episode.",
    fields=["PLACE", "PLACE_PROVIDER"],
    tables=["Episodes"],
)
def provider_missing(year: int) -> str:
    no_provider = (
        "('T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14')"
        if year >= 2026
        else "('T0', 'T1', 'T2', 'T3', 'T4', 'Z1')"
    )
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE coalesce(PLACE NOT IN {no_provider}, TRUE) AND PLACE_PROVIDER IS NULL"""


_provider(
    "527",
    "A placement provider code of PR1 cannot be associated with placements P1, R2 or R5.",
    "PLACE IN ('P1', 'R2', 'R5') AND PLACE_PROVIDER = 'PR1'",
)
_provider(
    "528",
    "A placement provider code of PR2 cannot be associated with placements P1, R2 or R5.",
    "PLACE IN ('P1', 'R2', 'R5') AND PLACE_PROVIDER = 'PR2'",
)
_provider(
    "529",
    "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2"
    " and U1 to U6 as these placements cannot be provided by other public organisations.",
    "PLACE IN ('A3', 'A4', 'A5', 'A6', 'K1', 'K2', 'P1', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6')"
    " AND PLACE_PROVIDER = 'PR3'",
)
_provider(
    "530",
    "A placement provider code of PR4 cannot be associated with placement P1.",
    "PLACE = 'P1' AND PLACE_PROVIDER = 'PR4'",
)
_provider(
    "531",
    "A placement provider code of PR5 cannot be associated with placements P1.",
    "PLACE = 'P1' AND PLACE_PROVIDER = 'PR5'",
)
_provider(
    "550",
    "A placement provider code of PR0 can only be associated with placement P1.",
    "PLACE IS DISTINCT FROM 'P1' AND PLACE_PROVIDER = 'PR0'",
)


@sql_rule(
    "542",
    "A child aged under 10 at 31 March should not have conviction information completed.",
    fields=["CONVICTED"],
    tables=["OC2"],
)
def convicted_under_10(year: int) -> str:
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE DOB + INTERVAL 10 YEAR > {end(year)} AND CONVICTED IS NOT NULL"""


@sql_rule(
    "543",
    "Child is aged 10 or over at 31 March and has been looked after continuously for 12 months"
    " yet conviction information has not been completed.",
    fields=["CONVICTED", "DOB"],
    tables=["Episodes", "OC2"],
)
def convicted_missing(year: int) -> str:
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE {end(year)} > DOB + INTERVAL 10 YEAR AND CONVICTED IS NULL
          AND CHILD IN ({continuously_looked_after(year)})"""


def _health_items_missing(flag: str) -> str:
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE {flag} = '1' AND (IMMUNISATIONS IS NULL OR TEETH_CHECK IS NULL
                                OR HEALTH_ASSESSMENT IS NULL OR SUBSTANCE_MISUSE IS NULL)"""


@sql_rule(
    "544",
    "Any child who has conviction information completed must also have immunisation, teeth"
    " check, health assessment and substance misuse problem identified fields completed.",
    fields=["CONVICTED", "HEALTH_ASSESSMENT", "IMMUNISATIONS", "SUBSTANCE_MISUSE", "TEETH_CHECK"],
    tables=["OC2"],
)
def convicted_without_health(year: int) -> str:
    return _health_items_missing("CONVICTED")


@sql_rule(
    "545",
    "Child is aged under 5 at 31 March and has been looked after continuously for 12 months yet"
    " health promotion information has not been completed.",
    fields=["DOB", "HEALTH_CHECK"],
    tables=["Episodes", "OC2"],
)
def health_check_missing(year: int) -> str:
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE {end(year)} < DOB + INTERVAL 5 YEAR AND HEALTH_CHECK IS NULL
          AND CHILD IN ({continuously_looked_after(year)})"""


@sql_rule(
    "546",
    "Children aged 5 or over at 31 March should not have health promotion information completed.",
    fields=["DOB", "HEALTH_CHECK"],
    tables=["Episodes", "OC2"],
)
def health_check_over_5(year: int) -> str:
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE {end(year)} >= DOB + INTERVAL 5 YEAR AND HEALTH_CHECK IS NOT NULL
          AND CHILD IN ({continuously_looked_after(year)})"""


@sql_rule(
    "547",
    "Any child who has health promotion information completed must also have immunisation,"
    " teeth check, health assessment and substance misuse problem identified fields completed.",
    fields=[
        "HEALTH_ASSESSMENT",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "SUBSTANCE_MISUSE",
        "TEETH_CHECK",
    ],
    tables=["OC2"],
)
def health_check_without_health(year: int) -> str:
    return _health_items_missing("HEALTH_CHECK")


@sql_rule(
    "551",
    "Child has been placed for adoption but there is no date of the decision that the child"
    " should be placed for adoption.",
    fields=["DATE_PLACED", "PLACE"],
    tables=["Episodes", "PlacedAdoption"],
)
def placed_without_decision(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e
        LEFT JOIN PlacedAdoption_raw p USING (CHILD)
        WHERE e.PLACE IN {ADOPTION_PLACES} AND p.DATE_PLACED IS NULL"""


@sql_rule(
    "552",
    "Date of Decision to place a child for adoption should be on or prior to the date that the"
    " child was placed for adoption.",
    fields=["DATE_PLACED", "DECOM"],
    tables=["Episodes", "PlacedAdoption"],
)
def decision_after_first_placement(year: int) -> str:
    return f"""
        WITH decision AS (
            SELECT * FROM PlacedAdoption WHERE DATE_PLACED IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DATE_PLACED DESC, _row) = 1),
        placed AS (
            SELECT * FROM Episodes WHERE PLACE IN {ADOPTION_PLACES} AND DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1),
        bad AS (
            SELECT e._row er, p._row pr, e.CHILD c FROM placed e JOIN decision p USING (CHILD)
            WHERE e.DECOM < p.DATE_PLACED)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'PlacedAdoption', pr, c FROM bad"""


@sql_rule(
    "553",
    "Placement order has been granted but there is no date of decision that the child should"
    " be placed for adoption.",
    fields=["CHILD", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    tables=["Episodes", "PlacedAdoption"],
)
def order_without_decision(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE LS = 'E1' AND CHILD NOT IN (SELECT CHILD FROM PlacedAdoption WHERE CHILD IS NOT NULL)
        UNION ALL
        SELECT 'PlacedAdoption', p._row, p.CHILD FROM PlacedAdoption_raw p
        WHERE (p.DATE_PLACED_CEASED IS NOT NULL OR p.REASON_PLACED_CEASED IS NOT NULL)
          AND p.CHILD IN (SELECT e.CHILD FROM Episodes e JOIN Episodes_raw w USING (_row)
                          WHERE e.LS = 'E1' AND w.DEC IS NULL)"""


@sql_rule(
    "554",
    "Date of decision that the child should be placed for adoption should be on or prior to the"
    " date that the placement order was granted.",
    fields=["DATE_PLACED", "DECOM", "LS"],
    tables=["Episodes", "PlacedAdoption"],
)
def decision_after_order(year: int) -> str:
    return """
        WITH first AS (
            SELECT * FROM Episodes WHERE LS = 'E1' AND DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1),
        bad AS (
            SELECT e._row er, p._row pr, e.CHILD c FROM first e JOIN PlacedAdoption p USING (CHILD)
            WHERE p.DATE_PLACED > e.DECOM)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'PlacedAdoption', pr, c FROM bad"""


@sql_rule(
    "557",
    "Child for whom the decision was made that they should be placed for adoption has left"
    " care but was not adopted and information on the decision that they should no longer be"
    " placed for adoption items has not been completed.",
    fields=["DATE_PLACED_CEASED", "LS", "PLACE", "REASON_PLACED_CEASED", "REC"],
    tables=["Episodes", "PlacedAdoption"],
)
def left_care_not_adopted(year: int) -> str:
    orders = "('E1')" if year >= 2025 else "('D1', 'E1')"
    return f"""
        WITH left_care AS (
            SELECT * FROM Episodes
            WHERE (PLACE IN {ADOPTION_PLACES} OR LS IN {orders})
              AND REC IS NOT NULL AND REC NOT IN ('E11', 'E12', 'X1')),
        bad AS (
            SELECT e._row er, p._row pr, e.CHILD c FROM left_care e
            LEFT JOIN PlacedAdoption_raw p USING (CHILD)
            WHERE p._row IS NULL OR p.DATE_PLACED_CEASED IS NULL
               OR p.REASON_PLACED_CEASED IS NULL)
        SELECT 'Episodes' t, er r, c FROM bad
        UNION ALL SELECT 'PlacedAdoption', pr, c FROM bad WHERE pr IS NOT NULL"""


@sql_rule(
    "558",
    "If a child has been adopted, then the decision to place them for adoption has not been"
    " disrupted and the date of the decision that a child should no longer be placed for"
    " adoption should be left blank.",
    fields=["DATE_PLACED_CEASED", "REC"],
    tables=["Episodes", "PlacedAdoption"],
)
def adopted_but_reversed(year: int) -> str:
    # As the validator counts: over each adoption episode paired with each of the child's
    # decisions, all the pairs have a reversal date and there is more than one pair.
    return """
        WITH pairs AS (
            SELECT e._row, e.CHILD, p.DATE_PLACED_CEASED AS ceased
            FROM Episodes e LEFT JOIN PlacedAdoption_raw p USING (CHILD)
            WHERE e.REC IN ('E11', 'E12'))
        SELECT 'Episodes' t, _row r, CHILD c FROM pairs
        QUALIFY bool_and(ceased IS NOT NULL) OVER (PARTITION BY CHILD)
            AND count(*) OVER (PARTITION BY CHILD) > 1"""


@sql_rule(
    "559",
    "Date of decision that a child should be placed for adoption was not in the current year"
    " but the date of the decision that the child should be placed for adoption was not"
    " completed in a previous return.",
    fields=["DATE_PLACED"],
    tables=["PlacedAdoption", "PlacedAdoption_last"],
)
def old_decision_not_in_last_return(year: int) -> str:
    return f"""
        SELECT 'PlacedAdoption' t, p._row r, p.CHILD c FROM PlacedAdoption p
        LEFT JOIN PlacedAdoption_last l USING (CHILD)
        WHERE p.DATE_PLACED < {start(year)} AND l.DATE_PLACED IS NULL"""


@sql_rule(
    "560",
    "Date of decision that the child should be placed for adoption this year is different from"
    " that recorded last year but the decision to place the child for adoption did not change.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
    tables=["PlacedAdoption", "PlacedAdoption_last"],
)
def decision_date_changed(year: int) -> str:
    return """
        SELECT 'PlacedAdoption' t, p._row r, p.CHILD c FROM PlacedAdoption_raw p
        JOIN PlacedAdoption_last_raw l USING (CHILD)
        WHERE l.DATE_PLACED IS NOT NULL AND l.DATE_PLACED_CEASED IS NULL
          AND upper(p.DATE_PLACED) IS DISTINCT FROM upper(l.DATE_PLACED)"""


@sql_rule(
    "561",
    "Date of the decision that the child should be placed for adoption this year is the same"
    " as that recorded last year but records show that the decision changed, and the child"
    " should no longer be placed for adoption.",
    fields=["DATE_PLACED"],
    tables=["PlacedAdoption", "PlacedAdoption_last"],
)
def reversed_decision_repeated(year: int) -> str:
    return """
        SELECT 'PlacedAdoption' t, p._row r, p.CHILD c FROM PlacedAdoption_raw p
        JOIN PlacedAdoption_last_raw l USING (CHILD)
        WHERE upper(p.DATE_PLACED) = upper(l.DATE_PLACED)
          AND (l.REASON_PLACED_CEASED IS NOT NULL OR l.DATE_PLACED_CEASED IS NOT NULL)"""


@sql_rule(
    "584",
    "Date of decision that the child should be placed for adoption this year is different from"
    " that recorded last year, but the decision to placed the child for adoption changed and"
    " the child should no longer be placed for adoption.",
    fields=["DATE_PLACED"],
    tables=["PlacedAdoption", "PlacedAdoption_last"],
)
def reversed_decision_not_renewed(year: int) -> str:
    # When last year's decision ceased, this year's must be a new one: later, and given.
    return """
        SELECT 'PlacedAdoption' t, p._row r, p.CHILD c FROM PlacedAdoption p
        JOIN PlacedAdoption_raw w USING (_row)
        JOIN PlacedAdoption_last l ON l.CHILD = p.CHILD
        JOIN PlacedAdoption_last_raw lw ON lw._row = l._row
        WHERE (lw.DATE_PLACED_CEASED IS NOT NULL OR lw.REASON_PLACED_CEASED IS NOT NULL)
          AND (w.DATE_PLACED IS NULL OR p.DATE_PLACED <= l.DATE_PLACED)"""


@sql_rule(
    "562",
    "Episode commenced before the start of the current collection year but there is a missing"
    " continuous episode in the previous year.",
    fields=["DECOM"],
    tables=["Episodes", "Episodes_last"],
)
def earlier_episode_not_last_year(year: int) -> str:
    return f"""
        WITH first AS (
            SELECT * FROM Episodes WHERE DECOM < {start(year)}
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1),
        latest AS (
            SELECT * FROM Episodes_last WHERE DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM DESC, _row) = 1)
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM first e
        WHERE NOT EXISTS (SELECT 1 FROM latest l WHERE l.CHILD = e.CHILD AND l.DECOM = e.DECOM)"""


@sql_rule(
    "563",
    "The child should no longer be placed for adoption but the date of the decision that the"
    " child should be placed for adoption is blank",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    tables=["PlacedAdoption"],
)
def reversed_without_decision(year: int) -> str:
    return """
        SELECT 'PlacedAdoption' t, _row r, CHILD c FROM PlacedAdoption_raw
        WHERE REASON_PLACED_CEASED IS NOT NULL AND DATE_PLACED_CEASED IS NOT NULL
          AND DATE_PLACED IS NULL"""


def _missing(code: str, message: str, fields: list[str], where: str) -> None:
    @sql_rule(code, message, fields=fields, tables=["Missing"])
    def check(year: int) -> str:
        return f"SELECT 'Missing' t, _row r, CHILD c FROM Missing WHERE {where}"


_missing(
    "564",
    "Child was missing or away from placement without authorisation and the date started is blank.",
    ["MISSING", "MIS_START"],
    "MISSING IN ('M', 'A') AND _row IN (SELECT _row FROM Missing_raw WHERE MIS_START IS NULL)",
)
_missing(
    "565",
    "The date that the child started to be missing or away from placement without"
    " authorisation has been completed but whether the child was missing or away from"
    " placement without authorisation has not been completed.",
    ["MISSING", "MIS_START"],
    "MISSING IS NULL AND _row IN (SELECT _row FROM Missing_raw WHERE MIS_START IS NOT NULL)",
)
_missing(
    "566",
    "The date that the child's episode of being missing or away from placement without"
    " authorisation ended has been completed but whether the child was missing or away without"
    " authorisation has not been completed.",
    ["MISSING", "MIS_END"],
    "MISSING IS NULL AND _row IN (SELECT _row FROM Missing_raw WHERE MIS_END IS NOT NULL)",
)
_missing(
    "567",
    "The date that the missing episode or episode that the child was away from placement"
    " without authorisation ended is before the date that it started.",
    ["MIS_END", "MIS_START"],
    "MIS_START > MIS_END",
)


@sql_rule(
    "570",
    "The date that the child started to be missing or away from placement without"
    " authorisation is after the end of the collection year.",
    fields=["MIS_START"],
    tables=["Missing"],
)
def missing_after_year(year: int) -> str:
    return f"SELECT 'Missing' t, _row r, CHILD c FROM Missing WHERE MIS_START > {end(year)}"


@sql_rule(
    "571",
    "The date that the child ceased to be missing or away from placement without authorisation"
    " is before the start or after the end of the collection year.",
    fields=["MIS_END"],
    tables=["Missing"],
)
def missing_end_outside_year(year: int) -> str:
    return f"""
        SELECT 'Missing' t, _row r, CHILD c FROM Missing
        WHERE MIS_END < {start(year)} OR MIS_END > {end(year)}"""


@sql_rule(
    "574",
    "A new missing/away from placement without authorisation period cannot start when the"
    " previous missing/away from placement without authorisation period is still open."
    " Missing/away from placement without authorisation periods should also not overlap.",
    fields=["MIS_END", "MIS_START"],
    tables=["Missing"],
)
def missing_overlap(year: int) -> str:
    return """
        SELECT 'Missing' t, _row r, CHILD c FROM (
            SELECT *, lag(CHILD) OVER w AS p_child, lag(MIS_END) OVER w AS p_end
            FROM Missing WINDOW w AS (
                ORDER BY CHILD, coalesce(MIS_END, MIS_START), MIS_START, _row))
        WHERE CHILD = p_child AND (p_end IS NULL OR MIS_START < p_end)"""


@sql_rule(
    "575",
    "If the placement from which the child goes missing/away from placement without"
    " authorisation ends, the missing/away from placement without authorisation period in the"
    " missing module must also have an end date.",
    fields=["MIS_END"],
    tables=["Episodes", "Missing"],
)
def missing_open_after_placement(year: int) -> str:
    return """
        SELECT DISTINCT 'Missing' t, m._row r, m.CHILD c
        FROM Missing m JOIN Missing_raw w USING (_row) JOIN Episodes e ON e.CHILD = m.CHILD
        WHERE m.MIS_START >= e.DECOM AND m.MIS_START <= e.DEC AND w.MIS_END IS NULL"""


@sql_rule(
    "576",
    "There is an open missing/away from placement without authorisation period in last year's"
    " return and there is no corresponding period recorded at the start of this year.",
    fields=["CHILD"],
    tables=["Missing", "Missing_last"],
)
def open_missing_not_continued(year: int) -> str:
    return """
        WITH first AS (
            SELECT * FROM Missing
            QUALIFY row_number() OVER (
                PARTITION BY CHILD ORDER BY coalesce(MIS_START, DATE '2099-01-01'), _row) = 1)
        SELECT 'Missing' t, f._row r, f.CHILD c FROM first f
        JOIN Missing_last l ON l.CHILD = f.CHILD
        JOIN Missing_last_raw lw ON lw._row = l._row
        WHERE lw.MIS_END IS NULL AND l.MIS_START IS NOT NULL
          AND coalesce(f.MIS_START, DATE '2099-01-01') <> l.MIS_START"""


@shared("_care_periods")
def _care_periods(year: int) -> str:
    """Each child's periods of care (CHILD, DECOM, DEC). A period of care is a run of episodes,
    in order of start, each starting on or before the previous one ended (or the previous one
    has no end); its end is the last episode's end, blank if that is. (Grouped rather than
    numbered within each period: a third of the time.)"""
    return """
        WITH ordered AS (
            SELECT CHILD, DECOM, DEC, _row, lag(CHILD) OVER w AS p_child, lag(DEC) OVER w AS p_dec
            FROM Episodes WHERE DECOM IS NOT NULL WINDOW w AS (ORDER BY CHILD, DECOM, _row)),
        numbered AS (
            SELECT *, sum(CASE WHEN CHILD IS DISTINCT FROM p_child OR DECOM > p_dec
                               THEN 1 ELSE 0 END) OVER (ORDER BY CHILD, DECOM, _row) AS period
            FROM ordered)
        SELECT any_value(CHILD) AS CHILD, min(DECOM) AS DECOM,
               arg_max_null(DEC, (DECOM, _row)) AS DEC
        FROM numbered GROUP BY period"""


def outside_every_period(outside: str, table: str = "Missing") -> str:
    """Rows of ``table`` (Missing, or DoLo) of a child with periods of care for which
    ``outside`` (on the row ``m`` and a period ``p`` with ``p.DECOM`` and ``p.DEC``) holds for
    every one of the child's periods."""
    return f"""
        SELECT '{table}' t, m._row r, m.CHILD c FROM "{table}" m JOIN _care_periods p USING (CHILD)
        GROUP BY m._row, m.CHILD HAVING bool_and(coalesce({outside}, FALSE))"""


@sql_rule(
    "577",
    "Child ceased to be looked after but there is a missing/away from placement without"
    " authorisation period without an end date.",
    fields=["MIS_END"],
    tables=["Episodes", "Missing"],
)
def missing_open_after_care(year: int) -> str:
    # Outside a period: still open after the period ended, or open and started before it, or
    # ending after it ended or before it started.
    return outside_every_period(
        """m.MIS_START IS NOT NULL AND (
               (m.MIS_END IS NULL AND p.DEC IS NOT NULL)
            OR (m.MIS_END IS NULL AND m.MIS_START < p.DECOM)
            OR m.MIS_END > p.DEC OR m.MIS_END < p.DECOM)"""
    )


@sql_rule(
    "578",
    "The date that the child started to be missing is after the child ceased to be looked after.",
    fields=["MIS_START"],
    tables=["Episodes", "Missing"],
)
def missing_after_care(year: int) -> str:
    return outside_every_period("m.MIS_START < p.DECOM OR m.MIS_START > p.DEC")

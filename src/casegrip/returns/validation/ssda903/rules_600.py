"""SSDA903 rules 579 to 635: overlapping decisions and missing periods, adoption details,
motherhood, and previous permanence."""

from .registry import codes, end, sql_rule, start, zz_date

AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
LA_CODES = [
    *(
        "800,889,822,301,304,303,330,825,837,302,846,370,350,890,867,380,305,801,351,873,823,895,896,"
        "381,909,202,908,331,306,841,830,831,878,371,835,332,840,307,308,811,881,845,390,916,203,876,"
        "850,311,204,884,312,205,313,805,919,310,309,420,921,206,207,886,810,382,314,340,888,208,856,"
        "383,855,209,925,341,201,821,352,806,887,826,315,929,812,391,926,892,813,802,928,891,392,316,"
        "815,353,931,879,836,851,874,807,354,317,870,318,372,857,333,935,343,803,373,342,893,356,355,"
        "871,394,334,933,882,936,861,852,319,860,808,393,866,210,357,894,883,880,358,211,937,869,320,"
        "359,865,384,335,336,212,868,872,885,344,877,213,938,816,999"
    ).split(","),
    *("WAL", "SCO", "NUK", "NIR"),
]


def _adoption_episodes(year: int) -> str:
    return f"""(SELECT * FROM Episodes WHERE REC IN ('E11', 'E12')
                AND DEC BETWEEN {start(year)} AND {end(year)})"""


@sql_rule(
    "579",
    "A new decision that the child should be placed for adoption this year cannot start when"
    " the previous decision is still open. Decisions to place the child for adoption should"
    " also not overlap. The date of any subsequent decision must be after the previous"
    " decision was reversed.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
    tables=["PlacedAdoption"],
)
def decisions_overlap(year: int) -> str:
    return """
        SELECT 'PlacedAdoption' t, _row r, CHILD c FROM (
            SELECT *, lag(CHILD) OVER w AS p_child, lag(DATE_PLACED_CEASED) OVER w AS p_ceased
            FROM PlacedAdoption WINDOW w AS (ORDER BY CHILD, DATE_PLACED, _row))
        WHERE CHILD = p_child AND (p_ceased IS NULL OR DATE_PLACED < p_ceased)"""


@sql_rule(
    "580",
    "Child is missing when cease being looked after but reason episode ceased not 'E8'.",
    fields=["REC"],
    tables=["Episodes", "Missing"],
)
def missing_at_18_not_e8(year: int) -> str:
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Missing m JOIN Episodes e USING (CHILD)
        WHERE m.DOB + INTERVAL 18 YEAR = m.MIS_END AND m.MIS_END = e.DEC
          AND e.REC IS DISTINCT FROM 'E8'"""


@sql_rule(
    "581",
    "Child is missing but has not yet started to be looked after.",
    fields=["MIS_START"],
    tables=["Episodes", "Missing"],
)
def missing_outside_care(year: int) -> str:
    return """
        SELECT 'Missing' t, m._row r, m.CHILD c FROM Missing m
        WHERE m.CHILD IN (SELECT CHILD FROM Episodes)
          AND NOT EXISTS (
              SELECT 1 FROM Episodes e WHERE e.CHILD = m.CHILD AND m.MIS_START >= e.DECOM
                AND (m.MIS_START <= e.DEC OR e.DEC IS NULL))"""


@sql_rule(
    "582",
    "Child is showing as ceasing to be looked after due to adoption, but the date of adoption"
    " is the same as the date reported for being matched with adopters. In most circumstances"
    " we expect the date the child was matched with adopters to be before the date of adoption.",
    fields=["DATE_MATCH", "DEC"],
    tables=["AD1", "Episodes"],
)
def adopted_on_match_day(year: int) -> str:
    # The validator compares the dates as written.
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes_raw e JOIN AD1_raw a USING (CHILD)
        WHERE upper(e.REC) IN ('E11', 'E12') AND upper(e.DEC) = upper(a.DATE_MATCH)"""


@sql_rule(
    "583",
    "More than one date the child should be placed for adoption has been reported, but an"
    " earlier decision has not been revoked. Check that both dates are required and add in the"
    " date the earlier decision was revoked.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
    tables=["PlacedAdoption"],
)
def earlier_decision_open(year: int) -> str:
    # "Latest" is the greatest date as written (DD/MM/YYYY text), as the validator sorts it.
    return """
        SELECT 'PlacedAdoption' t, _row r, CHILD c FROM (
            SELECT *, row_number() OVER (
                PARTITION BY CHILD ORDER BY DATE_PLACED DESC NULLS LAST, _row) AS nth
            FROM PlacedAdoption_raw)
        WHERE nth > 1 AND DATE_PLACED_CEASED IS NULL"""


@sql_rule(
    "586",
    "Dates of missing periods are before child's date of birth.",
    fields=["MIS_START"],
    tables=["Missing"],
)
def missing_before_birth(year: int) -> str:
    return "SELECT 'Missing' t, _row r, CHILD c FROM Missing WHERE MIS_START <= DOB"


@sql_rule(
    "601",
    "The additional fields relating to adoption have not been completed although the episode"
    " data shows that the child was adopted during the year.",
    fields=[*AD1_ITEMS, "REC"],
    tables=["AD1", "Episodes"],
)
def adoption_details_missing(year: int) -> str:
    absent = " OR ".join(f"a.{f} IS NULL" for f in AD1_ITEMS)
    return f"""
        WITH bad AS (
            SELECT e._row er, a._row ar, e.CHILD c
            FROM {_adoption_episodes(year)} e JOIN AD1_raw a USING (CHILD) WHERE {absent})
        SELECT 'AD1' t, ar r, c FROM bad UNION ALL SELECT 'Episodes', er, c FROM bad"""


@sql_rule(
    "602",
    "The episode data submitted for this child does not show that he/she was adopted during"
    " the year.",
    fields=["CHILD"],
    tables=["AD1", "Episodes"],
)
def adoption_details_without_adoption(year: int) -> str:
    given = " OR ".join(f"{f} IS NOT NULL" for f in AD1_ITEMS)
    return f"""
        SELECT 'AD1' t, _row r, CHILD c FROM AD1_raw
        WHERE ({given}) AND CHILD NOT IN (
            SELECT CHILD FROM {_adoption_episodes(year)} WHERE CHILD IS NOT NULL)"""


@sql_rule(
    "607",
    "Child ceased to be looked after in the year, but mother field has not been completed.",
    fields=["DEC", "LS", "MOTHER", "REC", "SEX"],
    tables=["Episodes", "Header"],
)
def ceased_without_mother(year: int) -> str:
    female = "'F'" if year >= 2025 else "'2'"
    return f"""
        WITH bad AS (
            SELECT e._row er, h._row hr, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
            WHERE e.REC <> 'X1' AND e.DEC BETWEEN {start(year)} AND {end(year)}
              AND coalesce(e.LS NOT IN ('V3', 'V4'), TRUE)
              AND h.SEX = {female} AND h.MOTHER IS NULL)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'Header', hr, c FROM bad"""


@sql_rule(
    "611",
    "Date of birth field is blank, but child is a mother.",
    fields=["MC_DOB", "MOTHER"],
    tables=["Header"],
)
def mother_without_child_dob(year: int) -> str:
    return """
        SELECT 'Header' t, _row r, CHILD c FROM Header_raw
        WHERE MOTHER = '1' AND MC_DOB IS NULL"""


@sql_rule(
    "612",
    "Date of birth field has been completed but mother field indicates child is not a mother.",
    fields=["MC_DOB", "MOTHER", "SEX"],
    tables=["Header"],
)
def child_dob_not_mother(year: int) -> str:
    female = "'F'" if year >= 2025 else "'2'"
    return f"""
        SELECT 'Header' t, h._row r, h.CHILD c FROM Header h JOIN Header_raw w USING (_row)
        WHERE coalesce(h.MOTHER, '0') = '0' AND h.SEX = {female} AND w.MC_DOB IS NOT NULL"""


@sql_rule(
    "620",
    "Child has been recorded as a mother, but date of birth shows that the mother is under 11"
    " years of age.",
    fields=["DOB", "MOTHER"],
    tables=["Header"],
)
def mother_under_11(year: int) -> str:
    return f"""
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE MOTHER = '1' AND DOB + INTERVAL 11 YEAR > {start(year)}"""


@sql_rule(
    "621",
    "Mother's field has been completed but date of birth shows that the mother is younger than"
    " her child.",
    fields=["DOB", "MC_DOB"],
    tables=["Header"],
)
def mother_younger_than_child(year: int) -> str:
    return """
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE MC_DOB IS NOT NULL AND NOT coalesce(MC_DOB > DOB, FALSE)"""


@sql_rule(
    "624",
    "Date of birth of the first child contradicts the date of birth of the first child"
    " previously recorded.",
    fields=["MC_DOB"],
    tables=["Header", "Header_last"],
)
def child_dob_changed(year: int) -> str:
    return """
        SELECT 'Header' t, h._row r, h.CHILD c
        FROM Header_raw h JOIN Header_last_raw l USING (CHILD)
        WHERE l.MC_DOB IS NOT NULL AND upper(h.MC_DOB) IS DISTINCT FROM upper(l.MC_DOB)"""


@sql_rule(
    "625",
    "Date of birth of the first child is beyond the end of this reporting year or the date the"
    " child ceased to be looked after.",
    fields=["DEC", "MC_DOB"],
    tables=["Episodes", "Header"],
)
def child_born_after_care(year: int) -> str:
    return f"""
        WITH latest AS (
            SELECT * FROM Episodes WHERE DEC IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DEC DESC, _row) = 1),
        bad AS (
            SELECT e._row er, h._row hr, e.CHILD c FROM latest e JOIN Header h USING (CHILD)
            WHERE h.MC_DOB > {end(year)} OR h.MC_DOB > e.DEC)
        SELECT 'Header' t, hr r, c FROM bad UNION ALL SELECT 'Episodes', er, c FROM bad"""


@sql_rule(
    "626",
    "Child was reported as a mother but the date of birth of the first child is before the"
    " current year which contradicts with the mother status recorded last year.",
    fields=["MC_DOB", "MOTHER"],
    tables=["Header", "Header_last"],
)
def became_mother_before_year(year: int) -> str:
    return f"""
        SELECT 'Header' t, h._row r, h.CHILD c FROM Header h JOIN Header_last l USING (CHILD)
        WHERE TRY_CAST(h.MOTHER AS DOUBLE) = 1 AND TRY_CAST(l.MOTHER AS DOUBLE) = 0
          AND h.MC_DOB < {start(year)}"""


@sql_rule(
    "628",
    "Motherhood details are not required for care leavers who have not been looked after"
    " during the year.",
    fields=["MOTHER"],
    tables=["Episodes", "Header", "OC3"],
)
def mother_for_care_leaver(year: int) -> str:
    return """
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE MOTHER IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM Episodes e WHERE e.CHILD = Header.CHILD)
          AND CHILD IN (SELECT CHILD FROM OC3
                        WHERE IN_TOUCH IS NOT NULL OR ACTIV IS NOT NULL OR ACCOM IS NOT NULL)"""


@sql_rule(
    "630",
    "Information on previous permanence option should be returned.",
    fields=["RNE"],
    tables=["Episodes", "PrevPerm"],
)
def previous_permanence_missing(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e
        LEFT JOIN PrevPerm p USING (CHILD)
        WHERE e.RNE = 'S' AND e.DECOM >= {start(year)}
          AND (p._row IS NULL
               OR (p.PREV_PERM IS DISTINCT FROM 'Z1'
                   AND (p.LA_PERM IS NULL OR p.DATE_PERM IS NULL)))"""


@sql_rule(
    "631",
    "Previous permanence option not a valid value.",
    fields=["PREV_PERM"],
    tables=["PrevPerm"],
)
def previous_permanence_code(year: int) -> str:
    return """
        SELECT 'PrevPerm' t, _row r, CHILD c FROM PrevPerm
        WHERE PREV_PERM NOT IN ('P1', 'P2', 'P3', 'P4', 'Z1')"""


@sql_rule(
    "632",
    "Date of previous permanence order not a valid value. NOTE: This rule may result in false"
    " negatives where the period of care started before the current collection year",
    fields=["DATE_PERM", "DECOM"],
    tables=["Episodes", "PrevPerm"],
)
def previous_permanence_date(year: int) -> str:
    return f"""
        WITH first AS (
            SELECT * FROM Episodes WHERE DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1),
        perm AS (SELECT _row, CHILD, DATE_PERM, {zz_date("DATE_PERM")} AS perm_date
                 FROM PrevPerm_raw),
        bad AS (
            SELECT e._row er, p._row pr, e.CHILD c FROM first e JOIN perm p USING (CHILD)
            WHERE p.perm_date >= e.DECOM OR (p.DATE_PERM IS NOT NULL AND p.perm_date IS NULL))
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'PrevPerm', pr, c FROM bad"""


@sql_rule(
    "633",
    "Local authority code where previous permanence option was arranged is not a valid value.",
    fields=["LA_PERM"],
    tables=["PrevPerm"],
)
def previous_permanence_la(year: int) -> str:
    return f"""
        SELECT 'PrevPerm' t, _row r, CHILD c FROM PrevPerm
        WHERE LA_PERM NOT IN {codes(LA_CODES)}"""


@sql_rule(
    "634",
    "There are entries for previous permanence options, but child has not started to be looked"
    " after from 1 April 2016 onwards.",
    fields=["DATE_PERM", "DECOM", "LA_PERM", "PREV_PERM"],
    tables=["Episodes", "PrevPerm"],
)
def previous_permanence_for_old_care(year: int) -> str:
    return f"""
        WITH old AS (
            SELECT CHILD FROM Episodes GROUP BY CHILD HAVING max(DECOM) < {start(year)}),
        flagged AS (
            SELECT * FROM PrevPerm_raw WHERE (PREV_PERM IS NOT NULL OR DATE_PERM IS NOT NULL
                                              OR LA_PERM IS NOT NULL)
              AND CHILD IN (SELECT CHILD FROM old))
        SELECT 'PrevPerm' t, _row r, CHILD c FROM flagged
        UNION ALL
        SELECT 'Episodes', _row, CHILD FROM Episodes WHERE CHILD IN (SELECT CHILD FROM flagged)"""


@sql_rule(
    "635",
    "There are entries for date of order and local authority code where previous permanence"
    " option was arranged but previous permanence code is Z1",
    fields=["DATE_PERM", "LA_PERM", "PREV_PERM"],
    tables=["PrevPerm"],
)
def previous_permanence_details_without_code(year: int) -> str:
    return """
        SELECT 'PrevPerm' t, _row r, CHILD c FROM PrevPerm_raw
        WHERE (LA_PERM IS NOT NULL OR DATE_PERM IS NOT NULL) AND PREV_PERM IS NULL"""

"""SSDA903 rules that apply only to collection years before 2025 (the DfE validator's
2022/23 and 2023/24 rule packs), where they differ from or are absent in later years."""

from .registry import end, sql_rule

# The rules the DfE dropped from 2025, after freeing orders and independent living (P2) went.
TO_2024 = (2023, 2024)
# The rules the 2023/24 pack added and the 2024/25 pack dropped.
ONLY_2024 = (2024,)


@sql_rule(
    "370",
    "Child in independent living should be at least 16 (15 before 2024).",
    fields=["DECOM", "PLACE"],
    tables=["Episodes", "Header"],
    years=TO_2024,
)
def independent_living_too_young(year: int) -> str:
    age = 15 if year < 2024 else 16
    # The validator checks only episodes that have ended.
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
        WHERE e.PLACE = 'P2' AND e.DEC IS NOT NULL
          AND e.DECOM < h.DOB + INTERVAL {age} YEAR"""


@sql_rule(
    "445",
    "D1 is not a valid code for episodes starting after December 2005.",
    fields=["LS", "DECOM"],
    tables=["Episodes"],
    years=TO_2024,
)
def freed_after_2005(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE LS = 'D1' AND DECOM > DATE '2005-12-31'"""


@sql_rule(
    "451",
    "Child is still freed for adoption, but freeing orders could not be applied for since"
    " 30 December 2005.",
    fields=["DEC", "REC", "LS"],
    tables=["Episodes"],
    years=TO_2024,
)
def still_freed(year: int) -> str:
    # The validator tests the end date as written: one that is not a date is not blank.
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN Episodes_raw w USING (_row)
        WHERE e.LS = 'D1' AND w.DEC IS NULL AND e.REC IS NULL"""


@sql_rule(
    "555",
    "Freeing order has been granted but there is no date of decision that the child should be"
    " placed for adoption.",
    fields=["CHILD", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    tables=["Episodes", "PlacedAdoption"],
    years=TO_2024,
)
def freed_without_decision(year: int) -> str:
    # A D1 episode needs a placed-for-adoption row for its child; while a D1 episode is open,
    # none of the child's placed-for-adoption rows may say the placement ceased. Blanks are
    # tested as written, as the validator does.
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e
        WHERE e.LS = 'D1' AND NOT EXISTS (
            SELECT 1 FROM PlacedAdoption p WHERE p.CHILD = e.CHILD)
        UNION ALL
        SELECT 'PlacedAdoption', p._row, p.CHILD
        FROM Episodes e JOIN Episodes_raw w USING (_row)
        JOIN PlacedAdoption_raw p ON p.CHILD = e.CHILD
        WHERE e.LS = 'D1' AND w.DEC IS NULL
          AND (p.DATE_PLACED_CEASED IS NOT NULL OR p.REASON_PLACED_CEASED IS NOT NULL)"""


@sql_rule(
    "556",
    "Date of decision that the child should be placed for adoption should be on or prior to the"
    " date that the freeing order was granted.",
    fields=["DATE_PLACED", "DECOM"],
    tables=["Episodes", "PlacedAdoption"],
    years=TO_2024,
)
def decision_after_freeing(year: int) -> str:
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e
        JOIN PlacedAdoption p ON p.CHILD = e.CHILD
        WHERE e.LS = 'D1' AND p.DATE_PLACED > e.DECOM"""


@sql_rule(
    "217t",
    "Placement type 'P2' is not a valid placement type from 28 October 2023.",
    fields=["PLACE", "DECOM"],
    tables=["Episodes"],
    years=ONLY_2024,
)
def independent_living_after_october_2023(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE PLACE = 'P2' AND (DEC > DATE '2023-10-28' OR DEC IS NULL)"""


@sql_rule(
    "SW01STG1",
    "Child looked after on 31 March, but no social worker episode information is reported",
    fields=["DEC"],
    tables=["SWEpisodes", "Episodes"],
    years=ONLY_2024,
)
def no_social_worker_at_year_end(year: int) -> str:
    # An open episode that is not a short break, for a child with no social worker episode or
    # with one missing its worker, start or reason. The validator reports the episode's row
    # number against the social worker table; it is reported here against the episode.
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c
        FROM Episodes e JOIN Episodes_raw w USING (_row)
        LEFT JOIN SWEpisodes_raw s ON s.CHILD = e.CHILD
        WHERE w.DEC IS NULL AND coalesce(e.LS NOT IN ('V3', 'V4'), TRUE)
          AND (s.SW_ID IS NULL OR s.SW_DECOM IS NULL OR s.SW_REASON IS NULL)"""


@sql_rule(
    "SW03STG1",
    "For each social worker episode, information should be complete.",
    fields=["SW_ID", "SW_DECOM", "SW_REASON"],
    tables=["SWEpisodes"],
    years=ONLY_2024,
)
def social_worker_incomplete(year: int) -> str:
    return """
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM SWEpisodes_raw
        WHERE SW_ID IS NULL OR SW_DECOM IS NULL OR SW_REASON IS NULL"""


@sql_rule(
    "SW11aSTG2",
    "Social worker episode has ended before 31 March and no subsequent social worker episode"
    " has been provided.",
    fields=["SW_DEC"],
    tables=["SWEpisodes"],
    years=ONLY_2024,
)
def social_worker_gap(year: int) -> str:
    # Episodes ordered by child and start (undated starts last), as the validator pairs them:
    # when the previous one ended five or more days before the year's end, the next must
    # start within five days of that end.
    return f"""
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM (
            SELECT *, lag(CHILD) OVER w AS p_child, lag(SW_DEC) OVER w AS p_dec
            FROM SWEpisodes WINDOW w AS (ORDER BY CHILD, SW_DECOM, _row))
        WHERE CHILD = p_child AND p_dec <= {end(year)} - INTERVAL 5 DAY
          AND NOT coalesce(
              SW_DECOM BETWEEN p_dec - INTERVAL 5 DAY AND p_dec + INTERVAL 5 DAY, FALSE)"""


@sql_rule(
    "SW14STG2",
    "Social worker episode date ceased is blank.",
    fields=["SW_DEC"],
    tables=["SWEpisodes"],
    years=ONLY_2024,
)
def social_worker_open_before_last(year: int) -> str:
    # Only a child's latest episode (by start, an undated start counting as latest, then by
    # row) may be open.
    return """
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM SWEpisodes
        QUALIFY row_number() OVER (
                    PARTITION BY CHILD ORDER BY SW_DECOM DESC NULLS FIRST, _row DESC) > 1
            AND SW_DEC IS NULL"""

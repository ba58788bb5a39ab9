"""SSDA903 social worker episode rules (SWEpisodes, collected from 2024)."""

from .registry import end, sql_rule, start, zz_date

SW_REASONS = (
    "('MANAGE', 'FCONTA', 'LEFTRL', 'ORGRST', 'TSPROC', 'ABSENC', 'CHCHAN', 'PCCHAN', 'SWDIED',"
    " 'OTHERS')"
)
SW_YEARS = range(2024, 2100)


def _year_before_start(year: int) -> str:
    # The validator steps back numpy's average year (365.2425 days) from 1 April.
    return f"({start(year)}::TIMESTAMP - INTERVAL '365 days 5 hours 49 minutes 12 seconds')"


def _sw(where: str, table: str = "SWEpisodes") -> str:
    return f"SELECT 'SWEpisodes' t, _row r, CHILD c FROM {table} WHERE {where}"


@sql_rule(
    "SW01aSTG1",
    "For each social worker episode, information should be complete",
    fields=["SW_DECOM", "SW_ID"],
    tables=["SWEpisodes"],
    years=[2025],
)
def sw_complete_before_2023(year: int) -> str:
    return _sw("(SW_DECOM < DATE '2023-04-01' AND SW_ID IS NULL) OR SW_DECOM IS NULL")


@sql_rule(
    "SW01bSTG1",
    "For each social worker episode, information should be complete",
    fields=["SW_DECOM", "SW_ID", "SW_REASON"],
    tables=["SWEpisodes"],
    years=[2025],
)
def sw_complete_from_2023(year: int) -> str:
    return _sw(
        "(SW_DECOM >= DATE '2023-04-01' AND (SW_ID IS NULL OR SW_REASON IS NULL))"
        " OR SW_DECOM IS NULL"
    )


@sql_rule(
    "SW02STG1",
    "Social worker ID does not begin with the characters 'SW' or 'XX'.",
    fields=["SW_ID"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_id_prefix(year: int) -> str:
    too_short = " OR length(SW_ID) < 4" if year >= 2026 else ""
    return _sw(f"coalesce(left(SW_ID, 2) NOT IN ('SW', 'XX'){too_short}, TRUE)")


@sql_rule(
    "SW04STG1",
    "Date social worker episode began is not a valid date..",
    fields=["SW_DECOM"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_decom_date(year: int) -> str:
    # Until 2025 an unknown day or month (ZZ) is allowed.
    parsed = zz_date("SW_DECOM") if year < 2026 else "try_strptime(SW_DECOM, '%d/%m/%Y')"
    return _sw(f"SW_DECOM IS NOT NULL AND ({parsed}) IS NULL", "SWEpisodes_raw")


@sql_rule(
    "SW05STG1",
    "Date social worker episode began is not a valid date.",
    fields=["SW_DEC"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_dec_date(year: int) -> str:
    parsed = zz_date("SW_DEC") if year < 2026 else "try_strptime(SW_DEC, '%d/%m/%Y')"
    return _sw(f"SW_DEC IS NOT NULL AND ({parsed}) IS NULL", "SWEpisodes_raw")


@sql_rule(
    "SW06STG2",
    "Social worker episode data should be within the social worker data reporting year.",
    fields=["SW_DECOM"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_starts_after_year(year: int) -> str:
    return _sw(f"SW_DECOM > {end(year)}")


@sql_rule(
    "SW07STG2",
    "Social worker episode end date should be on or after the start of the social worker"
    " reporting period, and should be on or before the collection end date.",
    fields=["SW_DEC"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_ends_outside_period(year: int) -> str:
    # Until 2024 the reporting period is the collection year; from 2025 it starts a year earlier.
    first = start(year) if year < 2025 else _year_before_start(year)
    return _sw(f"SW_DEC < {first} OR SW_DEC > {end(year)}")


@sql_rule(
    "SW08STG2",
    "A new social worker episode has started, but the previous episode has not ended.",
    fields=["SW_DEC"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_previous_open(year: int) -> str:
    return """
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM (
            SELECT *, row_number() OVER (
                PARTITION BY CHILD ORDER BY SW_DECOM DESC NULLS LAST, _row DESC) AS nth
            FROM SWEpisodes)
        WHERE nth > 1 AND CHILD IS NOT NULL AND SW_DECOM IS NOT NULL AND SW_DEC IS NULL"""


@sql_rule(
    "SW09STG2",
    "Social worker episode appears to have lasted for less than 24 hours.",
    fields=["SW_DEC", "SW_DECOM"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_same_day(year: int) -> str:
    if year >= 2026:  # from 2026: under three days
        return _sw("SW_DEC - SW_DECOM < 3")
    return _sw("upper(SW_DEC) = upper(SW_DECOM)", "SWEpisodes_raw")


@sql_rule(
    "SW10STG2",
    "A new social worker episode has started before the end date of the previous social worker"
    " episode.",
    fields=["SW_DECOM"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_not_following(year: int) -> str:
    # A new worker must start within a week of the previous one ending, unless (from 2025) the
    # family asked for the change (FCONTA).
    family = "AND SW_REASON IS DISTINCT FROM 'FCONTA'" if year >= 2025 else ""
    return f"""
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM (
            SELECT *, lag(CHILD) OVER w AS p_child, lag(SW_DEC) OVER w AS p_dec
            FROM SWEpisodes WINDOW w AS (ORDER BY CHILD, SW_DECOM, SW_DEC, _row))
        WHERE CHILD = p_child {family}
          AND NOT coalesce(SW_DECOM BETWEEN p_dec - INTERVAL 7 DAY AND p_dec + INTERVAL 7 DAY,
                           FALSE)"""


@sql_rule(
    "SW12STG2",
    "If a child is looked after on 31 March then all social worker episodes for the full"
    " previous year should be reported, even those whilst they were not looked after",
    fields=["SW_DECOM"],
    tables=["Episodes", "SWEpisodes"],
    years=SW_YEARS,
)
def sw_missing_for_care(year: int) -> str:
    # Each episode that starts or ends a period of care in the reporting period needs every one
    # of the child's social worker episodes to start after it started (S) or before it ended.
    # Until 2024 the validator looks at every episode, whenever it ended.
    period = (
        f"((DEC >= {_year_before_start(year)} AND DEC <= {end(year)}) OR DEC IS NULL)"
        if year >= 2025
        else "TRUE"
    )
    return f"""
        WITH eps AS (
            SELECT * FROM Episodes
            WHERE {period}
              AND coalesce(LS NOT IN ('V3', 'V4'), TRUE)
              AND (RNE = 'S' OR coalesce(REC <> 'X1', TRUE)))
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM eps e
        LEFT JOIN SWEpisodes s USING (CHILD)
        WHERE NOT coalesce(s.SW_DECOM <= e.DEC AND coalesce(e.REC <> 'X1', TRUE), FALSE)
          AND NOT coalesce(s.SW_DECOM >= e.DECOM AND e.RNE = 'S', FALSE)"""


@sql_rule(
    "SW13STG1",
    "The reason for social worker change is not valid.",
    fields=["SW_REASON"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_reason_code(year: int) -> str:
    if year < 2025:  # until 2024 a blank reason is never allowed
        return _sw(f"coalesce(SW_REASON NOT IN {SW_REASONS}, TRUE)")
    return _sw(
        f"SW_REASON NOT IN {SW_REASONS} OR (SW_REASON IS NULL AND SW_DECOM >= DATE '2023-04-01')"
    )


SW_2026_ON = range(2026, 2100)


@sql_rule(
    "SW10aSTG2",
    "A new social worker episode has started and it is not within +/- 7 days of a previous"
    " episode.",
    fields=["SW_DECOM"],
    tables=["SWEpisodes"],
    years=SW_2026_ON,
)
def sw_not_within_a_week(year: int) -> str:
    return sw_not_following(year)


@sql_rule(
    "SW10bSTG2",
    "A new social worker episode has started with a reason of first contact before the previous"
    " episode has ended.",
    fields=["SW_DECOM", "SW_REASON"],
    tables=["SWEpisodes"],
    years=SW_2026_ON,
)
def sw_family_change_overlaps(year: int) -> str:
    return """
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM (
            SELECT *, lag(CHILD) OVER w AS p_child, lag(SW_DEC) OVER w AS p_dec
            FROM SWEpisodes WINDOW w AS (ORDER BY CHILD, SW_DECOM, SW_DEC, _row))
        WHERE CHILD = p_child AND SW_REASON = 'FCONTA' AND SW_DECOM <= p_dec"""


@sql_rule(
    "SW17STG2",
    "There is no social worker episode open at 31 March",
    fields=["SW_DEC", "SW_DECOM"],
    tables=["SWEpisodes"],
    years=SW_2026_ON,
)
def sw_none_open(year: int) -> str:
    return """
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM SWEpisodes
        QUALIFY row_number() OVER (
                    PARTITION BY CHILD ORDER BY SW_DECOM DESC NULLS LAST, _row) = 1
            AND SW_DEC IS NOT NULL"""


@sql_rule(
    "SW18STG2",
    "The end date of the social worker episode is before the start date",
    fields=["SW_DEC", "SW_DECOM"],
    tables=["SWEpisodes"],
    years=SW_2026_ON,
)
def sw_ends_before_start(year: int) -> str:
    return _sw("SW_DEC <= SW_DECOM")


@sql_rule(
    "SW19STG2",
    "There are 2 social worker episodes for the child starting on the same date.",
    fields=["SW_DEC", "SW_DECOM"],
    tables=["SWEpisodes"],
    years=SW_2026_ON,
)
def sw_same_start(year: int) -> str:
    return """
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM SWEpisodes_raw
        QUALIFY row_number() OVER (PARTITION BY CHILD, upper(SW_DECOM) ORDER BY _row) > 1"""


@sql_rule(
    "SW11bSTG2",
    "Social worker episode has ended before 31 March and no subsequent social worker episode"
    " has been provided.",
    fields=["SW_DEC"],
    tables=["SWEpisodes"],
    years=SW_YEARS,
)
def sw_ended_at_year_end(year: int) -> str:
    # An episode ending in the year's last five days must be followed by another of the same
    # child (in order of start, blank starts last); a following episode with no start is
    # flagged itself. The validator's code also flags such an episode when a later one does
    # follow it, unless it is the child's first; that contradicts the rule's text, so it is
    # not copied.
    window = f"BETWEEN {end(year)} - INTERVAL 5 DAY AND {end(year)}"
    return f"""
        SELECT 'SWEpisodes' t, _row r, CHILD c FROM (
            SELECT *, lag(CHILD) OVER w AS p_child, lag(SW_DEC) OVER w AS p_dec,
                   lead(CHILD) OVER w AS n_child
            FROM SWEpisodes WINDOW w AS (ORDER BY CHILD, SW_DECOM NULLS LAST, _row))
        WHERE CHILD IS NOT NULL AND (
               (SW_DEC {window} AND n_child IS DISTINCT FROM CHILD)
            OR (CHILD = p_child AND p_dec {window} AND SW_DECOM IS NULL))"""

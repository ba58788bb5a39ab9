"""SSDA903 rules 301 to 399: ages, dates and sequences of episodes, placements and legal
statuses."""

from .registry import end, sql_rule, start

TEMPORARY = "('T0', 'T1', 'T2', 'T3', 'T4')"
OC3_GIVEN = "(IN_TOUCH IS NOT NULL OR ACTIV IS NOT NULL OR ACCOM IS NOT NULL)"


def _episodes(where: str) -> str:
    return f"SELECT 'Episodes' t, _row r, CHILD c FROM Episodes WHERE {where}"


def _episodes_and_header(where: str, episodes: str = "Episodes") -> str:
    """Episode rows (``e``) joined to their child's header (``h``) that meet ``where``, with
    those header rows."""
    return f"""
        WITH bad AS (
            SELECT e._row er, h._row hr, e.CHILD c FROM {episodes} e
            LEFT JOIN Header h USING (CHILD) WHERE {where})
        SELECT 'Episodes' t, er r, c FROM bad
        UNION ALL SELECT 'Header', hr, c FROM bad WHERE hr IS NOT NULL"""


@sql_rule("301", "Date of birth falls after the year ended.", fields=["DOB"], tables=["Header"])
def born_after_year(year: int) -> str:
    return f"SELECT 'Header' t, _row r, CHILD c FROM Header WHERE DOB > {end(year)}"


@sql_rule(
    "302",
    "First episode starts before child was born.",
    fields=["DECOM", "DOB"],
    tables=["Episodes", "Header"],
)
def first_episode_before_birth(year: int) -> str:
    first = """(SELECT * FROM Episodes WHERE DECOM IS NOT NULL
                QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1)"""
    return _episodes_and_header("h.DOB > e.DECOM", first)


# Rule 303 (a UASC row with DUC needs UASC status 1 in Header) is not here: in a return in CSV
# the status is worked out from the UASC rows (as the validator does on reading one), so a
# child with a DUC always has it and the rule can find nothing.


@sql_rule(
    "304",
    "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the"
    " 18th birthday of a child.",
    fields=["DUC"],
    tables=["UASC"],
)
def duc_after_18(year: int) -> str:
    return "SELECT 'UASC' t, _row r, CHILD c FROM UASC WHERE DUC > DOB + INTERVAL 18 YEAR"


@sql_rule(
    "331",
    "Date of matching child and adopter(s) should be the same as, or prior to, the date of"
    " placement of adoption.",
    fields=["DATE_MATCH", "DECOM", "REC"],
    tables=["AD1", "Episodes"],
)
def matched_after_placement(year: int) -> str:
    return """
        WITH bad AS (
            SELECT e._row er, a._row ar, e.CHILD c FROM Episodes e JOIN AD1 a USING (CHILD)
            WHERE e.REC IN ('E11', 'E12') AND a.DATE_MATCH > e.DECOM)
        SELECT 'AD1' t, ar r, c FROM bad UNION ALL SELECT 'Episodes', er, c FROM bad"""


@sql_rule(
    "333",
    "Date should be placed for adoption must be on or prior to the date of matching child with"
    " adopter(s).",
    fields=["DATE_INT"],
    tables=["AD1"],
)
def decision_after_match(year: int) -> str:
    return """
        SELECT 'AD1' t, _row r, CHILD c FROM AD1
        WHERE DATE_MATCH IS NOT NULL AND (DATE_INT IS NULL OR DATE_INT > DATE_MATCH)"""


@sql_rule(
    "334",
    "Date child started to be looked after in latest period of care must be on or prior to the"
    " date should be placed for adoption.",
    fields=["DATE_INT", "DECOM", "RNE"],
    tables=["AD1", "Episodes"],
)
def decision_before_care(year: int) -> str:
    return """
        WITH latest AS (
            SELECT * FROM Episodes WHERE RNE = 'S' AND DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM DESC, _row) = 1),
        bad AS (
            SELECT e._row er, a._row ar, e.CHILD c FROM latest e JOIN AD1 a USING (CHILD)
            WHERE a.DATE_INT < e.DECOM)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'AD1', ar, c FROM bad"""


@sql_rule(
    "335",
    "The current foster value (0) suggests that child is not adopted by current foster carer,"
    " but last placement is A2, A3, or A5. Or the current foster value (1) suggests that child"
    " is adopted by current foster carer, but last placement is A1, A4 or A6.",
    fields=["FOSTER_CARE", "PLACE"],
    tables=["AD1", "Episodes"],
)
def foster_carer_adoption(year: int) -> str:
    return """
        WITH bad AS (
            SELECT e._row er, a._row ar, e.CHILD c FROM Episodes e JOIN AD1 a USING (CHILD)
            WHERE e.REC IN ('E1', 'E11', 'E12')
              AND ((e.PLACE IN ('A2', 'A3', 'A5') AND a.FOSTER_CARE = '0')
                   OR (e.PLACE IN ('A1', 'A4', 'A6') AND a.FOSTER_CARE = '1')))
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'AD1', ar, c FROM bad"""


@sql_rule(
    "336",
    "Child does not have a foster placement immediately prior to being placed for adoption.",
    fields=["PLACE"],
    tables=["Episodes"],
)
def no_foster_before_adoption(year: int) -> str:
    foster = "('A3', 'A4', 'A5', 'A6', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6')"
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM (
            SELECT *, lag(PLACE) OVER w AS previous_place, row_number() OVER w AS nth
            FROM Episodes WINDOW w AS (PARTITION BY CHILD ORDER BY DECOM NULLS LAST, _row))
        WHERE PLACE IN ('A3', 'A4') AND coalesce(previous_place NOT IN {foster}, TRUE)
          AND NOT (nth = 1 AND DECOM IS NOT NULL)"""


@sql_rule(
    "344",
    "The record shows the young person has died or returned home to live with parent(s) or"
    " someone with parental responsibility for a continuous period of 6 months or more, but"
    " activity and/or accommodation is recorded.",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["OC3"],
)
def activity_after_death_or_home(year: int) -> str:
    return """
        SELECT 'OC3' t, _row r, CHILD c FROM OC3
        WHERE IN_TOUCH IN ('DIED', 'RHOM') AND (ACTIV IS DISTINCT FROM '0'
                                                OR ACCOM IS DISTINCT FROM '0')"""


@sql_rule(
    "345",
    "The data collection record shows the local authority is in touch with this young person,"
    " but activity and/or accommodation data items are zero.",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["OC3"],
)
def in_touch_without_activity(year: int) -> str:
    return """
        SELECT 'OC3' t, _row r, CHILD c FROM OC3
        WHERE IN_TOUCH = 'YES' AND (ACTIV = '0' OR ACCOM = '0')"""


@sql_rule(
    "347",
    "Care leavers aged under 18 years, can not be accommodated in a Foyer.",
    fields=["DEC", "PLACE", "URN"],
    tables=["OC3"],
    years=range(2024, 2100),
)
def foyer_under_18(year: int) -> str:
    # As the validator reads it: an accommodation code of exactly 'T' (a Foyer), which no
    # valid two-character ACCOM code matches.
    return f"""
        SELECT 'OC3' t, _row r, CHILD c FROM OC3
        WHERE ACCOM = 'T' AND DOB + INTERVAL 18 YEAR > {start(year)}"""


@sql_rule(
    "348",
    "Care leaver has previously been reported as having died.",
    fields=["IN_TOUCH"],
    tables=["OC3", "OC3_last"],
    years=range(2026, 2100),
)
def died_last_year(year: int) -> str:
    return """
        SELECT 'OC3' t, o._row r, o.CHILD c FROM OC3 o JOIN OC3_last l USING (CHILD)
        WHERE l.IN_TOUCH = 'DIED' AND o.IN_TOUCH IS DISTINCT FROM 'DIED'"""


@sql_rule(
    "351",
    "Child was over 25 at the start of the current collection year.",
    fields=["DOB"],
    tables=["Header"],
)
def over_25(year: int) -> str:
    return f"""
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE DOB + INTERVAL 25 YEAR < {start(year)}"""


@sql_rule(
    "352",
    "Child who started to be looked after was aged 18 or over.",
    fields=["DECOM", "RNE"],
    tables=["Episodes", "Header"],
)
def started_over_18(year: int) -> str:
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
        WHERE e.RNE = 'S' AND h.DOB + INTERVAL 18 YEAR <= e.DECOM"""


@sql_rule(
    "353",
    "No episode submitted can start before 14 October 1991.",
    fields=["DECOM"],
    tables=["Episodes"],
)
def started_before_1991(year: int) -> str:
    return _episodes("DECOM < DATE '1991-10-14'")


@sql_rule(
    "354",
    "Date episode ceased must be on or before the end of the current collection year.",
    fields=["DECOM"],
    tables=["Episodes"],
)
def started_after_year(year: int) -> str:
    return _episodes(f"DECOM > {end(year)}")


@sql_rule(
    "355",
    "Episode appears to have lasted for less than 24 hours",
    fields=["DEC", "DECOM"],
    tables=["Episodes"],
)
def same_day_episode(year: int) -> str:
    # The validator compares the dates as text, so two blank dates are the same too.
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes_raw
        WHERE coalesce(upper(DECOM), 'nan') = coalesce(upper(DEC), 'nan')"""


@sql_rule(
    "356",
    "The date the episode ceased is before the date the same episode started.",
    fields=["DECOM"],
    tables=["Episodes"],
)
def ended_before_start(year: int) -> str:
    return _episodes("DEC < DECOM")


@sql_rule(
    "357",
    "If this is the first episode ever for this child, reason for new episode must be S. Check"
    " whether there is an episode immediately preceding this one, which has been left out. If"
    " not the reason for new episode code must be amended to S.",
    fields=["RNE"],
    tables=["Episodes"],
)
def first_episode_not_s(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes WHERE DECOM IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1
            AND DECOM >= {start(year)} AND RNE IS DISTINCT FROM 'S'"""


@sql_rule(
    "358",
    "Child with this legal status should not be under 10.",
    fields=["DECOM", "DOB", "LS"],
    tables=["Episodes", "Header"],
)
def youth_justice_under_10(year: int) -> str:
    return _episodes_and_header(
        "e.LS IN ('J1', 'J2', 'J3') AND h.DOB + INTERVAL 10 YEAR >= e.DECOM"
    )


@sql_rule(
    "359",
    "Child being looked after following 18th birthday must be accommodated under section"
    " 20(5) of the Children Act 1989 in a community home.",
    fields=["DEC", "LS", "PLACE"],
    tables=["Episodes", "Header"],
)
def over_18_not_v2_k2(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c
        FROM Episodes e JOIN Episodes_raw w USING (_row) JOIN Header h ON h.CHILD = e.CHILD
        WHERE h.DOB + INTERVAL 18 YEAR < {end(year)} AND w.DEC IS NULL
          AND NOT coalesce(e.LS = 'V2' AND e.PLACE = 'K2', FALSE)"""


def _status_spells(status: str, days: int, year: int) -> str:
    """Episodes of legal status ``status`` in runs (each joined to the next when it ends the
    day the child's next episode starts) lasting more than ``days`` days; an open episode
    counts to the year's end. The validator's way, with episodes ordered by child and start."""
    return f"""
        WITH ordered AS (
            SELECT *, coalesce(DEC, {end(year)}) AS until,
                   lead(DECOM) OVER w AS next_decom, lead(CHILD) OVER w AS next_child
            FROM Episodes WINDOW w AS (ORDER BY CHILD, DECOM, _row)),
        flagged AS (
            SELECT *, coalesce(until = next_decom AND CHILD = next_child, FALSE) AS flows
            FROM ordered WHERE LS = '{status}'),
        runs AS (
            SELECT *, sum(CASE WHEN coalesce(previous_flows, FALSE) THEN 0 ELSE 1 END)
                          OVER (ORDER BY CHILD, DECOM, _row) AS run
            FROM (SELECT *, lag(flows) OVER (ORDER BY CHILD, DECOM, _row) AS previous_flows
                  FROM flagged))
        SELECT 'Episodes' t, _row r, CHILD c FROM runs
        WINDOW spell AS (PARTITION BY run, CHILD)
        QUALIFY max(until) OVER spell - min(DECOM) OVER spell > {days}"""


@sql_rule(
    "361",
    "Police protection legal status lasted longer than maximum 72 hours allowed in the"
    " Children Act 1989.",
    fields=["DEC", "DECOM", "LS"],
    tables=["Episodes"],
)
def police_protection_too_long(year: int) -> str:
    return _status_spells("L1", 3, year)


@sql_rule(
    "362",
    "Emergency protection order (EPO) lasted longer than 21 days",
    fields=["DEC", "DECOM", "LS"],
    tables=["Episodes"],
)
def epo_too_long(year: int) -> str:
    return _status_spells("L2", 21, year)


def _file_order_spells(status: str, days: int, year: int) -> str:
    """Episodes of legal status ``status`` in runs (in file order: a run goes on while the
    child is the same and the episode starts on or before the previous one ended) whose
    episodes last more than ``days`` days in all; an open episode counts to the year's end."""
    return f"""
        WITH eps AS (
            SELECT *, coalesce(DEC, {end(year)}) AS until FROM Episodes
            WHERE LS = '{status}' AND DECOM IS NOT NULL),
        marked AS (
            SELECT *, lag(until) OVER (ORDER BY _row) AS previous_until,
                   lag(CHILD) OVER (ORDER BY _row) AS previous_child,
                   row_number() OVER (ORDER BY _row) AS nth
            FROM eps),
        runs AS (
            SELECT *, sum(CASE WHEN nth = 1 OR DECOM > previous_until
                                    OR CHILD IS DISTINCT FROM previous_child
                               THEN 1 ELSE 0 END) OVER (ORDER BY _row) AS run
            FROM marked)
        SELECT 'Episodes' t, _row r, CHILD c FROM runs
        QUALIFY sum(until - DECOM) OVER (PARTITION BY run) > {days}"""


@sql_rule(
    "363",
    "Child assessment order (CAO) lasted longer than 7 days allowed in the Children Act 1989.",
    fields=["DEC", "DECOM", "LS"],
    tables=["Episodes"],
)
def cao_too_long(year: int) -> str:
    return _file_order_spells("L3", 7, year)


@sql_rule(
    "364",
    "Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the time a"
    " child can be detained in custody in Local Authority (LA) accommodation.",
    fields=["DEC", "DECOM", "LS"],
    tables=["Episodes"],
)
def pace_too_long(year: int) -> str:
    return _file_order_spells("J2", 21, year)


@sql_rule(
    "365",
    "Any individual short- term respite placement must not exceed 17 days.",
    fields=["DEC", "DECOM", "LS"],
    tables=["Episodes"],
)
def respite_too_long(year: int) -> str:
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN Episodes_raw w USING (_row)
        WHERE e.LS = 'V3'
          AND CASE WHEN w.DEC IS NULL THEN {end(year)} ELSE e.DEC END
              > e.DECOM + INTERVAL 17 DAY"""


@sql_rule(
    "366",
    "A child cannot change placement during the course of an individual short-term respite break.",
    fields=["RNE"],
    tables=["Episodes"],
)
def respite_placement_change(year: int) -> str:
    return _episodes("LS = 'V3' AND RNE IS DISTINCT FROM 'S'")


@sql_rule(
    "367",
    "The maximum amount of respite care allowable is 75 days in any 12-month period.",
    fields=["DEC", "DECOM", "LS"],
    tables=["Episodes"],
)
def respite_over_75_days(year: int) -> str:
    return f"""
        WITH spans AS (
            SELECT e._row, e.CHILD,
                   CASE WHEN w.DEC IS NULL OR e.DEC > {end(year)} THEN {end(year)}
                        ELSE e.DEC END
                   - greatest(e.DECOM, {start(year)}) AS days
            FROM Episodes e JOIN Episodes_raw w USING (_row)
            WHERE e.LS = 'V3' AND w.DECOM IS NOT NULL)
        SELECT 'Episodes' t, _row r, CHILD c FROM spans WHERE days > 0
        QUALIFY sum(days) OVER (PARTITION BY CHILD) > 75"""


def _placed_too_young(place: str, years: int) -> str:
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
        WHERE e.PLACE = '{place}' AND e.DEC IS NOT NULL
          AND e.DECOM < h.DOB + INTERVAL {years} YEAR"""


def _placed_too_long(place: str, days: int) -> str:
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
        WHERE e.PLACE = '{place}' AND h.DOB IS NOT NULL
          AND e.DEC > e.DECOM + INTERVAL {days} DAY"""


@sql_rule(
    "371",
    "Child in supported accomodation not subject to children's homes regulations should be at"
    " least 16.",
    fields=["DECOM", "PLACE"],
    tables=["Episodes", "Header"],
)
def supported_accommodation_under_16(year: int) -> str:
    if year <= 2023:
        return _placed_too_young("H5", 14)
    return _placed_too_young("H5" if year == 2024 else "K3", 16)


@sql_rule(
    "372",
    "Child in youth custody or prison should be at least 10.",
    fields=["DECOM", "PLACE"],
    tables=["Episodes", "Header"],
)
def custody_under_10(year: int) -> str:
    return _placed_too_young("R5", 10)


@sql_rule(
    "373",
    "Child placed in a school should be at least 4 years old.",
    fields=["DECOM", "PLACE"],
    tables=["Episodes", "Header"],
)
def school_under_4(year: int) -> str:
    return _placed_too_young("S1", 4)


@sql_rule(
    "374",
    "Child in residential employment should be at least 14 years old.",
    fields=["DECOM", "PLACE"],
    tables=["Episodes", "Header"],
)
def employment_under_14(year: int) -> str:
    return _placed_too_young("P3", 14)


@sql_rule(
    "375",
    "Hospitalisation coded as a temporary placement exceeds six weeks.",
    fields=["DECOM", "PLACE"],
    tables=["Episodes", "Header"],
)
def hospital_too_long(year: int) -> str:
    return _placed_too_long("T1", 42)


@sql_rule(
    "376",
    "Temporary placements coded as being due to holiday of usual foster carer(s) cannot exceed"
    " three weeks.",
    fields=["DECOM", "PLACE"],
    tables=["Episodes", "Header"],
)
def holiday_too_long(year: int) -> str:
    return _placed_too_long("T3", 21)


@sql_rule(
    "377",
    "Only two temporary placements coded as being due to holiday of usual foster carer(s) are"
    " allowed in any 12- month period.",
    fields=["PLACE"],
    tables=["Episodes"],
)
def holidays_over_two(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes WHERE PLACE = 'T3'
        QUALIFY count(*) OVER (PARTITION BY CHILD) > 2 AND CHILD IS NOT NULL"""


@sql_rule(
    "378",
    "A child who is placed with parent(s) cannot be looked after under a single period of"
    " accommodation under Section 20 of the Children Act 1989.",
    fields=["LS", "PLACE"],
    tables=["Episodes"],
)
def parents_under_s20(year: int) -> str:
    return _episodes("PLACE = 'P1' AND LS = 'V2'")


@sql_rule(
    "379",
    "Temporary placements for unspecified reason (placement code T4) cannot exceed seven days.",
    fields=["DECOM", "PLACE"],
    tables=["Episodes", "Header"],
)
def unspecified_temporary_too_long(year: int) -> str:
    return _placed_too_long("T4", 7)


@sql_rule(
    "380",
    "A period of care cannot start with a temporary placement.",
    fields=["PLACE", "RNE"],
    tables=["Episodes"],
)
def care_starts_temporary(year: int) -> str:
    return _episodes(f"PLACE IN {TEMPORARY} AND coalesce(RNE NOT IN ('P', 'B'), TRUE)")


@sql_rule(
    "381",
    "A period of care cannot end with a temporary placement.",
    fields=["PLACE", "REC"],
    tables=["Episodes"],
)
def care_ends_temporary(year: int) -> str:
    return _episodes(f"PLACE IN {TEMPORARY} AND REC <> 'X1'")


@sql_rule(
    "382",
    "A child receiving respite care cannot be in a temporary placement.",
    fields=["LS", "PLACE"],
    tables=["Episodes"],
)
def respite_temporary(year: int) -> str:
    return _episodes(f"LS IN ('V3', 'V4') AND PLACE IN {TEMPORARY}")


@sql_rule(
    "383",
    "A child in a temporary placement must subsequently return to his/her normal placement.",
    fields=["PLACE"],
    tables=["Episodes"],
)
def temporary_not_returned(year: int) -> str:
    # Ordered by child and start, as the validator: the episode after a temporary placement
    # must be a change of placement (P) back to the placement (from 2026: and postcode) before.
    postcode = " OR NOT coalesce(PL_POST = post2, FALSE)" if year >= 2026 else ""
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM (
            SELECT *, lag(CHILD) OVER w AS child1, lag(CHILD, 2) OVER w AS child2,
                   lag(PLACE) OVER w AS place1, lag(PLACE, 2) OVER w AS place2,
                   lag(PL_POST, 2) OVER w AS post2
            FROM Episodes WINDOW w AS (ORDER BY CHILD, DECOM, _row))
        WHERE CHILD = child1 AND CHILD = child2 AND place1 IN {TEMPORARY}
          AND (RNE IS DISTINCT FROM 'P' OR NOT coalesce(PLACE = place2, FALSE){postcode})"""


@sql_rule(
    "384",
    "A child receiving respite care cannot be in a long-term foster placement",
    fields=["LS", "PLACE"],
    tables=["Episodes"],
)
def respite_long_term_foster(year: int) -> str:
    return _episodes("LS IN ('V3', 'V4') AND PLACE IN ('U1', 'U4')")


@sql_rule(
    "385",
    "Date episode ceased must be on or before the end of the current collection year.",
    fields=["DEC"],
    tables=["Episodes"],
)
def ended_after_year(year: int) -> str:
    return _episodes(f"DEC > {end(year)}")


def _ceased_by_age(reasons: str, years: int) -> str:
    """Episodes that ended for one of ``reasons`` before the child was ``years`` old (or with
    no date of birth to tell)."""
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e LEFT JOIN Header h USING (CHILD)
        WHERE e.REC IN {reasons} AND NOT coalesce(h.DOB + INTERVAL {years} YEAR <= e.DEC, FALSE)"""


@sql_rule(
    "386",
    "Reason episode ceased is adopted but child has reached age 18.",
    fields=["REC"],
    tables=["Episodes", "Header"],
)
def adopted_over_18(year: int) -> str:
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
        WHERE e.REC IN ('E11', 'E12') AND h.DOB + INTERVAL 18 YEAR <= e.DEC"""


@sql_rule(
    "387",
    "Reason episode ceased is child moved into independent living arrangement, but the child"
    " is aged under 14.",
    fields=["REC"],
    tables=["Episodes", "Header"],
)
def independent_under_14(year: int) -> str:
    return _ceased_by_age("('E5', 'E6')", 14) + " AND e.DEC IS NOT NULL"


@sql_rule(
    "388",
    "Reason episode ceased is coded new episode begins, but there is no continuation episode.",
    fields=["REC"],
    tables=["Episodes"],
)
def x1_without_next(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM (
            SELECT *, lead(DECOM) OVER (PARTITION BY CHILD ORDER BY DECOM, _row) AS next_decom,
                      lead(_row) OVER (PARTITION BY CHILD ORDER BY DECOM, _row) AS next_row
            FROM Episodes)
        WHERE DEC IS NOT NULL AND (
              (next_row IS NOT NULL AND REC = 'X1' AND next_decom IS DISTINCT FROM DEC)
           OR (next_row IS NOT NULL AND REC <> 'X1' AND next_decom = DEC)
           OR (next_row IS NULL AND CHILD IS NOT NULL AND REC = 'X1'))"""


@sql_rule(
    "389",
    "Reason episode ceased is that child transferred to care of adult social care services,"
    " but child is aged under 16.",
    fields=["REC"],
    tables=["Episodes", "Header"],
)
def adult_services_under_16(year: int) -> str:
    return _ceased_by_age("('E7')", 16)


@sql_rule(
    "390",
    "Reason episode ceased is adopted but child has not been previously placed for adoption.",
    fields=["PLACE", "REC"],
    tables=["Episodes"],
)
def adopted_not_placed(year: int) -> str:
    return _episodes(
        "REC IN ('E11', 'E12') AND coalesce(PLACE NOT IN ('A3', 'A4', 'A5', 'A6'), TRUE)"
    )


@sql_rule(
    "391",
    "Young person was not 17, 18, 19, 20 or 21 during the current collection year.",
    fields=["ACCOM", "ACTIV", "DOB", "IN_TOUCH"],
    tables=["OC3"],
)
def care_leaver_too_young(year: int) -> str:
    return f"""
        SELECT 'OC3' t, _row r, CHILD c FROM OC3
        WHERE DOB + INTERVAL 17 YEAR > {end(year)} AND {OC3_GIVEN}"""


@sql_rule(
    "392b",
    "Child is looked after but no postcodes are recorded. [NOTE: This check may result in"
    " false positives for children formerly UASC, particularly if current & prior year UASC"
    " data not loaded]",
    fields=["HOME_POST", "PL_POST"],
    tables=["Episodes"],
)
def postcodes_missing(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE coalesce(LS NOT IN ('V3', 'V4'), TRUE) AND (HOME_POST IS NULL OR PL_POST IS NULL)
          AND CHILD NOT IN (SELECT CHILD FROM UASC WHERE CHILD IS NOT NULL
                            UNION SELECT CHILD FROM UASC_last WHERE CHILD IS NOT NULL)"""


@sql_rule(
    "392d",
    "Home and placement postcodes should not be same unless the placement type is P1.",
    fields=["HOME_POST", "PLACE", "PL_POST"],
    tables=["Episodes"],
)
def same_postcodes(year: int) -> str:
    return _episodes("HOME_POST = PL_POST AND coalesce(PLACE <> 'P1', TRUE)")


@sql_rule(
    "393",
    "Child is looked after but mother field is not completed.",
    fields=["MOTHER"],
    tables=["Episodes", "Header"],
)
def mother_missing(year: int) -> str:
    female = "'F'" if year >= 2025 else "'2'"
    return f"""
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE SEX = {female} AND MOTHER IS NULL
          AND CHILD IN (SELECT CHILD FROM Episodes WHERE coalesce(LS NOT IN ('V3', 'V4'), TRUE))"""


@sql_rule(
    "398",
    "Distance field completed but child looked after under legal status V3 or V4.",
    fields=["HOME_POST", "LS", "PL_POST"],
    tables=["Episodes"],
)
def postcodes_for_short_breaks(year: int) -> str:
    return _episodes("LS IN ('V3', 'V4') AND (HOME_POST IS NOT NULL OR PL_POST IS NOT NULL)")


@sql_rule(
    "399",
    "Mother field, review field or participation field are completed but child is looked after"
    " under legal status V3 or V4.",
    fields=["LS", "MOTHER", "REVIEW", "REVIEW_CODE"],
    tables=["Episodes", "Header", "Reviews"],
)
def short_breaks_only_with_reviews(year: int) -> str:
    # Only children all of whose episodes are short breaks.
    return """
        WITH breaks AS (
            SELECT CHILD FROM Episodes GROUP BY CHILD
            HAVING bool_and(coalesce(LS IN ('V3', 'V4'), FALSE))),
        mothers AS (SELECT CHILD, bool_or(MOTHER IS NOT NULL) AS mother FROM Header GROUP BY CHILD),
        reviewed AS (
            SELECT CHILD, bool_or(REVIEW IS NOT NULL OR REVIEW_CODE IS NOT NULL) AS reviewed
            FROM Reviews_raw GROUP BY CHILD),
        flagged AS (
            SELECT b.CHILD, coalesce(m.mother, FALSE) AS mother,
                   coalesce(m.mother, FALSE) OR coalesce(r.reviewed, FALSE) AS any_item
            FROM breaks b LEFT JOIN mothers m USING (CHILD) LEFT JOIN reviewed r USING (CHILD))
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN flagged f USING (CHILD)
        WHERE f.any_item
        UNION ALL
        SELECT 'Header', h._row, h.CHILD FROM Header h JOIN flagged f USING (CHILD)
        WHERE f.any_item
        UNION ALL
        SELECT 'Reviews', v._row, v.CHILD FROM Reviews_raw v JOIN flagged f USING (CHILD)
        WHERE f.mother OR v.REVIEW IS NOT NULL OR v.REVIEW_CODE IS NOT NULL"""

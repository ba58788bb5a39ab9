"""SSDA903 rules 406 to 460: how each episode follows the child's previous one, reviews, UPNs."""

from .registry import shared, sql_rule

ENDS_CARE = (
    "('E2', 'E3', 'E4A', 'E4B', 'E5', 'E6', 'E7', 'E8', 'E9', 'E11', 'E12', 'E13', 'E14',"
    " 'E15', 'E16', 'E17', 'E41', 'E45', 'E46', 'E47', 'E48')"
)


@shared("_episodes_with_previous")
def _episodes_with_previous(year: int) -> str:
    """Every episode beside the one before it in the whole table ordered by child and start
    (``p_`` columns; the one before may be another child's), as the validator pairs them."""
    return """
        SELECT *, lag(CHILD) OVER w AS p_child, lag(DEC) OVER w AS p_dec,
               lag(REC) OVER w AS p_rec, lag(LS) OVER w AS p_ls,
               lag(PLACE) OVER w AS p_place, lag(PL_POST) OVER w AS p_pl_post,
               lag(URN) OVER w AS p_urn, lag(PLACE_PROVIDER) OVER w AS p_provider,
               lag(CIN) OVER w AS p_cin
        FROM Episodes WINDOW w AS (ORDER BY CHILD, DECOM, _row)"""


def _with_previous(where: str) -> str:
    """Episodes that meet ``where``, given the child's previous episode (``p_`` columns)."""
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM _episodes_with_previous
        WHERE CHILD = p_child AND {where}"""


@sql_rule(
    "407",
    "Reason episode ceased is Special Guardianship Order, but child has reached age 18.",
    fields=["DEC", "DOB", "REC"],
    tables=["Episodes", "Header"],
)
def sgo_over_18(year: int) -> str:
    return """
        WITH bad AS (
            SELECT e._row er, h._row hr, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
            WHERE e.REC IN ('E45', 'E46', 'E47', 'E48') AND h.DOB + INTERVAL 18 YEAR < e.DEC)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'Header', hr, c FROM bad"""


@sql_rule(
    "408",
    "Child is placed for adoption with a placement order, but no placement order has been"
    " recorded.",
    fields=["LS", "PLACE"],
    tables=["Episodes"],
)
def adoption_without_order(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE PLACE IN ('A5', 'A6') AND LS IS DISTINCT FROM 'E1'"""


@sql_rule(
    "426",
    "A child receiving respite care cannot be recorded under a legal status of V3 and V4 in the"
    " same year.",
    fields=["LS"],
    tables=["Episodes"],
)
def v3_and_v4(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes WHERE LS IN ('V3', 'V4')
        QUALIFY bool_or(LS = 'V3') OVER (PARTITION BY CHILD)
            AND bool_or(LS = 'V4') OVER (PARTITION BY CHILD) AND CHILD IS NOT NULL"""


@sql_rule(
    "431",
    "The reason for new episode is started to be looked after, but the previous episode ended"
    " on the same day.",
    fields=["DECOM", "RNE"],
    tables=["Episodes"],
)
def new_care_same_day(year: int) -> str:
    return _with_previous("RNE = 'S' AND DECOM <= p_dec")


@sql_rule(
    "432",
    "The child ceased to be looked after at the end of the previous episode but the reason for"
    " the new episode is not started to be looked after.",
    fields=["RNE"],
    tables=["Episodes"],
)
def care_ended_not_s(year: int) -> str:
    return _with_previous(f"p_rec IN {ENDS_CARE} AND RNE IS DISTINCT FROM 'S'")


@sql_rule(
    "433",
    "The reason for new episode suggests that this is a continuation episode, but the episode"
    " does not start on the same day as the last episode finished.",
    fields=["DECOM", "RNE"],
    tables=["Episodes"],
)
def continuation_gap(year: int) -> str:
    # The validator compares the dates as written.
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM (
            SELECT _row, CHILD, RNE, lag(CHILD) OVER w AS p_child, lag(DEC) OVER w AS p_dec
            FROM Episodes WINDOW w AS (ORDER BY CHILD, DECOM, DEC, _row)) e
        JOIN Episodes_raw w USING (_row)
        WHERE e.CHILD = e.p_child AND e.RNE IN ('P', 'L', 'T', 'U', 'B')
          AND (strftime(e.p_dec, '%d/%m/%Y') IS DISTINCT FROM upper(w.DECOM)
               OR e.p_dec IS NULL OR w.DECOM IS NULL)"""


@sql_rule(
    "434",
    "Reason for new episode is that child's legal status has changed but not the placement,"
    " but this is not reflected in the episode data.",
    fields=["LS", "PLACE", "PLACE_PROVIDER", "PL_POST", "RNE", "URN"],
    tables=["Episodes"],
)
def legal_status_change_not_shown(year: int) -> str:
    return _with_previous(
        "RNE = 'L' AND (coalesce(LS = p_ls, FALSE)"
        " OR coalesce(PLACE, '') <> coalesce(p_place, '')"
        " OR coalesce(PL_POST, '') <> coalesce(p_pl_post, '')"
        " OR coalesce(URN, '') <> coalesce(p_urn, '')"
        " OR coalesce(PLACE_PROVIDER, '') <> coalesce(p_provider, ''))"
    )


@sql_rule(
    "435",
    "Reason for new episode is that child's placement has changed but not the legal status,"
    " but this is not reflected in the episode data recorded.",
    fields=["LS", "PLACE", "PLACE_PROVIDER", "PL_POST", "URN"],
    tables=["Episodes"],
)
def placement_change_not_shown(year: int) -> str:
    return _with_previous(
        "RNE IN ('P', 'T') AND (LS IS DISTINCT FROM p_ls OR p_ls IS NULL"
        " OR coalesce(PLACE = p_place AND PL_POST = p_pl_post AND URN = p_urn"
        " AND PLACE_PROVIDER = p_provider, FALSE))"
    )


@sql_rule(
    "436",
    "Reason for new episode is that both child's placement and legal status have changed, but"
    " this is not reflected in the episode data.",
    fields=["LS", "PLACE", "PLACE_PROVIDER", "PL_POST", "RNE", "URN"],
    tables=["Episodes"],
)
def both_changes_not_shown(year: int) -> str:
    # The validator fills blanks with '*' first, so two blanks count as the same.
    return _with_previous(
        "RNE IN ('U', 'B') AND (coalesce(LS, '*') = coalesce(p_ls, '*')"
        " OR (coalesce(PLACE, '*') = coalesce(p_place, '*')"
        " AND coalesce(PL_POST, '*') = coalesce(p_pl_post, '*')"
        " AND coalesce(URN, '*') = coalesce(p_urn, '*')"
        " AND coalesce(PLACE_PROVIDER, '*') = coalesce(p_provider, '*')))"
    )


@sql_rule(
    "437",
    "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.",
    fields=["REC"],
    tables=["Episodes"],
)
def episodes_after_death_or_18(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM (
            SELECT *, lead(CHILD) OVER (ORDER BY CHILD, DECOM, _row) AS next_child
            FROM Episodes)
        WHERE DECOM IS NOT NULL AND REC IN ('E2', 'E15') AND CHILD = next_child"""


@sql_rule(
    "440",
    "Participation method indicates child was under 4 years old at the time of the review, but"
    " date of birth and review date indicates the child was 4 years old or over.",
    fields=["DOB", "REVIEW", "REVIEW_CODE"],
    tables=["Reviews"],
)
def pn0_over_4(year: int) -> str:
    return """
        SELECT 'Reviews' t, _row r, CHILD c FROM Reviews
        WHERE REVIEW_CODE = 'PN0' AND REVIEW > DOB + INTERVAL 4 YEAR"""


@sql_rule(
    "441",
    "Participation method indicates child was 4 years old or over at the time of the review,"
    " but the date of birth and review date indicates the child was under 4 years old.",
    fields=["DOB", "REVIEW", "REVIEW_CODE"],
    tables=["Reviews"],
)
def pn1_under_4(year: int) -> str:
    return """
        SELECT 'Reviews' t, _row r, CHILD c FROM Reviews
        WHERE REVIEW_CODE IN ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7')
          AND REVIEW < DOB + INTERVAL 4 YEAR"""


@sql_rule(
    "442",
    "Unique Pupil Number (UPN) field is not completed.",
    fields=["UPN"],
    tables=["Episodes", "Header"],
)
def upn_missing(year: int) -> str:
    return """
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE UPN IS NULL AND CHILD IN (
            SELECT CHILD FROM Episodes WHERE coalesce(LS NOT IN ('V3', 'V4'), TRUE))"""


@sql_rule(
    "444",
    "Duplicate UPN has been reported",
    fields=["UPN"],
    tables=["Header"],
    years=range(2026, 2100),
)
def duplicate_upn(year: int) -> str:
    return """
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE UPN IS NOT NULL AND UPN NOT IN ('UN1', 'UN2', 'UN3', 'UN4', 'UN5')
        QUALIFY count(*) OVER (PARTITION BY UPN) > 1"""


@sql_rule(
    "446",
    "E1 is not a valid code for episodes starting before December 2005.",
    fields=["DECOM", "LS"],
    tables=["Episodes"],
)
def e1_before_2005(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE LS = 'E1' AND DECOM < DATE '2005-12-01'"""


@sql_rule(
    "460",
    "Reason episode ceased is that child stayed with current carers at age 18 (or above), but"
    " child is aged under 18.",
    fields=["DEC", "REC"],
    tables=["Episodes", "Header"],
)
def stayed_put_under_18(year: int) -> str:
    return """
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM Episodes e JOIN Header h USING (CHILD)
        WHERE e.REC = 'E17' AND h.DOB + INTERVAL 18 YEAR > e.DEC"""


@sql_rule(
    "501",
    "A new episode has started before the end date of the previous episode.",
    fields=["DEC", "DECOM"],
    tables=["Episodes"],
)
def overlapping_episodes(year: int) -> str:
    return _with_previous("DECOM < p_dec")

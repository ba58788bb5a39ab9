"""SSDA903 rules on where a child is placed: the placement's local authority (PL_LA), whether it
is in the return's own authority (PL_LOCATION) and its distance from home (PL_DISTANCE).

The return does not hold these: as the DfE validator does, they are worked out from the home
and placement postcodes (``postcodes``), in the shared tables ``_placement_area`` and
``_placement_area_last``. Rules that compare with the return's own authority run only when it
is given (``AUTHORITY``)."""

from .load import AUTHORITY
from .registry import shared, sql_rule, start
from .rules_500 import first_this_year_last_open

SHORT_BREAKS = "('V3', 'V4')"
# PL_LA of a placement outside England, and of one whose country is not known.
OUTSIDE_ENGLAND = "('CON', 'NIR', 'SCO', 'WAL', 'NUK')"


def _placement_area(episodes: str) -> str:
    """Each row of ``episodes`` (all its columns) with PL_LA, PL_LOCATION, PL_DISTANCE as the
    validator makes them, and whether each postcode given was found (``home_found``,
    ``pl_found``). All the columns, so that the rules read this table alone: joining it back
    to the episodes took as long as the rules' own work."""
    return f"""
        WITH looked_up AS (
            SELECT e.*, h.pcd_abbr AS home_pcd,
                   h.east AS home_east, h.north AS home_north, p.pcd_abbr AS pl_pcd, p.laua,
                   p.east, p.north, a.utla,
                   CASE WHEN e.PL_POST IS NOT NULL THEN CASE left(upper(p.laua), 1)
                       WHEN 'S' THEN 'SCO' WHEN 'N' THEN 'NIR' WHEN 'W' THEN 'WAL' END
                   END AS country
            FROM "{episodes}" e
            LEFT JOIN _postcodes h ON h.pcd_abbr = replace(e.HOME_POST, ' ', '')
            LEFT JOIN _postcodes p ON p.pcd_abbr = replace(e.PL_POST, ' ', '')
            LEFT JOIN _authorities a ON a.ltla = p.laua)
        SELECT * EXCLUDE (home_pcd, home_east, home_north, pl_pcd, laua, east, north, utla,
                          country),
               HOME_POST IS NULL OR home_pcd IS NOT NULL AS home_found,
               PL_POST IS NULL OR pl_pcd IS NOT NULL AS pl_found,
               coalesce(country, utla) AS PL_LA,
               CASE WHEN country IS NOT NULL THEN 'OUT'
                    WHEN laua IS NULL THEN NULL
                    WHEN utla = (SELECT authority FROM _metadata) THEN 'IN'
                    ELSE 'OUT' END AS PL_LOCATION,
               -- Metres to miles and rounded to a tenth as the validator does: by 1000, by
               -- 1.6093, then numpy's rounding (half to even, of the miles times ten).
               round_even(sqrt((home_east - east) ** 2 + (home_north - north) ** 2)
                          / 1000 / 1.6093 * 10, 0) / 10 AS PL_DISTANCE
        FROM looked_up"""


@shared("_placement_area")
def placement_area(year: int) -> str:
    return _placement_area("Episodes")


@shared("_placement_area_last")
def placement_area_last(year: int) -> str:
    return _placement_area("Episodes_last")


def _episodes(where: str) -> str:
    """Episodes (``e``, with their placement area) where ``where`` holds."""
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c FROM _placement_area e WHERE {where}"""


@sql_rule(
    "169",
    "Local Authority (LA) of placement is not valid or is missing. Please check a valid"
    " postcode has been entered.",
    fields=["PL_POST"],
    tables=["Episodes"],
)
def placement_authority_missing(year: int) -> str:
    return _episodes(f"coalesce(e.LS NOT IN {SHORT_BREAKS}, TRUE) AND e.PL_LA IS NULL")


@sql_rule(
    "179",
    "Placement location code is not a valid code.",
    fields=["PL_POST"],
    tables=["Episodes"],
)
def placement_location_missing(year: int) -> str:
    return _episodes(f"coalesce(e.LS NOT IN {SHORT_BREAKS}, TRUE) AND e.PL_LOCATION IS NULL")


@sql_rule(
    "392c",
    "Postcode(s) provided are invalid.",
    fields=["HOME_POST", "PL_POST"],
    tables=["Episodes"],
)
def postcode_not_found(year: int) -> str:
    return _episodes("NOT e.home_found OR NOT e.pl_found")


# Rule 411 (PL_LOCATION is IN but PL_LA is not the return's authority) is not here: worked out
# from the postcode, as here and in the validator, a placement is IN only when its PL_LA is the
# authority, so the rule can find nothing.


@sql_rule(
    "420",
    "LA of placement completed but child is looked after under legal status V3 or V4.",
    fields=["PL_POST"],
    tables=["Episodes"],
)
def placement_authority_for_short_break(year: int) -> str:
    return _episodes(f"e.LS IN {SHORT_BREAKS} AND e.PL_LA IS NOT NULL")


@sql_rule(
    "1015",
    "Placement provider is own provision but child not placed in own LA.",
    fields=["PL_POST"],
    tables=["Episodes", AUTHORITY],
)
def own_provision_elsewhere(year: int) -> str:
    family = "'A3', 'A4', 'A5', 'A6', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6'"
    if year >= 2026:
        family += ", 'K3'"
    return _episodes(
        f"e.PLACE NOT IN ({family}) AND e.LS NOT IN {SHORT_BREAKS}"
        " AND e.PLACE_PROVIDER = 'PR1'"
        " AND e.PL_LA IS DISTINCT FROM (SELECT authority FROM _metadata)"
    )


@sql_rule(
    "241",
    "LA of placement is not an LA the provider has premises.",
    fields=["URN"],
    tables=["Episodes", AUTHORITY],
    years=range(2026, 2100),
)
def provider_not_in_placement_authority(year: int) -> str:
    return _episodes(
        "e.URN IS NOT NULL AND e.URN <> 'XXXXXXX' AND e.PLACE = 'K3'"
        " AND e.PL_LA IS DISTINCT FROM (SELECT authority FROM _metadata)"
    )


@sql_rule(
    "243",
    "Only placements with providers registered with Ofsted should have a URN reported.",
    fields=["URN"],
    tables=["Episodes"],
    years=range(2026, 2100),
)
def urn_outside_england(year: int) -> str:
    return _episodes(f"e.PL_LA IN {OUTSIDE_ENGLAND} AND e.URN IS NOT NULL")


@sql_rule(
    "218",
    "Ofsted Unique reference number (URN) is required.",
    fields=["URN"],
    tables=["Episodes"],
)
def urn_required(year: int) -> str:
    exempt = ["P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4"]
    if year <= 2024:
        exempt += ["H5", "P2"]
    exempt += ["Z11", "Z12", "Z13", "Z14"] if year >= 2026 else ["Z1"]
    listed = ", ".join(f"'{code}'" for code in exempt)
    # Until 2025 a PL_LA starting N, W, S or C was outside England, and so was a blank one
    # (the validator reads it as the text "nan"); from 2026, only the codes listed.
    outside = (
        f"coalesce(e.PL_LA IN {OUTSIDE_ENGLAND}, FALSE)"
        if year >= 2026
        else "left(coalesce(e.PL_LA, 'NAN'), 1) IN ('N', 'W', 'S', 'C')"
    )
    # The validator reads DEC as a date, and a DEC that is not one is neither blank nor late.
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c
        FROM _placement_area e JOIN Episodes_raw w USING (_row)
        WHERE (e.DEC >= {start(year)} OR w.DEC IS NULL) AND e.URN IS NULL
          AND coalesce(e.PLACE NOT IN ({listed}), TRUE) AND NOT {outside}"""


@sql_rule(
    "230",
    "Ofsted Unique reference number (URN) is required for any English H5 placements from 28"
    " October 2023.",
    fields=["PLACE", "DEC", "URN"],
    tables=["Episodes"],
    years=[2024],
)
def urn_required_for_h5(year: int) -> str:
    # A blank PL_LA counts as outside England: the validator reads it as the text "nan".
    return _episodes(
        "e.PLACE = 'H5' AND (e.DEC >= DATE '2023-10-29' OR e.DEC IS NULL)"
        " AND (e.URN IS NULL OR e.URN = 'XXXXXXX')"
        " AND left(coalesce(e.PL_LA, 'NAN'), 1) NOT IN ('N', 'W', 'S')"
    )


@sql_rule(
    "454",
    "Placement distance from home is over 350 miles. [NOTE: This check will result in false"
    " positives for children formerly UASC not identified as such in loaded data]",
    fields=["HOME_POST", "PL_POST"],
    tables=["Episodes"],
    years=range(2026, 2100),
)
def placement_too_far(year: int) -> str:
    return _episodes("e.PL_DISTANCE > 350 AND e.PL_DISTANCE <> 999.9")


# Children marked UASC this year or last, as the validator marks them loading CSV files: a
# Header row is UASC when its child is in that year's UASC table. The distance rules below run
# only when a UASC table was given, as the validator's do.
UASC_CHILDREN = """
    SELECT CHILD FROM Header WHERE CHILD IN (SELECT CHILD FROM UASC)
    UNION SELECT CHILD FROM Header_last WHERE CHILD IN (SELECT CHILD FROM UASC_last)"""


@sql_rule(
    "164",
    "Distance is not valid. Please check a valid postcode has been entered.",
    fields=["HOME_POST", "PL_POST"],
    tables=["Episodes", "Header", "UASC"],
)
def distance_out_of_range(year: int) -> str:
    return _episodes(
        f"e.CHILD NOT IN ({UASC_CHILDREN}) AND (e.PL_DISTANCE < 0 OR e.PL_DISTANCE > 999.9)"
    )


@sql_rule(
    "392a",
    "Child is looked after but no distance is recorded. [NOTE: This check may result in false"
    " positives for children formerly UASC]",
    fields=["HOME_POST", "PL_POST"],
    tables=["Episodes", "Header", "UASC"],
)
def distance_missing(year: int) -> str:
    return _episodes(
        f"e.CHILD NOT IN ({UASC_CHILDREN}) AND coalesce(e.LS NOT IN {SHORT_BREAKS}, TRUE)"
        " AND e.PL_DISTANCE IS NULL"
    )


@sql_rule(
    "406",
    "Child is Unaccompanied Asylum-Seeking Child (UASC) or was formerly UASC. Distance should"
    " be blank. [NOTE: This check will result in false negatives for children formerly UASC"
    " not identified as such in loaded data]",
    fields=["HOME_POST", "PL_POST"],
    tables=["Episodes", "Header", "UASC"],
)
def distance_for_uasc(year: int) -> str:
    return _episodes(f"e.CHILD IN ({UASC_CHILDREN}) AND e.PL_DISTANCE IS NOT NULL")


def _first_and_last_years(condition: str, still_open: str = "p.DEC IS NULL") -> str:
    """Each child's first episode this year (``e``) beside their open latest episode of last
    year (``p``; ``pw`` as written) where ``condition`` holds, as for rules 503A-F, with each
    one's placement area (``a``, ``pa``): the validator's pairing for 452, 453 and 503G-J."""
    return first_this_year_last_open(
        condition,
        joined="""
        JOIN _placement_area a ON a._row = e._row
        JOIN _placement_area_last pa ON pa._row = p._row
        JOIN Episodes_last_raw pw ON pw._row = p._row""",
        still_open=still_open,
    )


# The distance changed by 0.2 miles or more, or was blank last year and is not now.
DISTANCE_CHANGED = (
    "(abs(a.PL_DISTANCE - pa.PL_DISTANCE) >= 0.2"
    " OR (pa.PL_DISTANCE IS NULL AND a.PL_DISTANCE IS NOT NULL))"
)


@sql_rule(
    "452",
    "Contradiction between local authority of placement code in the last episode of the"
    " previous year and in the first episode of the current year.",
    fields=["PL_POST"],
    tables=["Episodes", "Episodes_last"],
)
def placement_authority_changed(year: int) -> str:
    # Here the validator does not read last year's DEC as a date: one that is not a date is
    # not blank, so that episode was not open.
    return _first_and_last_years(
        "e.RNE = p.RNE AND a.PL_LA IS DISTINCT FROM pa.PL_LA", still_open="pw.DEC IS NULL"
    )


@sql_rule(
    "453",
    "Contradiction between placement distance in the last episode of the previous year and in"
    " the first episode of the current year.",
    fields=["HOME_POST", "PL_POST"],
    tables=["Episodes", "Episodes_last"],
)
def placement_distance_changed(year: int) -> str:
    return _first_and_last_years(f"e.RNE = p.RNE AND {DISTANCE_CHANGED}")


@sql_rule(
    "503G",
    "The distance in first episode does not match open episode at end of last year.",
    fields=["HOME_POST", "PL_POST"],
    tables=["Episodes", "Episodes_last"],
)
def distance_differs_from_last_year(year: int) -> str:
    return _first_and_last_years(DISTANCE_CHANGED)


@sql_rule(
    "503H",
    "The placement LA in first episode does not match open episode at end of last year.",
    fields=["PL_POST"],
    tables=["Episodes", "Episodes_last"],
)
def authority_differs_from_last_year(year: int) -> str:
    return _first_and_last_years("a.PL_LA IS DISTINCT FROM pa.PL_LA")


@sql_rule(
    "503J",
    "The placement location in first episode does not match open episode at end of last year.",
    fields=["PL_POST"],
    tables=["Episodes", "Episodes_last"],
)
def location_differs_from_last_year(year: int) -> str:
    return _first_and_last_years("a.PL_LOCATION IS DISTINCT FROM pa.PL_LOCATION")

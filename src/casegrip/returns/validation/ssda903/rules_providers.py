"""SSDA903 rules that look up a placement's Ofsted URN in Ofsted's provider lists (``providers``,
loaded as ``_providers``): whether the provider offers that kind of placement, is at that
postcode, is that kind of provider, was open then, and is where its provider code says.

They run only when provider lists are given (``PROVIDERS``), as the DfE validator runs them only
when they are uploaded. As there, an episode is looked up by its URN as written (upper-cased,
as the validator upper-cases the return) against the lists' URNs as written: a URN the list
holds in lower case, or as a number, is not found."""

from .load import AUTHORITY
from .providers import PROVIDERS
from .registry import end, sql_rule

# The placements and provider codes a URN is looked up for: given and not "XXXXXXX", which
# stands for a provider with no URN.
GIVEN = "e.URN IS NOT NULL AND e.URN <> 'XXXXXXX'"


def _looked_up(where: str) -> str:
    """Episodes with a URN (``e``), beside each provider that has it (``p``; NULLs when none
    has), where ``where`` holds: the validator's left merge on URN. A URN listed twice (in both
    lists, say) gives the episode twice, and either may break the rule."""
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c
        FROM Episodes e LEFT JOIN _providers p ON p.URN = e.URN
        WHERE {GIVEN} AND {where}"""


def _not_among(value: str, listed: str) -> str:
    """``value`` is not one of the comma-separated codes ``listed``: split on commas alone, as
    the validator splits them, so "PR1, PR2" offers PR1 and " PR2". A blank on either side
    breaks the rule."""
    return f"NOT coalesce(list_contains(string_split({listed}, ','), {value}), FALSE)"


@sql_rule(
    "219",
    "The Ofsted Unique reference number (URN) provided for the child's placement does not match"
    " the placement type recorded.",
    fields=["URN", "PLACE"],
    tables=["Episodes", PROVIDERS],
)
def urn_place_mismatch(year: int) -> str:
    return _looked_up(_not_among("e.PLACE", "p.PLACE_CODES"))


def _postcode_places(year: int) -> str:
    if year <= 2023:
        return "('K1', 'K2', 'R3', 'S1')"
    if year == 2024:
        return "('H5', 'K1', 'K2', 'R3', 'S1')"
    return "('K1', 'K2', 'K3', 'R3', 'S1')"


@sql_rule(
    "221",
    "The Ofsted Unique reference number (URN) provided for the child's placement does not match"
    " the placement postcode provided.",
    fields=["PL_POST"],
    tables=["Episodes", PROVIDERS],
)
def urn_postcode_mismatch(year: int) -> str:
    # Only the episode's spaces are taken out: the list's postcodes have none and are upper
    # case, and so is the return. A URN no list holds has no postcode, and so does not match.
    return _looked_up(
        f"coalesce(e.LS NOT IN ('V3', 'V4'), TRUE) AND e.PLACE IN {_postcode_places(year)}"
        " AND e.PL_POST IS NOT NULL"
        " AND replace(e.PL_POST, ' ', '') IS DISTINCT FROM p.POSTCODE"
    )


@sql_rule(
    "224",
    "The Ofsted Unique reference number (URN) provided for the child's placement does not match"
    " the placement provider recorded.",
    fields=["PLACE_PROVIDER"],
    tables=["Episodes", PROVIDERS],
)
def urn_provider_mismatch(year: int) -> str:
    return _looked_up(_not_among("e.PLACE_PROVIDER", "p.PROVIDER_CODES"))


@sql_rule(
    "227",
    "Ofsted Unique reference number (URN) is not valid for the episode start date.",
    fields=["URN", "DECOM"],
    tables=["Episodes", PROVIDERS],
)
def urn_closed_before_start(year: int) -> str:
    # A DECOM that is not a date is never on or after the closing date.
    return _looked_up("p.REG_END IS NOT NULL AND e.DECOM >= p.REG_END")


@sql_rule(
    "228",
    "Ofsted Unique reference number (URN) is not valid for the episode end date [NOTE: may give"
    " false positives on open episodes at providers who close during the year]",
    fields=["URN", "DEC"],
    tables=["Episodes", PROVIDERS],
)
def urn_closed_before_end(year: int) -> str:
    # The validator reads DEC as a date: one that is not a date counts as open, and an open
    # episode must be at a provider still open at the year's end.
    return f"""
        SELECT 'Episodes' t, e._row r, e.CHILD c
        FROM Episodes e JOIN _providers p ON p.URN = e.URN
        WHERE {GIVEN} AND p.REG_END IS NOT NULL
          AND (e.DEC > p.REG_END OR (e.DEC IS NULL AND {end(year)} > p.REG_END))"""


# From 2026, rule 229 leaves out placements that are not with a provider of their own
# authority or another's: supported accommodation (K3), with family or friends, and the rest.
NOT_BY_PROVIDER = (
    "'K3', 'P1', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14'"
)


@sql_rule(
    "229",
    "Placement provider does not match between the placing authority and the local authority"
    " code of the provider. [NOTE: The provider's LA code is inferred from the its postcode, and"
    " may be inaccurate in some cases.]",
    fields=["URN", "PLACE_PROVIDER"],
    tables=["Episodes", PROVIDERS, AUTHORITY],
)
def provider_authority_mismatch(year: int) -> str:
    # A provider's authority is inferred from its postcode (``providers``). Own provision (PR1)
    # must be in the return's authority, so one whose authority is not known (not listed, or
    # its postcode not found) breaks the rule; another authority's (PR2) must not be.
    own = "(SELECT authority FROM _metadata)"
    places = f" AND coalesce(e.PLACE NOT IN ({NOT_BY_PROVIDER}), TRUE)" if year >= 2026 else ""
    return _looked_up(
        f"((e.PLACE_PROVIDER = 'PR1' AND p.LA_CODE_INFERRED IS DISTINCT FROM {own})"
        f" OR (e.PLACE_PROVIDER = 'PR2' AND p.LA_CODE_INFERRED = {own})){places}"
    )


@sql_rule(
    "1008",
    "Ofsted Unique Reference Number (URN) is not valid.",
    fields=["URN"],
    tables=["Episodes", PROVIDERS],
)
def urn_not_listed(year: int) -> str:
    return _looked_up("p.URN IS NULL")

"""Code lists of the canonical case record, as plain data.

Each list is the set of codes a column may hold, spelt as the DfE guidance spells them. Where a
code list changed over the years, the set is the union of every year's codes: a snapshot holds
history, and a placement of 2018 coded under the 2018 rules is not an error in 2026.

Sources (copies in ``shared/reference``): the SSD 1.4.5 field guidance and its category files
(``ssd-data-model/data/objects``, ``categories__future_release``), the CIN census XSDs 2017-2026
and the SSDA903 schemas 2017-2026 with their yearly changes (liia-tools-pipeline).
"""

# Legal sex, SSD PERS002A and CIN census / SSDA903 from 2025 ("sextype"): F, M, U(nknown).
SEX = frozenset({"M", "F", "U"})

# Ethnicity, DfE main categories (CIN census "ethnicitytype", SSDA903 ETHNIC).
ETHNICITY = frozenset(
    {
        "WBRI",  # White British
        "WIRI",  # White Irish
        "WOTH",  # Any other White background
        "WIRT",  # Traveller of Irish heritage
        "WROM",  # Gypsy/Roma
        "MWBC",  # White and Black Caribbean
        "MWBA",  # White and Black African
        "MWAS",  # White and Asian
        "MOTH",  # Any other mixed background
        "AIND",  # Indian
        "APKN",  # Pakistani
        "ABAN",  # Bangladeshi
        "AOTH",  # Any other Asian background
        "BCRB",  # Caribbean
        "BAFR",  # African
        "BOTH",  # Any other Black background
        "CHNE",  # Chinese
        "OOTH",  # Any other ethnic group
        "REFU",  # Refused
        "NOBT",  # Information not yet obtained
    }
)

# Reason the UPN is unknown, CIN census 2026 "unknownupntype" (UN1-UN7) and SSD PERS007A.
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"})

# CIN primary need code, CIN census "primaryneedcodetype" and SSDA903 CIN: N1-N9, N0 not stated.
PRIMARY_NEED = frozenset({"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"})

# Source of referral (and of contact), CIN census "referralsourcetype", SSD categories.
REFERRAL_SOURCE = frozenset(
    {
        *("1A", "1B", "1C", "1D"),  # individual
        *("2A", "2B"),  # schools, education services
        *("3A", "3B", "3C", "3D", "3E", "3F"),  # health services
        "4",  # housing
        *("5A", "5B", "5C", "5D"),  # local authority services
        "6",  # police
        "7",  # other legal agency
        "8",  # other
        "9",  # anonymous
        "10",  # unknown
    }
)

# Reason for closure of a CIN episode, CIN census "reasonforclosuretype": RC1-RC9.
CLOSURE_REASON = frozenset({f"RC{n}" for n in range(1, 10)})

# Category of abuse of a CP plan. CIN census "categoryofabusetype" codes, and the SSD guidance's
# words for the same categories (CPPL009A), which extracts often carry instead of the codes.
CP_CATEGORY = frozenset(
    {
        *("NEG", "PHY", "SAB", "EMO", "MUL"),
        *("Neglect", "Physical abuse", "Sexual abuse", "Emotional abuse", "Multiple"),
    }
)

# Reason for new CLA episode, SSDA903 RNE.
CLA_START_REASON = frozenset({"S", "L", "P", "T", "B", "U"})

# Reason episode ceased, SSDA903 REC: 2017 codes (E43, E44) plus those added in 2019 (E45-E48).
CLA_END_REASON = frozenset(
    {
        *("X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3"),
        *("E4A", "E4B", "E41", "E43", "E44", "E45", "E46", "E47", "E48"),
        *("E5", "E6", "E7", "E8", "E9"),
    }
)

# Legal status, SSDA903 LS. The SSD may also carry statuses that do not make a child looked
# after (special guardianship, private fostering...): those are reported as unknown codes.
LEGAL_STATUS = frozenset(
    {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"}
)

# Placement type, SSDA903 PLACE, 2017 to 2026 (H5 and P2 retired in 2025; K3, Z11-Z14 added).
PLACEMENT_TYPE = frozenset(
    {
        *("A3", "A4", "A5", "A6"),
        "H5",
        *("K1", "K2", "K3"),
        *("P1", "P2", "P3"),
        *("R1", "R2", "R3", "R5"),
        "S1",
        *("T0", "T1", "T2", "T3", "T4"),
        *("U1", "U2", "U3", "U4", "U5", "U6"),
        *("Z1", "Z11", "Z12", "Z13", "Z14"),
    }
)

# Placement provider, SSDA903 PLACE_PROVIDER: PR0-PR5.
PLACEMENT_PROVIDER = frozenset({f"PR{n}" for n in range(6)})

# Reason for placement change, SSDA903 REASON_PLACE_CHANGE (CUSTOD added in 2019).
PLACEMENT_CHANGE_REASON = frozenset(
    {
        *("CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO"),
        *("CHILD", "LAREQ", "PLACE", "CUSTOD", "OTHER"),
    }
)

# Participation in a CLA review, SSDA903 REVIEW_CODE: PN0-PN7.
REVIEW_PARTICIPATION = frozenset({f"PN{n}" for n in range(8)})

# Missing or away from placement, SSDA903 MISSING (M, A) and the SSD guidance's words.
MISSING_TYPE = frozenset({"M", "A", "Missing", "Away", "Absent"})

# Care leaver in touch, SSDA903 OC3 IN_TOUCH and SSD CLEA004A.
CARE_LEAVER_IN_TOUCH = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})

# Yes/no flags: the SSD guidance asks for Y/N (NCHAR(1)); its category files spell Yes/No.
YES_NO = frozenset({"Y", "N", "Yes", "No"})

# Return home interview offered / accepted, SSD MISS006A-007A: Y/N/NA.
YES_NO_NA = YES_NO | {"NA"}

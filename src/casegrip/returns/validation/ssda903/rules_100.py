"""SSDA903 rules 101 to 199: codes and dates of each table, and simple checks between them."""

from .registry import (
    continuously_looked_after,
    end,
    invalid_code,
    invalid_date,
    sql_rule,
    start,
)

ETHNIC = (
    "WBRI WIRI WOTH WIRT WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH"
    " REFU NOBT"
).split()
PLACE = ("A3 A4 A5 A6 H5 K1 K2 P1 P2 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z1").split()
PLACE_2026 = (
    "A3 A4 A5 A6 K1 K2 K3 P1 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z11 Z12 Z13 Z14"
).split()
REC = "E11 E12 E2 E3 E4A E4B E13 E41 E45 E46 E47 E48 E5 E6 E7 E8 E9 E14 E15 E16 E17 X1".split()
ACCOM = (
    "B1 B2 C1 C2 D1 D2 E1 E2 G1 G2 H1 H2 K1 K2 R1 R2 S2 T1 T2 U1 U2 V1 V2 W1 W2 X2 Y1 Y2 Z1 Z2 0"
).split()
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
OC2_FLAGS = (
    "CONVICTED",
    "HEALTH_ASSESSMENT",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "INTERVENTION_OFFERED",
    "INTERVENTION_RECEIVED",
    "SUBSTANCE_MISUSE",
    "TEETH_CHECK",
)


@sql_rule(
    "101",
    "The child or young person's reported sex is not valid.",
    fields=["SEX"],
    tables=["Header"],
)
def sex_code(year: int) -> str:
    valid = ("M", "F", "U") if year >= 2025 else ("1", "2")
    return invalid_code("Header", "SEX", valid, blank_ok=False)


@sql_rule("102", "Date of birth is not a valid date.", fields=["DOB"], tables=["Header"])
def dob_date(year: int) -> str:
    return invalid_date("Header", "DOB", blank_ok=False)


@sql_rule(
    "103",
    "The ethnicity code is either not valid or has not been entered.",
    fields=["ETHNIC"],
    tables=["Header"],
)
def ethnic_code(year: int) -> str:
    return invalid_code("Header", "ETHNIC", ETHNIC, blank_ok=False)


@sql_rule(
    "104",
    "Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a valid date.",
    fields=["DUC"],
    tables=["UASC"],
)
def duc_date(year: int) -> str:
    return f"""
        SELECT 'UASC' t, u._row r, u.CHILD c FROM UASC u JOIN UASC_raw w USING (_row)
        WHERE (u.DUC IS NULL AND w.DUC IS NOT NULL) OR u.DUC < {start(year)}"""


# Rule 105 (the UASC status in Header is 0 or 1) is not here: the validator runs it only on a
# return in XML, whose Header holds that status; a return in CSV has no such column.


@sql_rule(
    "112",
    "Date should be placed for adoption is not a valid date.",
    fields=["DATE_INT"],
    tables=["AD1"],
)
def date_int_date(year: int) -> str:
    return invalid_date("AD1", "DATE_INT")


@sql_rule(
    "113",
    "Date matching child and adopter(s) is not a valid date.",
    fields=["DATE_MATCH"],
    tables=["AD1"],
)
def date_match_date(year: int) -> str:
    return invalid_date("AD1", "DATE_MATCH")


@sql_rule(
    "114",
    "Data entry to record the status of former carer(s) of an adopted child is invalid.",
    fields=["FOSTER_CARE"],
    tables=["AD1"],
)
def foster_care_code(year: int) -> str:
    return invalid_code("AD1", "FOSTER_CARE", ("0", "1"), blank_ok=True)


@sql_rule(
    "115",
    "Date of Local Authority's (LA) decision that a child should be placed for adoption is not"
    " a valid date.",
    fields=["DATE_PLACED"],
    tables=["PlacedAdoption"],
)
def date_placed_date(year: int) -> str:
    return invalid_date("PlacedAdoption", "DATE_PLACED")


@sql_rule(
    "116",
    "Date of Local Authority's (LA) decision that a child should no longer be placed for"
    " adoption is not a valid date.",
    fields=["DATE_PLACED_CEASED"],
    tables=["PlacedAdoption"],
)
def date_placed_ceased_date(year: int) -> str:
    return invalid_date("PlacedAdoption", "DATE_PLACED_CEASED")


@sql_rule(
    "117",
    "Date of decision that a child should/should no longer be placed for adoption is beyond"
    " the current collection year or after the child ceased to be looked after.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED", "DEC", "DECOM", "REC"],
    tables=["Episodes", "PlacedAdoption"],
)
def placed_after_year_or_care(year: int) -> str:
    # The child's latest episode that is not an X1 change (ties: the first row).
    return f"""
        WITH latest AS (
            SELECT * FROM Episodes WHERE DECOM IS NOT NULL AND coalesce(REC, '') <> 'X1'
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM DESC, _row) = 1),
        bad AS (
            SELECT e._row er, p._row pr, e.CHILD c FROM latest e JOIN PlacedAdoption p USING (CHILD)
            WHERE p.DATE_PLACED > {end(year)} OR p.DATE_PLACED > e.DEC
               OR p.DATE_PLACED_CEASED > {end(year)} OR p.DATE_PLACED_CEASED > e.DEC)
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'PlacedAdoption', pr, c FROM bad"""


@sql_rule(
    "118",
    "Date of decision that a child should no longer be placed for adoption is before the"
    " current collection year or before the date the child started to be looked after.",
    fields=["DECOM", "LS"],
    tables=["Episodes", "PlacedAdoption"],
)
def placed_ceased_before_year_or_care(year: int) -> str:
    return f"""
        WITH first AS (
            SELECT * FROM Episodes WHERE coalesce(LS, '') NOT IN ('V3', 'V4') AND DECOM IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM, _row) = 1),
        bad AS (
            SELECT e._row er, p._row pr, e.CHILD c FROM first e JOIN PlacedAdoption p USING (CHILD)
            WHERE p.DATE_PLACED_CEASED < e.DECOM OR p.DATE_PLACED_CEASED < {start(year)})
        SELECT 'Episodes' t, er r, c FROM bad UNION ALL SELECT 'PlacedAdoption', pr, c FROM bad"""


@sql_rule(
    "119",
    "If the decision is made that a child should no longer be placed for adoption, then the"
    " date of this decision and the reason why this decision was made must be completed.",
    fields=["DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    tables=["PlacedAdoption"],
)
def placed_ceased_pair(year: int) -> str:
    return """
        SELECT 'PlacedAdoption' t, _row r, CHILD c FROM PlacedAdoption_raw
        WHERE (DATE_PLACED_CEASED IS NULL) <> (REASON_PLACED_CEASED IS NULL)"""


@sql_rule(
    "120",
    "The reason for the reversal of the decision that the child should be placed for adoption"
    " code is not valid.",
    fields=["REASON_PLACED_CEASED"],
    tables=["PlacedAdoption"],
)
def reason_placed_ceased_code(year: int) -> str:
    return invalid_code(
        "PlacedAdoption", "REASON_PLACED_CEASED", ("RD1", "RD2", "RD3", "RD4"), blank_ok=True
    )


@sql_rule(
    "131",
    "Data entry for being in touch after leaving care is invalid.",
    fields=["IN_TOUCH"],
    tables=["OC3"],
)
def in_touch_code(year: int) -> str:
    valid = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
    return invalid_code("OC3", "IN_TOUCH", valid, blank_ok=False)


@sql_rule(
    "132",
    "Data entry for activity after leaving care is invalid.",
    fields=["ACTIV"],
    tables=["OC3"],
)
def activ_code(year: int) -> str:
    valid = "F1 P1 F2 P2 F4 P4 F5 P5 G4 G5 G6 0".split()
    return invalid_code("OC3", "ACTIV", valid, blank_ok=False)


@sql_rule(
    "133",
    "Data entry for accommodation after leaving care is invalid. If reporting on a childs"
    " accommodation after leaving care the data entry must be valid",
    fields=["ACCOM"],
    tables=["OC3"],
)
def accom_code(year: int) -> str:
    return invalid_code("OC3", "ACCOM", ACCOM, blank_ok=False)


@sql_rule(
    "134",
    "Data on adoption should not be entered for the OC3 cohort.",
    fields=["ACCOM", "ACTIV", "IN_TOUCH", *AD1_ITEMS],
    tables=["AD1", "OC3"],
)
def adoption_for_care_leaver(year: int) -> str:
    ad1_given = " OR ".join(f"a.{f} IS NOT NULL" for f in AD1_ITEMS)
    return f"""
        SELECT 'AD1' t, a._row r, a.CHILD c FROM AD1_raw a JOIN OC3_raw o USING (CHILD)
        WHERE (o.IN_TOUCH IS NOT NULL OR o.ACTIV IS NOT NULL OR o.ACCOM IS NOT NULL)
          AND ({ad1_given})"""


@sql_rule("141", "Date episode began is not a valid date.", fields=["DECOM"], tables=["Episodes"])
def decom_date(year: int) -> str:
    return invalid_date("Episodes", "DECOM")


@sql_rule(
    "142",
    "A new episode has started, but the previous episode has not ended.",
    fields=["DEC", "REC"],
    tables=["Episodes"],
)
def previous_episode_open(year: int) -> str:
    # Every episode but each child's last (by start date) must have ended.
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM (
            SELECT *, row_number() OVER (
                PARTITION BY CHILD ORDER BY DECOM DESC NULLS LAST, _row DESC) AS nth
            FROM Episodes)
        WHERE nth > 1 AND CHILD IS NOT NULL AND DECOM IS NOT NULL
          AND (DEC IS NULL OR REC IS NULL)"""


@sql_rule(
    "143",
    "The reason for new episode code is not a valid code.",
    fields=["RNE"],
    tables=["Episodes"],
)
def rne_code(year: int) -> str:
    return invalid_code("Episodes", "RNE", ("S", "P", "L", "T", "U", "B"), blank_ok=True)


@sql_rule("144", "The legal status code is not a valid code.", fields=["LS"], tables=["Episodes"])
def ls_code(year: int) -> str:
    valid = "C1 C2 D1 E1 V2 V3 V4 J1 J2 J3 L1 L2 L3".split()
    return invalid_code("Episodes", "LS", valid, blank_ok=True)


@sql_rule("145", "Category of need code is not a valid code.", fields=["CIN"], tables=["Episodes"])
def cin_code(year: int) -> str:
    valid = "N1 N2 N3 N4 N5 N6 N7 N8".split()
    return invalid_code("Episodes", "CIN", valid, blank_ok=True)


@sql_rule("146", "Placement type code is not a valid code.", fields=["PLACE"], tables=["Episodes"])
def place_code(year: int) -> str:
    # For 2025 the validator lists K3 in lower case, so an upper-cased K3 never matches it.
    valid = PLACE_2026 if year >= 2026 else PLACE
    return invalid_code("Episodes", "PLACE", valid, blank_ok=True)


@sql_rule("147", "Date episode ceased is not a valid date.", fields=["DEC"], tables=["Episodes"])
def dec_date(year: int) -> str:
    return invalid_date("Episodes", "DEC")


@sql_rule(
    "148",
    "Date episode ceased and reason episode ceased must both be coded, or both left blank.",
    fields=["DEC", "REC"],
    tables=["Episodes"],
)
def dec_rec_pair(year: int) -> str:
    return """
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes_raw
        WHERE (DEC IS NULL) <> (REC IS NULL)"""


@sql_rule("149", "Reason episode ceased code is not valid.", fields=["REC"], tables=["Episodes"])
def rec_code(year: int) -> str:
    return invalid_code("Episodes", "REC", REC, blank_ok=True)


@sql_rule(
    "151",
    "All data items relating to a childs adoption must be coded or left blank.",
    fields=list(AD1_ITEMS),
    tables=["AD1"],
)
def adoption_items_together(year: int) -> str:
    given = " + ".join(f"({f} IS NOT NULL)::INT" for f in AD1_ITEMS)
    return f"""
        SELECT 'AD1' t, _row r, CHILD c FROM AD1_raw
        WHERE {given} NOT IN (0, {len(AD1_ITEMS)})"""


@sql_rule(
    "153",
    "All data items relating to a child's activity or accommodation after leaving care must be"
    " coded or left blank.",
    fields=["ACCOM", "ACTIV", "IN_TOUCH"],
    tables=["OC3"],
)
def oc3_items_together(year: int) -> str:
    return """
        SELECT 'OC3' t, _row r, CHILD c FROM OC3_raw
        WHERE (IN_TOUCH IS NULL)::INT + (ACTIV IS NULL)::INT + (ACCOM IS NULL)::INT IN (1, 2)"""


@sql_rule(
    "157",
    "Child is aged 4 years or over at the beginning of the year or 16 years or under at the end"
    " of the year and Strengths and Difficulties Questionnaire (SDQ) 1 has been recorded as the"
    " reason for no Strengths and Difficulties Questionnaire (SDQ) score.",
    fields=["DOB", "SDQ_REASON"],
    tables=["Episodes", "OC2"],
)
def sdq1_for_school_age(year: int) -> str:
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE CHILD IN ({continuously_looked_after(year)})
          AND DOB + INTERVAL 4 YEAR <= {start(year)} AND DOB + INTERVAL 16 YEAR >= {end(year)}
          AND SDQ_SCORE IS NULL AND SDQ_REASON = 'SDQ1'"""


@sql_rule(
    "158",
    "If a child has been recorded as receiving an intervention for their substance misuse"
    " problem, then the additional item on whether an intervention was offered should be left"
    " blank.",
    fields=["INTERVENTION_OFFERED", "INTERVENTION_RECEIVED"],
    tables=["OC2"],
)
def intervention_offered_when_received(year: int) -> str:
    return """
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE INTERVENTION_RECEIVED = '1' AND INTERVENTION_OFFERED IS NOT NULL"""


@sql_rule(
    "159",
    "If a child has been recorded as not receiving an intervention for their substance misuse"
    " problem, then the additional item on whether an intervention was offered should be"
    " completed as well.",
    fields=["INTERVENTION_OFFERED", "INTERVENTION_RECEIVED", "SUBSTANCE_MISUSE"],
    tables=["OC2"],
)
def intervention_offered_missing(year: int) -> str:
    return """
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE SUBSTANCE_MISUSE = '1' AND INTERVENTION_RECEIVED = '0'
          AND INTERVENTION_OFFERED IS NULL"""


@sql_rule(
    "165",
    "Data entry for mother status is invalid.",
    fields=["ACCOM", "ACTIV", "DECOM", "IN_TOUCH", "MOTHER", "SEX"],
    tables=["Episodes", "Header", "OC3"],
)
def mother_status(year: int) -> str:
    # As the validator does: sex is read in the pre-2025 codes (1 male, 2 female), and only
    # children with an episode (other than a short break) are checked.
    return f"""
        WITH eps AS (
            SELECT CHILD, count(*) FILTER (
                WHERE coalesce(DEC, {end(year)}) >= {start(year)} AND DECOM <= {end(year)}) n
            FROM Episodes WHERE coalesce(LS, '') NOT IN ('V3', 'V4') GROUP BY CHILD),
        oc3 AS (
            SELECT CHILD, _row,
                   IN_TOUCH IS NOT NULL OR ACTIV IS NOT NULL OR ACCOM IS NOT NULL AS has_oc3
            FROM OC3),
        bad AS (
            SELECT h._row hr, o._row orow, h.CHILD c FROM eps
            JOIN Header h USING (CHILD) LEFT JOIN oc3 o USING (CHILD)
            WHERE (h.MOTHER IS NOT NULL AND h.MOTHER NOT IN ('0', '1'))
               OR (h.MOTHER IS NOT NULL AND h.SEX = '1')
               OR (h.MOTHER IS NULL AND h.SEX = '2' AND eps.n > 0)
               OR (h.MOTHER IS NOT NULL AND h.SEX = '2' AND eps.n = 0
                   AND coalesce(o.has_oc3, FALSE)))
        SELECT 'Header' t, hr r, c FROM bad
        UNION ALL SELECT 'OC3', orow, c FROM bad WHERE orow IS NOT NULL"""


@sql_rule("166", "Date of review is invalid or blank.", fields=["REVIEW"], tables=["Reviews"])
def review_date(year: int) -> str:
    return invalid_date("Reviews", "REVIEW", blank_ok=False)


@sql_rule(
    "167",
    "Data entry for participation is invalid or blank.",
    fields=["REVIEW_CODE"],
    tables=["Reviews"],
)
def review_code(year: int) -> str:
    valid = "PN0 PN1 PN2 PN3 PN4 PN5 PN6 PN7".split()
    return f"""
        SELECT 'Reviews' t, _row r, CHILD c FROM Reviews_raw
        WHERE NOT ((REVIEW IS NOT NULL AND coalesce(upper(REVIEW_CODE) IN {_list(valid)}, FALSE))
                   OR (REVIEW IS NULL AND REVIEW_CODE IS NULL))"""


@sql_rule(
    "168",
    "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2,"
    " UN3, UN4 or UN5.",
    fields=["UPN"],
    tables=["Header"],
)
def upn_format(year: int) -> str:
    return """
        SELECT 'Header' t, _row r, CHILD c FROM Header
        WHERE UPN IS NOT NULL
          AND NOT regexp_full_match(UPN, '[A-HJ-NP-RT-Z](\\d{12}|\\d{11}[A-Z])|UN[1-5]')"""


@sql_rule(
    "171",
    "Date of birth of mother's child is not a valid date.",
    fields=["MC_DOB"],
    tables=["Header"],
)
def mc_dob_date(year: int) -> str:
    return invalid_date("Header", "MC_DOB")


@sql_rule(
    "174",
    "Mother's child date of birth is recorded but sex shows that the child is a male.",
    fields=["MC_DOB", "SEX"],
    tables=["Header"],
)
def mc_dob_for_male(year: int) -> str:
    male = "'M'" if year >= 2025 else "'1'"
    return f"""
        SELECT 'Header' t, _row r, CHILD c FROM Header_raw
        WHERE upper(SEX) = {male} AND MC_DOB IS NOT NULL"""


@sql_rule(
    "175",
    "The number of adopter(s) code is not a valid code.",
    fields=["NB_ADOPTR"],
    tables=["AD1"],
)
def nb_adoptr_code(year: int) -> str:
    return """
        SELECT 'AD1' t, _row r, CHILD c FROM AD1_raw
        WHERE NB_ADOPTR IS NOT NULL AND NB_ADOPTR NOT IN ('1', '2')"""


@sql_rule(
    "176",
    "The gender of adopter(s) at the date of adoption code is not a valid code.",
    fields=["SEX_ADOPTR"],
    tables=["AD1"],
)
def sex_adoptr_code(year: int) -> str:
    return invalid_code("AD1", "SEX_ADOPTR", ("M1", "F1", "MM", "FF", "MF"), blank_ok=True)


@sql_rule(
    "177",
    "The legal status of adopter(s) code is not a valid code.",
    fields=["LS_ADOPTR"],
    tables=["AD1"],
)
def ls_adoptr_code(year: int) -> str:
    valid = ("L0", "L11", "L12", "L2", "L3", "L4")
    return invalid_code("AD1", "LS_ADOPTR", valid, blank_ok=True)


@sql_rule(
    "178",
    "Placement provider code is not a valid code.",
    fields=["PLACE_PROVIDER"],
    tables=["Episodes"],
)
def place_provider_code(year: int) -> str:
    no_provider = (
        "('T0', 'T1', 'T2', 'T3', 'Z11', 'Z12', 'Z13', 'Z14')"
        if year >= 2026
        else "('T0', 'T1', 'T2', 'T3', 'T4', 'Z1')"
    )
    return f"""
        SELECT 'Episodes' t, _row r, CHILD c FROM Episodes
        WHERE PLACE_PROVIDER IS NOT NULL
          AND (PLACE_PROVIDER NOT IN ('PR0', 'PR1', 'PR2', 'PR3', 'PR4', 'PR5')
               OR coalesce(PLACE IN {no_provider}, FALSE))"""


@sql_rule(
    "180",
    "Data entry for the strengths and difficulties questionnaire (SDQ) score is invalid.",
    fields=["SDQ_SCORE"],
    tables=["OC2"],
)
def sdq_score(year: int) -> str:
    return """
        SELECT 'OC2' t, _row r, CHILD c FROM OC2_raw
        WHERE SDQ_SCORE IS NOT NULL
          AND coalesce(TRY_CAST(SDQ_SCORE AS DOUBLE) NOT IN
                       (SELECT range::DOUBLE FROM range(41)), TRUE)"""


@sql_rule(
    "181",
    "Data items relating to children looked after continuously for 12 months should be"
    " completed with a 0 or 1.",
    fields=list(OC2_FLAGS),
    tables=["OC2"],
)
def oc2_flags_code(year: int) -> str:
    bad = " OR ".join(f"({f} IS NOT NULL AND {f} NOT IN ('0', '1'))" for f in OC2_FLAGS)
    return f"SELECT 'OC2' t, _row r, CHILD c FROM OC2 WHERE {bad}"


@sql_rule(
    "182",
    "Data entries on immunisations, teeth checks, health assessments and substance misuse"
    " problem identified should be completed or all OC2 fields should be left blank.",
    fields=list(OC2_FLAGS),
    tables=["OC2"],
)
def oc2_items_together(year: int) -> str:
    return """
        SELECT 'OC2' t, _row r, CHILD c FROM OC2_raw
        WHERE (IMMUNISATIONS IS NULL OR TEETH_CHECK IS NULL OR HEALTH_ASSESSMENT IS NULL
               OR SUBSTANCE_MISUSE IS NULL)
          AND NOT (CONVICTED IS NULL AND HEALTH_CHECK IS NULL AND INTERVENTION_RECEIVED IS NULL
                   AND INTERVENTION_OFFERED IS NULL)"""


@sql_rule(
    "184",
    "Date of decision that a child should be placed for adoption is before the child was born.",
    fields=["DATE_PLACED", "DOB"],
    tables=["Header", "PlacedAdoption"],
)
def placed_before_birth(year: int) -> str:
    return """
        SELECT 'PlacedAdoption' t, p._row r, p.CHILD c
        FROM PlacedAdoption p LEFT JOIN Header h USING (CHILD)
        WHERE p.DATE_PLACED IS NOT NULL AND NOT coalesce(p.DATE_PLACED >= h.DOB, FALSE)"""


@sql_rule(
    "185",
    "Child has not been looked after continuously for at least 12 months at 31 March but a"
    " Strengths and Difficulties (SDQ) score has been completed.",
    fields=["SDQ_SCORE"],
    tables=["Episodes", "OC2"],
)
def sdq_score_not_cla(year: int) -> str:
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2_raw
        WHERE SDQ_SCORE IS NOT NULL AND CHILD NOT IN ({continuously_looked_after(year)})"""


@sql_rule(
    "186",
    "Children aged 4 or over at the start of the year and children aged under 17 at the end of"
    " the year and who have been looked after for at least 12 months continuously should have"
    " a Strengths and Difficulties (SDQ) score completed.",
    fields=["SDQ_SCORE"],
    tables=["Episodes", "OC2"],
)
def sdq_missing(year: int) -> str:
    return f"""
        SELECT 'OC2' t, o._row r, o.CHILD c FROM OC2 o JOIN OC2_raw w USING (_row)
        WHERE o.DOB + INTERVAL 4 YEAR <= {start(year)} AND o.DOB + INTERVAL 17 YEAR > {end(year)}
          AND w.SDQ_SCORE IS NULL AND w.SDQ_REASON IS NULL
          AND o.CHILD IN ({continuously_looked_after(year)})"""


@sql_rule(
    "187",
    "Child cannot be looked after continuously for 12 months at 31 March (OC2) and have any of"
    " adoption or care leavers returns completed.",
    fields=["ACCOM", "ACTIV", "IN_TOUCH", *AD1_ITEMS],
    tables=["AD1", "Episodes", "OC3"],
)
def adoption_or_leaver_for_cla(year: int) -> str:
    ad1_given = " OR ".join(f"{f} IS NOT NULL" for f in AD1_ITEMS)
    cla = continuously_looked_after(year)
    return f"""
        SELECT 'OC3' t, _row r, CHILD c FROM OC3_raw
        WHERE (IN_TOUCH IS NOT NULL OR ACTIV IS NOT NULL OR ACCOM IS NOT NULL)
          AND CHILD IN ({cla})
        UNION ALL
        SELECT 'AD1', _row, CHILD FROM AD1_raw WHERE ({ad1_given}) AND CHILD IN ({cla})"""


@sql_rule(
    "188",
    "Child is aged under 4 years at the end of the year, but a Strengths and Difficulties (SDQ)"
    " score or a reason for no SDQ score has been completed.",
    fields=["SDQ_REASON", "SDQ_SCORE"],
    tables=["OC2"],
)
def sdq_under_4(year: int) -> str:
    return f"""
        SELECT 'OC2' t, o._row r, o.CHILD c FROM OC2 o JOIN OC2_raw w USING (_row)
        WHERE o.DOB + INTERVAL 4 YEAR > {end(year)}
          AND (w.SDQ_SCORE IS NOT NULL OR w.SDQ_REASON IS NOT NULL)"""


@sql_rule(
    "189",
    "Child is aged 17 years or over at the beginning of the year, but an Strengths and"
    " Difficulties (SDQ) score or a reason for no Strengths and Difficulties (SDQ) score has"
    " been completed.",
    fields=["DOB", "SDQ_REASON", "SDQ_SCORE"],
    tables=["OC2"],
)
def sdq_over_17(year: int) -> str:
    return f"""
        SELECT 'OC2' t, o._row r, o.CHILD c FROM OC2 o JOIN OC2_raw w USING (_row)
        WHERE o.DOB + INTERVAL 17 YEAR < {start(year)}
          AND (w.SDQ_SCORE IS NOT NULL OR w.SDQ_REASON IS NOT NULL)"""


@sql_rule(
    "190",
    "Child has not been looked after continuously for at least 12 months at 31 March but one"
    " or more data items relating to children looked after for 12 months have been completed.",
    fields=list(OC2_FLAGS),
    tables=["Episodes", "OC2"],
)
def oc2_items_not_cla(year: int) -> str:
    given = " OR ".join(f"{f} IS NOT NULL" for f in OC2_FLAGS)
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2_raw
        WHERE ({given}) AND CHILD NOT IN ({continuously_looked_after(year)})"""


@sql_rule(
    "191",
    "Child has been looked after continuously for at least 12 months at 31 March but one or"
    " more data items relating to children looked after for 12 months have been left blank.",
    fields=["CHILD", "HEALTH_ASSESSMENT", "IMMUNISATIONS", "SUBSTANCE_MISUSE", "TEETH_CHECK"],
    tables=["Episodes", "OC2"],
)
def oc2_items_missing(year: int) -> str:
    cla = continuously_looked_after(year)
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2_raw
        WHERE (IMMUNISATIONS IS NULL OR TEETH_CHECK IS NULL OR HEALTH_ASSESSMENT IS NULL
               OR SUBSTANCE_MISUSE IS NULL) AND CHILD IN ({cla})
        UNION ALL
        SELECT 'Episodes', _row, CHILD FROM Episodes
        WHERE CHILD IN ({cla}) AND CHILD NOT IN (SELECT CHILD FROM OC2 WHERE CHILD IS NOT NULL)
        QUALIFY row_number() OVER (PARTITION BY CHILD ORDER BY DECOM NULLS LAST, _row) = 1"""


@sql_rule(
    "192",
    "Child has been identified as having a substance misuse problem but the additional item on"
    " whether an intervention was received has been left blank.",
    fields=["INTERVENTION_RECEIVED", "SUBSTANCE_MISUSE"],
    tables=["OC2"],
)
def intervention_received_missing(year: int) -> str:
    return """
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE SUBSTANCE_MISUSE = '1' AND INTERVENTION_RECEIVED IS NULL"""


@sql_rule(
    "193",
    "Child not identified as having a substance misuse problem but at least one of the two"
    " additional items on whether an intervention were offered and received have been"
    " completed.",
    fields=["INTERVENTION_OFFERED", "INTERVENTION_RECEIVED", "SUBSTANCE_MISUSE"],
    tables=["OC2"],
)
def intervention_without_misuse(year: int) -> str:
    return """
        SELECT 'OC2' t, _row r, CHILD c FROM OC2
        WHERE coalesce(SUBSTANCE_MISUSE, '0') = '0'
          AND (INTERVENTION_RECEIVED IS NOT NULL OR INTERVENTION_OFFERED IS NOT NULL)"""


@sql_rule(
    "196",
    "Strengths and Difficulties (SDQ) reason is not a valid code.",
    fields=["SDQ_REASON"],
    tables=["OC2"],
)
def sdq_reason_code(year: int) -> str:
    valid = ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5")
    return invalid_code("OC2", "SDQ_REASON", valid, blank_ok=True)


@sql_rule(
    "197B",
    "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds.",
    fields=["DOB", "SDQ_REASON"],
    tables=["Episodes", "OC2"],
)
def sdq_missing_at_4_or_17(year: int) -> str:
    s, e = start(year), end(year)
    return f"""
        SELECT 'OC2' t, o._row r, o.CHILD c FROM OC2 o JOIN OC2_raw w USING (_row)
        WHERE (o.DOB + INTERVAL 4 YEAR BETWEEN {s} AND {e}
               OR o.DOB + INTERVAL 17 YEAR BETWEEN {s} AND {e})
          AND w.SDQ_SCORE IS NULL AND w.SDQ_REASON IS NULL
          AND o.CHILD IN ({continuously_looked_after(year)})"""


@sql_rule(
    "197a",
    "Reason for no Strengths and Difficulties (SDQ) score is not required if Strengths and"
    " Difficulties Questionnaire score is filled in.",
    fields=["SDQ_REASON", "SDQ_SCORE"],
    tables=["OC2"],
)
def sdq_reason_with_score(year: int) -> str:
    return """
        SELECT 'OC2' t, _row r, CHILD c FROM OC2_raw
        WHERE SDQ_SCORE IS NOT NULL AND SDQ_REASON IS NOT NULL"""


@sql_rule(
    "198",
    "Child has not been looked after continuously for at least 12 months at 31 March but a"
    " reason for no Strengths and Difficulties (SDQ) score has been completed.",
    fields=["SDQ_REASON"],
    tables=["Episodes", "OC2"],
)
def sdq_reason_not_cla(year: int) -> str:
    return f"""
        SELECT 'OC2' t, _row r, CHILD c FROM OC2_raw
        WHERE SDQ_REASON IS NOT NULL AND CHILD NOT IN ({continuously_looked_after(year)})"""


@sql_rule(
    "199",
    "Episode information shows child has been previously adopted from care. [NOTE: This only"
    " tests the current and previous year data loaded into the tool]",
    fields=["CHILD"],
    tables=["Episodes"],
)
def adopted_before(year: int) -> str:
    # Over this year's and last year's episodes in date order: any episode after an adoption
    # (E11, E12), and any adoption but the first.
    return """
        WITH eps AS (
            SELECT _row, CHILD, DECOM, REC, TRUE AS this_year FROM Episodes
            UNION ALL SELECT _row, CHILD, DECOM, REC, FALSE FROM Episodes_last),
        counted AS (
            SELECT *, coalesce(REC IN ('E11', 'E12'), FALSE) AS adopted,
                   sum(coalesce(REC IN ('E11', 'E12'), FALSE)::INT) OVER (
                       PARTITION BY CHILD ORDER BY DECOM, NOT this_year, _row
                       ROWS UNBOUNDED PRECEDING) AS adoptions
            FROM eps WHERE DECOM IS NOT NULL)
        SELECT 'Episodes' t, _row r, CHILD c FROM counted
        WHERE this_year AND adoptions > 0 AND NOT (adoptions = 1 AND adopted)"""


def _list(values: list[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"

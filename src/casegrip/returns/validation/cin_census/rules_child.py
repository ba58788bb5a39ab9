"""Rules on the child: identifiers, UPN, birth and death, sex, ethnicity, disabilities."""

from .rule import codes, end, no, outside_period, rows, rule_year, since, sql_list, sql_rule, yes

# Characters 2-4 of a UPN: post-1998 LA codes and the DfE's pseudo-LA codes.
_LA_CODES = (
    "001-005 201-213 301-320 330-336 340-344 350-359 370-373 380-384 390-394 420 660-681 "
    "701-708 800-803 805-808 810-813 815 816 820-823 825 826 830 831 835-841 845 846 850-852 "
    "855-857 860 861 865-896 908 909 916 919 921 925 926 928 929 931 933 935-938 940 941"
)
_LA_CODES_ADDED_2024 = "942 943"
_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _la_codes(year: int) -> str:
    spans = _LA_CODES.split() + (_LA_CODES_ADDED_2024.split() if rule_year(year) >= 2024 else [])
    numbers = []
    for span in spans:
        low, _, high = span.partition("-")
        numbers += range(int(low), int(high or low) + 1)
    return sql_list(f"{n:03d}" for n in numbers)


@sql_rule(
    "1510",
    "UPN invalid (wrong check letter at character 1)",
    fields=["UPN"],
    tables=["ChildIdentifiers"],
)
def upn_check_letter(year: int) -> str:
    weighted = " + ".join(f"CAST(substr(UPN, {i}, 1) AS INTEGER) * {i}" for i in range(2, 14))
    return rows(
        "ChildIdentifiers",
        f"regexp_full_match(UPN, '.[0-9]{{12}}') "
        f"AND substr(UPN, 1, 1) <> substr('{_CHECK_LETTERS}', (({weighted}) % 23) + 1, 1)",
    )


@sql_rule(
    "1520", "More than one record with the same UPN.", fields=["UPN"], tables=["ChildIdentifiers"]
)
def upn_unique(year: int) -> str:
    return rows(
        "ChildIdentifiers",
        "UPN IN (SELECT UPN FROM ChildIdentifiers GROUP BY UPN HAVING count(*) > 1)",
    )


@sql_rule(
    "1530",
    "UPN invalid (characters 2-4 not a recognised LA code)",
    fields=["UPN"],
    tables=["ChildIdentifiers"],
)
def upn_la_code(year: int) -> str:
    return rows(
        "ChildIdentifiers", f"length(UPN) = 13 AND substr(UPN, 2, 3) NOT IN {_la_codes(year)}"
    )


@sql_rule(
    "1540",
    "UPN invalid (characters 5-12 not all numeric)",
    fields=["UPN"],
    tables=["ChildIdentifiers"],
)
def upn_numeric(year: int) -> str:
    return rows("ChildIdentifiers", "NOT regexp_full_match(substr(UPN, 5, 8), '[0-9]+')")


@sql_rule(
    "1550",
    "UPN invalid (character 13 not a recognised value)",
    fields=["UPN"],
    tables=["ChildIdentifiers"],
)
def upn_last_character(year: int) -> str:
    return rows(
        "ChildIdentifiers",
        "length(UPN) = 13 AND NOT regexp_full_match(substr(UPN, 13, 1), '[A-HJ-NP-RT-Z0-9]')",
    )


@sql_rule(
    "1560Q",
    "Please check and either amend or provide a reason: Former UPN wrongly formatted",
    fields=["FormerUPN"],
    tables=["ChildIdentifiers"],
)
def former_upn(year: int) -> str:
    return rows("ChildIdentifiers", "NOT regexp_full_match(FormerUPN, '[A-Za-z][0-9]{12}')")


@sql_rule(
    "1570",
    "LA Child ID must not be longer than 20 characters",
    fields=["LAchildID"],
    tables=["ChildIdentifiers"],
    years=since(2025),
)
def child_id_length(year: int) -> str:
    return rows("ChildIdentifiers", "length(LAchildID) > 20")


@sql_rule(
    "1580",
    "LA Child ID must not contain any non-alphanumeric characters",
    fields=["LAchildID"],
    tables=["ChildIdentifiers"],
    years=since(2025),
)
def child_id_characters(year: int) -> str:
    return rows("ChildIdentifiers", "NOT regexp_full_match(LAchildID, '[A-Za-z0-9]+')")


@sql_rule(
    "4180", "Sex must be provided and equal M, F, or U", fields=["Sex"], tables=["ChildIdentifiers"]
)
def sex_code(year: int) -> str:
    if rule_year(year) >= 2025:
        return rows("ChildIdentifiers", "Sex IS NULL OR Sex NOT IN ('M', 'F', 'U')")
    return rows(
        "ChildIdentifiers", "GenderCurrent IS NULL OR GenderCurrent NOT IN ('0', '1', '2', '9')"
    )


@sql_rule(
    "4220",
    "Ethnicity is missing or invalid (see Ethnicity table)",
    fields=["Ethnicity"],
    tables=["ChildCharacteristics"],
)
def ethnicity(year: int) -> str:
    return rows(
        "ChildCharacteristics", f"Ethnicity IS NULL OR Ethnicity NOT IN {codes(year, 'Ethnicity')}"
    )


@sql_rule("8500", "LA Child ID missing", fields=["LAchildID"], tables=["ChildIdentifiers"])
def child_id_missing(year: int) -> str:
    return rows("ChildIdentifiers", "LAchildID IS NULL")


@sql_rule(
    "8510",
    "More than one child record with the same LA Child ID",
    fields=["LAchildID"],
    tables=["ChildIdentifiers"],
)
def child_id_unique(year: int) -> str:
    return rows(
        "ChildIdentifiers",
        "LAchildID IN (SELECT LAchildID FROM ChildIdentifiers GROUP BY 1 HAVING count(*) > 1)",
    )


@sql_rule(
    "8520",
    "Date of Birth is after data collection period (must be on or before the end "
    "of the census period)",
    fields=["PersonBirthDate", "ReferenceDate"],
    tables=["ChildIdentifiers"],
)
def born_after_period(year: int) -> str:
    return rows("ChildIdentifiers", f"PersonBirthDate > {end(year)}")


@sql_rule(
    "8525Q",
    "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
    fields=["PersonBirthDate", "ExpectedPersonBirthDate"],
    tables=["ChildIdentifiers"],
)
def birth_or_expected(year: int) -> str:
    return rows("ChildIdentifiers", "(PersonBirthDate IS NULL) = (ExpectedPersonBirthDate IS NULL)")


@sql_rule(
    "8530Q",
    "Please check and either amend data or provide a reason: Expected Date of "
    "Birth is outside the expected range for this census (March to December of the Census "
    "Year end)",
    fields=["ExpectedPersonBirthDate"],
    tables=["ChildIdentifiers"],
)
def expected_birth_range(year: int) -> str:
    return rows(
        "ChildIdentifiers",
        f"ExpectedPersonBirthDate <= {end(year)} - INTERVAL 30 DAY "
        f"OR ExpectedPersonBirthDate >= {end(year)} + INTERVAL 9 MONTH",
    )


@sql_rule(
    "8535Q",
    "Please check and either amend data or provide a reason: Child's date of "
    "death should not be prior to the date of birth",
    fields=["PersonDeathDate", "PersonBirthDate"],
    tables=["ChildIdentifiers"],
)
def death_before_birth(year: int) -> str:
    return rows(
        "ChildIdentifiers",
        "PersonDeathDate IS NOT NULL AND (PersonBirthDate IS NULL "
        "OR PersonBirthDate > PersonDeathDate)",
    )


@sql_rule(
    "8540",
    "Child's disability is missing or invalid (see Disability table)",
    fields=["Disability", "PersonBirthDate", "ReferralNFA"],
    tables=["ChildCharacteristics", "Disabilities"],
)
def disability(year: int) -> str:
    valid = "('NONE', 'MOB', 'HAND', 'PC', 'INC', 'COMM', 'LD', 'HEAR', 'VIS', 'BEH', 'CON', "
    valid += "'AUT', 'DDA')"
    return rows(
        "ChildCharacteristics",
        f"""EXISTS (SELECT 1 FROM ChildIdentifiers i
                    WHERE i._child = t._child AND i.PersonBirthDate IS NOT NULL)
            AND EXISTS (SELECT 1 FROM CINdetails d WHERE d._child = t._child
                        AND {no("d.ReferralNFA")})
            AND (NOT EXISTS (SELECT 1 FROM Disabilities x WHERE x._child = t._child)
                 OR EXISTS (SELECT 1 FROM Disabilities x WHERE x._child = t._child
                            AND (x.Disability IS NULL OR x.Disability NOT IN {valid})))""",
    )


@sql_rule(
    "8545Q",
    "Please check and either amend data or provide a reason: Child's date of "
    "death should be within the census year",
    fields=["PersonDeathDate"],
    tables=["ChildIdentifiers"],
)
def death_in_period(year: int) -> str:
    return rows("ChildIdentifiers", outside_period("PersonDeathDate", year))


@sql_rule(
    "8590",
    "Child does not have a recorded CIN episode.",
    fields=["LAchildID"],
    tables=["ChildIdentifiers"],
)
def no_episode(year: int) -> str:
    return rows(
        "ChildIdentifiers", "NOT EXISTS (SELECT 1 FROM CINdetails d WHERE d._child = t._child)"
    )


@sql_rule(
    "8750",
    "Sex must equal U for an unborn child",
    fields=["Sex", "PersonBirthDate", "ExpectedPersonBirthDate"],
    tables=["ChildIdentifiers"],
)
def unborn_sex(year: int) -> str:
    sex = "Sex IS DISTINCT FROM 'U'"
    if rule_year(year) < 2025:
        sex = "GenderCurrent IS DISTINCT FROM '0'"
    return rows(
        "ChildIdentifiers",
        f"PersonBirthDate IS NULL AND ExpectedPersonBirthDate IS NOT NULL AND {sex}",
    )


@sql_rule(
    "8770Q",
    "Please check and either amend data or provide a reason: UPN is missing or "
    "reason UPN is missing or is UN1 for a child who is of school age.",
    fields=["UPN", "UPNunknown"],
    tables=["ChildIdentifiers"],
)
def school_age_upn(year: int) -> str:
    if rule_year(year) >= 2025:
        # Of school age by the start of the next school year (31 August after the census).
        cutoff = f"({end(year)} + INTERVAL 4 MONTH + INTERVAL 31 DAY - INTERVAL 6 YEAR)"
    else:
        cutoff = f"({end(year)} - INTERVAL 6 YEAR)"
    return rows(
        "ChildIdentifiers",
        f"""PersonBirthDate <= {cutoff} AND UPN IS NULL
            AND upper(coalesce(UPNunknown, '')) NOT IN ('UN2', 'UN3', 'UN4', 'UN5', 'UN6', 'UN7')
            AND EXISTS (SELECT 1 FROM CINdetails d WHERE d._child = t._child
                        AND {no("d.ReferralNFA")})""",
    )


@sql_rule(
    "8772",
    "UPN unknown reason is UN7 (Referral with no further action) but at least one "
    "CIN details is a referral going on to further action",
    fields=["UPNunknown", "ReferralNFA"],
    tables=["ChildIdentifiers"],
)
def un7_with_action(year: int) -> str:
    return rows(
        "ChildIdentifiers",
        f"""UPNunknown = 'UN7' AND (
                NOT EXISTS (SELECT 1 FROM CINdetails d WHERE d._child = t._child)
                OR EXISTS (SELECT 1 FROM CINdetails d WHERE d._child = t._child
                           AND NOT coalesce({yes("d.ReferralNFA")}, false)))""",
    )


@sql_rule(
    "8775Q",
    "Please check and either amend data or provide a reason: Child is over 25 years old",
    fields=["PersonBirthDate", "CINclosureDate"],
    tables=["ChildIdentifiers"],
)
def over_25(year: int) -> str:
    return rows(
        "ChildIdentifiers",
        f"""PersonBirthDate < {end(year)} - INTERVAL 25 YEAR
            AND EXISTS (SELECT 1 FROM CINdetails d WHERE d._child = t._child
                        AND (d.CINclosureDate IS NULL
                             OR d.CINclosureDate > t.PersonBirthDate + INTERVAL 25 YEAR))""",
    )


@sql_rule(
    "8790",
    "Disability information includes both None and other values",
    fields=["Disability"],
    tables=["Disabilities"],
)
def disability_none_and_other(year: int) -> str:
    return rows(
        "Disabilities",
        """upper(Disability) IS DISTINCT FROM 'NONE' AND EXISTS (
               SELECT 1 FROM Disabilities n WHERE n._child = t._child
               AND upper(n.Disability) = 'NONE')""",
    )


@sql_rule(
    "8794",
    "Child has two or more disabilities with the same code",
    fields=["Disability"],
    tables=["Disabilities"],
)
def disability_repeated(year: int) -> str:
    return rows(
        "Disabilities",
        """EXISTS (SELECT 1 FROM Disabilities o WHERE o._child = t._child
                   AND o.Disability = t.Disability AND o._row <> t._row)""",
    )

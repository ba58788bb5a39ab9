"""Rules on the header and on the return as a whole (reported once, on the Header)."""

from .rule import end, in_period, return_level, rule_year, sql_rule


@sql_rule("100", "Reference Date is incorrect", fields=["ReferenceDate"], tables=["Header"])
def reference_date(year: int) -> str:
    return (
        f"SELECT 'Header', _row, NULL FROM Header WHERE ReferenceDate IS DISTINCT FROM {end(year)}"
        " OR ReferenceDate IS DISTINCT FROM make_date(TRY_CAST(Year AS INTEGER), 3, 31)"
    )


@sql_rule(
    "2883",
    "There are more child protection plans starting than initial conferences taking place",
    fields=["CPPstartDate", "DateOfInitialCPC"],
    tables=["ChildProtectionPlans", "CINdetails", "Section47"],
)
def more_plans_than_conferences(year: int) -> str:
    return return_level(
        f"""(SELECT count(*) FROM ChildProtectionPlans WHERE {in_period("CPPstartDate", year)})
            > (SELECT count(*) FROM CINdetails WHERE {in_period("DateOfInitialCPC", year)})
            + (SELECT count(*) FROM Section47 WHERE {in_period("DateOfInitialCPC", year)})"""
    )


@sql_rule(
    "2886Q",
    "Please check and either amend or provide a reason: Percentage of children with no sex "
    "recorded is more than 2% (excluding unborns)",
    fields=["Sex", "ExpectedPersonBirthDate"],
    tables=["ChildIdentifiers"],
)
def sex_not_recorded(year: int) -> str:
    if rule_year(year) >= 2025:
        missing = "(Sex IS NULL OR Sex = 'U')"
    else:
        missing = "(GenderCurrent IS NULL OR GenderCurrent = '0')"
    return return_level(
        f"""(SELECT count(*) FILTER (WHERE {missing} AND ExpectedPersonBirthDate IS NULL)
                    > 0.02 * count(*) FROM ChildIdentifiers)"""
    )


@sql_rule(
    "2887Q",
    "Please check and either amend or provide a reason: Less than 8 disability codes have been "
    "used in your return",
    fields=["Disability"],
    tables=["Disabilities"],
)
def few_disability_codes(year: int) -> str:
    return return_level(
        """(SELECT count(DISTINCT upper(Disability)) FROM Disabilities
            WHERE upper(Disability) <> 'NONE') < 8"""
    )


@sql_rule(
    "2888Q",
    "Please check and either amend or provide a reason: Only one disability code is recorded "
    "per child and multiple disabilities should be recorded where possible.",
    fields=["Disability"],
    tables=["Disabilities"],
)
def one_disability_each(year: int) -> str:
    return return_level(
        """(SELECT max(n) <= 1 FROM (SELECT count(*) AS n FROM Disabilities
            WHERE upper(Disability) <> 'NONE' GROUP BY _child))"""
    )

"""Rules on section 47 enquiries and initial child protection conferences."""

from .rule import end, no, outside_period, rows, sql_rule, working_days_before_end, yes

_EPISODE = "CINdetails d ON d._row = t._cin"


def _still_open(alias: str) -> str:
    """No conference held, and not marked as needing none."""
    return (
        f"({alias}.DateOfInitialCPC IS NULL "
        f"AND NOT coalesce({yes(f'{alias}.ICPCnotRequired')}, false))"
    )


@sql_rule(
    "1104",
    "The date of the initial child protection conference cannot be before the referral date",
    fields=["CINreferralDate", "DateOfInitialCPC"],
    tables=["Section47"],
)
def conference_before_referral(year: int) -> str:
    return rows("Section47", "t.DateOfInitialCPC < d.CINreferralDate", joins=f"JOIN {_EPISODE}")


@sql_rule(
    "2884",
    "An initial child protection conference is recorded at both the S47 and CIN Details level "
    "and it should only be recorded in one",
    fields=["DateOfInitialCPC"],
    tables=["Section47"],
)
def conference_recorded_twice(year: int) -> str:
    return rows(
        "Section47",
        "t.DateOfInitialCPC = d.DateOfInitialCPC",
        joins="JOIN CINdetails d ON d._child = t._child",
    )


@sql_rule(
    "2889",
    "The S47 start date cannot be before the referral date.",
    fields=["S47ActualStartDate", "CINreferralDate"],
    tables=["Section47"],
)
def s47_before_referral(year: int) -> str:
    return rows("Section47", "t.S47ActualStartDate < d.CINreferralDate", joins=f"JOIN {_EPISODE}")


@sql_rule(
    "8615",
    "Section 47 Enquiry Start Date must be present and cannot be later than the date of the "
    "initial Child Protection Conference",
    fields=["S47ActualStartDate", "DateOfInitialCPC"],
    tables=["Section47"],
)
def s47_after_conference(year: int) -> str:
    return rows(
        "Section47",
        "S47ActualStartDate > DateOfInitialCPC "
        "OR (DateOfInitialCPC IS NOT NULL AND S47ActualStartDate IS NULL)",
    )


@sql_rule(
    "8675Q",
    "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 "
    "working days before the end of the census year. However, there is no date of Initial Child "
    "Protection Conference.",
    fields=["DateOfInitialCPC", "S47ActualStartDate", "ICPCnotRequired"],
    tables=["Section47"],
)
def long_open_s47(year: int) -> str:
    return rows(
        "Section47",
        f"DateOfInitialCPC IS NULL AND {no('ICPCnotRequired')} "
        f"AND S47ActualStartDate < {working_days_before_end(year, 15)}",
    )


@sql_rule(
    "8715",
    "Date of Initial Child Protection Conference must fall within the census year",
    fields=["DateOfInitialCPC", "ReferenceDate"],
    tables=["Section47"],
)
def conference_in_period(year: int) -> str:
    return rows("Section47", outside_period("DateOfInitialCPC", year))


@sql_rule(
    "8740",
    "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the "
    "end of the census year, the start date must fall within the census year",
    fields=["S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"],
    tables=["Section47"],
)
def open_s47_start_in_period(year: int) -> str:
    return rows(
        "Section47",
        f"DateOfInitialCPC IS NULL AND {no('ICPCnotRequired')} "
        f"AND {outside_period('S47ActualStartDate', year)}",
    )


@sql_rule(
    "8839",
    "Within one CINDetails group there are 2 or more open S47 Assessments",
    fields=["DateOfInitialCPC"],
    tables=["Section47"],
)
def several_open_s47(year: int) -> str:
    return rows(
        "Section47",
        f"""{_still_open("t")} AND _cin IN (SELECT o._cin FROM Section47 o
            WHERE {_still_open("o")} GROUP BY o._cin HAVING count(*) > 1)""",
    )


@sql_rule(
    "8870Q",
    "Please check and either amend or provide a reason: The Target Date for Initial Child "
    "Protection Conference should not be a weekend",
    fields=["InitialCPCtarget"],
    tables=["Section47"],
)
def target_on_weekend(year: int) -> str:
    return rows("Section47", "isodow(InitialCPCtarget) >= 6")


@sql_rule(
    "8875",
    "The Date of Initial Child Protection Conference cannot be a weekend",
    fields=["DateOfInitialCPC"],
    tables=["Section47", "CINdetails"],
)
def conference_on_weekend(year: int) -> str:
    return (
        rows("Section47", "isodow(DateOfInitialCPC) >= 6")
        + " UNION ALL "
        + rows("CINdetails", "isodow(DateOfInitialCPC) >= 6")
    )


@sql_rule(
    "8890",
    "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
    fields=["S47ActualStartDate"],
    tables=["Section47"],
)
def s47_overlap(year: int) -> str:
    # Two enquiries with the same dates are one enquiry returned twice, not an overlap.
    return rows(
        "Section47",
        f"""t._row <> o._row
            AND NOT (t.S47ActualStartDate = o.S47ActualStartDate
                     AND t.DateOfInitialCPC IS NOT DISTINCT FROM o.DateOfInitialCPC)
            AND t.S47ActualStartDate >= o.S47ActualStartDate
            AND (t.S47ActualStartDate <= o.DateOfInitialCPC
                 OR ({_still_open("o")} AND t.S47ActualStartDate <= {end(year)}))""",
        joins="JOIN Section47 o ON o._cin = t._cin",
    )

"""Rules on child protection plans and their reviews."""

from .rule import codes, end, in_period, outside_period, rows, sql_rule, yes

_CHILD = "ChildIdentifiers i ON i._child = t._child"


@sql_rule(
    "1105",
    "The child protection plan start date cannot be before the referral date",
    fields=["CPPstartDate", "CINreferralDate"],
    tables=["ChildProtectionPlans"],
)
def cpp_before_referral(year: int) -> str:
    return rows(
        "ChildProtectionPlans",
        "t.CPPstartDate < d.CINreferralDate",
        joins="JOIN CINdetails d ON d._row = t._cin",
    )


@sql_rule(
    "2885",
    "Child protection plan shown as starting a different day to the initial child protection "
    "conference.",
    fields=["CPPstartDate", "DateOfInitialCPC"],
    tables=["ChildProtectionPlans"],
)
def cpp_not_on_conference_day(year: int) -> str:
    # The conference is on the episode, or on one of its enquiries that held one.
    return rows(
        "ChildProtectionPlans",
        f"""{in_period("t.CPPstartDate", year)}
            AND d.DateOfInitialCPC IS DISTINCT FROM t.CPPstartDate
            AND NOT EXISTS (SELECT 1 FROM Section47 s WHERE s._cin = t._cin
                            AND s.DateOfInitialCPC = t.CPPstartDate)""",
        joins="JOIN CINdetails d ON d._row = t._cin",
    )


@sql_rule(
    "8720",
    "Child Protection Plan Start Date missing or out of data collection period",
    fields=["CPPstartDate", "ReferenceDate"],
    tables=["ChildProtectionPlans"],
)
def cpp_start(year: int) -> str:
    return rows("ChildProtectionPlans", f"CPPstartDate IS NULL OR CPPstartDate > {end(year)}")


@sql_rule(
    "8730",
    "Total Number of previous Child Protection Plans missing",
    fields=["NumberOfPreviousCPP"],
    tables=["ChildProtectionPlans"],
)
def previous_plans(year: int) -> str:
    return rows(
        "ChildProtectionPlans",
        "TRY_CAST(NumberOfPreviousCPP AS INTEGER) IS NULL "
        "OR TRY_CAST(NumberOfPreviousCPP AS INTEGER) < 0",
    )


@sql_rule(
    "8832",
    "Child Protection details provided for a referral with no further action.",
    fields=["CINdetailsID", "ReferralNFA"],
    tables=["ChildProtectionPlans"],
)
def cpp_after_nfa(year: int) -> str:
    return rows(
        "ChildProtectionPlans", yes("d.ReferralNFA"), joins="JOIN CINdetails d ON d._row = t._cin"
    )


@sql_rule(
    "8840",
    "Child Protection Plan cannot start and end on the same day",
    fields=["CPPstartDate", "CPPendDate"],
    tables=["ChildProtectionPlans"],
)
def cpp_one_day(year: int) -> str:
    return rows("ChildProtectionPlans", "CPPstartDate = CPPendDate")


@sql_rule(
    "8841",
    "The review date cannot be on the same day or before the Child protection Plan start date.",
    fields=["CPPstartDate", "CPPreviewDate"],
    tables=["Reviews"],
)
def review_before_start(year: int) -> str:
    return rows(
        "Reviews",
        "t.CPPreviewDate <= c.CPPstartDate",
        joins="JOIN ChildProtectionPlans c ON c._row = t._cpp",
    )


@sql_rule(
    "8842Q",
    "Please check and either amend or provide a reason: Review Record has a missing date",
    fields=["CPPreviewDate"],
    tables=["Reviews"],
)
def review_date_missing(year: int) -> str:
    return rows("Reviews", "CPPreviewDate IS NULL")


@sql_rule(
    "8905",
    "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census "
    "code set)",
    fields=["InitialCategoryOfAbuse"],
    tables=["ChildProtectionPlans"],
)
def initial_category(year: int) -> str:
    return rows(
        "ChildProtectionPlans",
        "InitialCategoryOfAbuse IS NULL "
        f"OR InitialCategoryOfAbuse NOT IN {codes(year, 'CategoryOfAbuse')}",
    )


@sql_rule(
    "8910",
    "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census "
    "code set)",
    fields=["LatestCategoryOfAbuse"],
    tables=["ChildProtectionPlans"],
)
def latest_category(year: int) -> str:
    return rows(
        "ChildProtectionPlans",
        "LatestCategoryOfAbuse IS NULL "
        f"OR LatestCategoryOfAbuse NOT IN {codes(year, 'CategoryOfAbuse')}",
    )


@sql_rule(
    "8915",
    "Child Protection Plan shown as starting after the child's Date of Death",
    fields=["CPPstartDate", "PersonDeathDate"],
    tables=["ChildProtectionPlans"],
)
def cpp_starts_after_death(year: int) -> str:
    return rows(
        "ChildProtectionPlans", "t.CPPstartDate > i.PersonDeathDate", joins=f"JOIN {_CHILD}"
    )


@sql_rule(
    "8920",
    "Child Protection Plan cannot end after the child's Date of Death",
    fields=["PersonDeathDate", "CPPendDate"],
    tables=["ChildProtectionPlans"],
)
def cpp_ends_after_death(year: int) -> str:
    return rows("ChildProtectionPlans", "t.CPPendDate > i.PersonDeathDate", joins=f"JOIN {_CHILD}")


@sql_rule(
    "8925",
    "Child Protection Plan End Date earlier than Start Date",
    fields=["CPPstartDate", "CPPendDate"],
    tables=["ChildProtectionPlans"],
)
def cpp_ends_before_start(year: int) -> str:
    return rows("ChildProtectionPlans", "CPPendDate < CPPstartDate")


@sql_rule(
    "8930",
    "Child Protection Plan End Date must fall within the census year",
    fields=["CPPendDate", "ReferenceDate"],
    tables=["ChildProtectionPlans"],
)
def cpp_end_in_period(year: int) -> str:
    return rows("ChildProtectionPlans", outside_period("CPPendDate", year))


@sql_rule(
    "8935",
    "This child is showing more than one open Child Protection plan, i.e. with no End Date",
    fields=["CPPendDate"],
    tables=["ChildProtectionPlans"],
)
def several_open_cpp(year: int) -> str:
    return rows(
        "ChildProtectionPlans",
        """CPPendDate IS NULL AND _child IN (SELECT _child FROM ChildProtectionPlans
           WHERE CPPendDate IS NULL GROUP BY _child HAVING count(*) > 1)""",
    )


@sql_rule(
    "8940",
    "Child Protection Plan data contains overlapping dates",
    fields=["CPPstartDate", "CPPendDate"],
    tables=["ChildProtectionPlans"],
)
def cpp_overlap(year: int) -> str:
    return rows(
        "ChildProtectionPlans",
        f"""t._row <> o._row AND t.CPPstartDate >= o.CPPstartDate
            AND (t.CPPstartDate <= o.CPPendDate
                 OR (o.CPPendDate IS NULL AND t.CPPstartDate <= {end(year)}))""",
        joins="JOIN ChildProtectionPlans o ON o._child = t._child",
    )

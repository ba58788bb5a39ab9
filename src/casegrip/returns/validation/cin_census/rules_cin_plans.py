"""Rules on CIN plans (CINPlanDates), and on CIN plans against child protection plans."""

from .rule import end, outside_period, rows, sql_rule, yes

_CHILD = "ChildIdentifiers i ON i._child = t._child"


def _starts_within(day: str, start: str, stop: str, year: int, *, last_day: bool) -> str:
    """``day`` falls on or after ``start`` and before ``stop`` (on or before it when
    ``last_day``), an open period running to the reference date."""
    before = "<=" if last_day else "<"
    return (
        f"({day} >= {start} AND ({day} {before} {stop} "
        f"OR ({stop} IS NULL AND {day} <= {end(year)})))"
    )


@sql_rule(
    "4000",
    "CIN Plan details provided for a referral with no further action",
    fields=["ReferralNFA"],
    tables=["CINPlanDates"],
)
def plan_after_nfa(year: int) -> str:
    return rows("CINPlanDates", yes("d.ReferralNFA"), joins="JOIN CINdetails d ON d._row = t._cin")


@sql_rule(
    "4001",
    "A CIN Plan cannot run concurrently with a Child Protection Plan",
    fields=["CINPlanEndDate", "CPPendDate"],
    tables=["CINPlanDates"],
)
def open_plan_with_open_cpp(year: int) -> str:
    return rows(
        "CINPlanDates",
        """CINPlanStartDate IS NOT NULL AND CINPlanEndDate IS NULL
           AND EXISTS (SELECT 1 FROM ChildProtectionPlans c
                       WHERE c._cin = t._cin AND c.CPPendDate IS NULL)""",
    )


@sql_rule(
    "4003",
    "A CPP review date is shown as being held at the same time as an open CIN Plan.",
    fields=["CINPlanStartDate", "CINPlanEndDate", "CPPreviewDate"],
    tables=["Reviews"],
)
def review_during_plan(year: int) -> str:
    # A review on the day the protection plan ends may step the child down to a CIN plan.
    return rows(
        "Reviews",
        f"""p.CINPlanStartDate IS NOT NULL
            AND {
            _starts_within(
                "t.CPPreviewDate", "p.CINPlanStartDate", "p.CINPlanEndDate", year, last_day=False
            )
        }
            AND t.CPPreviewDate IS DISTINCT FROM c.CPPendDate""",
        joins="JOIN ChildProtectionPlans c ON c._row = t._cpp "
        "JOIN CINPlanDates p ON p._child = t._child",
    )


@sql_rule(
    "4004",
    "This child is showing more than one open CIN Plan, i.e. with no End Date",
    fields=["CINPlanEndDate"],
    tables=["CINPlanDates"],
)
def several_open_plans(year: int) -> str:
    return rows(
        "CINPlanDates",
        """CINPlanEndDate IS NULL AND _cin IN (SELECT _cin FROM CINPlanDates
           WHERE CINPlanEndDate IS NULL GROUP BY _cin HAVING count(*) > 1)""",
    )


@sql_rule(
    "4008",
    "CIN Plan shown as starting after the child's Date of Death.",
    fields=["PersonDeathDate", "CINPlanStartDate"],
    tables=["CINPlanDates"],
)
def plan_starts_after_death(year: int) -> str:
    return rows("CINPlanDates", "t.CINPlanStartDate > i.PersonDeathDate", joins=f"JOIN {_CHILD}")


@sql_rule(
    "4009Q",
    "CIN Plan cannot end after the child's Date of Death",
    fields=["PersonDeathDate", "CINPlanEndDate"],
    tables=["CINPlanDates"],
)
def plan_ends_after_death(year: int) -> str:
    return rows("CINPlanDates", "t.CINPlanEndDate > i.PersonDeathDate", joins=f"JOIN {_CHILD}")


@sql_rule(
    "4010",
    "CIN Plan start date is missing or out of data collection period",
    fields=["CINPlanStartDate"],
    tables=["CINPlanDates"],
)
def plan_start(year: int) -> str:
    return rows("CINPlanDates", f"CINPlanStartDate IS NULL OR CINPlanStartDate > {end(year)}")


@sql_rule(
    "4011",
    "CIN Plan End Date earlier than Start Date",
    fields=["CINPlanEndDate", "CINPlanStartDate"],
    tables=["CINPlanDates"],
)
def plan_ends_before_start(year: int) -> str:
    return rows("CINPlanDates", "CINPlanEndDate < CINPlanStartDate")


@sql_rule(
    "4012Q",
    "Please check and either amend or provide a reason: CIN Plan shown as starting and ending on "
    "the same day",
    fields=["CINPlanStartDate", "CINPlanEndDate"],
    tables=["CINPlanDates"],
)
def plan_one_day(year: int) -> str:
    return rows("CINPlanDates", "CINPlanStartDate = CINPlanEndDate")


@sql_rule(
    "4013",
    "CIN Plan end date must fall within the census year",
    fields=["CINPlanEndDate", "ReferenceDate"],
    tables=["CINPlanDates"],
)
def plan_end_in_period(year: int) -> str:
    return rows("CINPlanDates", outside_period("CINPlanEndDate", year))


@sql_rule(
    "4014",
    "CIN Plan data contains overlapping dates",
    fields=["CINPlanStartDate", "CINPlanEndDate"],
    tables=["CINPlanDates"],
)
def plans_overlap(year: int) -> str:
    return rows(
        "CINPlanDates",
        "t._row <> o._row AND "
        + _starts_within(
            "t.CINPlanStartDate", "o.CINPlanStartDate", "o.CINPlanEndDate", year, last_day=True
        ),
        joins="JOIN CINPlanDates o ON o._child = t._child",
    )


@sql_rule(
    "4015",
    "The CIN Plan start date cannot be before the referral date",
    fields=["CINPlanStartDate", "CINreferralDate"],
    tables=["CINPlanDates"],
)
def plan_before_referral(year: int) -> str:
    return rows(
        "CINPlanDates",
        "t.CINPlanStartDate < d.CINreferralDate",
        joins="JOIN CINdetails d ON d._row = t._cin",
    )


@sql_rule(
    "4016",
    "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
    fields=["CINPlanStartDate", "CPPstartDate", "CPPendDate"],
    tables=["CINPlanDates"],
)
def plan_starts_during_cpp(year: int) -> str:
    return rows(
        "CINPlanDates",
        _starts_within(
            "t.CINPlanStartDate", "c.CPPstartDate", "c.CPPendDate", year, last_day=False
        ),
        joins="JOIN ChildProtectionPlans c ON c._child = t._child",
    )


@sql_rule(
    "4017",
    "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
    fields=["CINPlanStartDate", "CINPlanEndDate", "CPPstartDate"],
    tables=["CINPlanDates"],
)
def cpp_starts_during_plan(year: int) -> str:
    return rows(
        "CINPlanDates",
        _starts_within(
            "c.CPPstartDate", "t.CINPlanStartDate", "t.CINPlanEndDate", year, last_day=False
        ),
        joins="JOIN ChildProtectionPlans c ON c._child = t._child",
    )

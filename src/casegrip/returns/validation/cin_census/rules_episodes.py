"""Rules on CIN episodes (CINdetails): referral, closure, no further action, and what an
episode holds."""

from .rule import (
    codes,
    end,
    no,
    outside_period,
    rows,
    sql_rule,
    working_day_before_start,
    yes,
)

_CHILD = "ChildIdentifiers i ON i._child = t._child"


@sql_rule(
    "2990",
    "Activity is recorded against a case marked as 'Case closed after assessment, no further "
    "action' or 'case closed after assessment, referred to early help'.",
    fields=["ReasonForClosure"],
    tables=["CINdetails"],
)
def activity_after_rc8(year: int) -> str:
    return rows(
        "CINdetails",
        """ReasonForClosure IN ('RC8', 'RC9') AND (DateOfInitialCPC IS NOT NULL
           OR EXISTS (SELECT 1 FROM ChildProtectionPlans x WHERE x._cin = t._row)
           OR EXISTS (SELECT 1 FROM Section47 x WHERE x._cin = t._row)
           OR EXISTS (SELECT 1 FROM CINPlanDates x WHERE x._cin = t._row))""",
    )


@sql_rule(
    "2991Q",
    "Please check and either amend data or provide a reason: A Section 47 module is recorded "
    "and there is no assessment on the episode",
    fields=["CINdetailsID"],
    tables=["CINdetails"],
)
def s47_without_assessment(year: int) -> str:
    return rows(
        "CINdetails",
        """EXISTS (SELECT 1 FROM Section47 x WHERE x._cin = t._row)
           AND NOT EXISTS (SELECT 1 FROM Assessments x WHERE x._cin = t._row)""",
    )


@sql_rule(
    "8555Q",
    "Child cannot be referred after its recorded date of death",
    fields=["PersonDeathDate", "CINreferralDate"],
    tables=["CINdetails"],
)
def referred_after_death(year: int) -> str:
    return rows("CINdetails", "t.CINreferralDate > i.PersonDeathDate", joins=f"JOIN {_CHILD}")


@sql_rule(
    "8565",
    "Activity shown after a case has been closed",
    fields=[
        "CINclosureDate",
        "DateOfInitialCPC",
        "AssessmentActualStartDate",
        "AssessmentAuthorisationDate",
        "S47ActualStartDate",
        "CPPendDate",
        "CINPlanStartDate",
        "CINPlanEndDate",
    ],
    tables=["CINdetails"],
)
def activity_after_closure(year: int) -> str:
    return rows(
        "CINdetails",
        """t.CINclosureDate < t.DateOfInitialCPC
           OR EXISTS (SELECT 1 FROM Assessments x WHERE x._cin = t._row AND t.CINclosureDate
                      < greatest(x.AssessmentActualStartDate, x.AssessmentAuthorisationDate))
           OR EXISTS (SELECT 1 FROM Section47 x WHERE x._cin = t._row AND t.CINclosureDate
                      < greatest(x.S47ActualStartDate, x.DateOfInitialCPC))
           OR EXISTS (SELECT 1 FROM ChildProtectionPlans x WHERE x._cin = t._row
                      AND t.CINclosureDate < x.CPPendDate)
           OR EXISTS (SELECT 1 FROM CINPlanDates x WHERE x._cin = t._row AND t.CINclosureDate
                      < greatest(x.CINPlanStartDate, x.CINPlanEndDate))""",
    )


@sql_rule(
    "8568",
    "RNFA flag is missing or invalid",
    fields=["ReferralNFA"],
    tables=["CINdetails"],
)
def nfa_flag(year: int) -> str:
    return rows("CINdetails", f"NOT coalesce({yes('ReferralNFA')} OR {no('ReferralNFA')}, false)")


@sql_rule(
    "8569Q",
    "A case with referral date before one working day prior to the collection start date must "
    "not be flagged as a no further action case",
    fields=["ReferralNFA"],
    tables=["CINdetails"],
)
def old_referral_nfa(year: int) -> str:
    return rows(
        "CINdetails",
        f"CINreferralDate < {working_day_before_start(year)} "
        f"AND NOT coalesce({no('ReferralNFA')}, false)",
    )


@sql_rule(
    "8585Q",
    "Please check and either amend or provide a reason: CIN episode shows Died as the Closure "
    "Reason, however child has no recorded Date of Death",
    fields=["ReasonForClosure", "PersonDeathDate"],
    tables=["CINdetails"],
)
def died_without_death_date(year: int) -> str:
    return rows(
        "CINdetails",
        "t.ReasonForClosure = 'RC2' AND i.PersonDeathDate IS NULL",
        joins=f"JOIN {_CHILD}",
    )


@sql_rule(
    "8600",
    "Child referral date missing or after data collection period",
    fields=["CINreferralDate"],
    tables=["CINdetails"],
)
def referral_date(year: int) -> str:
    return rows("CINdetails", f"CINreferralDate IS NULL OR CINreferralDate > {end(year)}")


@sql_rule(
    "8606",
    "Child referral date is more than 40 weeks before DOB or expected DOB",
    fields=["CINreferralDate", "PersonBirthDate", "ExpectedPersonBirthDate"],
    tables=["CINdetails"],
)
def referral_long_before_birth(year: int) -> str:
    return rows(
        "CINdetails",
        """t.CINreferralDate < i.PersonBirthDate - INTERVAL 280 DAY
           OR t.CINreferralDate < i.ExpectedPersonBirthDate - INTERVAL 280 DAY""",
        joins=f"JOIN {_CHILD}",
    )


@sql_rule(
    "8610",
    "Primary Need code is missing for a referral which led to further action.",
    fields=["ReferralNFA", "PrimaryNeedCode"],
    tables=["CINdetails"],
)
def primary_need_missing(year: int) -> str:
    return rows("CINdetails", f"{no('ReferralNFA')} AND PrimaryNeedCode IS NULL")


@sql_rule(
    "8620",
    "CIN Closure Date present and does not fall within the Census year",
    fields=["CINclosureDate"],
    tables=["CINdetails"],
)
def closure_in_period(year: int) -> str:
    return rows("CINdetails", outside_period("CINclosureDate", year))


@sql_rule(
    "8630",
    "CIN Closure Date is before CIN Referral Date for the same CIN episode",
    fields=["CINreferralDate", "CINclosureDate"],
    tables=["CINdetails"],
)
def closure_before_referral(year: int) -> str:
    return rows("CINdetails", "CINclosureDate < CINreferralDate")


@sql_rule(
    "8640",
    "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
    fields=["ReasonForClosure"],
    tables=["CINdetails"],
)
def closure_reason_code(year: int) -> str:
    return rows("CINdetails", f"ReasonForClosure NOT IN {codes(year, 'ReasonForClosure')}")


@sql_rule(
    "8650",
    "Primary Need Code invalid (see Primary Need table in CIN census code set)",
    fields=["PrimaryNeedCode"],
    tables=["CINdetails"],
)
def primary_need_code(year: int) -> str:
    return rows("CINdetails", f"PrimaryNeedCode NOT IN {codes(year, 'PrimaryNeedCode')}")


@sql_rule(
    "8805",
    "A CIN case cannot have a CIN closure date without a Reason for Closure",
    fields=["CINclosureDate", "ReasonForClosure"],
    tables=["CINdetails"],
)
def closure_without_reason(year: int) -> str:
    return rows("CINdetails", "CINclosureDate IS NOT NULL AND ReasonForClosure IS NULL")


@sql_rule(
    "8810",
    "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
    fields=["ReasonForClosure", "CINclosureDate"],
    tables=["CINdetails"],
)
def reason_without_closure(year: int) -> str:
    return rows("CINdetails", "ReasonForClosure IS NOT NULL AND CINclosureDate IS NULL")


@sql_rule(
    "8815",
    "More than one open CIN Details episode (a module with no CIN Closure Date) has been "
    "provided for this child and case is not a referral with no further action.",
    fields=["ReferralNFA", "CINclosureDate"],
    tables=["CINdetails"],
)
def several_open_episodes(year: int) -> str:
    open_action = f"CINclosureDate IS NULL AND {no('ReferralNFA')}"
    return rows(
        "CINdetails",
        f"""{open_action} AND _child IN (
                SELECT _child FROM CINdetails WHERE {open_action}
                GROUP BY _child HAVING count(*) > 1)""",
    )


@sql_rule(
    "8816",
    "An open CIN episode is shown and case is not a referral with no further action, but it is "
    "not the latest episode.",
    fields=["CINreferralDate", "ReferralNFA"],
    tables=["CINdetails"],
)
def open_episode_not_latest(year: int) -> str:
    # The latest is the first of the child's episodes with the latest referral date.
    return f"""
        SELECT 'CINdetails', _row, LAchildID FROM (
            SELECT *, row_number() OVER (PARTITION BY _child
                                         ORDER BY CINreferralDate DESC, _row) AS n
            FROM CINdetails WHERE CINreferralDate IS NOT NULL)
        WHERE n > 1 AND CINclosureDate IS NULL AND {no("ReferralNFA")}"""


@sql_rule(
    "8820",
    "The dates on the CIN episodes for this child overlap",
    fields=["CINreferralDate", "CINclosureDate"],
    tables=["CINdetails"],
)
def episodes_overlap(year: int) -> str:
    return rows(
        "CINdetails",
        f"""t._row <> o._row AND t.CINreferralDate >= o.CINreferralDate
            AND (t.CINreferralDate < o.CINclosureDate
                 OR (o.CINclosureDate IS NULL AND t.CINreferralDate < {end(year)}
                     AND {no("o.ReferralNFA")}))""",
        joins="JOIN CINdetails o ON o._child = t._child",
    )


@sql_rule(
    "8825Q",
    "Please check and either amend data or provide a reason: Reason for Closure code RC8 (case "
    "closed after assessment) or RC9 (case closed after assessment, referred to early help) has "
    "been returned but there is no assessment present for the episode.",
    fields=["ReasonForClosure"],
    tables=["CINdetails"],
)
def rc8_without_assessment(year: int) -> str:
    return rows(
        "CINdetails",
        """ReasonForClosure IN ('RC8', 'RC9')
           AND NOT EXISTS (SELECT 1 FROM Assessments x WHERE x._cin = t._row)""",
    )


@sql_rule(
    "8831",
    "Activity is recorded against a case marked as a referral with no further action",
    fields=[
        "AssessmentActualStartDate",
        "AssessmentAuthorisationDate",
        "S47ActualStartDate",
        "DateOfInitialCPC",
    ],
    tables=["CINdetails"],
)
def activity_after_nfa(year: int) -> str:
    return rows(
        "CINdetails",
        f"""{yes("ReferralNFA")} AND (DateOfInitialCPC IS NOT NULL
            OR EXISTS (SELECT 1 FROM Section47 x WHERE x._cin = t._row
                       AND x.S47ActualStartDate IS NOT NULL)
            OR EXISTS (SELECT 1 FROM Assessments x WHERE x._cin = t._row
                       AND (x.AssessmentActualStartDate IS NOT NULL
                            OR x.AssessmentAuthorisationDate IS NOT NULL)))""",
    )


@sql_rule(
    "8866",
    "Source of Referral is missing or an invalid code",
    fields=["CINreferralDate", "ReferralSource"],
    tables=["CINdetails"],
)
def referral_source(year: int) -> str:
    return rows(
        "CINdetails",
        f"""CINreferralDate >= DATE '2013-04-01' AND (ReferralSource IS NULL
            OR ReferralSource NOT IN {codes(year, "ReferralSource")})""",
    )


@sql_rule(
    "8867",
    "CIN episode is shown as closed, however Assessment is not shown as completed",
    fields=["CINclosureDate", "AssessmentAuthorisationDate"],
    tables=["CINdetails"],
)
def closed_with_open_assessment(year: int) -> str:
    return rows(
        "CINdetails",
        """CINclosureDate IS NOT NULL AND EXISTS (SELECT 1 FROM Assessments x
           WHERE x._cin = t._row AND x.AssessmentAuthorisationDate IS NULL)""",
    )


@sql_rule(
    "8868",
    "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by "
    "ICPC date or ICPC not required flag",
    fields=["ICPCnotRequired", "CINclosureDate", "DateOfInitialCPC"],
    tables=["CINdetails"],
)
def closed_with_open_s47(year: int) -> str:
    not_required = yes("x.ICPCnotRequired")
    return rows(
        "CINdetails",
        f"""CINclosureDate IS NOT NULL AND EXISTS (SELECT 1 FROM Section47 x
            WHERE x._cin = t._row
              AND ((x.DateOfInitialCPC IS NULL AND NOT coalesce({not_required}, false))
                   OR (x.DateOfInitialCPC IS NOT NULL AND coalesce({not_required}, false))))""",
    )

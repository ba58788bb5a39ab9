"""Rules on assessments and the factors identified at them."""

from .rule import (
    codes,
    end,
    in_period,
    outside_period,
    rows,
    since,
    sql_rule,
    start,
    working_days_before_end,
)

_EPISODE = "CINdetails d ON d._row = t._cin"


def _has_factor(code: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM AssessmentFactors f WHERE f._assessment = t._row "
        f"AND upper(f.AssessmentFactor) = '{code}')"
    )


@sql_rule(
    "1103",
    "The assessment start date cannot be before the referral date",
    fields=["AssessmentActualStartDate", "CINreferralDate"],
    tables=["Assessments"],
)
def assessment_before_referral(year: int) -> str:
    return rows(
        "Assessments",
        "t.AssessmentActualStartDate < d.CINreferralDate",
        joins=f"JOIN {_EPISODE}",
    )


@sql_rule(
    "8608",
    "Assessment Start Date cannot be later than its End Date",
    fields=["AssessmentActualStartDate", "AssessmentAuthorisationDate"],
    tables=["Assessments"],
)
def assessment_ends_before_start(year: int) -> str:
    return rows("Assessments", "AssessmentActualStartDate > AssessmentAuthorisationDate")


@sql_rule(
    "8614",
    "Parental or child factors at assessment should only be present for a completed assessment.",
    fields=["AssessmentAuthorisationDate", "AssessmentFactors"],
    tables=["Assessments"],
)
def factors_on_open_assessment(year: int) -> str:
    return rows(
        "Assessments",
        """AssessmentAuthorisationDate IS NULL
           AND EXISTS (SELECT 1 FROM AssessmentFactors f WHERE f._assessment = t._row)""",
    )


@sql_rule(
    "8670Q",
    "Please check and either amend data or provide a reason: Assessment started more than 45 "
    "working days before the end of the census year. However, there is no Assessment end date.",
    fields=["AssessmentActualStartDate"],
    tables=["Assessments"],
)
def long_open_assessment(year: int) -> str:
    return rows(
        "Assessments",
        "AssessmentAuthorisationDate IS NULL "
        f"AND AssessmentActualStartDate < {working_days_before_end(year, 45)}",
    )


@sql_rule(
    "8696",
    "Assessment end date must fall within the census year",
    fields=["AssessmentAuthorisationDate", "ReferenceDate"],
    tables=["Assessments"],
)
def assessment_end_in_period(year: int) -> str:
    return rows("Assessments", outside_period("AssessmentAuthorisationDate", year))


@sql_rule(
    "8736",
    "For an Assessment that has not been completed, the start date must fall within the census "
    "year",
    fields=["AssessmentAuthorisationDate", "AssessmentActualStartDate"],
    tables=["Assessments"],
)
def open_assessment_start_in_period(year: int) -> str:
    return rows(
        "Assessments",
        "AssessmentAuthorisationDate IS NULL "
        f"AND NOT coalesce({in_period('AssessmentActualStartDate', year)}, false)",
    )


@sql_rule(
    "8863Q",
    "An Assessment is shown as starting when there is another Assessment ongoing.",
    fields=["AssessmentActualStartDate", "AssessmentAuthorisationDate"],
    tables=["Assessments"],
)
def assessments_overlap(year: int) -> str:
    # Two assessments with the same dates are one assessment returned twice, not an overlap.
    return rows(
        "Assessments",
        f"""t._row <> o._row
            AND NOT (t.AssessmentActualStartDate = o.AssessmentActualStartDate
                     AND t.AssessmentAuthorisationDate
                         IS NOT DISTINCT FROM o.AssessmentAuthorisationDate)
            AND t.AssessmentActualStartDate >= o.AssessmentActualStartDate
            AND (t.AssessmentActualStartDate <= o.AssessmentAuthorisationDate
                 OR (o.AssessmentAuthorisationDate IS NULL
                     AND t.AssessmentActualStartDate <= {end(year)}))""",
        joins="JOIN Assessments o ON o._cin = t._cin",
    )


@sql_rule(
    "8869",
    "The assessment factors code '21' cannot be used in conjunction with any other assessment "
    "factors.",
    fields=["AssessmentFactors"],
    tables=["Assessments"],
)
def factor_21_alone(year: int) -> str:
    return rows(
        "Assessments",
        f"""{_has_factor("21")} AND EXISTS (SELECT 1 FROM AssessmentFactors f
            WHERE f._assessment = t._row AND f.AssessmentFactor IS DISTINCT FROM '21')""",
    )


@sql_rule(
    "8873Q",
    "Please check and either amend data or provide a reason: When there is only one assessment "
    "on the episode and the factors code '21 No factors identified' has been used for the "
    "completed assessment, the reason for closure 'RC8' or 'RC9' should be used.",
    fields=["ReasonForClosure", "AssessmentFactors"],
    tables=["Assessments"],
)
def factor_21_not_rc8(year: int) -> str:
    return rows(
        "Assessments",
        f"""t.AssessmentAuthorisationDate IS NOT NULL AND {_has_factor("21")}
            AND d.ReasonForClosure IS DISTINCT FROM 'RC8'
            AND d.ReasonForClosure IS DISTINCT FROM 'RC9'
            AND (SELECT count(*) FROM Assessments o WHERE o._cin = t._cin) = 1""",
        joins=f"JOIN {_EPISODE}",
    )


@sql_rule(
    "8896",
    "Within one CINDetails group there are 2 or more open Assessments groups",
    fields=["AssessmentAuthorisationDate"],
    tables=["Assessments"],
)
def several_open_assessments(year: int) -> str:
    return rows(
        "Assessments",
        """AssessmentAuthorisationDate IS NULL AND _cin IN (
               SELECT _cin FROM Assessments WHERE AssessmentAuthorisationDate IS NULL
               GROUP BY _cin HAVING count(*) > 1)""",
    )


@sql_rule(
    "8897Q",
    "Parental or child factors at assessment information is missing from a completed assessment",
    fields=["AssessmentAuthorisationDate", "AssessmentFactors"],
    tables=["Assessments"],
)
def factors_missing(year: int) -> str:
    valid = codes(year, "AssessmentFactors")
    return rows(
        "Assessments",
        f"""AssessmentAuthorisationDate >= {start(year)} AND (
              NOT EXISTS (SELECT 1 FROM AssessmentFactors f WHERE f._assessment = t._row)
              OR EXISTS (SELECT 1 FROM AssessmentFactors f WHERE f._assessment = t._row
                         AND (f.AssessmentFactor IS NULL OR f.AssessmentFactor NOT IN {valid})))""",
    )


@sql_rule(
    "8898",
    " The assessment has more than one parental or child factors with the same code",
    fields=["AssessmentFactors"],
    tables=["Assessments"],
)
def factor_repeated(year: int) -> str:
    return rows(
        "Assessments",
        """_row IN (SELECT _assessment FROM AssessmentFactors
                    GROUP BY _assessment, AssessmentFactor HAVING count(*) > 1)""",
    )


@sql_rule(
    "8945Q",
    "Please check and either amend data or provide a reason: the assessment factors code '18A' "
    "should not be used ('18B' or '18C' should be used instead)",
    fields=["AssessmentFactors"],
    tables=["Assessments"],
    years=since(2025),
)
def factor_18a(year: int) -> str:
    return rows("Assessments", _has_factor("18A"))


@sql_rule(
    "8950Q",
    "Please check and either amend data or provide a reason: the assessment factors code '19A' "
    "should not be used ('19B' or '19C' should be used instead)",
    fields=["AssessmentFactors"],
    tables=["Assessments"],
    years=since(2025),
)
def factor_19a(year: int) -> str:
    return rows("Assessments", _has_factor("19A"))

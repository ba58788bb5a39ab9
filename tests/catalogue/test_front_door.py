"""Front door indicators, case by case. Each table reads: the children, what happened, and
whether each counts. Dates are chosen to sit on the edges: exactly 45 working days, bank
holidays, a leap day, an assessment authorised on the as-at date."""

from datetime import date

import pytest

from casegrip.measures.catalogue import get
from casegrip.measures.runner import evaluate, run

from .conftest import as_at, case_record, month, only_point

D = date


def referral(rid, child, when, **extra):
    return {"cine_referral_id": rid, "cine_person_id": child, "cine_referral_date": when, **extra}


def assessment(aid, child, start, auth=None, **extra):
    return {
        "cina_assessment_id": aid,
        "cina_person_id": child,
        "cina_assessment_start_date": start,
        "cina_assessment_auth_date": auth,
        **extra,
    }


# Assessments started Monday 1 December 2025: 45 working days later is Thursday 5 February 2026
# (20 in December after Christmas and Boxing Day, New Year's Day off, 25 to 5 February).
TIMELINESS = [
    # id,   start,           authorised,      on time?
    ("A1", D(2025, 12, 1), D(2026, 2, 5), True),  # exactly 45 working days
    ("A2", D(2025, 12, 1), D(2026, 2, 6), False),  # 46
    ("A3", D(2025, 12, 24), D(2026, 2, 26), True),  # 44: Christmas, Boxing Day, New Year
    ("A4", None, D(2026, 2, 10), False),  # no start date: counted as late
]


def test_assessment_timeliness_counts_exactly_45_working_days_as_on_time(frame_for):
    record = case_record(
        ssd_cin_assessments=[assessment(a, f"C{a}", s, e) for a, s, e, _ in TIMELINESS]
    )
    frame = frame_for(record, [month(2026, 2)])

    point = only_point("assessment_timeliness_45wd", frame)
    rows = {
        r["child_id"]: r["in_numerator"]
        for r in frame.connection.to_pylist(
            evaluate(get("assessment_timeliness_45wd"), frame, attribute=False)
        )
    }

    assert rows == {f"C{a}": on_time for a, _, _, on_time in TIMELINESS}
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


def test_median_duration_of_an_even_count_is_the_mean_of_the_middle_two(frame_for):
    record = case_record(
        ssd_cin_assessments=[
            assessment("A1", "C1", D(2026, 3, 2), D(2026, 3, 3)),  # 1 working day
            assessment("A2", "C2", D(2026, 3, 2), D(2026, 3, 5)),  # 3
            assessment("A3", "C3", D(2026, 3, 2), D(2026, 3, 9)),  # 5
            assessment("A4", "C4", D(2026, 3, 2), D(2026, 3, 13)),  # 9
            assessment("A5", "C5", None, D(2026, 3, 13)),  # no start: left out
        ]
    )
    point = only_point("assessment_duration_median", frame_for(record, [month(2026, 3)]))
    assert (point.denominator, point.value) == (4, 4.0)


def test_rereferral_counts_a_referral_exactly_12_months_before_but_not_a_day_more(frame_for):
    record = case_record(
        ssd_cin_episodes=[
            referral("R1", "C1", D(2025, 3, 1)),
            referral("R0", "C1", D(2024, 3, 1)),  # exactly 12 months before: a re-referral
            referral("R2", "C2", D(2025, 3, 1)),
            referral("R9", "C2", D(2024, 2, 29)),  # leap day, 12 months and a day before
            referral("R3", "C3", D(2025, 3, 31)),  # first referral
        ]
    )
    point = only_point("rereferral_rate_12m", frame_for(record, [month(2025, 3)]))
    assert (point.numerator, point.denominator) == (1, 3)
    assert point.value == pytest.approx(33.3)


def test_open_assessments_over_45_working_days_at_a_date(frame_for):
    day = D(2026, 2, 5)
    record = case_record(
        ssd_cin_assessments=[
            assessment("A1", "C1", D(2025, 12, 1)),  # 45 working days old: not over
            assessment("A2", "C2", D(2025, 11, 28)),  # 46: over
            assessment("A3", "C3", D(2025, 11, 1), day),  # authorised on the date: not open
            assessment("A4", "C4", D(2026, 2, 6)),  # starts after the date
        ]
    )
    point = only_point("assessments_open_over_45wd", frame_for(record, [as_at(day)]))
    assert (point.numerator, point.denominator) == (1, 2)


def test_children_awaiting_assessment_count_each_child_once_until_one_starts(frame_for):
    day = D(2026, 1, 31)
    record = case_record(
        ssd_cin_episodes=[
            referral("R1", "C1", D(2026, 1, 5)),  # assessment authorised: not waiting
            referral("R2", "C2", D(2026, 1, 6)),  # no assessment yet: waiting
            referral("R3", "C2", D(2026, 1, 20)),  # second open referral, same child
            referral("R4", "C3", D(2025, 12, 1), cine_close_date=D(2026, 1, 10)),  # closed
            referral("R5", "C4", D(2026, 1, 7)),  # assessment under way: not waiting
            referral("R6", "C5", D(2026, 1, 8), cine_referral_nfa="Y"),  # no further action
        ],
        ssd_cin_assessments=[
            assessment("A1", "C1", D(2026, 1, 5), D(2026, 1, 30), cina_referral_id="R1"),
            assessment("A5", "C4", D(2026, 1, 7), D(2026, 2, 2), cina_referral_id="R5"),
        ],
    )
    point = only_point("children_awaiting_assessment", frame_for(record, [as_at(day)]))
    assert point.value == 1.0  # C2 only


def test_contact_conversion_reads_the_outcome_json(frame_for):
    def contact(cid, outcome):
        return {
            "cont_contact_id": cid,
            "cont_person_id": f"C{cid}",
            "cont_contact_date": D(2026, 4, 1),
            "cont_contact_outcome_json": outcome,
        }

    record = case_record(
        ssd_contacts=[
            contact("1", '{"NEW_REFERRAL_FLAG": "Y", "NFA_FLAG": "N"}'),
            contact("2", '{"NEW_REFERRAL_FLAG":"N","NFA_FLAG":"Y"}'),
            contact("3", '{"NFA_FLAG": "N", "NEW_REFERRAL_FLAG": true}'),
            contact("4", "not json"),
            contact("5", None),
        ]
    )
    point = only_point("contact_conversion_to_referral", frame_for(record, [month(2026, 4)]))
    assert (point.numerator, point.denominator) == (2, 5)


def test_monthly_series_has_a_point_for_every_month_even_an_empty_one(frame_for):
    record = case_record(
        ssd_cin_episodes=[
            referral("R1", "C1", D(2026, 1, 31)),
            referral("R2", "C2", D(2026, 3, 1)),
            referral("R3", "C3", D(2026, 3, 31), cine_referral_nfa="Y"),
        ]
    )
    frame = frame_for(record, [month(2026, 1), month(2026, 2), month(2026, 3)])
    points = run(get("referral_rate_per_10k"), frame)
    assert [(p.window_end, p.numerator) for p in points] == [
        (D(2026, 1, 31), 1),
        (D(2026, 2, 28), 0),
        (D(2026, 3, 31), 2),
    ]
    assert points[2].value == 2.0  # 2 referrals per 10,000 children (population 10,000)
    nfa = run(get("referral_nfa_rate"), frame)
    assert nfa[2].value == 50.0

"""Child protection, case by case. Each table reads: the children, what happened, and whether
each counts. Dates sit on the edges: the 15th working day over Christmas, a visit due over
Easter, 3 and 6 calendar months landing on 29 February 2024 or on the last day of a shorter
month, plans exactly 2 years old, a plan ending on the as-at date, a 4th birthday on the day."""

from datetime import date

import pytest

from casegrip.config import VisitFrequencies
from casegrip.measures.catalogue import get
from casegrip.measures.frame import Frame, Window
from casegrip.measures.runner import evaluate, run

from .conftest import CONFIG, as_at, case_record, month, only_point, places

D = date


def s47(sid, child, start, end=None, **extra):
    return {
        "s47e_s47_enquiry_id": sid,
        "s47e_person_id": child,
        "s47e_s47_start_date": start,
        "s47e_s47_end_date": end,
        **extra,
    }


def icpc(iid, child, day, s47_id=None, plan=None, cp="Y", transfer="N", **extra):
    return {
        "icpc_icpc_id": iid,
        "icpc_person_id": child,
        "icpc_icpc_date": day,
        "icpc_s47_enquiry_id": s47_id,
        "icpc_cp_plan_id": plan,
        "icpc_icpc_outcome_cp_flag": cp,
        "icpc_icpc_transfer_in": transfer,
        **extra,
    }


def plan(pid, child, start, end=None, ola="N", category="NEG", icpc_id=None):
    return {
        "cppl_cp_plan_id": pid,
        "cppl_person_id": child,
        "cppl_cp_plan_start_date": start,
        "cppl_cp_plan_end_date": end,
        "cppl_cp_plan_ola": ola,
        "cppl_cp_plan_initial_category": category,
        "cppl_cp_plan_latest_category": category,
        "cppl_icpc_id": icpc_id,
    }


def review(rid, plan_id, child, day):
    return {
        "cppr_cp_review_id": rid,
        "cppr_cp_plan_id": plan_id,
        "cppr_person_id": child,
        "cppr_cp_review_date": day,
    }


def visit(vid, child, day, seen="Y", alone="N"):
    return {
        "cppv_cp_visit_id": vid,
        "cppv_person_id": child,
        "cppv_cp_visit_date": day,
        "cppv_cp_visit_seen": seen,
        "cppv_cp_visit_seen_alone": alone,
    }


def person(child, dob):
    return {"pers_person_id": child, "pers_dob": dob}


# -- section 47 enquiries and initial conferences ---------------------------------------------


def test_s47_rate_counts_enquiries_by_their_start_in_each_month(frame_for):
    record = case_record(
        ssd_s47_enquiry=[
            s47("S1", "C1", D(2026, 1, 1)),  # first day of January
            s47("S2", "C2", D(2026, 1, 31), D(2026, 2, 10)),  # last day: counted in January
            s47("S3", "C2", D(2026, 2, 14)),  # the same child again: a second enquiry
            s47("S4", "C3", D(2025, 12, 31)),  # before the series
        ]
    )
    frame = frame_for(record, [month(2026, 1), month(2026, 2)])
    points = run(get("s47_rate_per_10k"), frame)
    assert [(p.window_end, p.numerator, p.value) for p in points] == [
        (D(2026, 1, 31), 2, 2.0),  # population 10,000: the rate is the count
        (D(2026, 2, 28), 1, 1.0),
    ]


def test_s47_to_icpc_follows_each_enquiry_to_its_conference(frame_for):
    record = case_record(
        ssd_s47_enquiry=[
            s47("S1", "C1", D(2026, 1, 5)),  # conference in January
            s47("S2", "C2", D(2026, 1, 26)),  # conference in February: still counts
            s47("S3", "C3", D(2026, 1, 12), s47e_s47_nfa="Y"),  # no further action
            s47("S4", "C4", D(2026, 1, 20)),  # only a transfer-in conference: not one
            s47("S5", "C5", D(2025, 12, 30)),  # December's enquiry, January's conference
        ],
        ssd_initial_cp_conference=[
            icpc("I1", "C1", D(2026, 1, 23), "S1"),
            icpc("I2", "C2", D(2026, 2, 13), "S2", cp="N"),
            icpc("I4", "C4", D(2026, 1, 28), "S4", transfer="Y"),
            icpc("I5", "C5", D(2026, 1, 16), "S5"),
        ],
    )
    frame = frame_for(record, [month(2026, 1)])
    assert places("s47_to_icpc_conversion", frame) == {
        "C1": "numerator",
        "C2": "numerator",
        "C3": "denominator only",
        "C4": "denominator only",
    }
    point = only_point("s47_to_icpc_conversion", frame)
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


# Strategy discussions on Thursday 18 December 2025: the 15th working day after is Tuesday
# 13 January 2026 (Christmas Day, Boxing Day and New Year's Day are bank holidays).
ICPC_TIMING = [
    # child, s47 start,       conference,       transfer-in, place
    ("C1", D(2025, 12, 18), D(2026, 1, 13), "N", "numerator"),  # 15 working days
    ("C2", D(2025, 12, 18), D(2026, 1, 14), "N", "denominator only"),  # 16
    ("C3", D(2025, 12, 29), D(2026, 1, 2), "N", "numerator"),  # 3 (over New Year's Day)
    ("C4", D(2025, 11, 3), D(2026, 1, 20), "Y", "excluded"),  # transfer-in: not counted
]


def test_icpc_within_15_working_days_on_the_15th_but_not_the_16th(frame_for):
    record = case_record(
        ssd_s47_enquiry=[s47(f"S{c}", c, start) for c, start, *_ in ICPC_TIMING],
        ssd_initial_cp_conference=[
            icpc(f"I{c}", c, day, f"S{c}", transfer=t) for c, _, day, t, _ in ICPC_TIMING
        ]
        # a conference with no enquiry linked: counted as late
        + [icpc("I5", "C5", D(2026, 1, 7))],
    )
    frame = frame_for(record, [month(2026, 1)])
    wanted = {c: where for c, *_, where in ICPC_TIMING} | {"C5": "denominator only"}
    assert places("icpc_within_15wd", frame) == wanted
    days = {
        r["child_id"]: r["value"]
        for r in frame.connection.to_pylist(
            evaluate(get("icpc_within_15wd"), frame, attribute=False)
        )
    }
    assert (days["C1"], days["C2"], days["C3"]) == (15, 16, 3)
    point = only_point("icpc_within_15wd", frame)
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


def test_icpc_to_cp_plan_reads_the_flag_or_a_linked_plan(frame_for):
    record = case_record(
        ssd_initial_cp_conference=[
            icpc("I1", "C1", D(2026, 3, 2)),  # flag Y
            icpc("I2", "C2", D(2026, 3, 3), cp="N"),  # flag N, but a plan names it
            icpc("I3", "C3", D(2026, 3, 4), cp="N"),  # no plan
            icpc("I4", "C4", D(2026, 3, 5), transfer="Y"),  # transfer-in: not counted
            icpc("I5", "C5", D(2026, 3, 31), cp=None, plan="P5"),  # names its plan
            icpc("I6", "C6", D(2026, 4, 1)),  # April
        ],
        ssd_cp_plans=[plan("P2", "C2", D(2026, 3, 3), icpc_id="I2")],
    )
    frame = frame_for(record, [month(2026, 3)])
    assert places("icpc_to_cp_plan_conversion", frame) == {
        "C1": "numerator",
        "C2": "numerator",
        "C3": "denominator only",
        "C4": "excluded",
        "C5": "numerator",
    }


# -- plans -----------------------------------------------------------------------------------


def test_cp_rate_counts_children_on_a_plan_at_the_date(frame_for):
    day = D(2026, 3, 31)
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2025, 6, 1)),  # open
            plan("P2", "C2", D(2025, 6, 1), day),  # ended on the date: not open
            plan("P3", "C3", day, category="PHY"),  # started on the date: open
            plan("P4", "C4", D(2026, 1, 1)),  # two open plans (a data error): counted once
            plan("P5", "C4", D(2026, 2, 1)),
            plan("P6", "C6", D(2026, 1, 1), ola="Y"),  # another authority's plan
            plan("P7", "C7", D(2026, 4, 1)),  # starts after the date
        ]
    )
    frame = frame_for(record, [as_at(day)])
    assert places("cp_rate_per_10k", frame) == {
        "C1": "numerator",
        "C3": "numerator",
        "C4": "numerator",
    }
    assert only_point("cp_rate_per_10k", frame).value == 3.0
    by_category = run(get("cp_rate_per_10k"), frame, by="category_of_abuse")
    assert {p.group: p.numerator for p in by_category} == {"NEG": 2, "PHY": 1}


def test_cp_rate_month_by_month_in_one_query(frame_for):
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2026, 1, 15), D(2026, 2, 28)),  # ends on February's last day
            plan("P2", "C2", D(2026, 2, 1)),
        ]
    )
    frame = frame_for(record, [month(2026, 1), month(2026, 2), month(2026, 3)])
    points = run(get("cp_rate_per_10k"), frame)
    assert [p.numerator for p in points] == [1, 1, 1]
    assert places("cp_rate_per_10k", frame, D(2026, 2, 28)) == {"C2": "numerator"}


def test_repeat_plans_count_any_earlier_plan_even_another_authoritys(frame_for):
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2026, 3, 10)),  # first plan
            plan("P2", "C2", D(2026, 3, 10)),
            plan("P0", "C2", D(2019, 5, 1), D(2020, 1, 1)),  # long ago: still a previous plan
            plan("P3", "C3", D(2026, 3, 31)),
            plan("P9", "C3", D(2025, 1, 1), D(2025, 9, 1), ola="Y"),  # another authority's
            plan("P4", "C4", D(2026, 3, 20), ola="Y"),  # another authority's: not counted
            plan("P5", "C5", D(2026, 3, 1)),
            plan("P6", "C5", D(2026, 3, 1), D(2026, 3, 1)),  # same day: not an earlier plan
        ]
    )
    frame = frame_for(record, [month(2026, 3)])
    assert places("repeat_cp_plan_rate", frame) == {
        "C1": "denominator only",
        "C2": "numerator",
        "C3": "numerator",
        "C5": "denominator only",
    }


def test_repeat_within_2_years_counts_exactly_2_years_but_not_a_day_more(frame_for):
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2026, 3, 1)),
            plan("P1a", "C1", D(2023, 6, 1), D(2024, 3, 1)),  # ended exactly 2 years before
            plan("P2", "C2", D(2026, 3, 1)),
            plan("P2a", "C2", D(2023, 6, 1), D(2024, 2, 29)),  # leap day: 2 years and a day
            plan("P3", "C3", D(2026, 3, 20)),
            plan("P3a", "C3", D(2025, 12, 1)),  # still open: not a plan that ended
            plan("P4", "C4", D(2026, 3, 31)),
            plan("P4a", "C4", D(2025, 1, 2), D(2026, 3, 31)),  # ended the day it started
        ]
    )
    frame = frame_for(record, [month(2026, 3)])
    assert places("repeat_cp_plan_within_2y", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
        "C4": "numerator",
    }


def test_repeat_within_2_years_of_a_plan_starting_on_a_leap_day(frame_for):
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2024, 2, 29)),
            plan("P1a", "C1", D(2021, 6, 1), D(2022, 2, 28)),  # 2 years before: 28 February
            plan("P2", "C2", D(2024, 2, 29)),
            plan("P2a", "C2", D(2021, 6, 1), D(2022, 2, 27)),
        ]
    )
    frame = frame_for(record, [month(2024, 2)])
    assert places("repeat_cp_plan_within_2y", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
    }


def test_plans_open_2_years_or_more_counted_as_an_age_is(frame_for):
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2024, 2, 28)),  # 2 years on 28 February 2026
            plan("P2", "C2", D(2024, 2, 29)),  # leap day: 2 years on 1 March 2026
            plan("P3", "C3", D(2024, 3, 1)),
            plan("P4", "C4", D(2023, 1, 1), D(2026, 2, 28)),  # ends on the first date
        ]
    )
    feb, mar = D(2026, 2, 28), D(2026, 3, 1)
    frame = frame_for(record, [as_at(feb), as_at(mar)])
    assert places("cp_plans_2yrs_plus_open", frame, feb) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
    }
    assert places("cp_plans_2yrs_plus_open", frame, mar) == {
        "C1": "numerator",
        "C2": "numerator",
        "C3": "numerator",
    }


def test_plans_ended_after_2_years_or_more(frame_for):
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2024, 2, 28), D(2026, 2, 28)),  # exactly 2 years
            plan("P2", "C2", D(2024, 2, 29), D(2026, 2, 28)),  # a day short
            plan("P3", "C3", D(2025, 6, 1), D(2026, 2, 1)),
            plan("P4", "C4", D(2020, 2, 1), D(2026, 3, 1)),  # ends in March
        ]
    )
    frame = frame_for(record, [month(2026, 2)])
    assert places("cp_plans_ended_2yrs_plus", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
    }


def test_plans_ended_within_3_calendar_months(frame_for):
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2024, 1, 31), D(2024, 4, 30)),  # 3 months is 30 April
            plan("P2", "C2", D(2024, 1, 31), D(2024, 5, 1)),
            plan("P3", "C3", D(2023, 11, 30), D(2024, 2, 29)),  # 3 months is 29 February
            plan("P4", "C4", D(2023, 11, 30), D(2024, 3, 1)),
            plan("P5", "C5", D(2024, 3, 5), D(2024, 3, 5)),  # ended the day it started
        ]
    )
    frame = frame_for(record, [Window(D(2024, 2, 1), D(2024, 5, 31))])
    assert places("cp_plans_ended_within_3m", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "numerator",
        "C4": "denominator only",
        "C5": "numerator",
    }


# -- reviews ---------------------------------------------------------------------------------


def test_first_review_due_3_calendar_months_after_the_initial_conference(frame_for):
    record = case_record(
        ssd_initial_cp_conference=[
            icpc("I1", "C1", D(2024, 1, 31)),
            icpc("I2", "C2", D(2024, 1, 31)),
            icpc("I3", "C3", D(2023, 11, 30)),
        ],
        ssd_cp_plans=[
            plan("P1", "C1", D(2024, 1, 31), icpc_id="I1"),  # due 30 April, held then
            plan("P2", "C2", D(2024, 2, 1), icpc_id="I2"),  # due 30 April, held 1 May
            plan("P3", "C3", D(2023, 11, 30), icpc_id="I3"),  # due 29 February, held then
            plan("P4", "C4", D(2023, 12, 31)),  # no conference: from the start, 31 March
            plan("P5", "C5", D(2024, 1, 15)),  # due 15 April, never held, still open
            plan("P6", "C6", D(2024, 1, 10), D(2024, 4, 10)),  # ended on its due date
            plan("P7", "C7", D(2024, 1, 1), D(2024, 4, 2)),  # ended after it fell due
        ],
        ssd_cp_reviews=[
            review("R1", "P1", "C1", D(2024, 4, 30)),
            review("R2", "P2", "C2", D(2024, 5, 1)),
            review("R3", "P3", "C3", D(2024, 2, 29)),
            review("R4", "P4", "C4", D(2024, 3, 28)),
        ],
    )
    frame = frame_for(record, [Window(D(2024, 2, 1), D(2024, 4, 30))])
    assert places("cp_review_first_within_3m", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "numerator",
        "C4": "numerator",
        "C5": "denominator only",
        "C7": "denominator only",
    }


def test_later_reviews_due_6_calendar_months_after_the_one_before(frame_for):
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2023, 5, 31)),
            plan("P2", "C2", D(2023, 5, 31)),
            plan("P3", "C3", D(2023, 5, 31)),
            plan("P4", "C4", D(2023, 5, 31), D(2024, 2, 15)),
        ],
        ssd_cp_reviews=[
            # first reviews on 31 August 2023: the next due 29 February 2024
            review("R1a", "P1", "C1", D(2023, 8, 31)),
            review("R1b", "P1", "C1", D(2024, 2, 29)),  # on the due date
            review("R1c", "P1", "C1", D(2024, 2, 29)),  # the same day recorded twice
            review("R2a", "P2", "C2", D(2023, 8, 31)),
            review("R2b", "P2", "C2", D(2024, 3, 1)),  # a day late
            review("R3a", "P3", "C3", D(2023, 8, 31)),  # none since, plan open: overdue
            review("R4a", "P4", "C4", D(2023, 8, 31)),  # plan ended before the next was due
        ],
    )
    frame = frame_for(record, [month(2024, 2)])
    assert places("cp_review_subsequent_within_6m", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
    }
    point = only_point("cp_review_subsequent_within_6m", frame)
    assert (point.numerator, point.denominator) == (1, 3)


def test_every_review_in_timescale_at_a_date(frame_for):
    day = D(2024, 6, 30)
    record = case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2023, 11, 30)),  # first due 29 Feb, held; next due 29 Aug
            plan("P2", "C2", D(2023, 9, 15)),  # first held late, second on time
            plan("P3", "C3", D(2024, 3, 30)),  # first review due on the date itself
            plan("P4", "C4", D(2024, 4, 1)),  # on a plan less than 3 months
            plan("P5", "C5", D(2024, 1, 10)),  # first due 10 April, not held
            plan("P6", "C6", D(2023, 11, 1), day),  # ended on the date: not open
        ],
        ssd_cp_reviews=[
            review("R1", "P1", "C1", D(2024, 2, 29)),
            review("R2a", "P2", "C2", D(2023, 12, 18)),  # due 15 December
            review("R2b", "P2", "C2", D(2024, 6, 18)),  # due 18 June: on time
        ],
    )
    frame = frame_for(record, [as_at(day)])
    assert places("cp_reviews_in_timescale_snapshot", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "numerator",
        "C4": "excluded",
        "C5": "denominator only",
    }


# -- visits ----------------------------------------------------------------------------------

# As at Tuesday 7 April 2026. Ten working days after Friday 20 March is 7 April (Good Friday
# 3 April and Easter Monday 6 April are bank holidays); after Thursday 19 March, 2 April.
EASTER = D(2026, 4, 7)


def visit_record():
    return case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2026, 1, 5)),
            plan("P2", "C2", D(2026, 1, 5)),
            plan("P3", "C3", D(2026, 1, 5)),
            plan("P4", "C4", D(2026, 3, 20)),  # 10 working days ago, no visit: due today
            plan("P5", "C5", D(2026, 3, 19)),  # 11 working days ago, no visit: overdue
            plan("P6", "C6", D(2026, 3, 23)),  # 9 working days ago: not counted yet
            plan("P7", "C7", D(2026, 1, 5), EASTER),  # plan ended on the date
        ],
        ssd_cp_visits=[
            visit("V1", "C1", D(2026, 3, 20)),  # due 7 April: in time
            visit("V2", "C2", D(2026, 3, 19)),  # due 2 April: overdue
            visit("V3a", "C3", D(2026, 3, 19)),
            visit("V3b", "C3", D(2026, 3, 30), seen="N"),  # not seen: not a visit that counts
            visit("V5", "C5", D(2026, 3, 18)),  # before the plan: does not count
        ],
    )


def test_cp_visits_within_10_working_days_over_easter(frame_for):
    frame = frame_for(visit_record(), [as_at(EASTER)])
    assert places("cp_visit_within_local_timescale", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
        "C4": "numerator",
        "C5": "denominator only",
        "C6": "excluded",
    }


def test_cp_visit_frequency_comes_from_the_configuration(frame_for):
    frame = frame_for(visit_record(), [as_at(EASTER)])
    config = CONFIG.model_copy(update={"visit_frequency_working_days": VisitFrequencies(cp=20)})
    frame = Frame(frame.connection, frame.window_list, config)
    # Every 20 working days: the plans of 19 and 20 March are too new to count; the children
    # seen on 19 and 20 March are not yet due.
    assert places("cp_visit_within_local_timescale", frame) == {
        "C1": "numerator",
        "C2": "numerator",
        "C3": "numerator",
        "C4": "excluded",
        "C5": "excluded",
        "C6": "excluded",
    }


def test_seen_alone_at_the_latest_visit_from_the_4th_birthday(frame_for):
    day = D(2026, 4, 30)
    record = case_record(
        ssd_person=[
            person("C1", D(2015, 1, 1)),
            person("C2", D(2015, 1, 1)),
            person("C3", D(2022, 4, 30)),  # 4 today: counted
            person("C4", D(2022, 5, 1)),  # 4 tomorrow: not counted
            person("C5", D(2015, 1, 1)),
            person("C6", D(2015, 1, 1)),
        ],
        ssd_cp_plans=[plan(f"P{n}", f"C{n}", D(2026, 1, 5)) for n in range(1, 8)],
        ssd_cp_visits=[
            visit("V1a", "C1", D(2026, 4, 1), alone="N"),
            visit("V1b", "C1", D(2026, 4, 20), alone="Y"),  # latest: seen alone
            visit("V2a", "C2", D(2026, 4, 1), alone="Y"),
            visit("V2b", "C2", D(2026, 4, 20), seen="N"),  # latest: not seen at all
            visit("V3", "C3", D(2026, 4, 20), alone="Y"),
            visit("V4", "C4", D(2026, 4, 20), alone="Y"),
            visit("V5a", "C5", D(2026, 4, 20), alone="N"),  # two on the latest day
            visit("V5b", "C5", D(2026, 4, 20), alone="Y"),
            visit("V6", "C6", D(2025, 12, 1), alone="Y"),  # before the plan: no visit since
            visit("V7", "C7", D(2026, 5, 1), alone="Y"),  # after the date; C7 has no birth date
        ],
    )
    frame = frame_for(record, [as_at(day)])
    assert places("cp_child_seen_alone", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "numerator",
        "C4": "excluded",
        "C5": "numerator",
        "C6": "excluded",
        "C7": "excluded",
    }


@pytest.mark.parametrize(
    "measure_id",
    [
        "s47_rate_per_10k",
        "s47_to_icpc_conversion",
        "icpc_within_15wd",
        "icpc_to_cp_plan_conversion",
        "cp_rate_per_10k",
        "cp_review_first_within_3m",
        "cp_review_subsequent_within_6m",
        "cp_reviews_in_timescale_snapshot",
        "cp_visit_within_local_timescale",
        "cp_child_seen_alone",
        "repeat_cp_plan_rate",
        "repeat_cp_plan_within_2y",
        "cp_plans_2yrs_plus_open",
        "cp_plans_ended_2yrs_plus",
        "cp_plans_ended_within_3m",
    ],
)
def test_every_measure_is_in_the_group_and_says_what_it_chose(measure_id):
    measure = get(measure_id)
    assert measure.group == "Child protection"
    assert len(measure.description) > 100
    if measure.timescale:
        assert measure.due_rule

"""Looked-after children, case by case. Each table reads: the children, what happened, and
whether each counts. Dates sit on the edges: a period of care ending on the as-at date, the
20th working day over Christmas, 3 and 6 calendar months landing on 29 February 2024, a visit
exactly 7 days, 6 weeks or 3 months before, a 4th or 5th birthday on the day itself."""

from datetime import date

import pytest

from casegrip.measures.catalogue import get
from casegrip.measures.runner import run

from .conftest import as_at, case_record, month, only_point, places

D = date


def episode(child, start, end=None, n=1):
    return {
        "clae_cla_episode_id": f"E{child}{n}",
        "clae_person_id": child,
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_ceased_date": end,
    }


def legal(child, code, start, end=None, n=1):
    return {
        "lega_legal_status_id": f"L{child}{n}",
        "lega_person_id": child,
        "lega_legal_status": code,
        "lega_legal_status_start_date": start,
        "lega_legal_status_end_date": end,
    }


def placement(child, start, kind="U3", end=None, n=1):
    return {
        "clap_cla_placement_id": f"P{child}{n}",
        "clap_person_id": child,
        "clap_cla_placement_start_date": start,
        "clap_cla_placement_type": kind,
        "clap_cla_placement_end_date": end,
    }


def review(child, held, code=None, cancelled=None, n=1):
    return {
        "clar_cla_review_id": f"R{child}{n}",
        "clar_cla_person_id": child,
        "clar_cla_review_date": held,
        "clar_cla_review_participation": code,
        "clar_cla_review_cancelled": cancelled,
    }


def visit(child, day, seen="Y", alone="N", n=1):
    return {
        "clav_cla_visit_id": f"V{child}{n}",
        "clav_person_id": child,
        "clav_cla_visit_date": day,
        "clav_cla_visit_seen": seen,
        "clav_cla_visit_seen_alone": alone,
    }


def check(child, kind, day, status="Completed", n=1):
    return {
        "clah_health_check_id": f"H{child}{n}",
        "clah_person_id": child,
        "clah_health_check_type": kind,
        "clah_health_check_date": day,
        "clah_health_check_status": status,
    }


def person(child, dob):
    return {"pers_person_id": child, "pers_dob": dob}


def missing(mid, child, start, end, kind="M", offered="Y"):
    return {
        "miss_table_id": mid,
        "miss_person_id": child,
        "miss_missing_episode_start_date": start,
        "miss_missing_episode_end_date": end,
        "miss_missing_episode_type": kind,
        "miss_missing_rhi_offered": offered,
    }


# -- numbers -------------------------------------------------------------------------------


def test_children_looked_after_at_a_date_once_each_without_short_breaks(frame_for):
    day = D(2026, 3, 31)
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2025, 1, 10)),  # open: counts
            episode("C2", D(2025, 6, 1), day),  # ceased on the date: no longer looked after
            episode("C3", D(2025, 9, 1)),  # short breaks: not counted
            episode("C4", D(2024, 5, 1), D(2025, 7, 1), n=1),  # a move: one period of care
            episode("C4", D(2025, 7, 1), n=2),
            episode("C5", D(2026, 4, 1)),  # starts the day after
        ],
        ssd_legal_status=[
            legal("C1", "C2", D(2025, 1, 10)),
            legal("C3", "V3", D(2025, 9, 1)),
            legal("C4", "V2", D(2024, 5, 1), D(2025, 7, 1), n=1),
            legal("C4", "C1", D(2025, 7, 1), n=2),
        ],
        ssd_cla_placement=[
            placement("C1", D(2025, 1, 10), "U4"),
            placement("C4", D(2024, 5, 1), "U6", D(2025, 7, 1), n=1),
            placement("C4", D(2025, 7, 1), "K2", n=2),
        ],
    )
    frame = frame_for(record, [as_at(day)])
    point = only_point("cla_rate_per_10k", frame)
    assert (point.numerator, point.value) == (2, 2.0)  # population 10,000: the rate is the count
    assert places("cla_rate_per_10k", frame) == {
        "C1": "numerator",
        "C3": "excluded",
        "C4": "numerator",
    }
    by_status = run(get("cla_rate_per_10k"), frame, by="legal_status")
    assert {p.group: p.numerator for p in by_status} == {"C2": 1, "C1": 1, "V3": 0}
    by_place = run(get("cla_rate_per_10k"), frame, by="placement_type")
    assert {p.group: p.numerator for p in by_place} == {"U4": 1, "K2": 1, "unknown": 0}


def test_a_monthly_series_keeps_each_month_to_its_own_end(frame_for):
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2026, 1, 15), D(2026, 2, 28)),  # out on the last day of February
            episode("C2", D(2026, 2, 1)),
            episode("C3", D(2026, 3, 31)),
        ]
    )
    frame = frame_for(record, [month(2026, 1), month(2026, 2), month(2026, 3)])
    points = run(get("cla_rate_per_10k"), frame)
    assert [p.numerator for p in points] == [1, 1, 2]


def test_starts_count_new_periods_of_care_not_moves_and_each_child_once(frame_for):
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2026, 3, 1)),  # starts on the first day
            episode("C2", D(2025, 6, 1), D(2026, 3, 10), n=1),  # a move in March: not a start
            episode("C2", D(2026, 3, 10), n=2),
            episode("C3", D(2026, 3, 2), D(2026, 3, 9), n=1),  # two periods in March: once
            episode("C3", D(2026, 3, 11), n=2),  # a day's gap: a new period of care
            episode("C4", D(2026, 3, 31)),  # the last day
            episode("C5", D(2026, 4, 1)),  # the next month
            episode("C6", D(2026, 3, 5)),  # short breaks
        ],
        ssd_legal_status=[legal("C6", "V4", D(2026, 3, 5))],
    )
    frame = frame_for(record, [month(2026, 3)])
    point = only_point("cla_starts_rate_per_10k", frame)
    assert (point.numerator, point.value) == (3, 3.0)
    assert places("cla_starts_rate_per_10k", frame) == {
        "C1": "numerator",
        "C3": "numerator",
        "C4": "numerator",
        "C6": "excluded",
    }


# -- reviews -------------------------------------------------------------------------------


def test_first_review_is_due_20_working_days_after_care_starts_over_christmas(frame_for):
    # From Monday 1 December 2025 the 20th working day is Wednesday 31 December (Christmas Day
    # and Boxing Day are not working days); from 2 December it is Friday 2 January 2026.
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2025, 12, 1)),
            episode("C2", D(2025, 12, 1)),
            episode("C3", D(2025, 12, 2)),
            episode("C4", D(2025, 12, 1), D(2025, 12, 19)),  # left before the review was due
        ],
        ssd_cla_reviews=[
            review("C1", D(2025, 12, 31)),  # on the 20th working day: on time
            review("C2", D(2026, 1, 2)),  # the 21st: late
            review("C3", D(2026, 1, 2)),  # the 20th after 2 December: on time
        ],
    )
    frame = frame_for(record, [month(2025, 12), month(2026, 1)])
    december, january = run(get("cla_review_timeliness"), frame)
    assert (december.numerator, december.denominator) == (1, 2)
    assert (january.numerator, january.denominator) == (1, 1)
    assert places("cla_review_timeliness", frame, D(2025, 12, 31)) == {
        "C1": "numerator",
        "C2": "denominator only",
    }


def test_later_reviews_are_due_in_calendar_months_and_land_on_29_february(frame_for):
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2023, 10, 2)),
            episode("C2", D(2023, 10, 2)),
            episode("C3", D(2023, 1, 2)),
            episode("C4", D(2023, 6, 1), D(2024, 2, 10)),  # care ended before the review fell due
            episode("C5", D(2023, 6, 1)),
        ],
        ssd_legal_status=[legal("C5", "V3", D(2023, 6, 1))],
        ssd_cla_reviews=[
            # 30 November + 3 months = 29 February 2024.
            review("C1", D(2023, 11, 30), n=1),
            review("C1", D(2024, 2, 29), n=2),  # second review on its due date: on time
            review("C2", D(2023, 11, 30), n=1),
            review("C2", D(2024, 3, 1), n=2),  # a day late
            # 31 August + 6 months = 29 February 2024.
            review("C3", D(2023, 1, 27), n=1),
            review("C3", D(2023, 4, 20), n=2),
            review("C3", D(2023, 8, 31), n=3),
            review("C3", D(2024, 2, 20), cancelled="Y", n=4),  # cancelled: still overdue
            review("C4", D(2023, 6, 20), n=1),
            review("C4", D(2023, 8, 31), n=2),
            review("C5", D(2023, 6, 20), n=1),  # short breaks: other rules
            review("C5", D(2023, 8, 31), n=2),
        ],
    )
    frame = frame_for(record, [month(2024, 2)])
    point = only_point("cla_review_timeliness", frame)
    assert (point.numerator, point.denominator) == (1, 3)
    assert places("cla_review_timeliness", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
        "C5": "excluded",
    }


def test_review_participation_counts_children_of_4_and_over_coded_pn1_to_pn7(frame_for):
    day = D(2026, 3, 16)
    record = case_record(
        ssd_person=[
            person("C1", D(2014, 5, 1)),
            person("C2", D(2012, 1, 1)),
            person("C3", D(2024, 1, 1)),
            person("C4", D(2022, 3, 16)),  # 4th birthday on the day of the review
            person("C5", D(2022, 3, 17)),  # 4 the day after
            person("C6", D(2015, 1, 1)),
            person("C7", D(2016, 1, 1)),
        ],
        ssd_cla_reviews=[
            review("C1", day, "PN1"),  # attends and speaks
            review("C2", day, "PN7"),  # absent, no views
            review("C3", day, "PN0"),  # under 4
            review("C4", day, "pn3 "),  # codes read whatever their case and spacing
            review("C5", day, "PN1"),  # under 4 whatever the code
            review("C6", day, "PN1", cancelled="Y"),  # cancelled: not a review held
            review("C7", day, None),  # no code
        ],
    )
    frame = frame_for(record, [month(2026, 3)])
    point = only_point("cla_review_participation", frame)
    assert (point.numerator, point.denominator) == (2, 3)
    assert places("cla_review_participation", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "excluded",
        "C4": "numerator",
        "C5": "excluded",
        "C7": "excluded",
    }


# -- visits --------------------------------------------------------------------------------


def test_visits_follow_regulation_28_one_week_six_weeks_three_months(frame_for):
    day = D(2026, 3, 31)
    long_ago = D(2024, 1, 1)
    record = case_record(
        ssd_cla_episodes=[episode(f"C{i}", long_ago) for i in range(1, 11)],
        ssd_legal_status=[legal("C10", "V3", long_ago)],
        ssd_cla_placement=[
            placement("C1", D(2026, 3, 24)),  # began 7 days ago, no visit yet: not overdue
            placement("C2", D(2026, 3, 23)),  # 8 days ago, no visit: overdue
            placement("C3", D(2025, 1, 1)),  # last visit exactly 6 weeks ago
            placement("C4", D(2025, 1, 1)),  # 6 weeks and a day
            placement("C5", D(2024, 1, 1), "U4"),  # long-term foster, past its first year
            placement("C6", D(2024, 1, 1), "U4"),
            placement("C7", D(2025, 6, 1), "U4"),  # long-term, still in its first year
            placement("C8", D(2026, 3, 20)),  # visited the day before the placement began
            placement("C9", D(2025, 1, 1)),
            placement("C10", D(2025, 1, 1)),  # short breaks
        ],
        ssd_cla_visits=[
            visit("C3", D(2026, 2, 17)),
            visit("C4", D(2026, 2, 16)),
            visit("C5", D(2025, 12, 31)),  # 31 December + 3 months = 31 March: on time
            visit("C6", D(2025, 12, 30)),  # due 30 March: overdue
            visit("C7", D(2026, 1, 31)),  # 6 weeks apply in the first year: overdue
            visit("C8", D(2026, 3, 19)),  # before this placement: the 7 days still run out
            visit("C9", D(2026, 1, 1), n=1),
            visit("C9", D(2026, 3, 30), seen="N", n=2),  # not seen: not a statutory visit
            visit("C10", D(2025, 1, 2)),
        ],
    )
    frame = frame_for(record, [as_at(day)])
    point = only_point("cla_visit_timeliness", frame)
    assert (point.numerator, point.denominator) == (3, 9)
    assert places("cla_visit_timeliness", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "numerator",
        "C4": "denominator only",
        "C5": "numerator",
        "C6": "denominator only",
        "C7": "denominator only",
        "C8": "denominator only",
        "C9": "denominator only",
        "C10": "excluded",
    }


def test_three_months_after_30_november_is_29_february_in_a_leap_year(frame_for):
    record = case_record(
        ssd_cla_episodes=[episode("C1", D(2021, 1, 1)), episode("C2", D(2021, 1, 1))],
        ssd_cla_placement=[
            placement("C1", D(2021, 1, 1), "U1"),
            placement("C2", D(2021, 1, 1), "U1"),
        ],
        ssd_cla_visits=[visit("C1", D(2023, 11, 30)), visit("C2", D(2023, 11, 28))],
    )
    frame = frame_for(record, [as_at(D(2024, 2, 29))])
    assert places("cla_visit_timeliness", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
    }


def test_seen_alone_reads_the_latest_visit_of_this_period_of_care(frame_for):
    day = D(2026, 3, 31)
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2025, 1, 1)),
            episode("C2", D(2025, 1, 1)),
            episode("C3", D(2025, 1, 1)),
            episode("C4", D(2024, 1, 1), D(2025, 1, 1), n=1),
            episode("C4", D(2026, 3, 1), n=2),  # back in care: a new period, no visit yet
            episode("C5", D(2025, 1, 1)),
        ],
        ssd_cla_visits=[
            visit("C1", D(2026, 3, 20), alone="Y"),
            visit("C2", D(2026, 2, 1), alone="Y", n=1),
            visit("C2", D(2026, 3, 1), alone="N", n=2),  # the latest: not alone
            visit("C3", D(2026, 3, 10), alone="N", n=1),
            visit("C3", D(2026, 3, 10), alone="Y", n=2),  # the same day, alone: counts
            visit("C4", D(2024, 6, 1), alone="Y"),  # in the earlier period of care
            visit("C5", D(2026, 3, 1), alone="N", n=1),
            visit("C5", day, alone="Y", n=2),  # on the date: the latest
            visit("C5", D(2026, 4, 1), alone="N", n=3),  # after the date: not yet
        ],
    )
    frame = frame_for(record, [as_at(day)])
    point = only_point("cla_seen_alone", frame)
    assert (point.numerator, point.denominator) == (3, 4)
    assert places("cla_seen_alone", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "numerator",
        "C4": "excluded",
        "C5": "numerator",
    }


# -- health --------------------------------------------------------------------------------


def test_initial_health_assessment_within_20_working_days_counted_when_due(frame_for):
    # Care starting Monday 1 December 2025: the assessment is due on 31 December (20 working
    # days over Christmas); starting 3 November, due on 1 December.
    start = D(2025, 12, 1)
    record = case_record(
        ssd_cla_episodes=[
            *[episode(f"C{i}", start) for i in (1, 2, 3, 4, 6, 8)],
            episode("C5", start, D(2025, 12, 20)),  # left care before the assessment was due
            episode("C7", D(2025, 11, 3)),
            episode("C9", D(2025, 12, 2)),  # due 2 January: counted in January
        ],
        ssd_legal_status=[legal("C8", "V4", start)],
        ssd_cla_health=[
            check("C1", "Initial Health Assessment", D(2025, 12, 31)),  # on the due date
            check("C2", "Initial Health Assessment", D(2026, 1, 2)),  # late
            check("C3", "Health Assessment", D(2025, 9, 1)),  # in the 3 months before care
            check("C4", "Review Health Assessment", D(2025, 8, 31)),  # more than 3 months
            check("C6", "Initial Health Assessment", D(2025, 12, 10), status="Refused"),
            check("C6", "Dental Check", D(2025, 12, 11), n=2),  # not a health assessment
            check("C7", "HEALTH", D(2025, 11, 20), status=None),  # other spelling, no status
            check("C9", "Initial Health Assessment", D(2026, 1, 2)),
        ],
    )
    frame = frame_for(record, [month(2025, 12), month(2026, 1)])
    december, january = run(get("cla_initial_health_assessment_timely"), frame)
    assert (december.numerator, december.denominator) == (2, 5)
    assert (january.numerator, january.denominator) == (1, 1)
    assert places("cla_initial_health_assessment_timely", frame, D(2025, 12, 31)) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "excluded",
        "C4": "denominator only",
        "C5": "excluded",
        "C6": "denominator only",
        "C7": "numerator",
        "C8": "excluded",
    }


def test_health_assessments_six_monthly_under_5_and_yearly_from_a_5th_birthday(frame_for):
    day = D(2026, 3, 31)
    record = case_record(
        ssd_person=[
            person("C1", D(2021, 3, 31)),  # 5 today: a yearly assessment will do
            person("C2", D(2021, 4, 1)),  # 4 until tomorrow: six-monthly
            person("C3", D(2023, 1, 1)),
            person("C5", D(2015, 1, 1)),
            person("C6", D(2015, 1, 1)),
        ],
        ssd_cla_episodes=[
            episode("C1", D(2022, 1, 1)),
            episode("C2", D(2022, 1, 1)),
            episode("C3", D(2024, 1, 1)),
            episode("C4", D(2024, 1, 1)),  # no date of birth: yearly
            episode("C5", D(2025, 4, 1)),  # looked after 12 months less a day: not in the cohort
            episode("C6", D(2025, 3, 31)),  # exactly 12 months: in it
        ],
        ssd_cla_health=[
            check("C1", "Review Health Assessment", D(2025, 6, 1)),
            check("C2", "Review Health Assessment", D(2025, 6, 1)),
            check("C3", "Review Health Assessment", D(2025, 9, 30)),  # due 30 March: overdue
            check("C4", "Review Health Assessment", D(2025, 3, 31)),  # due today: up to date
            check("C5", "Review Health Assessment", D(2025, 6, 1)),
            check("C6", "Review Health Assessment", D(2025, 3, 30)),  # due yesterday
        ],
    )
    frame = frame_for(record, [as_at(day)])
    point = only_point("cla_health_assessment_up_to_date", frame)
    assert (point.numerator, point.denominator) == (2, 5)
    assert places("cla_health_assessment_up_to_date", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
        "C4": "numerator",
        "C5": "excluded",
        "C6": "denominator only",
    }


def test_six_months_after_31_august_is_29_february_in_a_leap_year(frame_for):
    record = case_record(
        ssd_person=[person("C1", D(2021, 6, 1)), person("C2", D(2021, 6, 1))],
        ssd_cla_episodes=[episode("C1", D(2022, 1, 1)), episode("C2", D(2022, 1, 1))],
        ssd_cla_health=[
            check("C1", "Health Assessment", D(2023, 8, 31)),
            check("C2", "Health Assessment", D(2023, 8, 28)),
        ],
    )
    frame = frame_for(record, [as_at(D(2024, 2, 29))])
    assert places("cla_health_assessment_up_to_date", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
    }


def test_dental_checks_in_the_12_months_to_the_date(frame_for):
    day = D(2026, 3, 31)
    record = case_record(
        ssd_cla_episodes=[episode(f"C{i}", D(2023, 1, 1)) for i in range(1, 6)],
        ssd_cla_health=[
            check("C1", "Dental Check", D(2025, 4, 1)),  # the first day of the year: counts
            check("C2", "Dental Check", D(2025, 3, 31)),  # the day before it
            check("C3", "DENTAL", D(2026, 3, 31)),  # on the date, another spelling
            check("C4", "Health Assessment", D(2026, 1, 1)),  # not a dental check
            check("C5", "Dental Check", D(2026, 1, 1), status="Planned"),
        ],
    )
    frame = frame_for(record, [as_at(day)])
    point = only_point("cla_dental_check", frame)
    assert (point.numerator, point.denominator) == (2, 5)
    assert places("cla_dental_check", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "numerator",
        "C4": "denominator only",
        "C5": "denominator only",
    }


# -- missing -------------------------------------------------------------------------------


def test_missing_rate_counts_children_missing_while_looked_after_in_the_period(frame_for):
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2025, 1, 1)),
            episode("C2", D(2025, 1, 1)),
            episode("C3", D(2026, 3, 15)),
            episode("C4", D(2025, 1, 1), D(2026, 2, 28)),  # left care before March
            episode("C5", D(2025, 1, 1), D(2026, 3, 1)),  # left on 1 March: looked after then
            episode("C6", D(2025, 1, 1)),
            episode("C7", D(2025, 1, 1)),
        ],
        ssd_legal_status=[legal("C6", "V3", D(2025, 1, 1))],
        ssd_missing=[
            missing("M1", "C1", D(2026, 3, 10), D(2026, 3, 11)),
            missing("M2", "C1", D(2026, 3, 20), D(2026, 3, 20)),  # twice: one child
            missing("M3", "C2", D(2026, 3, 10), D(2026, 3, 10), kind="A"),  # away, not missing
            missing("M4", "C3", D(2026, 3, 5), D(2026, 3, 6)),  # before care began
            missing("M5", "C4", D(2026, 3, 10), D(2026, 3, 11)),  # after care ended
            missing("M6", "C6", D(2026, 3, 10), D(2026, 3, 11)),
            missing("M7", "C7", D(2026, 3, 31), None, kind="Missing"),  # still missing
        ],
    )
    frame = frame_for(record, [month(2026, 3)])
    point = only_point("cla_missing_rate", frame)
    assert (point.numerator, point.denominator) == (2, 5)
    assert places("cla_missing_rate", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
        "C5": "denominator only",
        "C6": "excluded",
        "C7": "numerator",
    }


def test_return_interviews_offered_for_missing_episodes_that_ended_in_the_period(frame_for):
    record = case_record(
        ssd_cla_episodes=[episode(f"C{i}", D(2025, 1, 1)) for i in (1, 2, 3, 4, 6)],
        ssd_missing=[
            missing("M1", "C1", D(2026, 2, 28), D(2026, 3, 1), offered="Y"),  # ended 1 March
            missing("M2", "C2", D(2026, 3, 10), D(2026, 3, 10), offered="N"),
            missing("M3", "C3", D(2026, 3, 10), D(2026, 3, 31), offered="NA"),
            missing("M4", "C4", D(2026, 3, 31), D(2026, 4, 1)),  # ended in April
            missing("M5", "C5", D(2026, 3, 10), D(2026, 3, 11)),  # not looked after
            missing("M6", "C6", D(2026, 3, 10), D(2026, 3, 11), kind="A", offered="NA"),
        ],
    )
    frame = frame_for(record, [month(2026, 3)])
    point = only_point("missing_return_interview_offered", frame)
    assert (point.numerator, point.denominator) == (1, 3)
    assert places("missing_return_interview_offered", frame) == {
        "C1": "numerator",
        "C2": "denominator only",
        "C3": "denominator only",
    }


@pytest.mark.parametrize(
    "measure_id",
    [
        "cla_rate_per_10k",
        "cla_starts_rate_per_10k",
        "cla_review_timeliness",
        "cla_visit_timeliness",
        "cla_seen_alone",
        "cla_initial_health_assessment_timely",
        "cla_health_assessment_up_to_date",
        "cla_dental_check",
        "cla_missing_rate",
        "missing_return_interview_offered",
        "cla_review_participation",
    ],
)
def test_every_looked_after_measure_breaks_down_by_legal_status_and_placement(measure_id):
    measure = get(measure_id)
    assert measure.group == "Looked after"
    assert measure.breakdowns == ("legal_status", "placement_type")
    if measure.due_rule or "timeliness" in measure_id:
        assert measure.timescale
        assert measure.due_rule

"""Due lists: what is overdue or falls due soon, its due date, and how it was worked out."""

from datetime import date

import pytest

from casegrip.measures.due import DUE, OVERDUE, add_months, due_items

from .conftest import CONFIG, case_record

D = date
TODAY = D(2026, 11, 23)  # a Monday


def allocation(child, worker, team):
    return {
        "invo_involvements_id": f"I{child}",
        "invo_person_id": child,
        "invo_professional_id": worker,
        "invo_professional_role_id": "CW",
        "invo_professional_team": team,
        "invo_involvement_start_date": D(2026, 1, 1),
    }


def plan(plan_id, child, start, **extra):
    return {"cppl_cp_plan_id": plan_id, "cppl_person_id": child,
            "cppl_cp_plan_start_date": start, **extra}  # fmt: skip


def record():
    return case_record(
        ssd_cp_plans=[
            plan("P1", "C1", D(2026, 11, 2)),
            plan("P2", "C2", D(2026, 8, 31)),
            plan("P3", "C3", D(2026, 1, 5), cppl_cp_plan_end_date=D(2026, 6, 1)),  # ended
        ],
        ssd_cp_visits=[
            # C1 seen Monday 9 November: due 10 working days later, Monday 23 November (today).
            {"cppv_cp_visit_id": "V1", "cppv_person_id": "C1", "cppv_cp_plan_id": "P1",
             "cppv_cp_visit_date": D(2026, 11, 9), "cppv_cp_visit_seen": "Y"},
            # C2 seen Friday 6 November: due Friday 20 November, one working day overdue.
            {"cppv_cp_visit_id": "V2", "cppv_person_id": "C2", "cppv_cp_plan_id": "P2",
             "cppv_cp_visit_date": D(2026, 11, 6), "cppv_cp_visit_seen": "Y"},
            # C2 was not seen on 13 November: that visit does not meet the rule.
            {"cppv_cp_visit_id": "V4", "cppv_person_id": "C2", "cppv_cp_plan_id": "P2",
             "cppv_cp_visit_date": D(2026, 11, 13), "cppv_cp_visit_seen": "N"},
            # A visit after today does not count.
            {"cppv_cp_visit_id": "V3", "cppv_person_id": "C2", "cppv_cp_plan_id": "P2",
             "cppv_cp_visit_date": D(2026, 11, 24), "cppv_cp_visit_seen": "Y"},
        ],
        ssd_cla_episodes=[
            {"clae_cla_episode_id": "E1", "clae_person_id": "C4",
             "clae_cla_episode_start_date": D(2026, 11, 2)},
        ],
        ssd_cla_placement=[
            {"clap_cla_placement_id": "PL1", "clap_person_id": "C4",
             "clap_cla_placement_start_date": D(2026, 11, 2)},
        ],
        ssd_cin_assessments=[
            {"cina_assessment_id": "A1", "cina_person_id": "C5",
             "cina_assessment_start_date": D(2026, 9, 18), "cina_assessment_team": "T2"},
        ],
        ssd_involvements=[allocation("C1", "W1", "T1"), allocation("C2", "W2", "T2"),
                          allocation("C4", "W1", "T1")],
    )  # fmt: skip


@pytest.fixture
def items(frame_for):
    frame = frame_for(record(), [])
    found = due_items(frame.connection, CONFIG, TODAY, within=10)
    return {(i.item, i.child_id): i for i in found}


def test_a_visit_on_its_due_date_is_due_not_overdue(items):
    visit = items[("CP visit", "C1")]
    assert (visit.due, visit.status, visit.working_days) == (TODAY, DUE, 0)
    assert visit.how == "10 working days after the last visit on 9 Nov 2026"
    assert (visit.worker_id, visit.team_id) == ("W1", "T1")


def test_a_visit_a_day_late_is_overdue_by_one_working_day(items):
    visit = items[("CP visit", "C2")]
    assert (visit.due, visit.status, visit.working_days) == (D(2026, 11, 20), OVERDUE, 1)


def test_first_cp_review_three_calendar_months_after_the_plan_starts(items):
    review = items[("CP review", "C2")]
    assert review.due == D(2026, 11, 30)
    assert review.how == "3 months after the plan's start on 31 Aug 2026"


def test_looked_after_child_first_visit_and_first_review(items):
    visit = items[("CLA visit", "C4")]
    assert (visit.due, visit.status) == (D(2026, 11, 9), OVERDUE)
    review = items[("CLA review", "C4")]
    assert review.due == D(2026, 11, 30)  # 20 working days after 2 November
    assert review.status == DUE


def test_open_assessment_due_45_working_days_after_its_start(items):
    assessment = items[("Assessment", "C5")]
    assert (assessment.due, assessment.status, assessment.team_id) == (
        D(2026, 11, 20), OVERDUE, "T2",
    )  # fmt: skip


def test_nothing_due_for_an_ended_plan_or_beyond_the_horizon(items):
    assert not any(child == "C3" for _, child in items)
    # C1's CP review is due 2 February 2027: beyond 10 working days.
    assert ("CP review", "C1") not in items


def test_a_team_sees_only_its_own_children(frame_for):
    frame = frame_for(record(), [])
    found = due_items(frame.connection, CONFIG, TODAY, within=10, team_ids=["T1"])
    assert {i.child_id for i in found} == {"C1", "C4"}
    worker = due_items(frame.connection, CONFIG, TODAY, within=10, worker_id="W2")
    assert {i.child_id for i in worker} == {"C2"}


def test_christmas_and_new_year_push_a_visit_into_january(frame_for):
    rec = case_record(
        ssd_cp_plans=[{"cppl_cp_plan_id": "P9", "cppl_person_id": "C9",
                       "cppl_cp_plan_start_date": D(2026, 12, 1)}],
        ssd_cp_visits=[{"cppv_cp_visit_id": "V9", "cppv_person_id": "C9",
                        "cppv_cp_plan_id": "P9", "cppv_cp_visit_date": D(2026, 12, 17),
                        "cppv_cp_visit_seen": "Y"}],
    )  # fmt: skip
    frame = frame_for(rec, [])
    found = due_items(frame.connection, CONFIG, D(2026, 12, 17), within=10)
    [visit] = [i for i in found if i.item == "CP visit"]
    # 10 working days from Thursday 17 December skip Christmas Day, Boxing Day (Monday 28th in
    # lieu) and New Year's Day: Tuesday 5 January, which is itself 10 working days away.
    assert (visit.due, visit.status, visit.working_days) == (D(2027, 1, 5), DUE, -10)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2026, 8, 31), 3, D(2026, 11, 30)),
        (D(2026, 11, 15), 6, D(2027, 5, 15)),
    ],
)
def test_calendar_months_end_on_the_last_day_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_the_rules_say_the_authoritys_own_visiting_frequencies():
    from casegrip.measures.due import rules

    said = rules(CONFIG)
    assert said["CP visit"].startswith("every 10 working days")
    assert said["CIN visit"].startswith("every 20 working days")
    assert not any("{" in rule for rule in said.values())

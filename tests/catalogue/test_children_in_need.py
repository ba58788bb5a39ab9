"""Children in need indicators, case by case. Dates sit on the edges: a referral closing on the
as-at date, a CIN plan review due on a leap day, a visit due across Christmas and New Year bank
holidays, a plan ending on the as-at date."""

from datetime import date

from casegrip.measures.catalogue import get
from casegrip.measures.runner import evaluate, run

from .conftest import as_at, case_record

D = date


def places(measure_id, frame):
    """{(window_end, child): (in_denominator, in_numerator)} for every row."""
    return {
        (r["window_end"], r["child_id"]): (r["in_denominator"], r["in_numerator"])
        for r in frame.connection.to_pylist(evaluate(get(measure_id), frame, attribute=False))
    }


def referral(rid, child, when, closed=None):
    return {
        "cine_referral_id": rid,
        "cine_person_id": child,
        "cine_referral_date": when,
        "cine_close_date": closed,
    }


def cin_plan(pid, child, start, end=None):
    return {
        "cinp_cin_plan_id": pid,
        "cinp_person_id": child,
        "cinp_cin_plan_start_date": start,
        "cinp_cin_plan_end_date": end,
    }


def review(rid, plan, child, held):
    return {
        "cinr_cin_plan_review_id": rid,
        "cinr_cin_plan_id": plan,
        "cinr_person_id": child,
        "cinr_cin_plan_review_date": held,
    }


def visit(vid, child, day, seen="Y"):
    return {
        "cinv_cin_visit_id": vid,
        "cinv_person_id": child,
        "cinv_cin_visit_date": day,
        "cinv_cin_visit_seen": seen,
    }


def cp_plan(pid, child, start, end=None):
    return {
        "cppl_cp_plan_id": pid,
        "cppl_person_id": child,
        "cppl_cp_plan_start_date": start,
        "cppl_cp_plan_end_date": end,
    }


def care(eid, child, start, end=None):
    return {
        "clae_cla_episode_id": eid,
        "clae_person_id": child,
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_ceased_date": end,
    }


def assessment(aid, child, auth, referral_id=None):
    return {
        "cina_assessment_id": aid,
        "cina_person_id": child,
        "cina_referral_id": referral_id,
        "cina_assessment_start_date": D(2026, 1, 5),
        "cina_assessment_auth_date": auth,
    }


# -- rate --------------------------------------------------------------------------------------


def test_cin_rate_counts_each_child_with_an_open_referral_once(frame_for):
    day = D(2026, 3, 31)
    record = case_record(
        ssd_cin_episodes=[
            referral("R1", "C1", D(2025, 5, 1)),  # open
            referral("R2", "C2", D(2025, 5, 1), day),  # closed on the date: not open
            referral("R3", "C3", D(2025, 5, 1)),  # two open referrals: once
            referral("R4", "C3", D(2026, 2, 1)),
            referral("R5", "C4", day),  # referred on the date: open
            referral("R6", "C5", D(2026, 4, 1)),  # referred the day after
        ],
        ssd_cp_plans=[cp_plan("P1", "C1", D(2025, 8, 1))],  # on a CP plan: still in need
    )
    frame = frame_for(record, [as_at(day)])

    [point] = run(get("cin_rate_per_10k"), frame)

    assert {c for _, c in places("cin_rate_per_10k", frame)} == {"C1", "C3", "C4"}
    # 3 children in a population of 10,000.
    assert (point.numerator, point.value) == (3, 3.0)


# -- CIN plan reviews --------------------------------------------------------------------------

LEAP_DAY, DAY_AFTER = D(2024, 2, 29), D(2024, 3, 1)


def test_cin_plan_review_is_due_three_calendar_months_after_the_last(frame_for):
    record = case_record(
        ssd_cin_plans=[
            cin_plan("P1", "C1", D(2023, 11, 29)),  # first review due 29 Feb: not yet older
            cin_plan("P2", "C2", D(2023, 6, 1)),  # reviewed 30 Nov: next due 29 Feb
            cin_plan("P3", "C3", D(2023, 6, 1)),  # reviewed 1 Dec: next due 1 March
            cin_plan("P4", "C4", D(2023, 6, 1)),  # only reviewed later: never reviewed by then
            cin_plan("P5", "C5", D(2023, 6, 1)),  # on a CP plan too: left out
            cin_plan("P6", "C6", D(2023, 6, 1), LEAP_DAY),  # ended on the leap day
        ],
        ssd_cin_plan_reviews=[
            review("V2", "P2", "C2", D(2023, 11, 30)),
            review("V3a", "P3", "C3", D(2023, 9, 1)),
            review("V3b", "P3", "C3", D(2023, 12, 1)),
            review("V4", "P4", "C4", D(2024, 3, 5)),
            review("V5", "P5", "C5", D(2024, 2, 1)),
        ],
        ssd_cp_plans=[cp_plan("CP5", "C5", D(2023, 12, 1))],
    )
    frame = frame_for(record, [as_at(LEAP_DAY), as_at(DAY_AFTER)])

    rows = places("cin_plan_review_in_timescale", frame)
    [leap, after] = run(get("cin_plan_review_in_timescale"), frame)

    assert {c: p for (d, c), p in rows.items() if d == LEAP_DAY} == {
        "C1": (False, False),
        "C2": (True, True),  # on the due date: in time
        "C3": (True, True),
        "C4": (True, False),
        "C5": (False, False),
    }
    assert {c: p for (d, c), p in rows.items() if d == DAY_AFTER} == {
        "C1": (True, False),  # now older than three months, never reviewed
        "C2": (True, False),  # the day after the due date
        "C3": (True, True),
        "C4": (True, False),
        "C5": (False, False),
    }
    assert (leap.numerator, leap.denominator, leap.value) == (2, 3, 66.7)
    assert (after.numerator, after.denominator, after.value) == (1, 4, 25.0)


# -- CIN visits --------------------------------------------------------------------------------

VISIT_DUE, DAY_LATE = D(2026, 1, 20), D(2026, 1, 21)


def _visits_record():
    return case_record(
        ssd_cin_plans=[
            cin_plan("P1", "C1", D(2025, 11, 3)),
            cin_plan("P2", "C2", D(2025, 11, 3)),
            cin_plan("P3", "C3", D(2026, 1, 2)),
            cin_plan("P4", "C4", D(2025, 11, 3)),
            cin_plan("P5", "C5", D(2025, 12, 22)),
        ],
        ssd_cin_visits=[
            # Seen Thursday 18 December: 20 working days on, past Christmas, Boxing Day and
            # New Year's Day, is Tuesday 20 January.
            visit("V1", "C1", D(2025, 12, 18)),
            # Not seen on 18 December: the last time seen was 1 December (due 31 December).
            visit("V2a", "C2", D(2025, 12, 1)),
            visit("V2b", "C2", D(2025, 12, 18), seen="N"),
            # C3's plan started Friday 2 January with no visit yet: due 30 January.
            # C4 is looked after: visited under care planning rules.
            visit("V4", "C4", D(2025, 11, 5)),
            # C5 was seen before the plan started on 22 December: due 22 January from the start.
            visit("V5", "C5", D(2025, 12, 19)),
        ],
        ssd_cla_episodes=[care("E4", "C4", D(2025, 12, 1))],
    )


def test_cin_visits_are_due_20_working_days_after_the_child_was_last_seen(frame_for):
    frame = frame_for(_visits_record(), [as_at(VISIT_DUE), as_at(DAY_LATE)])

    rows = places("cin_visit_within_local_timescale", frame)
    [due, late] = run(get("cin_visit_within_local_timescale"), frame)

    assert {c: p for (d, c), p in rows.items() if d == VISIT_DUE} == {
        "C1": (True, True),  # on the due date: in time
        "C2": (True, False),
        "C3": (True, True),
        "C4": (False, False),
        "C5": (True, True),
    }
    assert {c: p[1] for (d, c), p in rows.items() if d == DAY_LATE} == {
        "C1": False,
        "C2": False,
        "C3": True,
        "C4": False,
        "C5": True,
    }
    assert (due.numerator, due.denominator, due.value) == (3, 4, 75.0)
    assert (late.numerator, late.denominator, late.value) == (2, 4, 50.0)


def test_cin_visit_frequency_comes_from_the_configuration(frame_for):
    frame = frame_for(_visits_record(), [as_at(VISIT_DUE)])
    frame.config = frame.config.model_copy(
        update={
            "visit_frequency_working_days": frame.config.visit_frequency_working_days.model_copy(
                update={"cin": 10}
            )
        }
    )

    rows = places("cin_visit_within_local_timescale", frame)

    # 10 working days after 2 January is 16 January: C3 is now overdue.
    assert rows[(VISIT_DUE, "C3")] == (True, False)


# -- open cases without a plan -----------------------------------------------------------------


def test_open_cases_past_assessment_without_any_plan(frame_for):
    day = D(2026, 3, 31)
    record = case_record(
        ssd_cin_episodes=[referral(f"R{i}", f"C{i}", D(2026, 1, 5)) for i in range(1, 7)],
        ssd_cin_assessments=[
            assessment("A1", "C1", D(2026, 2, 10)),  # no plan: counts
            assessment("A2", "C2", D(2026, 2, 10)),  # on a CIN plan
            assessment("A3", "C3", D(2026, 2, 10)),  # on a CP plan
            assessment("A4", "C4", D(2026, 2, 10)),  # looked after
            assessment("A5", "C5", D(2026, 4, 1)),  # authorised after the date
            assessment("A6", "C6", day),  # authorised on the date; CIN plan ended that day
        ],
        ssd_cin_plans=[
            cin_plan("P2", "C2", D(2026, 2, 20)),
            cin_plan("P6", "C6", D(2026, 2, 20), day),
        ],
        ssd_cp_plans=[cp_plan("CP3", "C3", D(2026, 3, 1))],
        ssd_cla_episodes=[care("E4", "C4", D(2026, 3, 1))],
    )
    frame = frame_for(record, [as_at(day)])

    rows = {c: p[1] for (_, c), p in places("cin_open_without_plan", frame).items()}
    [point] = run(get("cin_open_without_plan"), frame)

    assert rows == {"C1": True, "C2": False, "C3": False, "C4": False, "C5": False, "C6": True}
    assert (point.numerator, point.denominator, point.value) == (2, 6, 33.3)

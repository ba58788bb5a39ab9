"""Demand-flow indicators, child by child: days from referral to CP plan and from CP plan to
becoming looked after. Dates sit on the edges: a leap day inside the wait, a plan starting on
the day of the referral, a CP plan ending the day the child became looked after (or the day
before)."""

from datetime import date

from casegrip.measures.catalogue import get
from casegrip.measures.runner import evaluate, run

from .conftest import case_record, month

D = date


def rows_of(measure_id, frame):
    return {
        r["child_id"]: r
        for r in frame.connection.to_pylist(evaluate(get(measure_id), frame, attribute=False))
    }


def referral(rid, child, when):
    return {"cine_referral_id": rid, "cine_person_id": child, "cine_referral_date": when}


def cp_plan(pid, child, start, end=None, referral_id=None):
    return {
        "cppl_cp_plan_id": pid,
        "cppl_person_id": child,
        "cppl_cp_plan_start_date": start,
        "cppl_cp_plan_end_date": end,
        "cppl_referral_id": referral_id,
    }


def care(eid, child, start, entered=None, reason="S", placement=None):
    return {
        "clae_cla_episode_id": eid,
        "clae_person_id": child,
        "clae_cla_episode_start_date": start,
        "clae_entered_care_date": entered,
        "clae_cla_episode_start_reason": reason,
        "clae_cla_placement_id": placement,
    }


# -- referral to CP plan -----------------------------------------------------------------------


def test_referral_to_cp_plan_counts_days_to_the_first_plan_after_the_referral(frame_for):
    record = case_record(
        ssd_cin_episodes=[
            referral("R1", "C1", D(2026, 2, 1)),
            referral("R2", "C2", D(2026, 1, 1)),  # the plan names R2, not the later R3
            referral("R3", "C2", D(2026, 2, 20)),
            referral("R4", "C3", D(2025, 12, 1)),
            referral("R5", "C3", D(2026, 3, 10)),  # the latest before C3's plan: same day
            referral("R6", "C4", D(2025, 10, 1)),
        ],
        ssd_cp_plans=[
            cp_plan("P1", "C1", D(2026, 3, 3), referral_id="R1"),  # 30 days
            cp_plan("P2", "C2", D(2026, 3, 2), referral_id="R2"),  # 60 days
            cp_plan("P3", "C3", D(2026, 3, 10)),  # 0 days, no referral named
            cp_plan("P4a", "C4", D(2025, 11, 1), D(2026, 1, 31), referral_id="R6"),
            cp_plan("P4b", "C4", D(2026, 3, 15), referral_id="R6"),  # a second plan: left out
            cp_plan("P5", "C5", D(2026, 3, 20)),  # no referral on record: left out
        ],
    )
    frame = frame_for(record, [month(2026, 3)])

    rows = rows_of("referral_to_cp_days", frame)
    [point] = run(get("referral_to_cp_days"), frame)

    assert {c: r["value"] for c, r in rows.items() if r["in_denominator"]} == {
        "C1": 30,
        "C2": 60,
        "C3": 0,
    }
    assert not rows["C4"]["in_denominator"]
    assert not rows["C5"]["in_denominator"]
    assert (point.denominator, point.value) == (3, 30.0)


def test_referral_to_cp_plan_counts_the_leap_day(frame_for):
    record = case_record(
        ssd_cin_episodes=[referral("R1", "C1", D(2024, 2, 28))],
        ssd_cp_plans=[cp_plan("P1", "C1", D(2024, 3, 1))],
    )
    [point] = run(get("referral_to_cp_days"), frame_for(record, [month(2024, 3)]))
    assert point.value == 2.0


# -- CP plan to looked after -------------------------------------------------------------------


def _care_record():
    return case_record(
        ssd_cp_plans=[
            cp_plan("P1", "C1", D(2025, 9, 1), D(2026, 3, 10)),  # ends the day C1 comes in
            cp_plan("P2", "C2", D(2026, 1, 1)),  # open
            cp_plan("P3", "C3", D(2025, 9, 1), D(2026, 3, 9)),  # ended the day before
            cp_plan("P6a", "C6", D(2025, 1, 1)),  # two open plans: the later one counts
            cp_plan("P6b", "C6", D(2026, 2, 1)),
            cp_plan("P7", "C7", D(2026, 1, 1)),
        ],
        ssd_cla_episodes=[
            care("E1", "C1", D(2026, 3, 10), D(2026, 3, 10), placement="PL1"),  # 190 days
            care("E2", "C2", D(2026, 3, 2), D(2026, 3, 2), placement="PL2"),  # 60 days
            care("E2b", "C2", D(2026, 3, 20), D(2026, 3, 2), reason="P"),  # a later episode
            care("E3", "C3", D(2026, 3, 10), D(2026, 3, 10)),
            care("E4", "C4", D(2026, 3, 12), D(2026, 3, 12)),  # never on a CP plan
            care("E6", "C6", D(2026, 3, 20)),  # no date entered care; a new period (S): 47 days
            care("E7", "C7", D(2026, 2, 28), D(2026, 2, 28)),  # came in before the period
        ],
        ssd_cla_placement=[
            {"clap_cla_placement_id": "PL1", "clap_cla_placement_type": "U1"},
            {"clap_cla_placement_id": "PL2", "clap_cla_placement_type": "K2"},
        ],
        ssd_legal_status=[
            {
                "lega_legal_status_id": "L1",
                "lega_person_id": "C1",
                "lega_legal_status": "C2",
                "lega_legal_status_start_date": D(2026, 3, 10),
            },
            {
                "lega_legal_status_id": "L2a",
                "lega_person_id": "C2",
                "lega_legal_status": "V2",
                "lega_legal_status_start_date": D(2026, 3, 2),
            },
            {
                "lega_legal_status_id": "L2b",
                "lega_person_id": "C2",
                "lega_legal_status": "C1",
                "lega_legal_status_start_date": D(2026, 3, 25),  # later: not the status then
            },
        ],
    )


def test_cp_to_cla_counts_days_from_the_plan_open_when_the_child_came_into_care(frame_for):
    frame = frame_for(_care_record(), [month(2026, 3)])

    rows = rows_of("cp_to_cla_days", frame)
    [point] = run(get("cp_to_cla_days"), frame)

    assert {c: r["value"] for c, r in rows.items() if r["in_denominator"]} == {
        "C1": 190,
        "C2": 60,
        "C6": 47,
    }
    assert set(rows) == {"C1", "C2", "C3", "C4", "C6"}
    assert (point.denominator, point.value) == (3, 60.0)


def test_cp_to_cla_rows_carry_legal_status_and_placement_type(frame_for):
    frame = frame_for(_care_record(), [month(2026, 3)])

    rows = rows_of("cp_to_cla_days", frame)
    by_status = {p.group: p.denominator for p in run(get("cp_to_cla_days"), frame, "legal_status")}

    assert (rows["C1"]["legal_status"], rows["C1"]["placement_type"]) == ("C2", "U1")
    assert (rows["C2"]["legal_status"], rows["C2"]["placement_type"]) == ("V2", "K2")
    assert by_status == {"C2": 1, "V2": 1, "unknown": 1}

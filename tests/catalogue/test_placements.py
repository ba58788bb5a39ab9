"""Placement stability, distance, social worker changes and care proceedings, case by case.

Dates sit on the edges: a placement ending on the first day of the 12 months (counts) or the
day before (does not), the leap day at the start of a 12-month look-back, exactly 2.5 years in
care and exactly 2 years with a carer, a 16th birthday on the date, proceedings of exactly 26
weeks across 29 February."""

from datetime import date

import pytest

from casegrip.measures.catalogue import get
from casegrip.measures.runner import evaluate, run

from .conftest import as_at, case_record, month

D = date
MARCH_31 = D(2026, 3, 31)


def episode(child, start, end=None, n=1):
    return {
        "clae_cla_episode_id": f"E{child}{n}",
        "clae_person_id": child,
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_ceased_date": end,
    }


def placement(pid, child, start, end=None, kind="U4", reason=None, distance=None):
    return {
        "clap_cla_placement_id": pid,
        "clap_person_id": child,
        "clap_cla_placement_start_date": start,
        "clap_cla_placement_end_date": end,
        "clap_cla_placement_type": kind,
        "clap_cla_placement_change_reason": reason,
        "clap_cla_placement_distance": distance,
    }


def legal(lid, child, code, start, end=None):
    return {
        "lega_legal_status_id": lid,
        "lega_person_id": child,
        "lega_legal_status": code,
        "lega_legal_status_start_date": start,
        "lega_legal_status_end_date": end,
    }


def person(child, dob):
    return {"pers_person_id": child, "pers_dob": dob}


def allocation(iid, child, worker, start, end=None, role="CW"):
    return {
        "invo_involvements_id": iid,
        "invo_person_id": child,
        "invo_professional_id": worker,
        "invo_professional_role_id": role,
        "invo_professional_team": "T1",
        "invo_involvement_start_date": start,
        "invo_involvement_end_date": end,
    }


def rows_of(measure_id, frame):
    return frame.connection.to_pylist(evaluate(get(measure_id), frame, attribute=False))


def places(measure_id, frame, window_end=None):
    """Each child's place in the figure: numerator, denominator or excluded."""
    out = {}
    for r in rows_of(measure_id, frame):
        if window_end is None or r["window_end"] == window_end:
            out[r["child_id"]] = (
                "numerator"
                if r["in_numerator"]
                else "denominator"
                if r["in_denominator"]
                else "excluded"
            )
    return out


def point_at(measure_id, frame, day):
    [point] = [p for p in run(get(measure_id), frame) if p.window_end == day]
    return point


# -- 3 or more placements in the year ---------------------------------------------------------


def test_three_placements_counts_placements_overlapping_the_12_months(frame_for):
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2025, 1, 1)),
            episode("C2", D(2025, 1, 1)),
            episode("C3", D(2025, 6, 1)),
            episode("C4", D(2025, 5, 1)),
            episode("C5", D(2025, 1, 1)),
            episode("C6", D(2025, 1, 1), MARCH_31),  # left care on the date: not looked after
        ],
        ssd_cla_placement=[
            # C1: the first placement ends on 1 April 2025, the first day of the year: 3.
            placement("P11", "C1", D(2025, 1, 1), D(2025, 4, 1), reason="CARPL"),
            placement("P12", "C1", D(2025, 4, 1), D(2025, 9, 1), reason="CHILD"),
            placement("P13", "C1", D(2025, 9, 1)),
            # C2: the first placement ends on 31 March 2025, the day before the year: 2.
            placement("P21", "C2", D(2025, 1, 1), D(2025, 3, 31), reason="CARPL"),
            placement("P22", "C2", D(2025, 3, 31), D(2025, 6, 1), reason="CARPL"),
            placement("P23", "C2", D(2025, 6, 1)),
            # C3: a change of placement with the same carer (PLACE) is not a new placement: 2.
            placement("P31", "C3", D(2025, 6, 1), D(2025, 8, 1), kind="U6", reason="PLACE"),
            placement("P32", "C3", D(2025, 8, 1), D(2025, 10, 1), kind="U4", reason="CARPL"),
            placement("P33", "C3", D(2025, 10, 1)),
            # C4: a temporary stay in hospital (T1) is not a placement: 2.
            placement("P41", "C4", D(2025, 5, 1), D(2025, 5, 10), reason="OTHER"),
            placement("P42", "C4", D(2025, 5, 10), D(2025, 5, 20), kind="T1", reason="OTHER"),
            placement("P43", "C4", D(2025, 5, 20)),
            # C5: on an agreed series of short breaks: not counted.
            placement("P51", "C5", D(2025, 5, 1), D(2025, 6, 1), kind="R1"),
            placement("P52", "C5", D(2025, 6, 1), D(2025, 7, 1), kind="R1"),
            placement("P53", "C5", D(2025, 7, 1), kind="R1"),
            placement("P61", "C6", D(2025, 5, 1), D(2025, 6, 1)),
            placement("P62", "C6", D(2025, 6, 1), D(2025, 7, 1)),
            placement("P63", "C6", D(2025, 7, 1), MARCH_31),
        ],
        ssd_legal_status=[
            legal("L1", "C1", "C2", D(2025, 1, 1)),
            legal("L5", "C5", "V3", D(2025, 1, 1)),
        ],
    )
    frame = frame_for(record, [as_at(MARCH_31)])
    assert places("placement_stability_3plus_in_year", frame) == {
        "C1": "numerator",
        "C2": "denominator",
        "C3": "denominator",
        "C4": "denominator",
        "C5": "excluded",
    }
    values = {
        r["child_id"]: r["value"] for r in rows_of("placement_stability_3plus_in_year", frame)
    }
    assert values == {"C1": 3, "C2": 2, "C3": 2, "C4": 2, "C5": 3}
    point = point_at("placement_stability_3plus_in_year", frame, MARCH_31)
    assert (point.numerator, point.denominator, point.value) == (1, 4, 25.0)


def test_three_placements_year_after_a_leap_day_starts_on_1_march(frame_for):
    # At 28 February 2025 the 12 months run from 1 March 2024, so a placement that ended on
    # 29 February 2024 is outside them; at 27 February 2025 they start on 28 February 2024.
    record = case_record(
        ssd_cla_episodes=[episode("C1", D(2024, 1, 1))],
        ssd_cla_placement=[
            placement("P1", "C1", D(2024, 1, 1), D(2024, 2, 29), reason="CARPL"),
            placement("P2", "C1", D(2024, 2, 29), D(2024, 7, 1), reason="CARPL"),
            placement("P3", "C1", D(2024, 7, 1)),
        ],
    )
    frame = frame_for(record, [as_at(D(2025, 2, 27)), as_at(D(2025, 2, 28))])
    assert point_at("placement_stability_3plus_in_year", frame, D(2025, 2, 27)).numerator == 1
    assert point_at("placement_stability_3plus_in_year", frame, D(2025, 2, 28)).numerator == 0


# -- long-term stability ----------------------------------------------------------------------


def test_long_term_stability_edges(frame_for):
    record = case_record(
        ssd_person=[
            person("C1", D(2015, 1, 1)),
            person("C2", D(2015, 1, 1)),
            person("C3", D(2010, 3, 31)),  # 16 on the date
            person("C4", D(2015, 1, 1)),
            person("C5", D(2017, 1, 1)),
            person("C6", D(2022, 6, 1)),
            person("C7", D(2022, 6, 1)),
        ],
        ssd_cla_episodes=[
            episode("C1", D(2023, 9, 30)),  # exactly 2.5 years before 31 March 2026
            episode("C2", D(2023, 10, 1)),  # a day short
            episode("C3", D(2020, 1, 1)),
            episode("C4", D(2020, 1, 1)),
            episode("C5", D(2020, 1, 1)),
            episode("C6", D(2022, 7, 1)),
            episode("C7", D(2023, 1, 1)),
            episode("C8", D(2020, 1, 1)),  # no date of birth
        ],
        ssd_cla_placement=[
            # C1 with this carer since exactly 2 years before the date.
            placement("P11", "C1", D(2023, 9, 30), D(2024, 3, 31), reason="CARPL"),
            placement("P12", "C1", D(2024, 3, 31)),
            placement("P21", "C2", D(2023, 10, 1)),
            placement("P31", "C3", D(2020, 1, 1)),
            # C4: same carers since 2021, the placement became long-term in 2025 (PLACE).
            placement("P41", "C4", D(2020, 1, 1), D(2021, 1, 1), kind="U6", reason="CARPL"),
            placement("P42", "C4", D(2021, 1, 1), D(2025, 6, 1), kind="U6", reason="PLACE"),
            placement("P43", "C4", D(2025, 6, 1), kind="U4"),
            # C5 moved a day less than 2 years before the date.
            placement("P51", "C5", D(2020, 1, 1), D(2024, 4, 1), reason="CARPL"),
            placement("P52", "C5", D(2024, 4, 1)),
            # C6 placed for adoption in January after 3.5 years with foster carers.
            placement("P61", "C6", D(2022, 7, 1), D(2026, 1, 1), kind="U3", reason="OTHER"),
            placement("P62", "C6", D(2026, 1, 1), kind="A6"),
            # C7 placed for adoption after only 14 months with the carers before.
            placement("P71", "C7", D(2023, 1, 1), D(2025, 1, 1), kind="U3", reason="CARPL"),
            placement("P72", "C7", D(2025, 1, 1), D(2026, 3, 1), kind="U3", reason="OTHER"),
            placement("P73", "C7", D(2026, 3, 1), kind="A6"),
            placement("P81", "C8", D(2020, 1, 1)),
        ],
    )
    frame = frame_for(record, [as_at(MARCH_31)])
    assert places("placement_stability_long_term", frame) == {
        "C1": "numerator",
        "C2": "excluded",
        "C3": "excluded",
        "C4": "numerator",
        "C5": "denominator",
        "C6": "numerator",
        "C7": "denominator",
        "C8": "excluded",
    }
    point = point_at("placement_stability_long_term", frame, MARCH_31)
    assert (point.numerator, point.denominator, point.value) == (3, 5, 60.0)


# -- distance ---------------------------------------------------------------------------------


def test_distance_more_than_20_miles_uses_the_placement_at_the_date(frame_for):
    record = case_record(
        ssd_cla_episodes=[
            episode("C1", D(2025, 1, 1)),
            episode("C2", D(2025, 1, 1)),
            episode("C3", D(2025, 1, 1)),
            episode("C4", D(2025, 1, 1)),
            episode("C5", D(2025, 1, 1), MARCH_31),
            episode("C6", D(2025, 1, 1)),
        ],
        ssd_cla_placement=[
            placement("P1", "C1", D(2025, 1, 1), distance=20.0),  # exactly 20: not more
            placement("P2", "C2", D(2025, 1, 1), distance=20.1),
            placement("P3", "C3", D(2025, 1, 1)),  # no distance: not counted
            # C4 moved on the date: the new placement is the one that counts.
            placement("P41", "C4", D(2025, 1, 1), MARCH_31, kind="U6", distance=3.0),
            placement("P42", "C4", MARCH_31, kind="K2", distance=25.0),
            placement("P5", "C5", D(2025, 1, 1), MARCH_31, distance=30.0),  # left care
            placement("P6", "C6", D(2025, 1, 1), kind="R1", distance=50.0),  # short breaks
        ],
        ssd_legal_status=[
            legal("L4", "C4", "C2", D(2025, 1, 1)),
            legal("L6", "C6", "V3", D(2025, 1, 1)),
        ],
    )
    frame = frame_for(record, [as_at(MARCH_31)])
    assert places("placement_distance_20_miles", frame) == {
        "C1": "denominator",
        "C2": "numerator",
        "C3": "excluded",
        "C4": "numerator",
        "C6": "excluded",
    }
    c4 = [r for r in rows_of("placement_distance_20_miles", frame) if r["child_id"] == "C4"]
    assert (c4[0]["legal_status"], c4[0]["placement_type"], c4[0]["value"]) == ("C2", "K2", 25.0)
    point = point_at("placement_distance_20_miles", frame, MARCH_31)
    assert (point.numerator, point.denominator) == (2, 3)
    assert point.value == pytest.approx(66.7)


# -- social workers ---------------------------------------------------------------------------


def test_three_social_workers_counts_distinct_allocated_workers_in_the_12_months(frame_for):
    record = case_record(
        ssd_cla_episodes=[episode(c, D(2025, 1, 1)) for c in ("C1", "C2", "C3", "C4", "C5")],
        ssd_involvements=[
            # C1: the first allocation ends on 1 April 2025, the first day of the year: 3.
            allocation("I11", "C1", "W1", D(2024, 6, 1), D(2025, 4, 1)),
            allocation("I12", "C1", "W2", D(2025, 4, 1), D(2025, 10, 1)),
            allocation("I13", "C1", "W3", D(2025, 10, 1)),
            # C2: the first ended on 31 March 2025, before the year: 2.
            allocation("I21", "C2", "W1", D(2024, 6, 1), D(2025, 3, 31)),
            allocation("I22", "C2", "W2", D(2025, 3, 31), D(2025, 10, 1)),
            allocation("I23", "C2", "W3", D(2025, 10, 1)),
            # C3: W1, W2 and W1 again: 2 social workers.
            allocation("I31", "C3", "W1", D(2025, 1, 1), D(2025, 6, 1)),
            allocation("I32", "C3", "W2", D(2025, 6, 1), D(2025, 9, 1)),
            allocation("I33", "C3", "W1", D(2025, 9, 1)),
            # C4: two social workers and an IRO, who is not a social worker allocation.
            allocation("I41", "C4", "W1", D(2025, 1, 1), D(2025, 6, 1)),
            allocation("I42", "C4", "W2", D(2025, 6, 1)),
            allocation("I43", "C4", "W9", D(2025, 1, 1), role="IRO"),
            # C5: none recorded.
        ],
    )
    frame = frame_for(record, [as_at(MARCH_31)])
    assert places("cla_sw_changes_3plus", frame) == {
        "C1": "numerator",
        "C2": "denominator",
        "C3": "denominator",
        "C4": "denominator",
        "C5": "denominator",
    }
    values = {r["child_id"]: r["value"] for r in rows_of("cla_sw_changes_3plus", frame)}
    assert values == {"C1": 3, "C2": 2, "C3": 2, "C4": 2, "C5": 0}
    point = point_at("cla_sw_changes_3plus", frame, MARCH_31)
    assert (point.numerator, point.denominator, point.value) == (1, 5, 20.0)


# -- care proceedings ------------------------------------------------------------------------


def proceedings_record():
    return case_record(
        ssd_legal_status=[
            # 1 January to 1 July 2024 is 182 days (2024 is a leap year): exactly 26 weeks.
            legal("L11", "C1", "C1", D(2024, 1, 1), D(2024, 7, 1)),
            legal("L12", "C1", "C2", D(2024, 7, 1)),
            legal("L21", "C2", "C1", D(2024, 1, 1), D(2024, 7, 2)),  # 183 days
            legal("L22", "C2", "E1", D(2024, 7, 2)),
            # C3: a second interim order the day after the first ended: one run, 212 days.
            legal("L31", "C3", "C1", D(2024, 1, 1), D(2024, 3, 1)),
            legal("L32", "C3", "C1", D(2024, 3, 2), D(2024, 7, 31)),
            legal("L41", "C4", "C1", D(2024, 1, 1)),  # still going
            legal("L51", "C5", "C1", D(2024, 2, 1), D(2024, 6, 15)),  # 135 days, in June
            legal("L61", "C6", "V2", D(2024, 1, 1), D(2024, 7, 1)),  # accommodated: no order
        ]
    )


def test_care_proceedings_within_26_weeks_counts_exactly_182_days(frame_for):
    frame = frame_for(proceedings_record(), [month(2024, 6), month(2024, 7)])
    july = D(2024, 7, 31)
    assert places("care_proceedings_within_26wk", frame, july) == {
        "C1": "numerator",
        "C2": "denominator",
        "C3": "denominator",
    }
    assert places("care_proceedings_within_26wk", frame, D(2024, 6, 30)) == {"C5": "numerator"}
    point = point_at("care_proceedings_within_26wk", frame, july)
    assert (point.numerator, point.denominator) == (1, 3)
    by_child = {
        r["child_id"]: r["legal_status"]
        for r in rows_of("care_proceedings_within_26wk", frame)
        if r["window_end"] == july
    }
    # The legal status on the day the proceedings concluded: the final order, where one began.
    assert by_child == {"C1": "C2", "C2": "E1", "C3": "C1"}


def test_care_proceedings_average_weeks(frame_for):
    frame = frame_for(proceedings_record(), [month(2024, 7)])
    point = point_at("care_proceedings_avg_weeks", frame, D(2024, 7, 31))
    assert point.denominator == 3
    assert point.value == pytest.approx(round((182 + 183 + 212) / 7 / 3, 1))


def test_placement_measures_carry_breakdowns():
    for measure_id in (
        "placement_stability_3plus_in_year",
        "placement_stability_long_term",
        "placement_distance_20_miles",
        "cla_sw_changes_3plus",
        "care_proceedings_within_26wk",
        "care_proceedings_avg_weeks",
    ):
        measure = get(measure_id)
        assert measure.group == "Looked after"
        assert measure.breakdowns == ("legal_status", "placement_type")
    assert get("care_proceedings_within_26wk").due_rule

"""Adoption scorecard timeliness (A1, A2, A10), case by case.

Adoptions are episodes ending E11/E12 in the period; the clock starts at the start of the final
period of care. Durations cross 29 February 2024."""

from datetime import date

import pytest

from casegrip.measures.catalogue import get
from casegrip.measures.frame import Window
from casegrip.measures.runner import evaluate, run

from .conftest import case_record, month, only_point

D = date
YEAR = Window(D(2025, 4, 1), D(2026, 3, 31))


def episode(eid, child, start, end=None, reason=None):
    return {
        "clae_cla_episode_id": eid,
        "clae_person_id": child,
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_ceased_date": end,
        "clae_cla_episode_ceased_reason": reason,
    }


def permanence(pid, child, **dates):
    return {"perm_table_id": pid, "perm_person_id": child, **dates}


def record():
    return case_record(
        ssd_cla_episodes=[
            # C1: in care 1 January 2024, placed 1 June 2024 (152 days across 29 February),
            # adopted 15 March 2026.
            episode("E11", "C1", D(2024, 1, 1), D(2024, 6, 1), "X1"),
            episode("E12", "C1", D(2024, 6, 1), D(2026, 3, 15), "E11"),
            # C2: adopted by the foster carers it moved in with on 1 March 2023.
            episode("E21", "C2", D(2023, 2, 1), D(2026, 3, 1), "E12"),
            # C3: adopted, but no permanence record.
            episode("E31", "C3", D(2024, 1, 1), D(2025, 12, 1), "E11"),
            # C4: adopted before the period.
            episode("E41", "C4", D(2023, 1, 1), D(2025, 3, 31), "E11"),
            # C5: left care under a special guardianship order: not an adoption.
            episode("E51", "C5", D(2024, 1, 1), D(2025, 6, 1), "E43"),
            # C6: an earlier period of care, then the final one from 1 July 2024.
            episode("E61", "C6", D(2019, 1, 1), D(2020, 1, 1), "E4A"),
            episode("E62", "C6", D(2024, 7, 1), D(2026, 2, 10), "E11"),
        ],
        ssd_permanence=[
            # C1: an earlier plan that was reversed (never placed), and the one that led here.
            permanence(
                "M10",
                "C1",
                perm_adm_decision_date=D(2024, 1, 20),
                perm_decision_reversed_date=D(2024, 2, 1),
            ),
            permanence(
                "M11",
                "C1",
                perm_placement_order_date=D(2024, 3, 1),
                perm_matched_date=D(2024, 5, 1),  # 61 days after the order
                perm_placed_for_adoption_date=D(2024, 6, 1),
            ),
            permanence(
                "M2",
                "C2",
                perm_placement_order_date=D(2024, 10, 1),
                perm_matched_date=D(2024, 9, 1),  # before the order: 0 days
                perm_placed_for_adoption_date=D(2025, 2, 1),  # 731 days after entering care
                perm_adopted_by_carer_flag="Y",
                perm_placed_foster_carer_date=D(2023, 3, 1),  # 28 days after entering care
            ),
            permanence(
                "M6",
                "C6",
                perm_matched_date=D(2024, 9, 15),  # with consent: no placement order
                perm_placed_for_adoption_date=D(2024, 10, 1),  # 92 days
            ),
        ],
    )


def values(measure_id, frame):
    return {
        r["child_id"]: (r["in_denominator"], r["value"])
        for r in frame.connection.to_pylist(evaluate(get(measure_id), frame, attribute=False))
    }


def test_a1_entering_care_to_placed_for_adoption(frame_for):
    frame = frame_for(record(), [YEAR])
    assert values("adoption_a1_days", frame) == {
        "C1": (True, 152.0),
        "C2": (True, 731.0),
        "C3": (False, None),
        "C6": (True, 92.0),
    }
    point = only_point("adoption_a1_days", frame)
    assert (point.denominator, point.value) == (3, 325.0)


def test_a10_stops_the_clock_when_the_child_moved_in_with_the_foster_carer(frame_for):
    frame = frame_for(record(), [YEAR])
    assert values("adoption_a10_days", frame)["C2"] == (True, 28.0)
    point = only_point("adoption_a10_days", frame)
    assert (point.denominator, point.value) == (3, pytest.approx(round((152 + 28 + 92) / 3, 1)))


def test_a2_placement_order_to_match_counts_a_match_before_the_order_as_0(frame_for):
    frame = frame_for(record(), [YEAR])
    got = values("adoption_a2_days", frame)
    assert got["C1"] == (True, 61.0)
    assert got["C2"] == (True, 0.0)
    assert got["C3"][0] is False  # no permanence record
    assert got["C6"][0] is False  # no placement order
    point = only_point("adoption_a2_days", frame)
    assert (point.denominator, point.value) == (2, 30.5)


def test_a1_over_monthly_windows(frame_for):
    frame = frame_for(record(), [month(2026, 2), month(2026, 3)])
    points = run(get("adoption_a1_days"), frame)
    assert [(p.window_end, p.denominator, p.value) for p in points] == [
        (D(2026, 2, 28), 1, 92.0),
        (D(2026, 3, 31), 2, 441.5),
    ]


def test_adoption_measures_are_means_with_breakdowns():
    for measure_id in ("adoption_a1_days", "adoption_a2_days", "adoption_a10_days"):
        measure = get(measure_id)
        assert measure.group == "Adoption"
        assert measure.kind.value == "mean"
        assert measure.breakdowns == ("legal_status", "placement_type")
        assert "3-year period" in measure.description

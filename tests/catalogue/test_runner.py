"""The runner: attribution to the allocated team, breakdowns, RAG against targets."""

from datetime import date

import pytest

from casegrip.measures.catalogue import MEASURES, get
from casegrip.measures.model import Polarity, Rag, RagBands, Target, TargetStep
from casegrip.measures.runner import run

from .conftest import case_record, month

D = date


def record_with_allocations():
    return case_record(
        ssd_person=[
            {"pers_person_id": "C1", "pers_sex": "F", "pers_dob": D(2020, 3, 1)},
            {"pers_person_id": "C2", "pers_sex": "M", "pers_dob": D(2010, 3, 31)},
            {"pers_person_id": "C3", "pers_sex": "M", "pers_dob": D(2025, 6, 1)},
        ],
        ssd_cin_episodes=[
            {"cine_referral_id": f"R{i}", "cine_person_id": f"C{i}",
             "cine_referral_date": D(2026, 3, 10), "cine_referral_nfa": nfa}
            for i, nfa in ((1, "Y"), (2, "N"), (3, "N"))
        ],
        ssd_involvements=[
            {"invo_involvements_id": "I1", "invo_person_id": "C1", "invo_professional_id": "W1",
             "invo_professional_role_id": "CW", "invo_professional_team": "T1",
             "invo_involvement_start_date": D(2026, 1, 1)},
            {"invo_involvements_id": "I2", "invo_person_id": "C2", "invo_professional_id": "W2",
             "invo_professional_role_id": "CW", "invo_professional_team": "T2",
             "invo_involvement_start_date": D(2026, 1, 1)},
            # An IRO is not the allocated worker.
            {"invo_involvements_id": "I3", "invo_person_id": "C3", "invo_professional_id": "W9",
             "invo_professional_role_id": "IRO", "invo_professional_team": "T1",
             "invo_involvement_start_date": D(2026, 1, 1)},
        ],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("team", {"T1": (1, 1), "T2": (0, 1), "unallocated": (0, 1)}),
        ("worker", {"W1": (1, 1), "W2": (0, 1), "unallocated": (0, 1)}),
        ("locality", {"L1": (1, 1), "none": (0, 1), "unallocated": (0, 1)}),
        ("service", {"S1": (1, 2), "unallocated": (0, 1)}),
        ("sex", {"F": (1, 1), "M": (0, 2)}),
        # Ages on 31 March 2026: 6, 16 (a birthday on the day), 0.
        ("age_band", {"5 to 9": (1, 1), "16 and over": (0, 1), "Under 1": (0, 1)}),
    ],
)
def test_breakdowns_follow_the_allocation_at_the_window_end(frame_for, by, expected):
    frame = frame_for(record_with_allocations(), [month(2026, 3)])
    points = run(get("referral_nfa_rate"), frame, by=by)
    assert {p.group: (p.numerator, p.denominator) for p in points} == expected


def test_an_unknown_breakdown_is_refused_by_name(frame_for):
    frame = frame_for(record_with_allocations(), [month(2026, 3)])
    with pytest.raises(ValueError, match="'shoe_size' is not a breakdown"):
        run(get("referral_nfa_rate"), frame, by="shoe_size")


def test_targets_follow_their_trajectory_and_rag_their_polarity():
    trajectory = Target(
        (
            TargetStep(D(2026, 9, 1), 50),
            TargetStep(D(2026, 12, 1), 65),
            TargetStep(D(2027, 3, 1), 80),
        )
    )
    assert trajectory.at(D(2026, 8, 31)) is None
    assert trajectory.at(D(2026, 10, 31)) == 50
    assert trajectory.at(D(2027, 3, 31)) == 80
    bands = RagBands(amber_within=5)
    assert bands.judge(80, 80, Polarity.HIGHER_BETTER) is Rag.GREEN
    assert bands.judge(76, 80, Polarity.HIGHER_BETTER) is Rag.AMBER
    assert bands.judge(74, 80, Polarity.HIGHER_BETTER) is Rag.RED
    assert bands.judge(24, 22, Polarity.LOWER_BETTER) is Rag.AMBER
    assert bands.judge(30, None, Polarity.LOWER_BETTER) is Rag.NONE
    assert bands.judge(30, 20, Polarity.CONTEXTUAL) is Rag.NONE


def test_every_measure_is_documented():
    for measure in MEASURES:
        assert len(measure.description) > 40, measure.id
        assert measure.source, measure.id
        assert measure.name[0].isupper(), measure.id


def test_running_many_at_once_gives_what_running_each_gives(frame_for):
    from casegrip.measures.runner import BREAKDOWNS, run_many

    frame = frame_for(record_with_allocations(), [month(2026, 2), month(2026, 3)])
    # Two proportions share one compiled breakdowns query: the second must get its own figures.
    measures = [
        get("referral_nfa_rate"),
        get("referral_rate_per_10k"),
        get("rereferral_rate_12m"),
        get("contact_conversion_to_referral"),
    ]
    done = []
    together = run_many(measures, frame, progress=lambda measure: done.append(measure.id))
    assert sorted(done) == sorted(m.id for m in measures)
    assert [key[0] for key in together][:: len(BREAKDOWNS)] == [m.id for m in measures]
    for measure in measures:
        for by in BREAKDOWNS:
            assert together[(measure.id, by)] == run(measure, frame, by=by), (measure.id, by)
    nfa = {p.window_end: p.numerator for p in together[("referral_nfa_rate", "authority")]}
    again = {p.window_end: p.numerator for p in together[("rereferral_rate_12m", "authority")]}
    assert nfa == {D(2026, 2, 28): 0, D(2026, 3, 31): 1}
    assert again == {D(2026, 2, 28): 0, D(2026, 3, 31): 0}


def test_a_forked_connection_reads_the_same_tables_and_keeps_its_own_temporary_ones(frame_for):
    frame = frame_for(record_with_allocations(), [month(2026, 3)])
    connection = frame.connection
    twin = connection.fork()
    if twin is None:
        assert connection.name != "duckdb"  # only DuckDB forks
        return
    try:
        assert twin.to_pyarrow(twin.table("ssd_person")).num_rows == 3
        mine = connection.table("ssd_person")
        connection.materialise("_cg_mine", mine.filter(mine.pers_sex == "F"))
        theirs = twin.table("ssd_person")
        twin.materialise("_cg_mine", theirs.filter(theirs.pers_sex == "M"))
        assert connection.to_pylist(connection.table("_cg_mine").pers_person_id) == [
            {"pers_person_id": "C1"}
        ]
        assert len(twin.to_pylist(twin.table("_cg_mine"))) == 2
    finally:
        twin.close()

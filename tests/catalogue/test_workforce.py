"""Workforce indicators, worker by worker. Staff-level measures put the worker's id where a
child's would be, so the tables below read: the workers, what the case record shows of them,
and whether each counts. Dates sit on the edges: a caseload exactly at the limit, supervision
due on a leap day, a leaver exactly twelve months before the date, an allocation ending on the
as-at date."""

from datetime import date

from casegrip.measures.catalogue import get
from casegrip.measures.frame import Window
from casegrip.measures.runner import evaluate, run

from .conftest import as_at, case_record

D = date


def points(measure_id, frame):
    return run(get(measure_id), frame)


def only_point(measure_id, frame):
    [point] = points(measure_id, frame)
    return point


def places(measure_id, frame):
    """{(window_end, id): (in_denominator, in_numerator)} for every row."""
    return {
        (r["window_end"], r["child_id"]): (r["in_denominator"], r["in_numerator"])
        for r in frame.connection.to_pylist(evaluate(get(measure_id), frame, attribute=False))
    }


def prof(pid, title="Social worker", fte=1.0, agency="N", team="T1", registered=True):
    return {
        "prof_professional_id": pid,
        "prof_professional_job_title": title,
        "prof_full_time_equivalency": fte,
        "prof_agency_worker_flag": agency,
        "prof_professional_department": team,
        "prof_social_worker_registration_no": f"SW{pid}" if registered else None,
    }


def alloc(iid, worker, child, start, end=None, role="CW", team="T1"):
    return {
        "invo_involvements_id": iid,
        "invo_professional_id": worker,
        "invo_person_id": child,
        "invo_professional_role_id": role,
        "invo_professional_team": team,
        "invo_involvement_start_date": start,
        "invo_involvement_end_date": end,
    }


def sup(sid, worker, day, kind="FORMAL", supervisor="M1"):
    return {
        "supe_supervision_id": sid,
        "supe_supervisee_id": worker,
        "supe_supervisor_id": supervisor,
        "supe_supervision_date": day,
        "supe_supervision_type": kind,
    }


def caseload(worker, n):
    """``n`` allocations for ``worker`` open from 5 January 2026, children named after them."""
    return [alloc(f"I{worker}{i}", worker, f"C{worker}{i}", D(2026, 1, 5)) for i in range(n)]


# -- caseloads ---------------------------------------------------------------------------------


def test_average_caseload_divides_children_by_the_fte_of_their_workers(frame_for):
    record = case_record(
        ssd_professionals=[prof("W1", fte=1.0), prof("W2", fte=0.5), prof("W3", fte=None)],
        ssd_involvements=[
            alloc("I1", "W1", "C1", D(2026, 1, 5)),
            alloc("I2", "W1", "C2", D(2026, 1, 5)),
            alloc("I3", "W1", "C3", D(2026, 1, 5)),
            alloc("I4", "W2", "C4", D(2026, 1, 5)),
            alloc("I5", "W3", "C5", D(2026, 1, 5)),  # no FTE recorded: 1.0
            alloc("I6", "W3", "C6", D(2026, 1, 5)),
            alloc("I7", "W1", "C7", D(2026, 1, 5), D(2026, 3, 31)),  # ended on the date
            alloc("I8", "W1", "C8", D(2025, 6, 1)),  # C8: the newer allocation, to W2, counts
            alloc("I9", "W2", "C8", D(2026, 2, 1)),
            alloc("I10", "W4", "C9", D(2026, 1, 5), role="IRO"),  # not an allocated worker
        ],
    )
    frame = frame_for(record, [as_at(D(2026, 3, 31))])

    point = only_point("caseload_average_fte", frame)

    # 7 children (C1-C3 with W1, C4 and C8 with W2, C5-C6 with W3) over 1.0 + 0.5 + 1.0 FTE.
    assert (point.numerator, point.denominator, point.value) == (7, 3, 2.8)
    rows = places("caseload_average_fte", frame)
    day = D(2026, 3, 31)
    assert rows[(day, "W2")] == (True, False)
    assert rows[(day, "C8")] == (False, True)
    assert not {(day, "C7"), (day, "C9"), (day, "W4")} & set(rows)


def test_average_caseload_by_team_uses_the_workers_own_team(frame_for):
    record = case_record(
        ssd_professionals=[prof("W1", team="T1"), prof("W2", team="T2", fte=0.5)],
        ssd_involvements=[
            *caseload("W1", 3),
            # A case of team T1 held by W2 of team T2 counts in T2, where W2's FTE is.
            alloc("IX", "W2", "CX", D(2026, 1, 5), team="T1"),
        ],
    )
    frame = frame_for(record, [as_at(D(2026, 3, 31))])

    by_team = {p.group: p for p in run(get("caseload_average_fte"), frame, by="team")}

    assert (by_team["T1"].numerator, by_team["T1"].value) == (3, 3.0)
    assert (by_team["T2"].numerator, by_team["T2"].value) == (1, 2.0)


LIMITS = [
    # worker, title,                      cases, over the limit?
    ("W1", "Social worker", 18, False),  # exactly 18: within
    ("W2", "Senior social worker", 19, True),
    ("A1", "ASYE social worker", 15, False),  # exactly 15: within the ASYE limit
    ("A2", "Newly qualified social worker", 16, True),
]


def _limits_record():
    return case_record(
        ssd_professionals=[prof(w, title=t) for w, t, _, _ in LIMITS],
        ssd_involvements=[i for w, _, n, _ in LIMITS for i in caseload(w, n)],
    )


def test_caseload_over_threshold_is_more_than_18_or_more_than_15_in_the_asye(frame_for):
    frame = frame_for(_limits_record(), [as_at(D(2026, 3, 31))])

    point = only_point("caseload_over_threshold", frame)
    rows = places("caseload_over_threshold", frame)

    assert {w: over for (_, w), (_, over) in rows.items()} == {w: o for w, _, _, o in LIMITS}
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


def test_asye_caseload_protected_counts_only_asye_workers(frame_for):
    frame = frame_for(_limits_record(), [as_at(D(2026, 3, 31))])

    point = only_point("asye_caseload_protected", frame)
    rows = places("asye_caseload_protected", frame)

    assert {w: ok for (_, w), (_, ok) in rows.items()} == {"A1": True, "A2": False}
    assert (point.numerator, point.denominator, point.value) == (1, 2, 50.0)


# -- supervision -------------------------------------------------------------------------------

LEAP_DAY, DAY_AFTER = D(2024, 2, 29), D(2024, 3, 1)

SUPERVISION = [
    # worker, title, first allocated, supervision sessions,        supervised in time at
    #                                                               (29 Feb 2024, 1 Mar 2024)
    # Monthly: 31 January + 1 month is 29 February in a leap year.
    ("W1", "Social worker", D(2023, 1, 9), [("S1", D(2024, 1, 31), "FORMAL")], (True, False)),
    # A group session does not count: the last formal one was 29 January.
    (
        "W2",
        "Social worker",
        D(2023, 1, 9),
        [("S2", D(2024, 1, 29), "FORMAL"), ("S3", D(2024, 2, 20), "GROUP")],
        (True, False),
    ),
    # ASYE from 22 January: weekly until 4 March (42 days); 22 Feb + 7 days = 29 Feb.
    ("A1", "ASYE social worker", D(2024, 1, 22), [("S4", D(2024, 2, 22), "FORMAL")], (True, False)),
    # ASYE from 2 October: fortnightly until 2 April; 16 Feb + 14 days = 1 March.
    ("A2", "ASYE social worker", D(2023, 10, 2), [("S5", D(2024, 2, 16), "FORMAL")], (True, True)),
    # ASYE from 1 June 2023: past six months, monthly; 1 Feb + 1 month = 1 March.
    ("A3", "ASYE social worker", D(2023, 6, 1), [("S6", D(2024, 2, 1), "FORMAL")], (True, True)),
    # No supervision yet: due a month after first appearing (5 February: due 5 March).
    ("W3", "Social worker", D(2024, 2, 5), [], (True, True)),
    # No supervision since first appearing on 1 November: due 1 December.
    ("W4", "Social worker", D(2023, 11, 1), [], (False, False)),
]


def test_supervision_is_monthly_and_weekly_then_fortnightly_in_the_asye(frame_for):
    record = case_record(
        ssd_professionals=[prof(w, title=t) for w, t, *_ in SUPERVISION],
        ssd_involvements=[alloc(f"I{w}", w, f"C{w}", first) for w, _, first, _, _ in SUPERVISION],
        ssd_supervision=[
            sup(sid, w, day, kind)
            for w, _, _, sessions, _ in SUPERVISION
            for sid, day, kind in sessions
        ],
    )
    frame = frame_for(record, [as_at(LEAP_DAY), as_at(DAY_AFTER)])

    rows = places("supervision_compliance", frame)
    got = {w: (rows[(LEAP_DAY, w)][1], rows[(DAY_AFTER, w)][1]) for w, *_ in SUPERVISION}

    assert got == {w: expected for w, *_, expected in SUPERVISION}
    [leap, after] = points("supervision_compliance", frame)
    assert (leap.numerator, leap.denominator) == (6, 7)
    assert (after.numerator, after.denominator) == (3, 7)


def test_supervision_counts_only_workers_holding_cases(frame_for):
    record = case_record(
        ssd_professionals=[prof("W1"), prof("W2")],
        ssd_involvements=[alloc("I1", "W1", "C1", D(2026, 1, 5), D(2026, 3, 31))],
        ssd_supervision=[sup("S1", "W2", D(2026, 3, 20))],
    )
    frame = frame_for(record, [as_at(D(2026, 3, 31))])
    assert places("supervision_compliance", frame) == {}


# -- turnover and agency staff -----------------------------------------------------------------

CENSUS = D(2025, 9, 30)


def _staff_record():
    """Social workers and when they appear in the case record. The record's last date is
    31 January 2026 (a supervision), so anyone seen from 30 November 2025 may still be in post."""
    return case_record(
        ssd_professionals=[
            prof("E1"),  # holds an open allocation: in post
            prof("E2"),  # last seen on the census date: left in the year
            prof("E3"),  # last seen exactly a year before: left before the year
            prof("E4"),  # last seen a year less a day before: left in the year
            prof("E5"),  # first seen after the census date: not yet in post
            prof("E6"),  # seen again in December 2025: in post throughout
            prof("M1", title="Team manager"),  # supervises: in post, with no cases
            prof("G1", agency="Y"),  # agency, open allocation: in post
            prof("G2", agency="Y"),  # agency, left in June
            prof("N1", title="Personal adviser", registered=False),  # not a social worker
        ],
        ssd_involvements=[
            alloc("I1", "E1", "C1", D(2024, 1, 8)),
            alloc("I2", "E2", "C2", D(2024, 1, 8), D(2025, 9, 30)),
            alloc("I3", "E3", "C3", D(2023, 1, 9), D(2024, 9, 30)),
            alloc("I4", "E4", "C4", D(2023, 1, 9), D(2024, 10, 1)),
            alloc("I5", "E5", "C5", D(2025, 10, 1)),
            alloc("I6", "E6", "C6", D(2024, 1, 8), D(2025, 8, 15)),
            alloc("I7", "G1", "C7", D(2025, 1, 6)),
            alloc("I8", "G2", "C8", D(2025, 1, 6), D(2025, 6, 1)),
            alloc("I9", "N1", "C9", D(2024, 1, 8), role="PA"),
        ],
        ssd_supervision=[
            sup("S1", "E6", D(2025, 12, 15)),
            sup("S2", "E1", D(2024, 2, 1)),
            sup("S3", "E1", D(2026, 1, 31)),
        ],
    )


def test_turnover_counts_employed_leavers_in_the_year_to_the_date(frame_for):
    frame = frame_for(_staff_record(), [as_at(CENSUS)])

    rows = {w: place for (_, w), place in places("sw_turnover_rate", frame).items()}
    point = only_point("sw_turnover_rate", frame)

    # (in post: denominator, left in the year: numerator)
    assert rows == {
        "E1": (True, False),
        "E2": (False, True),
        "E4": (False, True),
        "E6": (True, False),
        "M1": (True, False),
    }
    assert (point.numerator, point.denominator, point.value) == (2, 3, 66.7)


def test_turnover_does_not_count_someone_seen_lately_as_a_leaver(frame_for):
    # At 31 January 2026, E6 was last seen on 15 December: still in post as far as we know.
    frame = frame_for(_staff_record(), [as_at(D(2026, 1, 31))])

    rows = {w: place for (_, w), place in places("sw_turnover_rate", frame).items()}

    assert rows["E6"] == (True, False)
    assert rows["E2"] == (False, True)
    assert "E4" not in rows  # left more than a year before


def test_agency_rate_is_agency_workers_in_post_over_all_in_post(frame_for):
    frame = frame_for(_staff_record(), [as_at(CENSUS)])

    rows = {w: place for (_, w), place in places("agency_rate", frame).items()}
    point = only_point("agency_rate", frame)

    assert rows == {
        "E1": (True, False),
        "E6": (True, False),
        "M1": (True, False),
        "G1": (True, True),
    }
    assert (point.numerator, point.denominator, point.value) == (1, 4, 25.0)


# -- unallocated cases -------------------------------------------------------------------------


def referral(rid, child, when, closed=None, team="T2"):
    return {
        "cine_referral_id": rid,
        "cine_person_id": child,
        "cine_referral_date": when,
        "cine_close_date": closed,
        "cine_referral_team": team,
    }


def test_unallocated_cases_are_open_children_with_no_allocated_worker(frame_for):
    day = D(2026, 3, 31)
    record = case_record(
        ssd_cin_episodes=[
            referral("R1", "C1", D(2026, 1, 5)),  # allocated
            referral("R2", "C2", D(2026, 3, 30)),  # no allocation yet
            referral("R3", "C3", D(2025, 6, 1)),  # allocation ended on the date
            referral("R4", "C4", D(2026, 1, 5), D(2026, 3, 31)),  # closed on the date
            referral("R5", "C5", D(2026, 1, 5)),  # only an IRO
            referral("R6", "C6", D(2026, 4, 1)),  # referred after the date
        ],
        ssd_involvements=[
            alloc("I1", "W1", "C1", D(2026, 1, 6)),
            alloc("I3", "W1", "C3", D(2025, 6, 2), day),
            alloc("I4", "W1", "C4", D(2026, 1, 6)),
            alloc("I5", "IRO1", "C5", D(2026, 1, 6), role="IRO"),
        ],
    )
    frame = frame_for(record, [as_at(day)])

    rows = {c: place for (_, c), place in places("unallocated_cases", frame).items()}
    point = only_point("unallocated_cases", frame)
    by_team = {p.group: p.numerator for p in run(get("unallocated_cases"), frame, by="team")}

    assert rows == {
        "C1": (True, False),
        "C2": (True, True),
        "C3": (True, True),
        "C5": (True, True),
    }
    assert (point.numerator, point.denominator, point.value) == (3, 4, 3.0)
    assert by_team == {"T1": 0, "T2": 3}  # unallocated children count in their referral's team


def test_measures_run_for_many_windows_at_once(frame_for):
    frame = frame_for(
        _limits_record(),
        [Window(D(2025, 12, 1), D(2025, 12, 31)), Window(D(2026, 1, 1), D(2026, 1, 31))],
    )
    # The allocations start on 5 January 2026: nothing held at the end of December.
    [december, january] = points("caseload_over_threshold", frame)
    assert (december.denominator, january.denominator) == (0, 4)

"""Care leavers, case by case: ages on a birthday that falls on the date, pathway plan reviews
6 calendar months apart across 29 February, and the codes the care leaver record uses."""

from datetime import date

from casegrip.measures.catalogue import get
from casegrip.measures.runner import evaluate, run

from .conftest import as_at, case_record

D = date
MARCH_31 = D(2026, 3, 31)


def leaver(child, eligibility="Former relevant", **fields):
    return {
        "clea_table_id": f"L{child}",
        "clea_person_id": child,
        "clea_care_leaver_eligibility": eligibility,
        **fields,
    }


def person(child, dob):
    return {"pers_person_id": child, "pers_dob": dob}


def places(measure_id, frame, window_end=None):
    out = {}
    for r in frame.connection.to_pylist(evaluate(get(measure_id), frame, attribute=False)):
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


def test_pathway_plan_reviewed_within_6_months(frame_for):
    day = D(2026, 4, 30)
    record = case_record(
        ssd_person=[
            person("C1", D(2006, 1, 1)),
            person("C2", D(2006, 1, 1)),
            person("C3", D(2010, 4, 30)),  # 16 on the date
            person("C4", D(2006, 1, 1)),
            person("C5", D(2006, 1, 1)),
            person("C6", D(2010, 5, 1)),  # 16 the day after
        ],
        ssd_care_leavers=[
            # Reviewed 30 October: due again 30 April, the date itself: in time.
            leaver("C1", clea_pathway_plan_review_date=D(2025, 10, 30)),
            leaver("C2", clea_pathway_plan_review_date=D(2025, 10, 29)),  # due 29 April: late
            leaver("C3", "Eligible"),  # no review recorded
            leaver("C4", "Qualifying", clea_pathway_plan_review_date=D(2026, 4, 1)),
            leaver("C5", clea_pathway_plan_review_date=D(2026, 5, 1)),  # after the date
            leaver("C6", "Eligible", clea_pathway_plan_review_date=D(2026, 4, 1)),  # 15
        ],
    )
    frame = frame_for(record, [as_at(day)])
    assert places("pathway_plan_review_6m", frame) == {
        "C1": "numerator",
        "C2": "denominator",
        "C3": "denominator",
        "C4": "excluded",
        "C5": "excluded",
        "C6": "excluded",
    }
    point = point_at("pathway_plan_review_6m", frame, day)
    assert (point.numerator, point.denominator) == (1, 3)


def test_pathway_plan_six_months_across_a_leap_day(frame_for):
    # Reviewed 31 August 2023: due 29 February 2024. Reviewed 29 February 2024: due 29 August.
    record = case_record(
        ssd_person=[person("C1", D(2005, 1, 1)), person("C2", D(2005, 1, 1))],
        ssd_care_leavers=[
            leaver("C1", clea_pathway_plan_review_date=D(2023, 8, 31)),
            leaver("C2", clea_pathway_plan_review_date=D(2024, 2, 29)),
        ],
    )
    days = [D(2024, 2, 29), D(2024, 3, 1), D(2024, 8, 29), D(2024, 8, 30)]
    frame = frame_for(record, [as_at(d) for d in days])
    got = [point_at("pathway_plan_review_6m", frame, d).numerator for d in days]
    assert got == [2, 1, 1, 0]


def test_in_touch_counts_17_to_21_at_the_date(frame_for):
    record = case_record(
        ssd_person=[
            person("C1", D(2009, 3, 31)),  # 17 on the date
            person("C2", D(2005, 1, 1)),  # 21
            person("C3", D(2004, 3, 31)),  # 22 on the date
            person("C4", D(2004, 4, 1)),  # 21, 22 tomorrow
            person("C5", D(2007, 1, 1)),  # 19
            person("C6", D(2009, 1, 1)),  # 17, still looked after
            person("C7", D(2008, 1, 1)),  # 18
        ],
        ssd_care_leavers=[
            leaver("C1", "Relevant", clea_care_leaver_in_touch="YES"),
            leaver("C2", clea_care_leaver_in_touch="NO"),
            leaver("C3", clea_care_leaver_in_touch="YES"),
            leaver("C4", clea_care_leaver_in_touch="Yes"),
            leaver("C5", clea_care_leaver_in_touch="REFU"),
            leaver("C6", "Eligible", clea_care_leaver_in_touch="YES"),
            leaver("C7", clea_care_leaver_in_touch=None),
        ],
    )
    frame = frame_for(record, [as_at(MARCH_31)])
    assert places("care_leaver_in_touch", frame) == {
        "C1": "numerator",
        "C2": "denominator",
        "C3": "excluded",
        "C4": "numerator",
        "C5": "denominator",
        "C6": "excluded",
        "C7": "denominator",
    }
    point = point_at("care_leaver_in_touch", frame, MARCH_31)
    assert (point.numerator, point.denominator, point.value) == (2, 5, 40.0)


def test_suitable_accommodation_19_to_21_uses_the_flag_then_the_code(frame_for):
    record = case_record(
        ssd_person=[
            person("C1", D(2007, 3, 31)),  # 19 on the date
            person("C2", D(2005, 1, 1)),
            person("C3", D(2005, 1, 1)),
            person("C4", D(2005, 1, 1)),
            person("C5", D(2007, 4, 1)),  # 18, 19 tomorrow
            person("C6", D(2004, 3, 31)),  # 22 on the date
        ],
        ssd_care_leavers=[
            leaver("C1", clea_care_leaver_accom_suitable="Y", clea_care_leaver_accommodation="U1"),
            leaver("C2", clea_care_leaver_accom_suitable="N", clea_care_leaver_accommodation="U1"),
            leaver("C3", clea_care_leaver_accommodation="B1"),  # no flag: the code says suitable
            leaver("C4"),  # no information: in the denominator
            leaver("C5", clea_care_leaver_accom_suitable="Y"),
            leaver("C6", clea_care_leaver_accom_suitable="Y"),
        ],
    )
    frame = frame_for(record, [as_at(MARCH_31)])
    assert places("care_leaver_suitable_accommodation_19_21", frame) == {
        "C1": "numerator",
        "C2": "denominator",
        "C3": "numerator",
        "C4": "denominator",
        "C5": "excluded",
        "C6": "excluded",
    }
    point = point_at("care_leaver_suitable_accommodation_19_21", frame, MARCH_31)
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


def test_eet_19_to_21_reads_the_activity_codes(frame_for):
    codes = {"C1": "F1", "C2": "P5", "C3": "G5", "C4": "0", "C5": None, "C6": " f4 ", "C7": "F2"}
    record = case_record(
        ssd_person=[person(c, D(2008, 1, 1) if c == "C7" else D(2005, 6, 1)) for c in codes],
        ssd_care_leavers=[leaver(c, clea_care_leaver_activity=a) for c, a in codes.items()],
    )
    frame = frame_for(record, [as_at(MARCH_31)])
    assert places("care_leaver_eet_19_21", frame) == {
        "C1": "numerator",
        "C2": "numerator",
        "C3": "denominator",
        "C4": "denominator",
        "C5": "denominator",
        "C6": "numerator",
        "C7": "excluded",  # 18
    }
    point = point_at("care_leaver_eet_19_21", frame, MARCH_31)
    assert (point.numerator, point.denominator, point.value) == (3, 6, 50.0)


def test_rows_are_attributed_to_the_care_leaver_record(frame_for):
    record = case_record(
        ssd_person=[person("C1", D(2005, 1, 1))],
        ssd_care_leavers=[
            leaver(
                "C1",
                clea_care_leaver_in_touch="YES",
                clea_care_leaver_allocated_team="T1",
                clea_care_leaver_worker_id="W7",
            )
        ],
    )
    frame = frame_for(record, [as_at(MARCH_31)])
    [row] = frame.connection.to_pylist(evaluate(get("care_leaver_in_touch"), frame))
    assert (row["team_id"], row["worker_id"], row["eligibility"]) == ("T1", "W7", "Former relevant")

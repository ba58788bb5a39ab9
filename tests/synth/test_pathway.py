"""Invariants of the children's pathway in the small synthetic authority."""

import random
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest

from casegrip.calendar import WorkingCalendar
from casegrip.model import codes
from casegrip.synth.case_record import prepare
from casegrip.synth.days import add_years, to_day
from casegrip.synth.distributions import FOSTER
from casegrip.synth.pathway import COLUMNS, CaseSimulation, Child

from .conftest import END, years_on

CALENDAR = WorkingCalendar()


def test_assessments_are_authorised_on_or_after_their_start(rows):
    assessments = rows(
        "ssd_cin_assessments", "cina_assessment_start_date", "cina_assessment_auth_date"
    )
    assert assessments
    assert all(auth is None or auth >= start for start, auth in assessments)
    assert any(auth is None for _, auth in assessments)  # some still under way
    assert all(CALENDAR.is_working_day(start) for start, _ in assessments)


def test_referrals_close_on_or_after_they_open_and_nfa_ones_the_same_day(rows):
    for opened, closed, nfa, reason in rows(
        "ssd_cin_episodes",
        "cine_referral_date",
        "cine_close_date",
        "cine_referral_nfa",
        "cine_close_reason",
    ):
        assert closed is None or closed >= opened
        assert (closed is None) == (reason is None)
        if nfa == "Y":
            assert (closed, reason) == (opened, "RC8")


def test_every_cp_visit_and_review_falls_within_its_plan(rows):
    plans = {
        pid: (start, stop)
        for pid, start, stop in rows(
            "ssd_cp_plans", "cppl_cp_plan_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"
        )
    }
    visits = rows("ssd_cp_visits", "cppv_cp_plan_id", "cppv_cp_visit_date")
    reviews = rows("ssd_cp_reviews", "cppr_cp_plan_id", "cppr_cp_review_date")
    assert visits
    assert reviews
    for pid, day in visits:
        start, stop = plans[pid]
        assert start <= day
        assert stop is None or day < stop
    for pid, day in reviews:
        start, stop = plans[pid]
        assert start < day
        assert stop is None or day <= stop


def test_cp_reviews_come_3_months_after_the_conference_then_every_6(rows):
    plans = dict(rows("ssd_cp_plans", "cppl_cp_plan_id", "cppl_cp_plan_start_date"))
    by_plan = defaultdict(list)
    for pid, due, held in rows(
        "ssd_cp_reviews", "cppr_cp_plan_id", "cppr_cp_review_due", "cppr_cp_review_date"
    ):
        by_plan[pid].append((due, held))
    late = total = 0
    for pid, reviews in by_plan.items():
        reviews.sort()
        first_due = reviews[0][0]
        assert first_due.day == plans[pid].day or first_due.day >= 28  # 3 calendar months
        assert 89 <= (first_due - plans[pid]).days <= 92
        for (_, held), (next_due, _) in pairwise(reviews):
            assert 181 <= (next_due - held).days <= 184
        late += sum(held > due for due, held in reviews)
        total += len(reviews)
    assert 0 < late < total * 0.15


def test_conferences_target_15_working_days_after_the_s47_start_and_start_the_plan(rows):
    s47 = dict(rows("ssd_s47_enquiry", "s47e_s47_enquiry_id", "s47e_s47_start_date"))
    conferences = rows(
        "ssd_initial_cp_conference",
        "icpc_icpc_id",
        "icpc_s47_enquiry_id",
        "icpc_icpc_target_date",
        "icpc_icpc_date",
        "icpc_cp_plan_id",
        "icpc_icpc_outcome_cp_flag",
    )
    plans = {
        pid: (icpc, start)
        for pid, icpc, start in rows(
            "ssd_cp_plans", "cppl_cp_plan_id", "cppl_icpc_id", "cppl_cp_plan_start_date"
        )
    }
    for cid, sid, target, held, plan, flag in conferences:
        assert target == CALENDAR.add_working_days(s47[sid], 15)
        assert held >= s47[sid]
        assert (plan is not None) == (flag == "Y")
        if plan is not None:
            assert plans[plan] == (cid, held)


def test_periods_of_care_are_unbroken_chains_of_episodes(rows):
    by_period = defaultdict(list)
    for row in rows(
        "ssd_cla_episodes",
        "clae_cla_id",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "clae_cla_episode_ceased_reason",
        "clae_cla_episode_start_reason",
        "clae_entered_care_date",
    ):
        by_period[row[0]].append(row[1:])
    for episodes in by_period.values():
        episodes.sort()
        assert episodes[0][3] == "S"
        assert episodes[0][0] == episodes[0][4]  # the first starts on entering care
        for (start, ceased, reason, _, _), (next_start, *_) in pairwise(episodes):
            assert ceased == next_start > start
            assert reason == "X1"
        last = episodes[-1]
        assert (last[1] is None) == (last[2] is None)
        assert last[2] != "X1"


def test_placements_of_a_period_follow_one_another(rows):
    by_period = defaultdict(list)
    for period, start, stop in rows(
        "ssd_cla_placement",
        "clap_cla_id",
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
    ):
        by_period[period].append((start, stop))
    for placements in by_period.values():
        placements.sort()
        for (start, stop), (next_start, _) in pairwise(placements):
            assert stop == next_start > start


def test_police_protection_lasts_72_hours_at_most_an_emergency_order_longer(rows):
    ended = [
        (code, (stop - start).days)
        for code, start, stop in rows(
            "ssd_legal_status",
            "lega_legal_status",
            "lega_legal_status_start_date",
            "lega_legal_status_end_date",
        )
        if stop is not None
    ]
    police = [days for code, days in ended if code == "L1"]
    assert police
    assert max(police) <= 3  # SSDA903 rule 361
    assert max(days for code, days in ended if code == "L2") > 3


def test_only_children_of_10_or_over_leave_a_placement_for_custody(rows):
    born = dict(rows("ssd_person", "pers_person_id", "pers_dob"))
    custody = [
        (child, start)
        for child, start, why in rows(
            "ssd_cla_placement",
            "clap_person_id",
            "clap_cla_placement_start_date",
            "clap_cla_placement_change_reason",
        )
        if why == "CUSTOD"
    ]
    assert custody
    assert all(start >= years_on(born[child], 10) for child, start in custody)  # rule 234


def test_placements_open_in_2025_26_have_its_codes_and_other_placements_no_provider(rows):
    placements = rows(
        "ssd_cla_placement",
        "clap_cla_placement_type",
        "clap_cla_placement_end_date",
        "clap_cla_placement_provider",
        "clap_cla_placement_urn",
    )
    april = date(2025, 4, 1)
    retired = {"H5", "P2", "Z1"}
    assert {kind for kind, stop, *_ in placements if stop and stop < april} & retired
    assert not {kind for kind, stop, *_ in placements if not stop or stop >= april} & retired
    other = [(provider, urn) for kind, _, provider, urn in placements if kind.startswith("Z")]
    assert other
    assert all(provider is None and urn is None for provider, urn in other)


def test_special_guardianship_to_former_foster_carers_ends_a_foster_placement(rows):
    kinds = dict(rows("ssd_cla_placement", "clap_cla_placement_id", "clap_cla_placement_type"))
    ended = [
        (why, kinds[placement])
        for placement, why in rows(
            "ssd_cla_episodes", "clae_cla_placement_id", "clae_cla_episode_ceased_reason"
        )
        if why in ("E45", "E46", "E47", "E48")
    ]
    assert {why for why, _ in ended} == {"E45", "E46", "E47", "E48"}
    assert all(kind in FOSTER for why, kind in ended if why in ("E45", "E46"))  # rule 516


def test_only_young_people_of_16_or_over_move_to_adult_social_care():
    sim = object.__new__(CaseSimulation)  # a care plan draws on nothing but the random stream
    sim.rng = random.Random(7)
    child = Child(1, "C1")
    child.dob = to_day(date(2010, 1, 1))
    ages = []
    for entry in (date(2022, 6, 1), date(2025, 7, 1)):  # aged 12, so gone before 16; then 15
        for _ in range(20_000):
            plan = sim.care_plan(child, to_day(entry))
            if plan.reason == "E7":
                ages.append((plan.end - child.dob) / 365.25)
    assert ages
    assert min(ages) >= 16  # SSDA903 rule 389


def test_first_cla_review_is_due_20_working_days_after_entering_care(rows):
    entered = dict(rows("ssd_cla_episodes", "clae_cla_id", "clae_entered_care_date"))
    first_due = {}
    for period, due in rows("ssd_cla_reviews", "clar_cla_id", "clar_cla_review_due_date"):
        first_due[period] = min(due, first_due.get(period, due))
    assert first_due
    for period, due in first_due.items():
        assert due == CALENDAR.add_working_days(entered[period], 20)


def test_cases_have_an_allocated_social_worker_and_change_hands_sometimes(rows):
    involvements = rows(
        "ssd_involvements",
        "invo_referral_id",
        "invo_professional_role_id",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        "invo_worker_change_reason",
    )
    assert {role for _, role, *_ in involvements} == {"CW", "IRO", "PA"}
    for _, _, start, stop, _ in involvements:
        assert stop is None or stop > start
    allocated = {ref for ref, role, start, stop, _ in involvements if role == "CW" and stop is None}
    open_cases = [
        ref
        for ref, opened, closed, nfa in rows(
            "ssd_cin_episodes",
            "cine_referral_id",
            "cine_referral_date",
            "cine_close_date",
            "cine_referral_nfa",
        )
        if closed is None and nfa == "N" and opened <= END - timedelta(days=7)
    ]
    assert sum(ref in allocated for ref in open_cases) / len(open_cases) > 0.98
    reasons = {reason for *_, reason in involvements}
    assert {"Worker left", "Case closed", "Case transferred to another team"} <= reasons
    per_referral = defaultdict(int)
    for ref, role, *_ in involvements:
        if role == "CW":
            per_referral[ref] += 1
    assert max(per_referral.values()) >= 3


def test_a_worker_holds_a_case_three_days_at_least(rows):
    allocated = [
        row
        for row in rows(
            "ssd_involvements",
            "invo_person_id",
            "invo_professional_role_id",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
            "invo_worker_change_reason",
        )
        if row[1] == "CW"
    ]
    # A case that closes within days is closed on duty, never allocated; no case is handed to
    # another team or worker that soon (SSDA903 SW09), nor do two allocations begin at once.
    assert all((stop - start).days >= 3 for *_, start, stop, _ in allocated if stop)
    assert any(why == "Case closed" for *_, why in allocated)
    starts = Counter((child, start) for child, _, start, *_ in allocated)
    assert max(starts.values()) == 1


def test_newly_qualified_workers_have_protected_caseloads(rows, small):
    titles = dict(rows("ssd_professionals", "prof_professional_id", "prof_professional_job_title"))
    caseload = defaultdict(int)
    for pid, role, stop in rows(
        "ssd_involvements",
        "invo_professional_id",
        "invo_professional_role_id",
        "invo_involvement_end_date",
    ):
        if role == "CW" and stop is None:
            caseload[pid] += 1
    asye = [pid for pid, title in titles.items() if title == "ASYE social worker"]
    in_post = {s.professional_id for s in small.organisation.staff}
    assert asye
    assert all(caseload[pid] <= 15 for pid in asye if pid in in_post)
    assert max(caseload.values()) > 18


def test_staff_come_and_go_and_are_supervised(rows, small):
    professionals = rows("ssd_professionals", "prof_professional_id", "prof_agency_worker_flag")
    in_post = {s.professional_id for s in small.organisation.staff}
    leavers = {pid for pid, _ in professionals} - in_post
    assert leavers
    assert in_post <= {pid for pid, _ in professionals}
    assert {flag for _, flag in professionals} == {"Y", "N"}
    sessions = rows("ssd_supervision", "supe_supervisee_id", "supe_supervisor_id")
    assert all(a != b for a, b in sessions)
    supervised = {a for a, _ in sessions}
    assert len(supervised & in_post) > 0.8 * len(in_post)


@pytest.mark.parametrize(
    ("table", "column", "allowed"),
    [
        ("ssd_person", "pers_sex", codes.SEX),
        ("ssd_person", "pers_ethnicity", codes.ETHNICITY),
        ("ssd_cin_episodes", "cine_cin_primary_need_code", codes.PRIMARY_NEED),
        ("ssd_cin_episodes", "cine_referral_source_code", codes.REFERRAL_SOURCE),
        ("ssd_cin_episodes", "cine_close_reason", codes.CLOSURE_REASON),
        ("ssd_cin_episodes", "cine_referral_nfa", codes.YES_NO),
        ("ssd_contacts", "cont_contact_source_code", codes.REFERRAL_SOURCE),
        ("ssd_cp_plans", "cppl_cp_plan_initial_category", codes.CP_CATEGORY),
        ("ssd_cp_plans", "cppl_cp_plan_latest_category", codes.CP_CATEGORY),
        ("ssd_cp_visits", "cppv_cp_visit_seen_alone", codes.YES_NO),
        ("ssd_cla_episodes", "clae_cla_episode_start_reason", codes.CLA_START_REASON),
        ("ssd_cla_episodes", "clae_cla_episode_ceased_reason", codes.CLA_END_REASON),
        ("ssd_legal_status", "lega_legal_status", codes.LEGAL_STATUS),
        ("ssd_cla_placement", "clap_cla_placement_type", codes.PLACEMENT_TYPE),
        ("ssd_cla_placement", "clap_cla_placement_provider", codes.PLACEMENT_PROVIDER),
        ("ssd_cla_placement", "clap_cla_placement_change_reason", codes.PLACEMENT_CHANGE_REASON),
        ("ssd_cla_reviews", "clar_cla_review_participation", codes.REVIEW_PARTICIPATION),
        ("ssd_missing", "miss_missing_episode_type", codes.MISSING_TYPE),
        ("ssd_missing", "miss_missing_rhi_offered", codes.YES_NO_NA),
        ("ssd_care_leavers", "clea_care_leaver_in_touch", codes.CARE_LEAVER_IN_TOUCH),
        ("ssd_professionals", "prof_agency_worker_flag", codes.YES_NO),
    ],
)
def test_codes_come_from_the_code_lists(rows, table, column, allowed):
    values = {v for (v,) in rows(table, column)} - {None}
    assert values
    assert values <= allowed, values - allowed


def test_json_columns_hold_json(rows):
    import json

    factors = [
        json.loads(v) for (v,) in rows("ssd_assessment_factors", "cinf_assessment_factors_json")
    ]
    assert all(isinstance(f, list) and f for f in factors)
    outcomes = [json.loads(v) for (v,) in rows("ssd_contacts", "cont_contact_outcome_json")]
    assert {o["NEW_REFERRAL_FLAG"] for o in outcomes} == {"Y", "N"}


def test_the_record_reaches_back_a_year_before_the_years_asked_for(rows, small):
    first = small.window_start
    contacts = [d for (d,) in rows("ssd_contacts", "cont_contact_date")]
    assert min(contacts) >= date(first.year - 1, first.month, first.day)
    # Children in care at the start came into care long before.
    entered = [d for (d,) in rows("ssd_cla_episodes", "clae_entered_care_date")]
    assert min(entered) < date(first.year - 5, 1, 1)


def _simulation(seed: int = 1) -> CaseSimulation:
    """The small authority's simulation set up as ``synthesise`` sets it up, not yet run, so
    that a test can send it the referrals it wants."""
    return prepare("small", 2, seed, END).sim


def _refer(sim: CaseSimulation, n: int, to_eighteen: tuple[int, int] | None) -> None:
    """``n`` referrals in the last two years, of children at risk half the time (so many have
    a section 47 enquiry) and, with ``to_eighteen``, ``(low, high)`` days short of 18."""
    rng = random.Random(5)
    for _ in range(n):
        day = sim.days.on_or_after(rng.randint(sim.window_start, sim.end - 120))
        child = sim.new_child(day, age=10)
        if to_eighteen is not None:
            child.dob = add_years(day + rng.randint(*to_eighteen), -18)
        sim.referral(child, day, risk=rng.random() < 0.5)


def _column(sim: CaseSimulation, name: str, *columns: str) -> list[tuple]:
    at = [COLUMNS[name].index(c) for c in columns]
    return [tuple(row[i] for i in at) for row in sim.tables[name]]


def _work_after_closure(sim: CaseSimulation) -> list[tuple]:
    """(episode, what) for each assessment unfinished, or enquiry or conference not yet held,
    when its episode closed: CIN census rules 8867 and 8868."""
    closed = {
        ref: day
        for ref, day in _column(sim, "ssd_cin_episodes", "cine_referral_id", "cine_close_date")
        if day is not None
    }
    late = []
    for ref, auth in _column(
        sim, "ssd_cin_assessments", "cina_referral_id", "cina_assessment_auth_date"
    ):
        if ref in closed and (auth is None or auth > closed[ref]):
            late.append((ref, "assessment"))
    for ref, done in _column(sim, "ssd_s47_enquiry", "s47e_referral_id", "s47e_s47_end_date"):
        if ref in closed and (done is None or done > closed[ref]):
            late.append((ref, "s47"))
    for ref, held in _column(
        sim, "ssd_initial_cp_conference", "icpc_referral_id", "icpc_icpc_date"
    ):
        if ref in closed and held > closed[ref]:
            late.append((ref, "conference"))
    return late


@pytest.mark.parametrize("to_eighteen", [None, (0, 90)])
def test_episodes_close_only_when_their_assessments_and_enquiries_are_finished(to_eighteen):
    sim = _simulation()
    _refer(sim, 2500, to_eighteen)
    closed = [d for (d,) in _column(sim, "ssd_cin_episodes", "cine_close_date") if d is not None]
    assert len(closed) > 500
    assert sim.tables["ssd_initial_cp_conference"]
    assert _work_after_closure(sim) == []
    if to_eighteen is not None:
        # Nothing starts for an adult: no enquiry and no conference on or after 18.
        dob = {c.pid: c.dob for c in sim.children}
        for pid, start in _column(sim, "ssd_s47_enquiry", "s47e_person_id", "s47e_s47_start_date"):
            assert start < add_years(dob[pid], 18)
        for pid, held in _column(
            sim, "ssd_initial_cp_conference", "icpc_person_id", "icpc_icpc_date"
        ):
            assert held < add_years(dob[pid], 18)


def test_the_closure_check_catches_an_assessment_left_open():
    sim = _simulation()
    _refer(sim, 200, None)
    assert _work_after_closure(sim) == []
    ref, auth = next(
        (row[2], row[5]) for row in sim.tables["ssd_cin_assessments"] if row[5] is not None
    )
    at = COLUMNS["ssd_cin_episodes"].index("cine_close_date")
    episode = next(i for i, row in enumerate(sim.tables["ssd_cin_episodes"]) if row[0] == ref)
    row = list(sim.tables["ssd_cin_episodes"][episode])
    row[at] = auth - 1
    sim.tables["ssd_cin_episodes"][episode] = tuple(row)
    assert _work_after_closure(sim) == [(ref, "assessment")]


def test_no_cin_plan_starts_for_an_adult():
    sim = _simulation()
    _refer(sim, 2500, (0, 90))
    dob = {c.pid: c.dob for c in sim.children}
    plans = _column(
        sim,
        "ssd_cin_plans",
        "cinp_person_id",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date",
    )
    assert len(plans) > 100
    for pid, start, stop in plans:
        assert start < add_years(dob[pid], 18)
        assert stop is None or stop >= start  # CIN census rule 4011


def test_no_case_is_handed_to_another_team_in_the_days_before_it_closes_at_18(rows):
    dob = dict(rows("ssd_person", "pers_person_id", "pers_dob"))
    allocated = rows(
        "ssd_involvements", "invo_person_id", "invo_professional_role_id",
        "invo_involvement_start_date", "invo_involvement_end_date",
    )  # fmt: skip
    ends = {(child, stop) for child, role, _, stop in allocated if role == "CW" and stop}
    for child, role, start, stop in allocated:
        if role != "CW" or stop is None or dob.get(child) is None:
            continue
        handed_on = (child, start) in ends
        # SSDA903 SW09 flags a social worker episode of under three days.
        closes_at_18 = stop == years_on(dob[child], 18) and (stop - start).days < 3
        assert not (handed_on and closes_at_18), child

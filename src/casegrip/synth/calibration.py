"""How close a synthetic record comes to the figures it is shaped on.

Every figure is computed from the generated tables, as a performance analyst would from a real
extract (never from the simulation's own counters): volumes and rates over the last full year
(1 April to 31 March, ending on or before the extract date) and stocks as at the extract date.
Counts have relative tolerances (a share of the target), rates and shares absolute ones (in
percentage points, or in the ratio's own units); ``CalibrationRow.relative`` says which.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from casegrip.calendar import WorkingCalendar

from .case_record import SynthResult
from .profiles import Target
from .workforce import ASYE_TITLE, SOCIAL_WORK_TITLES

EET = frozenset({"F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5"})


@dataclass(frozen=True)
class CalibrationRow:
    name: str
    value: float
    target: float | None
    tolerance: float | None
    relative: bool  # True: tolerance is a share of the target; False: in the value's units
    ok: bool
    note: str


def _years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def last_full_year(end: date) -> tuple[date, date]:
    """The year 1 April to 31 March ending on or before ``end``."""
    last = date(end.year if (end.month, end.day) >= (3, 31) else end.year - 1, 3, 31)
    return date(last.year - 1, 4, 1), last


def _open(start: date | None, stop: date | None, day: date) -> bool:
    return start is not None and start <= day and (stop is None or stop > day)


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 3) if whole else 0.0


def calibration_report(result: SynthResult) -> list[CalibrationRow]:
    t = result.extract.tables
    end = result.extract.extract_date
    fy_start, fy_end = last_full_year(end)
    first_start = result.window_start
    first_end = _years(first_start, 1) - timedelta(days=1)
    calendar = WorkingCalendar(result.config.closure_days, first_year=end.year - 30)
    wd = calendar.working_days_between

    def cols(name: str, *columns: str) -> list[tuple]:
        table = t[name]
        return list(zip(*(table.column(c).to_pylist() for c in columns), strict=True))

    def in_fy(d: date | None) -> bool:
        return d is not None and fy_start <= d <= fy_end

    values: dict[str, tuple[float, str]] = {}
    fy = f"{fy_start.year}-{str(fy_end.year)[2:]}"

    # Front door.
    referrals = cols(
        "ssd_cin_episodes",
        "cine_person_id",
        "cine_referral_date",
        "cine_referral_nfa",
        "cine_close_reason",
        "cine_close_date",
    )
    by_person = defaultdict(list)
    for person, day, *_ in referrals:
        by_person[person].append(day)
    for dates in by_person.values():
        dates.sort()
    year_refs = [r for r in referrals if in_fy(r[1])]
    n_refs = len(year_refs)
    rereferred = 0
    for person, day, *_ in year_refs:
        earlier = [d for d in by_person[person] if d < day]
        if earlier and (day - earlier[-1]).days <= 365:
            rereferred += 1
    contacts = sum(1 for (d,) in cols("ssd_contacts", "cont_contact_date") if in_fy(d))
    values["referrals"] = (n_refs, f"referrals {fy}")
    values["contacts_per_referral"] = (_ratio(contacts, n_refs), f"contacts per referral {fy}")
    values["rereferral_12m_pct"] = (
        _pct(rereferred, n_refs),
        "% of referrals within 12 months of the child's previous referral",
    )
    values["referral_nfa_pct"] = (
        _pct(sum(r[2] == "Y" for r in year_refs), n_refs),
        "% of referrals with no further action",
    )
    values["assessed_not_in_need_pct"] = (
        _pct(sum(r[2] == "N" and r[3] in ("RC8", "RC9") for r in year_refs), n_refs),
        "% of referrals closed after assessment (RC8, RC9)",
    )

    # Assessments.
    assessments = cols(
        "ssd_cin_assessments", "cina_assessment_start_date", "cina_assessment_auth_date"
    )

    def within_45(lo: date, hi: date) -> tuple[int, int]:
        done = [(s, a) for s, a in assessments if a is not None and lo <= a <= hi]
        return sum(wd(s, a) <= 45 for s, a in done), len(done)

    on_time, done = within_45(fy_start, fy_end)
    first_on_time, first_done = within_45(first_start, first_end)
    values["assessments_per_referral"] = (
        _ratio(done, n_refs),
        f"assessments authorised {fy} per referral",
    )
    values["assessments_45wd_pct"] = (
        _pct(on_time, done),
        f"% of {done} assessments authorised within 45 working days of their start",
    )
    values["assessments_45wd_first_year_pct"] = (
        _pct(first_on_time, first_done),
        f"the same, first year ({first_start} to {first_end})",
    )
    values["assessments_45wd_improvement_pts"] = (
        round(_pct(on_time, done) - _pct(first_on_time, first_done), 1),
        "percentage points gained from the first year to the last full year",
    )

    # Section 47 enquiries, conferences and CP plans.
    s47 = dict(cols("ssd_s47_enquiry", "s47e_s47_enquiry_id", "s47e_s47_start_date"))
    n_s47 = sum(in_fy(d) for d in s47.values())
    icpcs = [
        (s47.get(sid), d)
        for sid, d in cols("ssd_initial_cp_conference", "icpc_s47_enquiry_id", "icpc_icpc_date")
        if in_fy(d)
    ]
    values["s47_per_referral"] = (_ratio(n_s47, n_refs), "section 47 enquiries per referral")
    values["icpc_per_s47"] = (_ratio(len(icpcs), n_s47), "initial conferences per s47 enquiry")
    values["icpc_15wd_pct"] = (
        _pct(sum(s is not None and wd(s, d) <= 15 for s, d in icpcs), len(icpcs)),
        "% of initial conferences within 15 working days of the s47 start",
    )
    plans = cols(
        "ssd_cp_plans",
        "cppl_cp_plan_id",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
    )
    first_plan = {}
    for _pid, person, start, _stop in plans:
        if person not in first_plan or start < first_plan[person]:
            first_plan[person] = start
    started = [p for p in plans if in_fy(p[2])]
    values["cp_plans_per_icpc"] = (_ratio(len(started), len(icpcs)), "CP plans per conference")
    values["cp_plans_started"] = (len(started), f"CP plans started {fy}")
    values["repeat_cp_plans_pct"] = (
        _pct(sum(first_plan[p[1]] < p[2] for p in started), len(started)),
        "% of CP plans started that are a second or later plan (within the extract)",
    )
    open_plans = [p for p in plans if _open(p[2], p[3], end)]
    values["cp_open"] = (len(open_plans), f"children on CP plans at {end}")
    values["cp_open_2y_plus_pct"] = (
        _pct(sum(_years(p[2], 2) <= end for p in open_plans), len(open_plans)),
        "% of open CP plans lasting 2 years or more",
    )
    ended = [p for p in plans if in_fy(p[3])]
    values["cp_ended_2y_plus_pct"] = (
        _pct(sum(_years(p[2], 2) <= p[3] for p in ended), len(ended)),
        f"% of CP plans ended {fy} that had lasted 2 years or more",
    )
    last_visit = {}
    for pid, d in cols("ssd_cp_visits", "cppv_cp_plan_id", "cppv_cp_visit_date"):
        if d <= end and (pid not in last_visit or d > last_visit[pid]):
            last_visit[pid] = d
    due = [p for p in open_plans if wd(p[2], end) > 10]
    values["cp_visited_10wd_pct"] = (
        _pct(sum(p[0] in last_visit and wd(last_visit[p[0]], end) <= 10 for p in due), len(due)),
        "% of children on CP plans visited in the last 10 working days",
    )

    # Children in need.
    values["cin_open"] = (
        len({r[0] for r in referrals if _open(r[1], r[4], end)}),
        f"children in need (open referrals) at {end}",
    )

    # Children looked after.
    episodes = cols(
        "ssd_cla_episodes",
        "clae_person_id",
        "clae_cla_id",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "clae_cla_episode_ceased_reason",
        "clae_entered_care_date",
    )
    looked_after = {e[0] for e in episodes if _open(e[2], e[3], end)}
    at_year_end = {e[0] for e in episodes if _open(e[2], e[3], fy_end)}
    during_year = {e[0] for e in episodes if e[2] <= fy_end and (e[3] is None or e[3] >= fy_start)}
    values["cla_open"] = (len(looked_after), f"children looked after at {end}")
    values["cla_started"] = (
        len({e[0] for e in episodes if in_fy(e[5])}),
        f"children starting to be looked after {fy}",
    )
    ceased = {e[0]: e[4] for e in episodes if in_fy(e[3]) and e[4] not in (None, "X1")}
    values["cla_ceased"] = (len(ceased), f"children ceasing to be looked after {fy}")
    values["cla_adopted_pct_of_ceased"] = (
        _pct(sum(r in ("E11", "E12") for r in ceased.values()), len(ceased)),
        "% of those adopted",
    )
    placements = defaultdict(int)
    for person, start, stop in cols(
        "ssd_cla_placement",
        "clap_person_id",
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
    ):
        if start <= fy_end and (stop is None or stop >= fy_start):
            placements[person] += 1
    values["cla_3plus_placements_pct"] = (
        _pct(sum(placements[p] >= 3 for p in at_year_end), len(at_year_end)),
        f"% of children looked after at {fy_end} with 3 or more placements in the year",
    )
    went_missing = {
        person
        for person, start, kind in cols(
            "ssd_missing",
            "miss_person_id",
            "miss_missing_episode_start_date",
            "miss_missing_episode_type",
        )
        if kind == "M" and in_fy(start)
    }
    values["cla_missing_pct"] = (
        _pct(len(went_missing & during_year), len(during_year)),
        f"% of children looked after during {fy} who went missing",
    )
    entered = {e[1]: e[5] for e in episodes}
    reviews = defaultdict(list)
    for cla_id, held in cols("ssd_cla_reviews", "clar_cla_id", "clar_cla_review_date"):
        reviews[cla_id].append(held)
    on_time = total = 0
    for cla_id, dates in reviews.items():
        dates.sort()
        for i, held in enumerate(dates):
            if not in_fy(held):
                continue
            if i == 0:
                limit = calendar.add_working_days(entered[cla_id], 20)
            else:
                months = 3 if i == 1 else 6
                prev = dates[i - 1]
                month0 = prev.month - 1 + months
                year, month = prev.year + month0 // 12, month0 % 12 + 1
                limit = _month_end_safe(year, month, prev.day)
            total += 1
            on_time += held <= limit
    values["cla_reviews_on_time_pct"] = (
        _pct(on_time, total),
        "% of CLA reviews held within 20 working days, 3 months, then 6 months",
    )

    # Care leavers aged 19 to 21.
    dob = dict(cols("ssd_person", "pers_person_id", "pers_dob"))
    leavers = [
        row
        for row in cols(
            "ssd_care_leavers",
            "clea_person_id",
            "clea_care_leaver_eligibility",
            "clea_care_leaver_in_touch",
            "clea_care_leaver_accom_suitable",
            "clea_care_leaver_activity",
        )
        if row[1] == "Former relevant"
        and dob.get(row[0])
        and _years(dob[row[0]], 19) <= end < _years(dob[row[0]], 22)
    ]
    values["care_leavers_in_touch_pct"] = (
        _pct(sum(r[2] == "YES" for r in leavers), len(leavers)),
        f"% of {len(leavers)} care leavers aged 19-21 in touch",
    )
    values["care_leavers_suitable_accommodation_pct"] = (
        _pct(sum(r[3] == "Y" for r in leavers), len(leavers)),
        "% in suitable accommodation",
    )
    values["care_leavers_eet_pct"] = (
        _pct(sum(r[4] in EET for r in leavers), len(leavers)),
        "% in education, employment or training",
    )

    # Workforce.
    staff = {
        pid: (title, fte)
        for pid, title, fte in cols(
            "ssd_professionals",
            "prof_professional_id",
            "prof_professional_job_title",
            "prof_full_time_equivalency",
        )
    }
    in_post = {s.professional_id for s in result.organisation.staff}
    values["social_workers_fte"] = (
        round(
            sum(
                fte
                for pid, (title, fte) in staff.items()
                if pid in in_post and (title in SOCIAL_WORK_TITLES or title == ASYE_TITLE)
            )
        ),
        "FTE of social workers (incl. managers, IROs) in post at the end",
    )
    involvements = cols(
        "ssd_involvements",
        "invo_professional_id",
        "invo_professional_role_id",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
    )

    def caseloads(day: date) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for pid, role, start, stop in involvements:
            if role == "CW" and _open(start, stop, day):
                counts[pid] += 1
        return counts

    def average(counts: dict[str, int]) -> float:
        fte = sum(staff[pid][1] or 1.0 for pid in counts)
        return round(sum(counts.values()) / fte, 1) if fte else 0.0

    first_loads, loads = caseloads(first_end), caseloads(end)
    values["caseload_first_year"] = (
        average(first_loads),
        f"cases per FTE of case-holding workers at {first_end}",
    )
    values["caseload"] = (average(loads), f"cases per FTE of case-holding workers at {end}")
    values["workers_over_18_cases_pct"] = (
        _pct(sum(n > 18 for n in loads.values()), len(loads)),
        "% of case holders with more than 18 cases",
    )
    asye = [pid for pid, (title, _) in staff.items() if title == ASYE_TITLE and pid in in_post]
    values["asye_within_cap_pct"] = (
        _pct(sum(loads.get(pid, 0) <= 15 for pid in asye), len(asye)),
        f"% of {len(asye)} ASYE workers holding 15 cases or fewer",
    )

    rows = [
        CalibrationRow(
            "child_population",
            result.config.child_population,
            result.profile.child_population,
            0,
            True,
            True,
            "children aged 0-17 (configuration, not the extract)",
        )
    ]
    targets: dict[str, Target] = result.profile.targets
    for name, (value, note) in values.items():
        target = targets.get(name)
        if target is None:
            rows.append(CalibrationRow(name, value, None, None, False, True, f"{note}; no target"))
            continue
        allowed = target.tolerance * abs(target.value) if target.relative else target.tolerance
        ok = abs(value - target.value) <= allowed + 1e-9
        rows.append(
            CalibrationRow(name, value, target.value, target.tolerance, target.relative, ok, note)
        )
    return rows


def _month_end_safe(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def format_report(rows: list[CalibrationRow]) -> str:
    """The report as a plain-text table."""
    lines = [f"{'measure':42} {'value':>9} {'target':>9} {'tolerance':>10}  ok"]
    for r in rows:
        target = "" if r.target is None else f"{r.target:g}"
        tolerance = (
            ""
            if r.tolerance is None
            else (f"{r.tolerance:.0%}" if r.relative else f"±{r.tolerance:g}")
        )
        lines.append(
            f"{r.name:42} {r.value:>9g} {target:>9} {tolerance:>10}  {'yes' if r.ok else 'NO'}"
            f"  {r.note}"
        )
    return "\n".join(lines)

"""Due lists: every visit, review, assessment, initial conference and supervision that is overdue
or falls due soon, with its due date and how it was worked out.

The engine finds what is open on the date and the last event of each kind (one small query per
kind, on any engine); the due dates are then worked out here, in Python, with the authority's
working-day calendar, so that each one can say in words how it was reached. The rules are the
statutory ones in ``shared/spec/indicators.md`` section 2, simplified where the SSD does not
carry what the full rule needs (each simplification is stated in ``RULES``).
"""

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from casegrip.calendar import WorkingCalendar
from casegrip.config import AuthorityConfig

from .catalogue._common import is_yes, json_flag
from .frame import Frame, Window
from .runner import allocations

OVERDUE = "overdue"
DUE = "due"

RULES = {
    "CP visit": "every {cp} working days (the authority's visiting frequency), from the last "
    "visit at which the child was seen, or from the plan's start if there has been none",
    "CIN visit": "every {cin} working days (the authority's visiting frequency), from the last "
    "visit at which the child was seen, or from the plan's start if there has been none",
    "CLA visit": "within 7 days of the current placement starting, then at least every 6 weeks "
    "(visits at which the child was seen) "
    "(the regulation 28 minimum; longer intervals for settled long-term placements are not "
    "applied)",
    "CP review": "the first review 3 months after the initial conference (or plan start), then "
    "every 6 months after the last review",
    "CLA review": "the first review within 20 working days of becoming looked after, the second "
    "3 months after the first, then every 6 months",
    "CIN plan review": "every 3 months from the last review, or from the plan's start",
    "Assessment": "authorised within 45 working days of the assessment's start",
    "Initial conference": "within 15 working days of the section 47 enquiry starting (the SSD "
    "holds no strategy discussion date), unless a target date is recorded",
    "Supervision": "for social workers holding cases: ASYE social workers every 14 days, others "
    "every month, from the last one-to-one supervision (group supervision does not count)",
}


def rules(config: AuthorityConfig) -> dict[str, str]:
    """``RULES`` with the authority's own visiting frequencies filled in."""
    every = config.visit_frequency_working_days
    return {item: rule.format(cp=every.cp, cin=every.cin) for item, rule in RULES.items()}


@dataclass(frozen=True)
class DueItem:
    item: str  # a key of RULES
    child_id: str | None  # None for supervision, which is about a worker
    worker_id: str | None
    team_id: str | None
    last: date | None  # the event the due date counts from
    due: date
    status: str  # OVERDUE or DUE
    working_days: int  # working days overdue (positive) or until due (zero or negative)
    how: str  # how the due date was worked out, in words

    def as_dict(self) -> dict:
        return asdict(self)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months on; the month's last day where it is shorter
    (31 January + 1 month is 28 or 29 February), as regulations count months."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _latest(events: ir.Table, key: str, day: str, as_at: date, name: str) -> ir.Table:
    """Per key, the date of the last event on or before ``as_at``."""
    before = events.filter(events[day] <= as_at)
    return before.group_by(before[key].name(f"{name}_key")).aggregate(
        **{name: before[day].max(), f"{name}_count": before[day].count()}
    )


def _seen(visits: ir.Table, flag: str) -> ir.Table:
    """Visits at which the child was seen: only those meet the visiting rule, as the visit
    measures count them."""
    return visits.filter(is_yes(visits[flag]))


def _open(table: ir.Table, start: str, end: str, as_at: date) -> ir.Table:
    return table.filter(table[start] <= as_at, table[end].isnull() | (table[end] > as_at))


def _cp_plans(frame: Frame, as_at: date) -> list[dict]:
    plans = _open(
        frame.table("ssd_cp_plans"), "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", as_at
    )
    visits = _latest(
        _seen(frame.table("ssd_cp_visits"), "cppv_cp_visit_seen"),
        "cppv_cp_plan_id",
        "cppv_cp_visit_date",
        as_at,
        "visit",
    )
    reviews = _latest(
        frame.table("ssd_cp_reviews"), "cppr_cp_plan_id", "cppr_cp_review_date", as_at, "review"
    )
    icpc = frame.table("ssd_initial_cp_conference")
    icpc = icpc.select(icpc_plan=icpc.icpc_cp_plan_id, icpc_date=icpc.icpc_icpc_date)
    icpc = icpc.group_by("icpc_plan").aggregate(icpc_date=icpc.icpc_date.min())
    joined = (
        plans.left_join(visits, plans.cppl_cp_plan_id == visits.visit_key)
        .left_join(reviews, plans.cppl_cp_plan_id == reviews.review_key)
        .left_join(icpc, plans.cppl_cp_plan_id == icpc.icpc_plan)
    )
    query = joined.select(
        child_id=joined.cppl_person_id,
        start=joined.cppl_cp_plan_start_date,
        visit=joined.visit,
        review=joined.review,
        icpc_date=joined.icpc_date,
    )
    return frame.connection.to_pylist(query)


def _cin_plans(frame: Frame, as_at: date) -> list[dict]:
    plans = _open(
        frame.table("ssd_cin_plans"), "cinp_cin_plan_start_date", "cinp_cin_plan_end_date", as_at
    )
    # CIN visits are recorded against the child, not the plan.
    visits = _latest(
        _seen(frame.table("ssd_cin_visits"), "cinv_cin_visit_seen"),
        "cinv_person_id",
        "cinv_cin_visit_date",
        as_at,
        "visit",
    )
    reviews = _latest(
        frame.table("ssd_cin_plan_reviews"),
        "cinr_cin_plan_id",
        "cinr_cin_plan_review_date",
        as_at,
        "review",
    )
    joined = plans.left_join(visits, plans.cinp_person_id == visits.visit_key).left_join(
        reviews, plans.cinp_cin_plan_id == reviews.review_key
    )
    query = joined.select(
        child_id=joined.cinp_person_id,
        team_id=joined.cinp_cin_plan_team,
        worker_id=joined.cinp_cin_plan_worker_id,
        start=joined.cinp_cin_plan_start_date,
        visit=ibis.ifelse(
            joined.visit >= joined.cinp_cin_plan_start_date, joined.visit, ibis.null()
        ),
        review=joined.review,
    )
    return frame.connection.to_pylist(query)


def _cla_episodes(frame: Frame, as_at: date) -> list[dict]:
    episodes = _open(
        frame.table("ssd_cla_episodes"),
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        as_at,
    )
    # The period of care began when the child entered care (episodes split at each placement or
    # legal status change); one row per child.
    per_child = episodes.group_by(child_id=episodes.clae_person_id).aggregate(
        entered=ibis.coalesce(
            episodes.clae_entered_care_date, episodes.clae_cla_episode_start_date
        ).min(),
    )
    placements = _open(
        frame.table("ssd_cla_placement"),
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
        as_at,
    )
    placed = placements.group_by(p_child=placements.clap_person_id).aggregate(
        placed=placements.clap_cla_placement_start_date.max()
    )
    visits = _latest(
        _seen(frame.table("ssd_cla_visits"), "clav_cla_visit_seen"),
        "clav_person_id",
        "clav_cla_visit_date",
        as_at,
        "visit",
    )
    reviews_table = frame.table("ssd_cla_reviews")
    held = reviews_table.filter(
        ~reviews_table.clar_cla_review_cancelled.isin(["Y", "y", "1", "true", "True"]).fill_null(
            False
        )
    )
    joined = per_child.left_join(placed, per_child.child_id == placed.p_child).left_join(
        visits, per_child.child_id == visits.visit_key
    )
    rows = joined.select("child_id", "entered", "placed", "visit")
    # Reviews in this period of care: counted in Python against each child's entry date.
    reviews = held.filter(held.clar_cla_review_date <= as_at).select(
        r_child=held.clar_cla_person_id, r_date=held.clar_cla_review_date
    )
    by_child: dict[str, list[date]] = {}
    for row in frame.connection.to_pylist(reviews):
        by_child.setdefault(row["r_child"], []).append(row["r_date"])
    out = []
    for row in frame.connection.to_pylist(rows):
        since = sorted(d for d in by_child.get(row["child_id"], []) if d >= row["entered"])
        out.append({**row, "reviews": since})
    return out


def _open_assessments(frame: Frame, as_at: date) -> list[dict]:
    t = _open(
        frame.table("ssd_cin_assessments"),
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
        as_at,
    )
    query = t.select(
        child_id=t.cina_person_id,
        team_id=t.cina_assessment_team,
        worker_id=t.cina_assessment_worker_id,
        start=t.cina_assessment_start_date,
    )
    return frame.connection.to_pylist(query)


def _awaiting_conference(frame: Frame, as_at: date) -> list[dict]:
    s47 = frame.table("ssd_s47_enquiry")
    s47 = s47.filter(s47.s47e_s47_start_date <= as_at)
    conference_needed = json_flag(s47.s47e_s47_outcome_json, "CP_CONFERENCE_FLAG")
    still_open = s47.s47e_s47_end_date.isnull() | (s47.s47e_s47_end_date > as_at)
    not_nfa = ~s47.s47e_s47_nfa.isin(["Y", "y", "1", "true", "True"]).fill_null(False)
    candidates = s47.filter(conference_needed | (still_open & not_nfa))
    icpc = frame.table("ssd_initial_cp_conference")
    conferences = icpc.select(
        c_s47=icpc.icpc_s47_enquiry_id,
        c_date=icpc.icpc_icpc_date,
        c_target=icpc.icpc_icpc_target_date,
    )
    joined = candidates.left_join(conferences, candidates.s47e_s47_enquiry_id == conferences.c_s47)
    per = joined.group_by(
        [
            joined.s47e_s47_enquiry_id,
            joined.s47e_person_id,
            joined.s47e_s47_start_date,
            joined.s47e_s47_completed_by_team,
            joined.s47e_s47_completed_by_worker_id,
        ]
    ).aggregate(
        held=ibis.ifelse(joined.c_date <= as_at, 1, 0).sum(),
        target=joined.c_target.min(),
    )
    waiting = per.filter(per.held.fill_null(0) == 0)
    query = waiting.select(
        child_id=waiting.s47e_person_id,
        team_id=waiting.s47e_s47_completed_by_team,
        worker_id=waiting.s47e_s47_completed_by_worker_id,
        start=waiting.s47e_s47_start_date,
        target=waiting.target,
    )
    return frame.connection.to_pylist(query)


def _supervisees(frame: Frame, as_at: date) -> list[dict]:
    prof = frame.table("ssd_professionals")
    social_workers = prof.filter(
        prof.prof_professional_job_title.re_search("(?i)social worker").fill_null(False)
    )
    sup = frame.table("ssd_supervision")
    one_to_one = sup.filter(sup.supe_supervision_type.fill_null("") != "GROUP")
    last = _latest(one_to_one, "supe_supervisee_id", "supe_supervision_date", as_at, "last")
    joined = social_workers.left_join(last, social_workers.prof_professional_id == last.last_key)
    query = joined.select(
        worker_id=joined.prof_professional_id,
        team_id=joined.prof_professional_department,
        title=joined.prof_professional_job_title,
        last=joined.last,
    )
    return frame.connection.to_pylist(query)


def _from_last(last: date | None, start: date, what: str) -> tuple[date, str]:
    return (
        (last, f"the last {what} on {last:%-d %b %Y}")
        if last
        else (start, f"the start on {start:%-d %b %Y}")
    )


def due_items(
    connection,
    config: AuthorityConfig,
    as_at: date,
    *,
    within: int = 10,
    team_ids: Iterable[str] | None = None,
    worker_id: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[DueItem]:
    """Everything overdue on ``as_at`` or due within ``within`` working days after it, for the
    given teams (None: every team) or one worker, most overdue first."""
    cal = calendar or WorkingCalendar(config.closure_days)
    frame = Frame(connection, [Window(as_at, as_at)], config)
    horizon = cal.add_working_days(as_at, within)
    cp_every = config.visit_frequency_working_days.cp
    cin_every = config.visit_frequency_working_days.cin
    found: list[tuple[str, dict, date, date | None, str]] = []  # item, row, due, last, how

    for row in _cp_plans(frame, as_at):
        base, said = _from_last(row["visit"], row["start"], "visit")
        due = cal.add_working_days(base, cp_every)
        found.append(("CP visit", row, due, row["visit"], f"{cp_every} working days after {said}"))
        if row["review"]:
            due, how = (
                add_months(row["review"], 6),
                f"6 months after the last review on {row['review']:%-d %b %Y}",
            )
        else:
            first = row["icpc_date"] or row["start"]
            what = "initial conference" if row["icpc_date"] else "plan's start"
            due, how = add_months(first, 3), f"3 months after the {what} on {first:%-d %b %Y}"
        found.append(("CP review", row, due, row["review"], how))

    for row in _cin_plans(frame, as_at):
        base, said = _from_last(row["visit"], row["start"], "visit")
        found.append(
            (
                "CIN visit",
                row,
                cal.add_working_days(base, cin_every),
                row["visit"],
                f"{cin_every} working days after {said}",
            )
        )
        base, said = _from_last(row["review"], row["start"], "review")
        found.append(
            ("CIN plan review", row, add_months(base, 3), row["review"], f"3 months after {said}")
        )

    for row in _cla_episodes(frame, as_at):
        placed, visit = row["placed"], row["visit"]
        if placed and (visit is None or visit < placed):
            due, how, last = (
                placed + timedelta(days=7),
                f"7 days after the placement began on {placed:%-d %b %Y}",
                None,
            )
        else:
            base, said = _from_last(visit, row["entered"], "visit")
            due, how, last = base + timedelta(days=42), f"6 weeks after {said}", visit
        found.append(("CLA visit", row, due, last, how))
        reviews = row["reviews"]
        if not reviews:
            due = cal.add_working_days(row["entered"], 20)
            how = f"20 working days after becoming looked after on {row['entered']:%-d %b %Y}"
        elif len(reviews) == 1:
            due, how = (
                add_months(reviews[0], 3),
                f"3 months after the first review on {reviews[0]:%-d %b %Y}",
            )
        else:
            due, how = (
                add_months(reviews[-1], 6),
                f"6 months after the last review on {reviews[-1]:%-d %b %Y}",
            )
        found.append(("CLA review", row, due, reviews[-1] if reviews else None, how))

    for row in _open_assessments(frame, as_at):
        due = cal.add_working_days(row["start"], 45)
        found.append(
            (
                "Assessment",
                row,
                due,
                row["start"],
                f"45 working days after it started on {row['start']:%-d %b %Y}",
            )
        )

    for row in _awaiting_conference(frame, as_at):
        if row["target"]:
            due, how = row["target"], "the target date recorded for the conference"
        else:
            due = cal.add_working_days(row["start"], 15)
            how = (
                f"15 working days after the section 47 enquiry started on {row['start']:%-d %b %Y}"
            )
        found.append(("Initial conference", row, due, row["start"], how))

    alloc = _allocations_at(frame)
    # Staff records carry no leaving date: a social worker is in post if they hold a case.
    case_holders = {worker for _, worker in alloc.values() if worker}
    for row in _supervisees(frame, as_at):
        if row["worker_id"] not in case_holders:
            continue
        asye = "asye" in (row["title"] or "").lower()
        if row["last"] is None:
            due, how = as_at, "no one-to-one supervision recorded: due now"
        elif asye:
            due, how = (
                row["last"] + timedelta(days=14),
                f"14 days after the last supervision on {row['last']:%-d %b %Y} (ASYE)",
            )
        else:
            due, how = (
                add_months(row["last"], 1),
                f"a month after the last supervision on {row['last']:%-d %b %Y}",
            )
        found.append(("Supervision", {**row, "child_id": None}, due, row["last"], how))

    wanted_teams = set(team_ids) if team_ids is not None else None
    items = []
    for item, row, due, last, how in found:
        if due > horizon:
            continue
        child = row.get("child_id")
        team, worker = alloc.get(child, (None, None)) if child else (None, None)
        team = team or row.get("team_id")
        worker = worker or row.get("worker_id")
        if worker_id is not None and worker != worker_id:
            continue
        if wanted_teams is not None and team not in wanted_teams:
            continue
        overdue = due < as_at
        days = cal.working_days_between(due, as_at)
        items.append(
            DueItem(
                item=item,
                child_id=child,
                worker_id=worker,
                team_id=team,
                last=last,
                due=due,
                status=OVERDUE if overdue else DUE,
                working_days=days,
                how=how,
            )
        )
    return sorted(items, key=lambda i: (i.due, i.item, i.child_id or "", i.worker_id or ""))


def _allocations_at(frame: Frame) -> dict[str, tuple[str | None, str | None]]:
    """Each child's allocated team and worker on the date."""
    rows = frame.connection.to_pylist(allocations(frame))
    return {r["child_id"]: (r["alloc_team_id"], r["alloc_worker_id"]) for r in rows}

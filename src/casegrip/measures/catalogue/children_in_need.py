"""C. Children in need: the rate, and plans, reviews and visits for children in need who are
not on a child protection plan and not looked after."""

import ibis

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Published, Target, Time
from ..primitives import with_add_working_days, with_working_days_between
from ._common import is_yes, rows

GROUP = "Children in need"
CIN_STATS = "DfE Children in need statistics (CIN census), table B1"

# The local interval between reviews of a CIN plan, in calendar months (no national rule).
CIN_PLAN_REVIEW_MONTHS = 3


def _plans_open(frame: Frame):
    """Per window and child: on a CIN plan, on a CP plan, looked after, at the window's end."""
    cin = frame.open_at(
        frame.table("ssd_cin_plans"), "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"
    )
    cp = frame.open_at(
        frame.table("ssd_cp_plans"), "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"
    )
    cla = frame.open_at(
        frame.table("ssd_cla_episodes"),
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
    )

    def flags(t, person, kind):
        return t.select(
            x_end=t.window_end,
            x_person=person,
            x_cin=ibis.literal(1 if kind == "cin" else 0, type="int64"),
            x_cp=ibis.literal(1 if kind == "cp" else 0, type="int64"),
            x_cla=ibis.literal(1 if kind == "cla" else 0, type="int64"),
        )

    u = ibis.union(
        flags(cin, cin.cinp_person_id, "cin"),
        flags(cp, cp.cppl_person_id, "cp"),
        flags(cla, cla.clae_person_id, "cla"),
        distinct=False,
    )
    return u.group_by(["x_end", "x_person"]).aggregate(
        x_cin=u.x_cin.max(), x_cp=u.x_cp.max(), x_cla=u.x_cla.max()
    )


def _with_plans(t, frame: Frame, person: str):
    """``t`` (with ``window_end``) with flags on_cin_plan, on_cp_plan, looked_after for the
    child in column ``person`` at the window's end."""
    plans = _plans_open(frame)
    j = t.left_join(plans, [t.window_end == plans.x_end, t[person] == plans.x_person])
    return j.mutate(
        on_cin_plan=(j.x_cin == 1).fill_null(False),
        on_cp_plan=(j.x_cp == 1).fill_null(False),
        looked_after=(j.x_cla == 1).fill_null(False),
    ).drop("x_end", "x_person", "x_cin", "x_cp", "x_cla")


def _cp_or_cla_reason(t):
    return ibis.ifelse(
        t.on_cp_plan,
        "also on a child protection plan: visited and reviewed under CP rules",
        "also looked after: visited and reviewed under care planning rules",
    )


# -- rate --------------------------------------------------------------------------------------


def _cin_rate(frame: Frame):
    ref = frame.open_at(frame.table("ssd_cin_episodes"), "cine_referral_date", "cine_close_date")
    t = ref.select("window_end", "cine_person_id").distinct()
    return rows(
        t,
        child_id=t.cine_person_id,
        in_numerator=True,
        reason=ibis.literal("a referral (CIN episode) open at the date"),
    )


# -- CIN plans: reviews and visits -----------------------------------------------------------


def _open_cin_plans(frame: Frame):
    t = frame.open_at(
        frame.table("ssd_cin_plans"), "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"
    )
    return _with_plans(t, frame, "cinp_person_id")


def _cin_plan_review(frame: Frame):
    plans = _open_cin_plans(frame)
    rev = frame.table("ssd_cin_plan_reviews")
    held = rev.select(r_plan=rev.cinr_cin_plan_id, r_day=rev.cinr_cin_plan_review_date)
    j = plans.left_join(
        held,
        [
            plans.cinp_cin_plan_id == held.r_plan,
            held.r_day >= plans.cinp_cin_plan_start_date,
            held.r_day <= plans.window_end,
        ],
    )
    t = j.group_by(
        [
            "window_end",
            "cinp_cin_plan_id",
            "cinp_person_id",
            "cinp_cin_plan_start_date",
            "on_cp_plan",
            "looked_after",
        ]
    ).aggregate(last_review=j.r_day.max())
    interval = ibis.interval(months=CIN_PLAN_REVIEW_MONTHS)
    first_due = t.cinp_cin_plan_start_date + interval
    due = ibis.coalesce(t.last_review, t.cinp_cin_plan_start_date) + interval
    cp_or_cla = t.on_cp_plan | t.looked_after
    old_enough = first_due < t.window_end
    in_scope = ~cp_or_cla & old_enough
    in_time = in_scope & (t.window_end <= due)
    return rows(
        t,
        child_id=t.cinp_person_id,
        in_denominator=in_scope,
        in_numerator=in_time,
        value=t.window_end.delta(
            ibis.coalesce(t.last_review, t.cinp_cin_plan_start_date), unit="day"
        ),
        reason=ibis.cases(
            (cp_or_cla, _cp_or_cla_reason(t)),
            (
                ~old_enough,
                ibis.literal("plan started ")
                .concat(t.cinp_cin_plan_start_date.cast("string"))
                .concat(": first review not due until ")
                .concat(first_due.cast("string")),
            ),
            (
                in_time,
                ibis.literal("reviewed ")
                .concat(t.last_review.cast("string"))
                .concat(": next review due ")
                .concat(due.cast("string")),
            ),
            else_=ibis.ifelse(
                t.last_review.isnull(),
                ibis.literal("never reviewed: first review was due ").concat(
                    first_due.cast("string")
                ),
                ibis.literal("last reviewed ")
                .concat(t.last_review.cast("string"))
                .concat(": next review was due ")
                .concat(due.cast("string")),
            ),
        ),
    )


def _cin_visits(frame: Frame):
    plans = _open_cin_plans(frame)
    # One row per child: the earliest open CIN plan's start (two open plans are a data error).
    children = plans.group_by(
        ["window_end", "cinp_person_id", "on_cp_plan", "looked_after"]
    ).aggregate(plan_start=plans.cinp_cin_plan_start_date.min())
    vis = frame.table("ssd_cin_visits")
    seen = vis.filter(is_yes(vis.cinv_cin_visit_seen)).select(
        v_person=vis.cinv_person_id, v_day=vis.cinv_cin_visit_date
    )
    j = children.left_join(
        seen,
        [
            children.cinp_person_id == seen.v_person,
            seen.v_day >= children.plan_start,
            seen.v_day <= children.window_end,
        ],
    )
    t = j.group_by(
        ["window_end", "cinp_person_id", "on_cp_plan", "looked_after", "plan_start"]
    ).aggregate(last_visit=j.v_day.max())
    t = t.mutate(since=ibis.coalesce(t.last_visit, t.plan_start))
    n = frame.config.visit_frequency_working_days.cin
    t = with_add_working_days(t, "since", n, frame.calendar, "due")
    t = with_working_days_between(t, "since", "window_end", frame.calendar, "waited")
    cp_or_cla = t.on_cp_plan | t.looked_after
    in_time = ~cp_or_cla & (t.window_end <= t.due).fill_null(False)
    return rows(
        t,
        child_id=t.cinp_person_id,
        in_denominator=~cp_or_cla,
        in_numerator=in_time,
        value=t.waited,
        reason=ibis.cases(
            (cp_or_cla, _cp_or_cla_reason(t)),
            (
                t.last_visit.isnull() & in_time,
                ibis.literal("plan started ")
                .concat(t.plan_start.cast("string"))
                .concat(", no visit yet: first visit due ")
                .concat(t.due.cast("string")),
            ),
            (
                t.last_visit.isnull(),
                ibis.literal("not seen on a visit since the plan started ")
                .concat(t.plan_start.cast("string"))
                .concat(": a visit was due ")
                .concat(t.due.cast("string")),
            ),
            (
                in_time,
                ibis.literal("seen on a visit ")
                .concat(t.last_visit.cast("string"))
                .concat(": next visit due ")
                .concat(t.due.cast("string")),
            ),
            else_=ibis.literal("last seen on a visit ")
            .concat(t.last_visit.cast("string"))
            .concat(": next visit was due ")
            .concat(t.due.cast("string")),
        ),
    )


# -- open cases without a plan ---------------------------------------------------------------


def _cin_open_without_plan(frame: Frame):
    ref = frame.open_at(frame.table("ssd_cin_episodes"), "cine_referral_date", "cine_close_date")
    asmt = frame.table("ssd_cin_assessments")
    done = asmt.select(d_person=asmt.cina_person_id, d_auth=asmt.cina_assessment_auth_date)
    j = ref.left_join(
        done,
        [
            ref.cine_person_id == done.d_person,
            done.d_auth >= ref.cine_referral_date,
            done.d_auth <= ref.window_end,
        ],
    )
    t = j.group_by(["window_end", "cine_referral_id", "cine_person_id"]).aggregate(
        assessed=j.d_auth.max()
    )
    t = _with_plans(t, frame, "cine_person_id")
    any_plan = t.on_cin_plan | t.on_cp_plan | t.looked_after
    assessed = t.assessed.notnull()
    without = assessed & ~any_plan
    return rows(
        t,
        child_id=t.cine_person_id,
        in_numerator=without,
        reason=ibis.cases(
            (t.on_cp_plan, "on a child protection plan"),
            (t.looked_after, "looked after"),
            (t.on_cin_plan, "on a child in need plan"),
            (~assessed, "no assessment authorised yet in this episode"),
            else_=ibis.literal("assessment authorised ")
            .concat(t.assessed.cast("string"))
            .concat(", but no CIN plan, CP plan or care episode open"),
        ),
    )


MEASURES = (
    Measure(
        id="cin_rate_per_10k",
        name="Children in need per 10,000 children",
        group=GROUP,
        description="Children with a referral (CIN episode) open at the date, per 10,000 "
        "children aged 0 to 17 living in the authority (the configured population), as the DfE "
        "counts children in need at 31 March: children on CP plans, looked after and awaiting "
        "assessment are included. A referral closing on the date is no longer open; each child "
        "counts once.",
        source=CIN_STATS,
        time=Time.AS_AT,
        kind=Kind.RATE_PER_10K,
        polarity=Polarity.CONTEXTUAL,
        rows=_cin_rate,
        published=Published(
            {2025: 330.3, 2024: 332.9, 2023: 339.1, 2022: 343.7},
            "at 31 March; 2025 computed from 402,400 and ONS 0-17",
        ),
    ),
    Measure(
        id="cin_plan_review_in_timescale",
        name="CIN plans reviewed within timescale",
        group=GROUP,
        description=f"Child in need plans open at the date whose next review was not yet "
        f"overdue then, out of open plans old enough to have had a review due (started more "
        f"than {CIN_PLAN_REVIEW_MONTHS} months before the date). A review falls due "
        f"{CIN_PLAN_REVIEW_MONTHS} calendar months after the plan starts and then after each "
        "review held (ssd_cin_plan_reviews, by plan); a review on the due date is on time. "
        "Plans of children also on a CP plan or looked after at the date are left out. One row "
        "per plan; value is the days since the last review (or the plan's start).",
        source="Local procedures (no national interval); CIN plan dates from the CIN census",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_cin_plan_review,
        timescale=f"{CIN_PLAN_REVIEW_MONTHS} months",
        target=Target.fixed(90.0),
        due_rule=f"{CIN_PLAN_REVIEW_MONTHS} calendar months after the plan starts, then "
        f"{CIN_PLAN_REVIEW_MONTHS} calendar months after each review",
    ),
    Measure(
        id="cin_visit_within_local_timescale",
        name="Children on CIN plans visited within timescale",
        group=GROUP,
        description="Children on a child in need plan at the date whose next visit was not yet "
        "overdue then, out of all children on a CIN plan. Visits count only when the child was "
        "seen. A visit falls due the configured number of working days (20 unless the "
        "authority sets otherwise) after the last visit at which the child was seen, or after "
        "the plan started if there has been none since; a visit on the due date is on time. "
        "Children also on a CP plan or looked after at the date are left out (they are visited "
        "under those rules). Each child counts once, from their earliest open CIN plan; value "
        "is the working days since the last visit (or the plan's start).",
        source="Local visiting guidance (e.g. every 20 working days)",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_cin_visits,
        timescale="20 working days (configurable)",
        target=Target.fixed(90.0),
        due_rule="The configured CIN visit frequency (20 working days by default) after the "
        "last visit at which the child was seen, or after the CIN plan started if none since",
    ),
    Measure(
        id="cin_open_without_plan",
        name="Open CIN cases past assessment without a plan",
        group=GROUP,
        description="Referrals (CIN episodes) open at the date where an assessment of the child "
        "was authorised between the referral and the date, and the child has no CIN plan, CP "
        "plan or looked-after episode open then, out of all open episodes (the 'CiN no plan' "
        "group of the D2I caseload script). One row per open episode; plans and care episodes "
        "are matched by child, not by referral.",
        source="D2I SSD caseload script ('CiN with plan' and 'CiN no plan')",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_cin_open_without_plan,
    ),
)

"""B. Child protection: section 47 enquiries, conferences, plans, reviews and visits.

Choices that hold for the whole group:

- Plans of another local authority (``cppl_cp_plan_ola`` = Y) are not this authority's plans
  and are not in its CIN census return: they are left out of every count of plans, but they do
  count as a child's *previous* plan for the repeat-plan measures (as NumberOfPreviousCPP does).
- Transfer-in conferences (``icpc_icpc_transfer_in`` = Y) are not initial conferences that
  follow a section 47 enquiry here; the DfE's ICPC counts leave them out, and so do we.
- The SSD holds no separate strategy discussion date: the section 47 start date is the date of
  the strategy discussion that initiated the enquiry (as the CIN census defines it).
- Months are calendar months; where the later month is shorter the due date is its last day
  (31 January + 3 months is 30 April; 30 November 2023 + 3 months is 29 February 2024).
"""

import ibis
import ibis.expr.types as ir

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Published, Target, Time
from ..primitives import (
    age_in_years,
    latest_before,
    with_add_working_days,
    with_working_days_between,
)
from ._common import is_yes, rows, yes_no_reason

GROUP = "Child protection"
C4 = "DfE Children in need statistics (CIN census), table C4"
D_TABLES = "DfE Children in need statistics (CIN census), tables D1-D7"

MONTHS_3 = ibis.interval(months=3)
MONTHS_6 = ibis.interval(months=6)
YEARS_2 = ibis.interval(years=2)
ICPC_WORKING_DAYS = 15
# Seen alone is not asked of the youngest children: from the 4th birthday, the age at which the
# DfE starts to record a looked-after child's own participation in reviews (PN0: under 4).
SEEN_ALONE_FROM_AGE = 4
CATEGORY = ("category_of_abuse",)


def _as_date(day: ir.Value) -> ir.DateValue:
    """A date plus an interval, as a date on every engine. DuckDB makes it a timestamp, which
    shows once the result is materialised; Ibis drops a cast to the type it already believes
    the value has, hence the way round through a timestamp."""
    return day.cast("timestamp").cast("date")


def _date_text(day: ir.Value) -> ir.StringValue:
    return day.cast("string")


def _plan_rows(t: ir.Table, *, category: ir.Value, **columns) -> ir.Table:
    """The runner's columns (attributed to the child's allocation), plus the plan's category
    of abuse as a breakdown of its own."""
    return rows(t, category_of_abuse=category, **columns)


# -- the pieces ------------------------------------------------------------------------------


def _plans(frame: Frame) -> ir.Table:
    """This authority's CP plans (not another authority's): ``plan``, ``person``, ``p_start``,
    ``p_end``, ``icpc``, ``initial`` and ``latest`` category of abuse."""

    def build() -> ir.Table:
        cp = frame.table("ssd_cp_plans")
        own = cp.filter(~is_yes(cp.cppl_cp_plan_ola) & cp.cppl_cp_plan_start_date.notnull())
        return own.select(
            plan=own.cppl_cp_plan_id,
            person=own.cppl_person_id,
            p_start=own.cppl_cp_plan_start_date,
            p_end=own.cppl_cp_plan_end_date,
            icpc=own.cppl_icpc_id,
            initial=own.cppl_cp_plan_initial_category,
            latest=own.cppl_cp_plan_latest_category,
        )

    return frame.shared("child_protection_plans", build)


def _all_plans(frame: Frame) -> ir.Table:
    """Every plan recorded, another authority's included (for a child's previous plans)."""
    cp = frame.table("ssd_cp_plans")
    return cp.filter(cp.cppl_cp_plan_start_date.notnull()).select(
        o_plan=cp.cppl_cp_plan_id,
        o_person=cp.cppl_person_id,
        o_start=cp.cppl_cp_plan_start_date,
        o_end=cp.cppl_cp_plan_end_date,
    )


def _conferences(frame: Frame) -> ir.Table:
    """Initial conferences held (a date recorded), transfer-in ones marked."""
    ic = frame.table("ssd_initial_cp_conference")
    return ic.filter(ic.icpc_icpc_date.notnull()).mutate(
        transfer_in=is_yes(ic.icpc_icpc_transfer_in)
    )


def _plans_with_conference(frame: Frame) -> ir.Table:
    """``_plans`` with ``conference``: the date of the initial conference that started the plan
    (linked either way round: the plan names it, or it names the plan), or null."""
    plans = _plans(frame)
    ic = _conferences(frame)
    by_id = ic.group_by(a_id=ic.icpc_icpc_id).aggregate(a_day=ic.icpc_icpc_date.min())
    named = ic.filter(ic.icpc_cp_plan_id.notnull())
    by_plan = named.group_by(b_plan=named.icpc_cp_plan_id).aggregate(
        b_day=named.icpc_icpc_date.min()
    )
    j = plans.left_join(by_id, plans.icpc == by_id.a_id).left_join(
        by_plan, plans.plan == by_plan.b_plan
    )
    return j.select(*plans.columns, conference=ibis.coalesce(j.a_day, j.b_day))


def _reviews_due(frame: Frame) -> ir.Table:
    """Every review conference of every plan with its due date: ``plan``, ``person``,
    ``p_start``, ``p_end``, ``base`` (the initial conference, or the plan's start), ``n`` (0 for
    the first review), ``due``, ``held`` (null for the next review, not held yet) and
    ``previous`` (the review before, null for the first)."""

    def build() -> ir.Table:
        plans = _plans_with_conference(frame)
        plans = plans.select(
            "plan",
            "person",
            "p_start",
            "p_end",
            base=ibis.coalesce(plans.conference, plans.p_start),
        )
        rv = frame.table("ssd_cp_reviews")
        held = (
            rv.filter(rv.cppr_cp_review_date.notnull())
            .select(r_plan=rv.cppr_cp_plan_id, r_day=rv.cppr_cp_review_date)
            .distinct()
        )
        j = plans.join(
            held,
            [
                plans.plan == held.r_plan,
                held.r_day >= plans.p_start,
                plans.p_end.isnull() | (held.r_day <= plans.p_end),
            ],
        )
        order = ibis.window(group_by=[j.plan], order_by=[j.r_day])
        j = j.mutate(n=ibis.row_number().over(order), previous=j.r_day.lag().over(order))

        def due_after(n, previous, base):
            return _as_date(ibis.ifelse(n == 0, base + MONTHS_3, previous + MONTHS_6))

        done = j.select(
            plan=j.plan,
            person=j.person,
            p_start=j.p_start,
            p_end=j.p_end,
            base=j.base,
            n=j.n.cast("int64"),
            due=due_after(j.n, j.previous, j.base),
            held=j.r_day,
            previous=j.previous,
        )
        per_plan = done.group_by(c_plan=done.plan).aggregate(
            count=done.n.count(), last=done.held.max()
        )
        nxt = plans.left_join(per_plan, plans.plan == per_plan.c_plan)
        count = nxt["count"].fill_null(0).cast("int64")
        upcoming = nxt.select(
            plan=nxt.plan,
            person=nxt.person,
            p_start=nxt.p_start,
            p_end=nxt.p_end,
            base=nxt.base,
            n=count,
            due=due_after(count, nxt["last"], nxt.base),
            held=ibis.null("date"),
            previous=nxt["last"],
        )
        # The next review falls due only if the plan was still open after its due date.
        upcoming = upcoming.filter(upcoming.p_end.isnull() | (upcoming.p_end > upcoming.due))
        return done.union(upcoming)

    return frame.shared("child_protection_reviews_due", build)


def _open_plans_per_child(frame: Frame) -> ir.Table:
    """Each child on a CP plan at each window's end, once: ``window_end``, ``person``,
    ``p_start`` (the earliest open plan's start; two open plans are a data error) and
    ``category`` (the latest category of abuse)."""
    t = frame.open_at(_plans(frame), "p_start", "p_end")
    return t.group_by(["window_end", "person"]).aggregate(
        p_start=t.p_start.min(), category=t.latest.max()
    )


# -- section 47 enquiries and initial conferences ---------------------------------------------


def _s47_in_window(frame: Frame) -> ir.Table:
    s47 = frame.table("ssd_s47_enquiry")
    return frame.in_window(s47, "s47e_s47_start_date")


def _s47_rows(t: ir.Table, **columns) -> ir.Table:
    """Rows about enquiries, attributed to the enquiry's own team and worker."""
    return rows(
        t,
        child_id=t.s47e_person_id,
        team_id=t.s47e_s47_completed_by_team,
        worker_id=t.s47e_s47_completed_by_worker_id,
        **columns,
    )


def _s47_rate(frame: Frame):
    t = _s47_in_window(frame)
    return _s47_rows(
        t,
        in_numerator=True,
        reason=ibis.literal("section 47 enquiry started (strategy discussion) in the period"),
    )


def _s47_to_icpc(frame: Frame):
    t = _s47_in_window(frame)
    ic = _conferences(frame)
    ic = ic.filter(~ic.transfer_in & ic.icpc_s47_enquiry_id.notnull())
    held = ic.group_by(c_s47=ic.icpc_s47_enquiry_id).aggregate(c_day=ic.icpc_icpc_date.min())
    j = t.left_join(held, t.s47e_s47_enquiry_id == held.c_s47)
    led = j.c_day.notnull()
    return _s47_rows(
        j,
        in_numerator=led,
        reason=ibis.ifelse(
            led,
            ibis.literal("led to an initial conference held on ").concat(_date_text(j.c_day)),
            "no initial conference held after this enquiry (yet)",
        ),
    )


def _icpcs_in_window(frame: Frame) -> ir.Table:
    return frame.in_window(_conferences(frame), "icpc_icpc_date")


def _icpc_rows(t: ir.Table, **columns) -> ir.Table:
    """Rows about initial conferences, attributed to the conference's own team and worker."""
    return rows(
        t,
        child_id=t.icpc_person_id,
        team_id=t.icpc_icpc_team,
        worker_id=t.icpc_icpc_worker_id,
        **columns,
    )


def _icpc_within_15wd(frame: Frame):
    t = _icpcs_in_window(frame)
    s47 = frame.table("ssd_s47_enquiry")
    starts = s47.group_by(s_id=s47.s47e_s47_enquiry_id).aggregate(
        s_start=s47.s47e_s47_start_date.min()
    )
    t = t.left_join(starts, t.icpc_s47_enquiry_id == starts.s_id)
    t = with_working_days_between(t, "s_start", "icpc_icpc_date", frame.calendar, "took")
    counted = ~t.transfer_in
    on_time = counted & (t.took <= ICPC_WORKING_DAYS).fill_null(False)
    return _icpc_rows(
        t,
        in_denominator=counted,
        in_numerator=on_time,
        value=t.took,
        reason=ibis.cases(
            (t.transfer_in, "transfer-in conference: not counted"),
            (
                t.took.isnull(),
                "no section 47 enquiry with a start date linked to the conference: counted late",
            ),
            (
                on_time,
                ibis.literal("held ")
                .concat(t.took.cast("string"))
                .concat(" working days after the strategy discussion (15 or fewer)"),
            ),
            else_=ibis.literal("held ")
            .concat(t.took.cast("string"))
            .concat(" working days after the strategy discussion (more than 15)"),
        ),
    )


def _icpc_to_cp_plan(frame: Frame):
    t = _icpcs_in_window(frame)
    cp = frame.table("ssd_cp_plans")
    named = cp.filter(cp.cppl_icpc_id.notnull())
    named = named.group_by(p_icpc=named.cppl_icpc_id).aggregate(
        p_plans=named.cppl_cp_plan_id.count()
    )
    t = t.left_join(named, t.icpc_icpc_id == named.p_icpc)
    counted = ~t.transfer_in
    plan = (
        is_yes(t.icpc_icpc_outcome_cp_flag)
        | t.icpc_cp_plan_id.notnull()
        | (t.p_plans.fill_null(0) > 0)
    )
    return _icpc_rows(
        t,
        in_denominator=counted,
        in_numerator=counted & plan,
        reason=ibis.cases(
            (t.transfer_in, "transfer-in conference: not counted"),
            (plan, "the conference decided on a child protection plan"),
            else_="the conference did not make a child protection plan",
        ),
    )


# -- plans -----------------------------------------------------------------------------------


def _cp_rate(frame: Frame):
    t = _open_plans_per_child(frame)
    return _plan_rows(
        t,
        child_id=t.person,
        in_numerator=True,
        category=t.category,
        reason=ibis.literal("on a child protection plan that started ").concat(
            _date_text(t.p_start)
        ),
    )


def _plans_started(frame: Frame) -> ir.Table:
    return frame.in_window(_plans(frame), "p_start")


def _with_previous_plans(t: ir.Table, frame: Frame, within_2y: bool) -> ir.Table:
    """``t`` (plans started in windows) with ``previous``: the child's plans (another
    authority's included) that started before this one, or with ``within_2y`` only those that
    ended on or before this plan's start and no more than 2 years before it; and ``last_end``,
    the latest end among them."""
    other = _all_plans(frame)
    conditions = [
        other.o_person == t.person,
        other.o_plan != t.plan,
        other.o_start < t.p_start,
    ]
    if within_2y:
        conditions += [other.o_end <= t.p_start, other.o_end >= _as_date(t.p_start - YEARS_2)]
    j = t.left_join(other, conditions)
    return j.group_by(["window_end", "plan", "person", "p_start", "initial"]).aggregate(
        previous=j.o_plan.count(), last_end=j.o_end.max()
    )


def _repeat_plans(frame: Frame):
    t = _with_previous_plans(_plans_started(frame), frame, within_2y=False)
    repeat = t.previous > 0
    return _plan_rows(
        t,
        child_id=t.person,
        in_numerator=repeat,
        category=t.initial,
        reason=yes_no_reason(
            repeat,
            "a second or later plan: the child had a plan before",
            "the child's first child protection plan",
        ),
    )


def _repeat_plans_2y(frame: Frame):
    t = _with_previous_plans(_plans_started(frame), frame, within_2y=True)
    repeat = t.previous > 0
    return _plan_rows(
        t,
        child_id=t.person,
        in_numerator=repeat,
        category=t.initial,
        reason=ibis.ifelse(
            repeat,
            ibis.literal("a previous plan ended ")
            .concat(_date_text(t.last_end))
            .concat(", within 2 years before this one started"),
            "no previous plan ended in the 2 years before this one started",
        ),
    )


def _plans_2yrs_plus_open(frame: Frame):
    t = frame.open_at(_plans(frame), "p_start", "p_end")
    years = age_in_years(t.p_start, t.window_end)
    long = (years >= 2).fill_null(False)
    return _plan_rows(
        t,
        child_id=t.person,
        in_numerator=long,
        category=t.latest,
        value=years,
        reason=ibis.ifelse(
            long,
            ibis.literal("open 2 years or more: started ").concat(_date_text(t.p_start)),
            ibis.literal("open less than 2 years: started ").concat(_date_text(t.p_start)),
        ),
    )


def _plans_ended(frame: Frame) -> ir.Table:
    return frame.in_window(_plans(frame), "p_end")


def _plans_ended_2yrs_plus(frame: Frame):
    t = _plans_ended(frame)
    years = age_in_years(t.p_start, t.p_end)
    long = (years >= 2).fill_null(False)
    return _plan_rows(
        t,
        child_id=t.person,
        in_numerator=long,
        category=t.latest,
        value=years,
        reason=ibis.ifelse(
            long,
            ibis.literal("lasted 2 years or more: started ").concat(_date_text(t.p_start)),
            ibis.literal("lasted less than 2 years: started ").concat(_date_text(t.p_start)),
        ),
    )


def _plans_ended_within_3m(frame: Frame):
    t = _plans_ended(frame)
    short = (t.p_end <= _as_date(t.p_start + MONTHS_3)).fill_null(False)
    return _plan_rows(
        t,
        child_id=t.person,
        in_numerator=short,
        category=t.latest,
        value=t.p_end.delta(t.p_start, unit="day"),
        reason=ibis.ifelse(
            short,
            ibis.literal("ended within 3 months of starting on ").concat(_date_text(t.p_start)),
            ibis.literal("lasted more than 3 months: started ").concat(_date_text(t.p_start)),
        ),
    )


# -- reviews ---------------------------------------------------------------------------------


def _review_reason(t: ir.Table, which: str) -> ir.StringValue:
    said = ibis.literal(which + " due ").concat(_date_text(t.due))
    return ibis.cases(
        (t.held.isnull(), said.concat(": not held")),
        (t.held <= t.due, said.concat(", held ").concat(_date_text(t.held)).concat(": on time")),
        else_=said.concat(", held ").concat(_date_text(t.held)).concat(": late"),
    )


def _review_timeliness(frame: Frame, first: bool):
    series = _reviews_due(frame)
    series = series.filter(series.n == 0 if first else series.n > 0)
    t = frame.in_window(series, "due")
    on_time = (t.held <= t.due).fill_null(False)
    return rows(
        t,
        child_id=t.person,
        in_numerator=on_time,
        value=t.held.delta(t.due, unit="day"),
        reason=_review_reason(t, "first review" if first else "review"),
    )


def _first_review(frame: Frame):
    return _review_timeliness(frame, first=True)


def _subsequent_reviews(frame: Frame):
    return _review_timeliness(frame, first=False)


def _reviews_in_timescale(frame: Frame):
    plans = _plans_with_conference(frame)
    plans = frame.open_at(plans, "p_start", "p_end")
    plans = plans.select(
        "window_end",
        "plan",
        "person",
        first_due=_as_date(ibis.coalesce(plans.conference, plans.p_start) + MONTHS_3),
    )
    series = _reviews_due(frame)
    due = series.select(s_plan="plan", s_due="due", s_held="held")
    # Reviews that fell due before the date; one due on the date itself is not late yet.
    j = plans.left_join(due, [plans.plan == due.s_plan, due.s_due < plans.window_end])
    missed = j.s_due.notnull() & (j.s_held.isnull() | (j.s_held > j.s_due))
    t = j.group_by(["window_end", "plan", "person", "first_due"]).aggregate(
        missed=ibis.ifelse(missed, 1, 0).sum().fill_null(0).cast("int64")
    )
    long_enough = t.first_due <= t.window_end
    in_time = long_enough & (t.missed == 0)
    return rows(
        t,
        child_id=t.person,
        in_denominator=long_enough,
        in_numerator=in_time,
        value=t.missed,
        reason=ibis.cases(
            (
                ~long_enough,
                ibis.literal("on a plan less than 3 months: first review due ").concat(
                    _date_text(t.first_due)
                ),
            ),
            (in_time, "every review due so far was held on or before its due date"),
            else_=t.missed.cast("string").concat(" review(s) held late or not held"),
        ),
    )


# -- visits ----------------------------------------------------------------------------------


def _visits_made(frame: Frame, seen_only: bool) -> ir.Table:
    v = frame.table("ssd_cp_visits")
    v = v.filter(v.cppv_cp_visit_date.notnull())
    if seen_only:
        v = v.filter(is_yes(v.cppv_cp_visit_seen))
    return v.select(
        v_person=v.cppv_person_id,
        v_day=v.cppv_cp_visit_date,
        v_alone=ibis.ifelse(is_yes(v.cppv_cp_visit_seen_alone), 1, 0),
        v_id=v.cppv_cp_visit_id,
    )


def _cp_visits(frame: Frame):
    children = _open_plans_per_child(frame)
    seen = _visits_made(frame, seen_only=True)
    j = children.left_join(
        seen,
        [
            children.person == seen.v_person,
            seen.v_day >= children.p_start,
            seen.v_day <= children.window_end,
        ],
    )
    t = j.group_by(["window_end", "person", "p_start", "category"]).aggregate(
        last_visit=j.v_day.max()
    )
    every = frame.config.visit_frequency_working_days.cp
    t = t.mutate(since=ibis.coalesce(t.last_visit, t.p_start))
    t = with_add_working_days(t, "since", every, frame.calendar, "due")
    t = with_add_working_days(t, "p_start", every, frame.calendar, "settled")
    t = with_working_days_between(t, "since", "window_end", frame.calendar, "waited")
    long_enough = (t.settled <= t.window_end).fill_null(False)
    in_time = long_enough & (t.window_end <= t.due).fill_null(False)
    interval = f"{every} working days"
    return _plan_rows(
        t,
        child_id=t.person,
        in_denominator=long_enough,
        in_numerator=in_time,
        category=t.category,
        value=t.waited,
        reason=ibis.cases(
            (
                ~long_enough,
                ibis.literal(f"plan started less than {interval} before: not counted"),
            ),
            (
                t.last_visit.isnull(),
                ibis.literal("not seen on a visit since the plan started ")
                .concat(_date_text(t.p_start))
                .concat(ibis.ifelse(in_time, ": first visit due ", ": first visit was due "))
                .concat(_date_text(t.due)),
            ),
            (
                in_time,
                ibis.literal("seen on a visit ")
                .concat(_date_text(t.last_visit))
                .concat(": next visit due ")
                .concat(_date_text(t.due)),
            ),
            else_=ibis.literal("last seen on a visit ")
            .concat(_date_text(t.last_visit))
            .concat(": next visit was due ")
            .concat(_date_text(t.due)),
        ),
    )


def _cp_seen_alone(frame: Frame):
    children = _open_plans_per_child(frame)
    keys = ["window_end", "person", "p_start", "category"]
    visits = _visits_made(frame, seen_only=False)
    made = children.join(
        visits,
        [
            children.person == visits.v_person,
            visits.v_day >= children.p_start,
            visits.v_day <= children.window_end,
        ],
    ).select(*keys, "v_day", "v_alone", "v_id")
    # The latest visit; two on the same day: the one where the child was seen alone.
    last = latest_before(made, keys, "v_day", "window_end", tiebreak=["v_alone", "v_id"])
    last = last.select(lw=last.window_end, lp=last.person, alone=last.v_alone, day=last.v_day)
    t = children.left_join(
        last, [children.window_end == last.lw, children.person == last.lp]
    ).select(*children.columns, "alone", "day")
    person = frame.table("ssd_person").select(d_person="pers_person_id", d_dob="pers_dob")
    t = t.left_join(person, t.person == person.d_person).select(*t.columns, "d_dob")
    age = age_in_years(t.d_dob, t.window_end)
    too_young = (age < SEEN_ALONE_FROM_AGE).fill_null(False)
    visited = t.alone.notnull()
    alone = (t.alone == 1).fill_null(False)
    counted = ~too_young & visited
    return _plan_rows(
        t,
        child_id=t.person,
        in_denominator=counted,
        in_numerator=counted & alone,
        category=t.category,
        reason=ibis.cases(
            (too_young, f"under {SEEN_ALONE_FROM_AGE}: not counted"),
            (~visited, "no visit recorded since the plan started: not counted"),
            (
                alone,
                ibis.literal("seen alone at the latest visit, ").concat(_date_text(t.day)),
            ),
            else_=ibis.literal("not recorded as seen alone at the latest visit, ").concat(
                _date_text(t.day)
            ),
        ),
    )


MEASURES: tuple[Measure, ...] = (
    Measure(
        id="s47_rate_per_10k",
        name="Section 47 enquiries per 10,000 children",
        group=GROUP,
        description="Section 47 enquiries started in the period (the start date is the date of "
        "the strategy discussion that initiated the enquiry) per 10,000 children aged 0 to 17 "
        "in the authority (the configured population). Counted as enquiries, not children: a "
        "child with two enquiries counts twice. Over a month this is the month's rate; the DfE "
        "publishes it over the year to 31 March. Attributed to the enquiry's own team and "
        "worker.",
        source=C4,
        time=Time.PERIOD,
        kind=Kind.RATE_PER_10K,
        polarity=Polarity.CONTEXTUAL,
        rows=_s47_rate,
        published=Published(
            {2025: 189.3, 2023: 191.6},
            "2025 computed from 230,590 enquiries and the ONS 2024 0-17 estimate; 2023 as the "
            "DfE published it",
        ),
    ),
    Measure(
        id="s47_to_icpc_conversion",
        name="Section 47 enquiries leading to an initial conference",
        group=GROUP,
        description="Section 47 enquiries started in the period that led to an initial child "
        "protection conference (a conference recorded against the enquiry, with a date, not a "
        "transfer-in), out of all enquiries started in the period. Worked out per enquiry so "
        "each one can be followed: the DfE figure divides the year's conferences by the year's "
        "enquiries, which comes to the same over a year. A conference held after the period "
        "still counts, so the latest few weeks are provisional: their conferences may not have "
        "been held yet. Attributed to the enquiry's own team and worker.",
        source="Derived from " + C4,
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.CONTEXTUAL,
        rows=_s47_to_icpc,
        published=Published(
            {2025: 31.3, 2023: 33.0}, "ICPCs over s47 enquiries in the year (72,100 / 230,590)"
        ),
    ),
    Measure(
        id="icpc_within_15wd",
        name="Initial conferences within 15 working days of the strategy discussion",
        group=GROUP,
        description="Initial child protection conferences held in the period within 15 working "
        "days of the strategy discussion that started the section 47 enquiry (the enquiry's "
        "start date; the SSD holds no other strategy discussion date), out of all initial "
        "conferences held. Working days leave out weekends and bank holidays; a conference on "
        "the 15th working day is on time. Transfer-in conferences are left out (the DfE "
        "reports them separately). A conference with no linked enquiry, or one without a start "
        "date, counts as late. The recorded target date is not used: the due date is worked "
        "out. Value: working days taken. Attributed to the conference's team and worker.",
        source="Working Together 2023; " + C4,
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_icpc_within_15wd,
        timescale="15 working days",
        target=Target.fixed(90.0),
        published=Published({2025: 81.4, 2023: 78.4}),
        due_rule="15 working days after the strategy discussion that started the section 47 "
        "enquiry (its start date)",
    ),
    Measure(
        id="icpc_to_cp_plan_conversion",
        name="Initial conferences resulting in a child protection plan",
        group=GROUP,
        description="Initial child protection conferences held in the period that decided on "
        "a child protection plan (the conference's CP plan flag is Y, or a plan is linked to "
        "it either way round), out of all initial conferences held. Transfer-in conferences "
        "are left out. The DfE figure divides plans started by conferences held, which comes "
        "to nearly the same. Attributed to the conference's team and worker.",
        source="Derived from DfE CIN statistics tables C4 and D1",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.CONTEXTUAL,
        rows=_icpc_to_cp_plan,
        published=Published({2025: 85.8}, "CP plans started over ICPCs (61,840 / 72,100)"),
    ),
    Measure(
        id="cp_rate_per_10k",
        name="Children on a child protection plan per 10,000 children",
        group=GROUP,
        description="Children on a child protection plan at the date per 10,000 children aged "
        "0 to 17 (the configured population). A plan ending on the date is no longer open, as "
        "in the DfE's count at 31 March. Each child counts once. Plans of another authority "
        "(OLA flag Y) are left out. Breakdown by the plan's latest category of abuse.",
        source=D_TABLES + " (D1, D5)",
        time=Time.AS_AT,
        kind=Kind.RATE_PER_10K,
        polarity=Polarity.CONTEXTUAL,
        rows=_cp_rate,
        published=Published(
            {2025: 40.6, 2024: 41.4, 2023: 42.7},
            "at 31 March; computed from the DfE count and the ONS 0-17 estimate of the year before",
        ),
        breakdowns=CATEGORY,
    ),
    Measure(
        id="cp_review_first_within_3m",
        name="First CP review conferences within 3 months",
        group=GROUP,
        description="First review conferences of child protection plans that fell due in the "
        "period, held on or before their due date, out of all that fell due, including those "
        "not held. The first review is due 3 calendar months after the initial conference that "
        "started the plan (the plan's start if no conference is linked); where the later month "
        "is shorter, on its last day (31 January + 3 months is 30 April; 30 November 2023 + 3 "
        "months is 29 February 2024). A review not held counts only if the plan was still "
        "open after its due date. Reviews are matched to plans by plan id; two on one day count "
        "once; the recorded due date is not used. Plans of another authority are left out. "
        "One row per plan; value: days from the due date to the review (negative: early).",
        source="Working Together 2023; DfE CIN COLLECT key indicators",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_first_review,
        timescale="3 months",
        target=Target.fixed(100.0),
        due_rule="3 calendar months after the initial child protection conference",
    ),
    Measure(
        id="cp_review_subsequent_within_6m",
        name="Later CP review conferences within 6 months of the one before",
        group=GROUP,
        description="Child protection review conferences after the first that fell due in the "
        "period, held on or before their due date, out of all that fell due, including those "
        "not held. Each is due 6 calendar months after the review before it was held (a month "
        "shorter than the day: its last day, so 31 August 2023 + 6 months is 29 February "
        "2024). A review not held counts only if the plan was still open after its due date. "
        "Reviews are matched to plans by plan id; two on one day count once; the recorded due "
        "date is not used. Plans of another authority are left out. One row per review; value: "
        "days from the due date to the review (negative: early).",
        source="Working Together 2023",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_subsequent_reviews,
        timescale="6 months",
        target=Target.fixed(100.0),
        due_rule="6 calendar months after the previous review conference",
    ),
    Measure(
        id="cp_reviews_in_timescale_snapshot",
        name="Children on CP plans with every review in timescale",
        group=GROUP,
        description="Child protection plans open at the date whose first review was due by "
        "then (plans open 3 months or more), where every review that fell due before the date "
        "was held on or before its due date (the first 3 calendar months after the initial "
        "conference, each later one 6 calendar months after the one before), out of those "
        "plans: the former NI 67. A review due on the date itself is not late yet. One row "
        "per plan (a child has one open plan unless the record is wrong); value: the number of "
        "reviews held late or not held.",
        source="DfE CIN COLLECT 'CPPs reviewed within timescales'; former NI 67",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_reviews_in_timescale,
        timescale="3 months, then 6 months",
        target=Target.fixed(100.0),
        due_rule="First review 3 calendar months after the initial conference; then 6 "
        "calendar months after the previous review",
    ),
    Measure(
        id="cp_visit_within_local_timescale",
        name="Children on CP plans visited within the local timescale",
        group=GROUP,
        description="Children on a child protection plan at the date whose next visit was not "
        "yet overdue then, out of children whose plan had been open at least one visiting "
        "interval: the configured CP visit frequency, 10 working days unless the authority "
        "sets otherwise. Visits count only when the child was seen, and "
        "only since the plan started. The next visit falls due that many working days after "
        "the last visit at which the child was seen, or after the plan started if none since; "
        "a visit on the due date is on time. Each child counts once, from the earliest open "
        "plan. Value: working days since the last visit (or the plan's start).",
        source="Local visiting guidance; Annex A list 7 'date of last statutory visit'",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_cp_visits,
        timescale="10 working days (configurable)",
        target=Target.fixed(95.0),
        due_rule="The configured CP visit frequency (10 working days by default) after the "
        "last visit at which the child was seen, or after the plan started if none since",
        breakdowns=CATEGORY,
    ),
    Measure(
        id="cp_child_seen_alone",
        name="Children on CP plans seen alone at the latest visit",
        group=GROUP,
        description="Children on a child protection plan at the date who were seen alone at "
        "their latest visit since the plan started, out of those visited since it started "
        f"and aged {SEEN_ALONE_FROM_AGE} or over at the date (our reading of 'age-appropriate': "
        "the age from which the DfE records a child's own part in reviews). A latest visit at "
        "which the child was not seen counts as not seen alone; two visits on the latest day: "
        "the one where the child was seen alone. Children with no date of birth are counted. "
        "Each child counts once.",
        source="Annex A list 7 'was the child seen alone'",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_cp_seen_alone,
        breakdowns=CATEGORY,
    ),
    Measure(
        id="repeat_cp_plan_rate",
        name="CP plans that are a second or later plan",
        group=GROUP,
        description="Child protection plans started in the period where the child had a plan "
        "that started before (ever, as far as the record goes back; another authority's plans "
        "recorded here count as previous plans), out of all plans started. The SSD holds no "
        "count of previous plans, so plans before the record's history are not seen. A very "
        "low figure can mean plans are ended too soon or not used. Breakdown by the initial "
        "category of abuse.",
        source=D_TABLES + " (D3); national framework dashboard",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_repeat_plans,
        published=Published({2025: 24.5, 2024: 24.7, 2023: 23.6, 2022: 22.7}),
        breakdowns=CATEGORY,
    ),
    Measure(
        id="repeat_cp_plan_within_2y",
        name="CP plans starting within 2 years of a previous plan ending",
        group=GROUP,
        description="Child protection plans started in the period where a previous plan of "
        "the child (another authority's included) ended on or before the new plan's start and "
        "no more than 2 years before it (on or after the same day 2 years earlier; for a plan "
        "starting 29 February, 28 February), out of all plans started. Breakdown by the "
        "initial category of abuse.",
        source="Common local variant (not a DfE published measure)",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_repeat_plans_2y,
        breakdowns=CATEGORY,
    ),
    Measure(
        id="cp_plans_2yrs_plus_open",
        name="Open CP plans lasting 2 years or more",
        group=GROUP,
        description="Child protection plans open at the date that had been open 2 years or "
        "more (completed years, as an age is counted: a plan started 29 February 2024 reaches "
        "2 years on 1 March 2026), out of all plans open. A plan ending on the date is no "
        "longer open. Value: completed years open. Breakdown by the latest category of abuse.",
        source=D_TABLES + " (D5); dashboard 'CPP longer than 2 years'",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_plans_2yrs_plus_open,
        published=Published({2025: 2.3, 2024: 2.6, 2023: 2.2, 2022: 2.5}, "at 31 March"),
        breakdowns=CATEGORY,
    ),
    Measure(
        id="cp_plans_ended_2yrs_plus",
        name="CP plans ending that had lasted 2 years or more",
        group=GROUP,
        description="Child protection plans that ended in the period having lasted 2 years or "
        "more (completed years from start to end, as an age is counted), out of all plans "
        "that ended. Value: completed years. Breakdown by the latest category of abuse.",
        source=D_TABLES + " (D7); former NI 64",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_plans_ended_2yrs_plus,
        published=Published({2025: 4.4}, "2,710 of 62,300 plans ending"),
        breakdowns=CATEGORY,
    ),
    Measure(
        id="cp_plans_ended_within_3m",
        name="CP plans ending within 3 months of starting",
        group=GROUP,
        description="Child protection plans that ended in the period no more than 3 calendar "
        "months after they started (a plan started 31 January that ended by 30 April; one "
        "started 30 November 2023 that ended by 29 February 2024), out of all plans that "
        "ended. A high figure may mean plans were made that were not needed. Value: days the "
        "plan lasted. Breakdown by the latest category of abuse.",
        source=D_TABLES + " (D7)",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.CONTEXTUAL,
        rows=_plans_ended_within_3m,
        published=Published({2025: 15.9}),
        breakdowns=CATEGORY,
    ),
)

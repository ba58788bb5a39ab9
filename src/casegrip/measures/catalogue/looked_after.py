"""D. Children looked after: numbers, reviews, visits, health, missing and participation.

Everything here starts from periods of care. The SSD holds looked-after *episodes* (a new one at
every change of placement or legal status); a period of care is a run of episodes with no day
between them, so it is built from the dates alone and does not depend on ``clae_cla_id`` being
filled in. Legal status (``ssd_legal_status``) and placement type (``ssd_cla_placement``) are
read as at the date that matters for each row and carried as the breakdown columns
``legal_status`` and ``placement_type``. Children on an agreed series of short breaks (legal
status V1, V3 or V4) are not counted as looked after, as in the DfE statistics, wherever the
definition is about the looked-after population.
"""

import ibis
import ibis.expr.types as ir

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Published, Target, Time
from ..primitives import age_in_years, greatest, latest_before, overlaps, with_add_working_days
from ._care import periods_of_care
from ._common import is_yes, rows

GROUP = "Looked after"
CLA_STATS = "DfE Children looked after in England statistics (SSDA903)"
BREAKDOWNS = ("legal_status", "placement_type")
SHORT_BREAKS = ("V1", "V3", "V4")
# Long-term foster placements (SSDA903 PLACE): the ones reg 28(2)(c) lets be visited 3-monthly
# after the first year, as placements intended to last until the child is 18.
LONG_TERM_FOSTER = ("U1", "U4")
MONTHS_3 = ibis.interval(months=3)
MONTHS_6 = ibis.interval(months=6)
MONTHS_12 = ibis.interval(months=12)


# -- shared pieces -------------------------------------------------------------------------


def _with_breakdowns(frame: Frame, t: ir.Table, keys: list[str], person: str, day: str):
    """``t`` with the child's ``legal_status``, ``placement_type`` and ``placement_start`` on
    ``day``: the latest-starting legal status and placement that began on or before the day and
    had not ended before it (on a day of change, the new one). ``keys`` identify ``t``'s rows."""
    names = [f"k_{i}" for i in range(len(keys))]
    base = t.select(
        **{n: t[k] for n, k in zip(names, keys, strict=True)}, b_person=t[person], b_day=t[day]
    ).distinct()

    ls = frame.table("ssd_legal_status")
    legal = ls.select(
        ls_person=ls.lega_person_id,
        ls_code=ls.lega_legal_status,
        ls_start=ls.lega_legal_status_start_date,
        ls_end=ls.lega_legal_status_end_date,
        ls_id=ls.lega_legal_status_id,
    )
    on_day = base.join(
        legal,
        [
            base.b_person == legal.ls_person,
            legal.ls_start <= base.b_day,
            legal.ls_end.isnull() | (legal.ls_end >= base.b_day),
        ],
    ).select(*names, "b_day", "ls_start", "ls_code", "ls_id")
    status = latest_before(on_day, names, "ls_start", "b_day", tiebreak=["ls_code", "ls_id"])
    status = status.select(*[status[n].name(f"l{n}") for n in names], legal_status=status.ls_code)

    pl = frame.table("ssd_cla_placement")
    place = pl.select(
        pl_person=pl.clap_person_id,
        pl_type=pl.clap_cla_placement_type,
        pl_start=pl.clap_cla_placement_start_date,
        pl_end=pl.clap_cla_placement_end_date,
        pl_id=pl.clap_cla_placement_id,
    )
    in_place = base.join(
        place,
        [
            base.b_person == place.pl_person,
            place.pl_start <= base.b_day,
            place.pl_end.isnull() | (place.pl_end >= base.b_day),
        ],
    ).select(*names, "b_day", "pl_start", "pl_type", "pl_id")
    current = latest_before(in_place, names, "pl_start", "b_day", tiebreak=["pl_type", "pl_id"])
    current = current.select(
        *[current[n].name(f"p{n}") for n in names],
        placement_type=current.pl_type,
        placement_start=current.pl_start,
    )

    joined = t.left_join(
        status, [t[k] == status[f"l{n}"] for n, k in zip(names, keys, strict=True)]
    )
    joined = joined.select(*t.columns, "legal_status")
    joined = joined.left_join(
        current, [joined[k] == current[f"p{n}"] for n, k in zip(names, keys, strict=True)]
    )
    return joined.select(*t.columns, "legal_status", "placement_type", "placement_start")


def _short_break(t: ir.Table) -> ir.BooleanValue:
    return t.legal_status.isin(SHORT_BREAKS).fill_null(False)


def _rows(t: ir.Table, **columns) -> ir.Table:
    """The runner's row columns, attributed through the child's allocation, with the legal
    status and placement type breakdowns."""
    return rows(t, legal_status=t.legal_status, placement_type=t.placement_type, **columns)


def _looked_after_at_end(frame: Frame) -> ir.Table:
    """Each child looked after at each window's end (one row per child), with breakdowns."""

    def build() -> ir.Table:
        at = frame.open_at(periods_of_care(frame), "p_start", "p_end")
        keys = ["window_end", "person", "p_start"]
        return _with_breakdowns(frame, at, keys, "person", "window_end")

    return frame.shared("cla_at_end", build)


def _health_checks(frame: Frame, kind: str) -> ir.Table:
    """Completed checks of one kind ("health" assessments or "dental" checks) by child.

    Types are free text in the SSD ("Health Assessment", "HEALTH", "Review health assessment",
    "Dental Check", "DENTAL"...): a dental check names dental, teeth or dentist; a health
    assessment says health assessment, or is just HEALTH, IHA or RHA (development and other
    surveillance checks are neither). A check counts unless its status says it was not done
    (planned, refused, cancelled...): a blank status counts, as many extracts leave it blank.
    """
    h = frame.table("ssd_cla_health")
    kind_text = h.clah_health_check_type.upper().strip()
    if kind == "dental":
        wanted = kind_text.re_search("DENT|TEETH")
    else:
        wanted = kind_text.re_search("HEALTH ASSESSMENT") | kind_text.isin(("HEALTH", "IHA", "RHA"))
    status = h.clah_health_check_status.upper().strip()
    done = status.isnull() | (status == "") | status.startswith("COMPLET")
    picked = h.filter(wanted.fill_null(False) & done & h.clah_health_check_date.notnull())
    return picked.select(h_person=picked.clah_person_id, h_date=picked.clah_health_check_date)


def _is_missing(kind: ir.StringValue) -> ir.BooleanValue:
    """Missing (SSDA903 MISSING = M), not away without authorisation (A)."""
    return kind.upper().strip().isin(("M", "MISSING")).fill_null(False)


# -- numbers -------------------------------------------------------------------------------


def _cla_rate(frame: Frame):
    t = _looked_after_at_end(frame)
    counted = ~_short_break(t)
    return _rows(
        t,
        child_id=t.person,
        in_denominator=counted,
        in_numerator=counted,
        reason=ibis.ifelse(
            counted,
            "looked after at the date",
            "on an agreed series of short breaks (V1/V3/V4): not counted",
        ),
    )


def _cla_starts(frame: Frame):
    starts = frame.in_window(periods_of_care(frame), "p_start")
    starts = _with_breakdowns(
        frame, starts, ["window_end", "person", "p_start"], "person", "p_start"
    )
    short = _short_break(starts)
    # Each child once per window: the first start that is not a short break, if any.
    ranked = starts.mutate(
        short=short,
        n=ibis.row_number().over(
            group_by=[starts.window_end, starts.person],
            order_by=[ibis.ifelse(short, 1, 0), starts.p_start],
        ),
    )
    first = ranked.filter(ranked.n == 0)
    counted = ~first.short
    return _rows(
        first,
        child_id=first.person,
        in_denominator=counted,
        in_numerator=counted,
        reason=ibis.ifelse(
            counted,
            "started to be looked after in the period",
            "started an agreed series of short breaks (V1/V3/V4): not counted",
        ),
    )


# -- reviews -------------------------------------------------------------------------------


def _reviews_due(frame: Frame) -> ir.Table:
    """Every statutory review of every period of care with its due date: ``person``,
    ``p_start``, ``p_end``, ``due``, ``held`` (null for the next review, not held yet) and
    ``n`` (0 for the first review, 1 for the second...)."""
    periods = with_add_working_days(
        periods_of_care(frame), "p_start", 20, frame.calendar, "first_due"
    )
    rv = frame.table("ssd_cla_reviews")
    held = (
        rv.filter(rv.clar_cla_review_date.notnull() & ~is_yes(rv.clar_cla_review_cancelled))
        .select(r_person=rv.clar_cla_person_id, r_date=rv.clar_cla_review_date)
        .distinct()
    )
    j = periods.join(
        held,
        [
            periods.person == held.r_person,
            held.r_date >= periods.p_start,
            periods.p_end.isnull() | (held.r_date <= periods.p_end),
        ],
    )
    order = ibis.window(group_by=[j.person, j.p_start], order_by=[j.r_date])
    j = j.mutate(n=ibis.row_number().over(order), prev=j.r_date.lag().over(order))

    def due_after(n, previous, first_due):
        return ibis.cases(
            (n == 0, first_due),
            (n == 1, previous + MONTHS_3),
            else_=previous + MONTHS_6,
        )

    done = j.select(
        person=j.person,
        p_start=j.p_start,
        p_end=j.p_end,
        n=j.n.cast("int64"),
        due=due_after(j.n, j.prev, j.first_due),
        held=j.r_date,
    )
    per_period = done.group_by(["person", "p_start"]).aggregate(
        count=done.n.count(), last=done.held.max()
    )
    nxt = periods.left_join(
        per_period,
        [periods.person == per_period.person, periods.p_start == per_period.p_start],
    )
    count = nxt["count"].fill_null(0).cast("int64")
    upcoming = nxt.select(
        person=nxt.person,
        p_start=nxt.p_start,
        p_end=nxt.p_end,
        n=count,
        due=due_after(count, nxt["last"], nxt.first_due),
        held=ibis.null("date"),
    )
    # The next review is due only if the child was still looked after after its due date.
    upcoming = upcoming.filter(upcoming.p_end.isnull() | (upcoming.p_end > upcoming.due))
    return done.union(upcoming)


def _review_timeliness(frame: Frame):
    t = frame.in_window(_reviews_due(frame), "due")
    t = _with_breakdowns(frame, t, ["window_end", "person", "p_start", "n"], "person", "due")
    short = _short_break(t)
    on_time = t.held.notnull() & (t.held <= t.due)
    which = ibis.cases(
        (t.n == 0, "first review"), (t.n == 1, "second review"), else_="later review"
    )
    status = ibis.cases(
        (short, ": on short breaks (V1/V3/V4), other rules apply, not counted"),
        (on_time, ": held on or before its due date"),
        (t.held.notnull(), ": held after its due date"),
        else_=": due and not held",
    )
    return _rows(
        t,
        child_id=t.person,
        in_denominator=~short,
        in_numerator=~short & on_time,
        reason=which + status,
    )


def _review_participation(frame: Frame):
    rv = frame.table("ssd_cla_reviews")
    held = rv.filter(~is_yes(rv.clar_cla_review_cancelled))
    t = frame.in_window(held, "clar_cla_review_date")
    person = frame.table("ssd_person").select(d_person="pers_person_id", d_dob="pers_dob")
    t = t.left_join(person, t.clar_cla_person_id == person.d_person)
    t = t.select(
        window_end=t.window_end,
        person=t.clar_cla_person_id,
        review_id=t.clar_cla_review_id,
        review_date=t.clar_cla_review_date,
        code=t.clar_cla_review_participation.upper().strip(),
        age=age_in_years(t.d_dob, t.clar_cla_review_date),
    )
    t = _with_breakdowns(
        frame, t, ["window_end", "person", "review_id", "review_date"], "person", "review_date"
    )
    under_four = (t.age < 4).fill_null(False)
    coded = t.code.isin([f"PN{n}" for n in range(1, 8)]).fill_null(False)
    took_part = t.code.isin([f"PN{n}" for n in range(1, 7)]).fill_null(False)
    counted = ~under_four & coded
    return _rows(
        t,
        child_id=t.person,
        in_denominator=counted,
        in_numerator=counted & took_part,
        reason=ibis.cases(
            (under_four, "child under 4 at the review: not counted"),
            (~coded, "no participation code PN1-PN7 recorded: not counted"),
            (took_part, "child took part or their views were conveyed (PN1-PN6)"),
            else_="child did not take part and no views were conveyed (PN7)",
        ),
    )


# -- visits --------------------------------------------------------------------------------


def _seen_visits(frame: Frame) -> ir.Table:
    v = frame.table("ssd_cla_visits")
    seen = v.filter(is_yes(v.clav_cla_visit_seen) & v.clav_cla_visit_date.notnull())
    return seen.select(v_person=seen.clav_person_id, v_date=seen.clav_cla_visit_date).distinct()


def _visit_timeliness(frame: Frame):
    t = _looked_after_at_end(frame)
    keys = ["window_end", "person", "p_start"]
    t = t.mutate(since=ibis.coalesce(t.placement_start, t.p_start))
    visits = _seen_visits(frame)
    made = t.join(
        visits,
        [t.person == visits.v_person, visits.v_date >= t.since, visits.v_date <= t.window_end],
    )
    last = made.group_by(keys).aggregate(last_visit=made.v_date.max())
    last = last.select(
        lw=last.window_end, lp=last.person, ls=last.p_start, last_visit=last.last_visit
    )
    t = t.left_join(
        last, [t.window_end == last.lw, t.person == last.lp, t.p_start == last.ls]
    ).select(*t.columns, "last_visit")
    long_term = t.placement_type.isin(LONG_TERM_FOSTER).fill_null(False)
    settled = long_term & (t.last_visit >= t.since + MONTHS_12)
    due = ibis.cases(
        (t.last_visit.isnull(), t.since + ibis.interval(days=7)),
        (settled, t.last_visit + MONTHS_3),
        else_=t.last_visit + ibis.interval(days=42),
    )
    short = _short_break(t)
    on_time = (due >= t.window_end).fill_null(False)
    return _rows(
        t,
        child_id=t.person,
        in_denominator=~short,
        in_numerator=~short & on_time,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4), other rules apply: not counted"),
            (t.last_visit.isnull() & on_time, "placement began in the last 7 days"),
            (t.last_visit.isnull(), "not visited within 7 days of the placement starting"),
            (settled & on_time, "visited in the last 3 months (long-term foster placement)"),
            (settled, "not visited for more than 3 months (long-term foster placement)"),
            (on_time, "visited in the last 6 weeks"),
            else_="not visited for more than 6 weeks",
        ),
    )


def _seen_alone(frame: Frame):
    t = _looked_after_at_end(frame)
    keys = ["window_end", "person", "p_start"]
    v = frame.table("ssd_cla_visits")
    visits = v.filter(v.clav_cla_visit_date.notnull()).select(
        v_person=v.clav_person_id,
        v_date=v.clav_cla_visit_date,
        v_alone=ibis.ifelse(is_yes(v.clav_cla_visit_seen_alone), 1, 0),
        v_id=v.clav_cla_visit_id,
    )
    made = t.join(
        visits,
        [t.person == visits.v_person, visits.v_date >= t.p_start, visits.v_date <= t.window_end],
    ).select(*keys, "v_date", "v_alone", "v_id")
    # The latest visit; two on the same day: the one where the child was seen alone.
    last = latest_before(made, keys, "v_date", "window_end", tiebreak=["v_alone", "v_id"])
    last = last.select(lw=last.window_end, lp=last.person, ls=last.p_start, alone=last.v_alone)
    t = t.left_join(
        last, [t.window_end == last.lw, t.person == last.lp, t.p_start == last.ls]
    ).select(*t.columns, "alone")
    short = _short_break(t)
    visited = t.alone.notnull()
    alone = (t.alone == 1).fill_null(False)
    return _rows(
        t,
        child_id=t.person,
        in_denominator=~short & visited,
        in_numerator=~short & alone,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (~visited, "no visit recorded yet in this period of care: not counted"),
            (alone, "seen alone at the latest visit"),
            else_="not recorded as seen alone at the latest visit",
        ),
    )


# -- health --------------------------------------------------------------------------------


def _initial_health_assessment(frame: Frame):
    periods = with_add_working_days(
        periods_of_care(frame), "p_start", 20, frame.calendar, "first_due"
    )
    # A view: Ibis will not join the windows straight onto the primitive's own join.
    t = frame.in_window(periods.view(), "first_due")
    keys = ["window_end", "person", "p_start"]
    checks = _health_checks(frame, "health")
    near = t.join(
        checks,
        [
            t.person == checks.h_person,
            checks.h_date >= t.p_start - MONTHS_3,
            checks.h_date <= t.first_due,
        ],
    )
    found = near.group_by(keys).aggregate(
        before=ibis.ifelse(near.h_date < near.p_start, 1, 0).max(),
        after=ibis.ifelse(near.h_date >= near.p_start, 1, 0).max(),
    )
    found = found.select(
        fw=found.window_end,
        fp=found.person,
        fs=found.p_start,
        before=found.before,
        after=found.after,
    )
    t = t.left_join(
        found, [t.window_end == found.fw, t.person == found.fp, t.p_start == found.fs]
    ).select(*t.columns, "before", "after")
    t = _with_breakdowns(frame, t, keys, "person", "p_start")
    short = _short_break(t)
    left_care = t.p_end.notnull() & (t.p_end <= t.first_due)
    assessed_before = (t.before == 1).fill_null(False)
    on_time = (t.after == 1).fill_null(False)
    counted = ~short & ~left_care & ~assessed_before
    return _rows(
        t,
        child_id=t.person,
        in_denominator=counted,
        in_numerator=counted & on_time,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (left_care, "left care before the assessment fell due: not counted"),
            (assessed_before, "health assessment in the 3 months before care: not counted"),
            (on_time, "health assessment within 20 working days of starting care"),
            else_="no health assessment within 20 working days of starting care",
        ),
    )


def _twelve_months_in_care(frame: Frame) -> ir.Table:
    """Children looked after at the date who had been looked after continuously for at least
    12 months (the SSDA903 OC2 cohort when the date is 31 March), with their age."""
    t = _looked_after_at_end(frame)
    person = frame.table("ssd_person").select(d_person="pers_person_id", d_dob="pers_dob")
    t = t.left_join(person, t.person == person.d_person).select(*t.columns, "d_dob")
    return t.mutate(
        long_enough=t.p_start <= t.window_end - MONTHS_12,
        age=age_in_years(t.d_dob, t.window_end),
    )


def _latest_check(frame: Frame, t: ir.Table, kind: str) -> ir.Table:
    keys = ["window_end", "person", "p_start"]
    checks = _health_checks(frame, kind)
    made = t.join(checks, [t.person == checks.h_person, checks.h_date <= t.window_end])
    last = made.group_by(keys).aggregate(last_check=made.h_date.max())
    last = last.select(
        lw=last.window_end, lp=last.person, ls=last.p_start, last_check=last.last_check
    )
    return t.left_join(
        last, [t.window_end == last.lw, t.person == last.lp, t.p_start == last.ls]
    ).select(*t.columns, "last_check")


def _health_assessment_up_to_date(frame: Frame):
    t = _latest_check(frame, _twelve_months_in_care(frame), "health")
    short = _short_break(t)
    under_five = (t.age < 5).fill_null(False)
    due = ibis.ifelse(under_five, t.last_check + MONTHS_6, t.last_check + MONTHS_12)
    up_to_date = (due >= t.window_end).fill_null(False)
    counted = ~short & t.long_enough
    return _rows(
        t,
        child_id=t.person,
        in_denominator=counted,
        in_numerator=counted & up_to_date,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (~t.long_enough, "looked after for less than 12 months: not counted"),
            (under_five & up_to_date, "under 5 with a health assessment in the last 6 months"),
            (under_five, "under 5 and no health assessment in the last 6 months"),
            (up_to_date, "a health assessment in the last 12 months"),
            else_="no health assessment in the last 12 months",
        ),
    )


def _dental_check(frame: Frame):
    t = _latest_check(frame, _twelve_months_in_care(frame), "dental")
    short = _short_break(t)
    in_year = (t.last_check > t.window_end - MONTHS_12).fill_null(False)
    counted = ~short & t.long_enough
    return _rows(
        t,
        child_id=t.person,
        in_denominator=counted,
        in_numerator=counted & in_year,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (~t.long_enough, "looked after for less than 12 months: not counted"),
            (in_year, "teeth checked by a dentist in the 12 months to the date"),
            else_="no dental check in the 12 months to the date",
        ),
    )


# -- missing -------------------------------------------------------------------------------


def _missing_rate(frame: Frame):
    periods = periods_of_care(frame)
    w = frame.windows
    during = periods.join(w, overlaps(periods.p_start, periods.p_end, w.window_start, w.window_end))
    during = during.mutate(
        from_day=greatest(during.p_start, during.window_start),
        to_day=ibis.ifelse(
            during.p_end.isnull() | (during.p_end > during.window_end),
            during.window_end,
            during.p_end,
        ),
    )
    miss = frame.table("ssd_missing")
    episodes = miss.filter(_is_missing(miss.miss_missing_episode_type)).select(
        m_person=miss.miss_person_id, m_start=miss.miss_missing_episode_start_date
    )
    found = during.left_join(
        episodes,
        [
            during.person == episodes.m_person,
            episodes.m_start >= during.from_day,
            episodes.m_start <= during.to_day,
        ],
    )
    per_child = found.group_by(["window_end", "person"]).aggregate(
        episodes=found.m_start.count(), last_day=found.to_day.max()
    )
    t = _with_breakdowns(frame, per_child, ["window_end", "person"], "person", "last_day")
    short = _short_break(t)
    went_missing = t.episodes > 0
    return _rows(
        t,
        child_id=t.person,
        in_denominator=~short,
        in_numerator=~short & went_missing,
        value=t.episodes,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (went_missing, "went missing while looked after in the period"),
            else_="looked after in the period and not recorded as missing",
        ),
    )


def _return_interview_offered(frame: Frame):
    miss = frame.table("ssd_missing")
    ended = frame.in_window(
        miss.filter(_is_missing(miss.miss_missing_episode_type)), "miss_missing_episode_end_date"
    )
    periods = periods_of_care(frame)
    looked_after = ended.semi_join(
        periods,
        [
            ended.miss_person_id == periods.person,
            periods.p_start <= ended.miss_missing_episode_start_date,
            periods.p_end.isnull() | (periods.p_end >= ended.miss_missing_episode_start_date),
        ],
    )
    t = looked_after.select(
        window_end=looked_after.window_end,
        person=looked_after.miss_person_id,
        episode=looked_after.miss_table_id,
        started=looked_after.miss_missing_episode_start_date,
        offered=is_yes(looked_after.miss_missing_rhi_offered),
    )
    t = _with_breakdowns(frame, t, ["window_end", "person", "episode"], "person", "started")
    return _rows(
        t,
        child_id=t.person,
        in_numerator=t.offered,
        reason=ibis.ifelse(
            t.offered,
            "return interview offered after the missing episode",
            "no return interview recorded as offered",
        ),
    )


MEASURES = (
    Measure(
        id="cla_rate_per_10k",
        name="Children looked after per 10,000 children",
        group=GROUP,
        description="Children looked after at the date (a period of care open then; one that "
        "ends on the date is over) per 10,000 children aged 0 to 17 living in the authority "
        "(the configured population). Children whose legal status at the date is an agreed "
        "series of short breaks (V1, V3, V4) are left out, as the DfE leaves them out; a child "
        "with no legal status recorded is counted. One row per child.",
        source=CLA_STATS + ", national table A1",
        time=Time.AS_AT,
        kind=Kind.RATE_PER_10K,
        polarity=Polarity.CONTEXTUAL,
        rows=_cla_rate,
        published=Published(
            {2025: 67.0, 2024: 69.0, 2023: 70.0, 2018: 64.0}, "at 31 March; DfE's own rates"
        ),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_starts_rate_per_10k",
        name="Children starting to be looked after per 10,000 children",
        group=GROUP,
        description="Children who started a period of care in the period, per 10,000 children "
        "aged 0 to 17. A period of care starts with an episode that follows no other episode "
        "without a gap (a move or a change of legal status is not a start). Each child counts "
        "once in a period, on their first start; a start on an agreed series of short breaks "
        "(V1, V3, V4) is not counted. Over a month this is the month's rate; the DfE publishes "
        "it over the year to 31 March.",
        source=CLA_STATS + ", national table C1",
        time=Time.PERIOD,
        kind=Kind.RATE_PER_10K,
        polarity=Polarity.CONTEXTUAL,
        rows=_cla_starts,
        published=Published({2025: 26.0, 2024: 27.0, 2023: 28.0}, "year to 31 March"),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_review_timeliness",
        name="Looked-after reviews held within timescale",
        group=GROUP,
        description="Statutory reviews that fell due in the period, held on or before their "
        "due date, out of all reviews that fell due, including those not held. The first review "
        "of a period of care is due 20 working days after it starts; the second 3 calendar "
        "months after the first was held; each later one 6 calendar months after the one "
        "before (when the later month is shorter, on its last day: 30 November + 3 months and "
        "31 August + 6 months are both 29 February 2024). A review not yet held counts only if "
        "the child was still looked after on the day after its due date. Cancelled reviews "
        "are ignored, two reviews on one day count once, and the "
        "count starts from the first review recorded in the period of care. Children on an "
        "agreed series of short breaks (V1, V3, V4) follow other rules and are left out. "
        "Breakdowns are as at the due date.",
        source="Care Planning, Placement and Case Review (England) Regulations 2010, reg 33",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_review_timeliness,
        timescale="20 working days, then 3 months, then 6 months",
        target=Target.fixed(100.0),
        due_rule="First review 20 working days after the child starts to be looked after; "
        "the second 3 calendar months after the first; then 6 calendar months after the "
        "previous review",
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_visit_timeliness",
        name="Looked-after children visited within regulation 28 timescales",
        group=GROUP,
        description="Children looked after at the date whose next statutory visit was not "
        "overdue then, out of all children looked after. A visit counts when the child was "
        "recorded as seen. Only visits since the current placement began count: the first is "
        "due within 7 days of the placement starting, then within 6 weeks (42 days) of the "
        "last; in a long-term foster placement (U1, U4, taken as intended to last until 18) "
        "once a visit has been made after the placement's first anniversary, within 3 calendar "
        "months. Due on the date counts as on time. Simplifications, as the SSD does not hold "
        "what they turn on: the 6-monthly visits of reg 28(3A) (the child's agreement), the "
        "weekly visits of reg 28(3)-(5) (placements with parents or connected persons before "
        "approval) and the adoption-placement visits are all treated as the general rule; with "
        "no placement recorded, the period of care's start stands for the placement's. "
        "Children on an agreed series of short breaks (V1, V3, V4) are left out.",
        source="Care Planning, Placement and Case Review (England) Regulations 2010, reg 28",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_visit_timeliness,
        timescale="1 week, then 6 weeks (3 months in a settled long-term foster placement)",
        target=Target.fixed(95.0),
        due_rule="7 days after a placement starts; then 42 days after the last visit, or 3 "
        "calendar months after it in a long-term foster placement (U1, U4) once a visit has "
        "been made after the placement's first year",
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_seen_alone",
        name="Looked-after children seen alone at their latest visit",
        group=GROUP,
        description="Children looked after at the date whose latest recorded visit in this "
        "period of care was recorded as seeing them alone, out of all children looked after "
        "who have had a visit in this period of care. Two visits on the same day: the child "
        "counts if seen alone at either. The SSD holds no reason for not seeing a child alone, "
        "so a valid reason cannot be counted, and children of every age count (break down by "
        "age band to set babies aside). Children on an agreed series of short breaks (V1, V3, "
        "V4) are left out.",
        source="Care Planning, Placement and Case Review (England) Regulations 2010, reg 29",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_seen_alone,
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_initial_health_assessment_timely",
        name="Initial health assessments within 20 working days",
        group=GROUP,
        description="Periods of care whose initial health assessment fell due in the period "
        "(20 working days after the child started to be looked after), with a health "
        "assessment dated from the start of care to the due date, out of all that fell due. "
        "Counted by due date, not by start, so that a recent start is not counted before it is "
        "due. Left out: children with a health assessment in the 3 months before care began "
        "(reg 7 needs no new one), children who left care on or before the due date, and "
        "agreed series of short breaks (V1, V3, V4). A health assessment is a check whose type "
        "names a health assessment (or HEALTH, IHA, RHA), not refused, cancelled or planned. "
        "One row per period of care; breakdowns as at the start of care.",
        source="CPPCR 2010 reg 7; Promoting the health and wellbeing of looked-after children "
        "(2015)",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_initial_health_assessment,
        timescale="20 working days",
        target=Target.fixed(90.0),
        due_rule="20 working days after the child starts to be looked after",
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_health_assessment_up_to_date",
        name="Children looked after 12 months+ with an up-to-date health assessment",
        group=GROUP,
        description="Children looked after at the date who had been looked after continuously "
        "for at least 12 months (since the same date a year before; the SSDA903 OC2 cohort "
        "when the date is 31 March), whose next health assessment was not overdue at the date: "
        "it falls due 6 calendar months after the latest one for a child under 5 at the date, "
        "12 months for a child of 5 or over (a 5th birthday on the date counts; no date of "
        "birth: 12 months), and due on the date is not overdue (31 August to 29 February 2024 "
        "is 6 months). Short breaks (V1, V3, V4) are left out. Checks count as for the initial "
        "health assessment.",
        source=CLA_STATS + " (outcomes, SSDA903 OC2 HEALTH_CHECK)",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_health_assessment_up_to_date,
        timescale="6 months under 5, 12 months from 5",
        target=Target.fixed(90.0),
        published=Published({2025: 90.0, 2024: 89.0, 2023: 89.0}, "at 31 March"),
        due_rule="6 calendar months after the latest health assessment for a child under 5 "
        "at the date; 12 calendar months for a child of 5 or over",
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_dental_check",
        name="Children looked after 12 months+ with a dental check in the year",
        group=GROUP,
        description="Children looked after continuously for at least 12 months at the date "
        "(as for the health assessment) whose teeth were checked by a dentist in the 12 months "
        "up to the date (after the same date a year before, so 1 April to 31 March at 31 "
        "March), out of all of them. A dental check is a check whose type names dental, teeth "
        "or a dentist, not refused, cancelled or planned. Short breaks (V1, V3, V4) are left "
        "out.",
        source=CLA_STATS + " (outcomes, SSDA903 OC2 TEETH_CHECK)",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_dental_check,
        timescale="12 months",
        target=Target.fixed(80.0),
        published=Published({2025: 81.0, 2024: 79.0, 2023: 76.0}, "year to 31 March"),
        due_rule="12 calendar months after the latest dental check",
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_missing_rate",
        name="Looked-after children who went missing",
        group=GROUP,
        description="Children looked after at any time in the period who had a missing "
        "episode (type M, Missing) starting in the period while they were looked after, out "
        "of all children looked after in the period. Away without authorisation (A) is not "
        "missing. Short breaks (V1, V3, V4, as at the child's last day looked after in the "
        "period) are left out. One row per child; its value is the number of missing episodes. "
        "Over a month the figure is well below the year's: the DfE's is over the year to 31 "
        "March.",
        source=CLA_STATS + " (missing and away from placement)",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_missing_rate,
        published=Published(
            {2025: 11.0, 2018: 11.0},
            "derived: children who went missing over children looked after during the year",
        ),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="missing_return_interview_offered",
        name="Return interviews offered after missing episodes",
        group=GROUP,
        description="Missing episodes (type M) of looked-after children that ended in the "
        "period, where a return home interview was recorded as offered (Y), out of all those "
        "episodes. The child counts as looked after if a period of care was open on the day "
        "the episode began (short breaks included). NA or blank counts as not offered: every "
        "missing episode should lead to an offer. One row per episode; breakdowns as at the "
        "day the episode began.",
        source="Annex A list 8; Children who run away or go missing from home or care (2014)",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_return_interview_offered,
        target=Target.fixed(100.0),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_review_participation",
        name="Looked-after reviews where the child took part or their views were conveyed",
        group=GROUP,
        description="Reviews held in the period (not cancelled) of children aged 4 or over on "
        "the day (a 4th birthday on the day counts; no date of birth: counted by the code), "
        "coded PN1 to PN6, out of those coded PN1 to PN7. Reviews with no code, or PN0, are "
        "left out. One row per review; breakdowns as at the review.",
        source="SSDA903 REVIEW_CODE (PN0-PN7)",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_review_participation,
        breakdowns=BREAKDOWNS,
    ),
)

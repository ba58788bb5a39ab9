"""I. Demand flow: how long children take to move between stages of intervention."""

import ibis

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Time
from ..primitives import latest_before
from ._common import rows

GROUP = "Demand flow"
PATCH_DRIFT = "D2I PATCh Drift tool (referral to CP plan, CP plan to looked after)"


def _days(later, earlier):
    return later.delta(earlier, unit="day")


# -- referral to CP plan ---------------------------------------------------------------------


def _referral_to_cp(frame: Frame):
    plans = frame.in_window(frame.table("ssd_cp_plans"), "cppl_cp_plan_start_date")
    ref = frame.table("ssd_cin_episodes")
    referrals = ref.select(
        r_id=ref.cine_referral_id, r_person=ref.cine_person_id, r_day=ref.cine_referral_date
    )
    # The plan's own referral, where it names one that came before the plan.
    own = plans.left_join(
        referrals,
        [
            plans.cppl_referral_id == referrals.r_id,
            referrals.r_day <= plans.cppl_cp_plan_start_date,
        ],
    ).select(*plans.columns, own_day="r_day")
    # Otherwise the child's latest referral on or before the plan's start.
    referrals = referrals.view()
    candidates = own.join(
        referrals,
        [
            own.cppl_person_id == referrals.r_person,
            referrals.r_day <= own.cppl_cp_plan_start_date,
        ],
    )
    latest = latest_before(
        candidates.select(
            "window_end",
            "cppl_cp_plan_id",
            "cppl_cp_plan_start_date",
            "r_day",
            "r_id",
        ),
        ["window_end", "cppl_cp_plan_id"],
        "r_day",
        "cppl_cp_plan_start_date",
    ).select(l_end="window_end", l_plan="cppl_cp_plan_id", l_day="r_day")
    t = own.left_join(
        latest, [own.window_end == latest.l_end, own.cppl_cp_plan_id == latest.l_plan]
    )
    t = t.mutate(referral_day=ibis.coalesce(t.own_day, t.l_day)).drop("l_end", "l_plan", "l_day")
    # Only the first CP plan after the referral: no earlier plan of the child started on or
    # after the referral (a plan starting the same day with a smaller id is earlier).
    cp = frame.table("ssd_cp_plans")
    other = cp.select(
        o_id=cp.cppl_cp_plan_id, o_person=cp.cppl_person_id, o_start=cp.cppl_cp_plan_start_date
    )
    j = t.left_join(
        other,
        [
            t.cppl_person_id == other.o_person,
            other.o_id != t.cppl_cp_plan_id,
            other.o_start >= t.referral_day,
            (other.o_start < t.cppl_cp_plan_start_date)
            | ((other.o_start == t.cppl_cp_plan_start_date) & (other.o_id < t.cppl_cp_plan_id)),
        ],
    )
    t = j.group_by(
        [
            "window_end",
            "cppl_cp_plan_id",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "referral_day",
        ]
    ).aggregate(earlier=j.o_id.count())
    found = t.referral_day.notnull()
    first = found & (t.earlier == 0)
    days = _days(t.cppl_cp_plan_start_date, t.referral_day)
    return rows(
        t,
        child_id=t.cppl_person_id,
        in_denominator=first,
        in_numerator=first,
        value=ibis.ifelse(first, days, ibis.null("int64")),
        reason=ibis.cases(
            (~found, "CP plan started with no referral on record before it"),
            (
                ~first,
                ibis.literal("not the first CP plan since the referral of ").concat(
                    t.referral_day.cast("string")
                ),
            ),
            else_=ibis.literal("CP plan started ")
            .concat(days.cast("string"))
            .concat(" days after the referral of ")
            .concat(t.referral_day.cast("string")),
        ),
    )


# -- CP plan to looked after -----------------------------------------------------------------


def _care_starts(frame: Frame):
    """Each time a child became looked after: the date they entered care, else the start of an
    episode beginning a new period of care (reason S); with the placement type of the episode
    that began it."""
    cla = frame.table("ssd_cla_episodes")
    entered = ibis.coalesce(
        cla.clae_entered_care_date,
        ibis.ifelse(
            cla.clae_cla_episode_start_reason == "S", cla.clae_cla_episode_start_date, ibis.null()
        ),
    )
    # The episode that began the period: the one starting the day the child entered care.
    place = frame.table("ssd_cla_placement")
    placement = place.select(
        pl_id=place.clap_cla_placement_id, pl_type=place.clap_cla_placement_type
    )
    eps = cla.mutate(entered=entered)
    eps = eps.filter(eps.entered.notnull())
    eps = eps.left_join(placement, eps.clae_cla_placement_id == placement.pl_id)
    starts = eps.group_by(["clae_person_id", "entered"]).aggregate(
        placement_type=ibis.ifelse(
            eps.clae_cla_episode_start_date == eps.entered, eps.pl_type, ibis.null("string")
        ).max()
    )
    return frame.in_window(starts, "entered")


def _cp_to_cla(frame: Frame):
    starts = _care_starts(frame)
    cp = frame.table("ssd_cp_plans")
    plans = cp.select(
        c_id=cp.cppl_cp_plan_id,
        c_person=cp.cppl_person_id,
        c_start=cp.cppl_cp_plan_start_date,
        c_end=cp.cppl_cp_plan_end_date,
    )
    # The CP plan open when the child became looked after (or ending that day); if several,
    # the latest to start.
    j = starts.left_join(
        plans,
        [
            starts.clae_person_id == plans.c_person,
            plans.c_start <= starts.entered,
            plans.c_end.isnull() | (plans.c_end >= starts.entered),
        ],
    )
    t = j.group_by(["window_end", "clae_person_id", "entered", "placement_type"]).aggregate(
        cp_start=j.c_start.max()
    )
    # The legal status at the date they became looked after.
    ls = frame.table("ssd_legal_status")
    legal = ls.select(
        ls_person=ls.lega_person_id,
        ls_start=ls.lega_legal_status_start_date,
        ls_code=ls.lega_legal_status,
    )
    keys = t.select("window_end", "clae_person_id", "entered")
    statuses = keys.join(
        legal, [keys.clae_person_id == legal.ls_person, legal.ls_start <= keys.entered]
    ).drop("ls_person")
    current = latest_before(
        statuses, ["window_end", "clae_person_id", "entered"], "ls_start", "entered"
    ).select(
        s_end="window_end", s_person="clae_person_id", s_entered="entered", legal_status="ls_code"
    )
    t = t.left_join(
        current,
        [
            t.window_end == current.s_end,
            t.clae_person_id == current.s_person,
            t.entered == current.s_entered,
        ],
    ).drop("s_end", "s_person", "s_entered")
    from_cp = t.cp_start.notnull()
    days = _days(t.entered, t.cp_start)
    # The columns of ``rows`` and the two breakdowns (``rows`` keeps only its own columns).
    return t.select(
        window_end=t.window_end,
        child_id=t.clae_person_id.cast("string"),
        team_id=ibis.null("string"),
        worker_id=ibis.null("string"),
        in_denominator=from_cp,
        in_numerator=from_cp,
        value=days.cast("float64"),
        reason=ibis.ifelse(
            from_cp,
            ibis.literal("became looked after ")
            .concat(days.cast("string"))
            .concat(" days after the CP plan of ")
            .concat(t.cp_start.cast("string"))
            .concat(" started"),
            ibis.literal("became looked after on ")
            .concat(t.entered.cast("string"))
            .concat(" with no CP plan open"),
        ),
        legal_status=t.legal_status.cast("string"),
        placement_type=t.placement_type.cast("string"),
    )


MEASURES = (
    Measure(
        id="referral_to_cp_days",
        name="Median days from referral to CP plan",
        group=GROUP,
        description="For child protection plans starting in the period, the median number of "
        "calendar days from the referral to the plan's start. The referral is the one the plan "
        "names, where it came before the plan, else the child's latest referral on or before "
        "the plan's start. Only the first CP plan after a referral counts; plans with no "
        "referral before them are left out.",
        source=PATCH_DRIFT,
        time=Time.PERIOD,
        kind=Kind.MEDIAN,
        polarity=Polarity.CONTEXTUAL,
        rows=_referral_to_cp,
    ),
    Measure(
        id="cp_to_cla_days",
        name="Median days from CP plan to becoming looked after",
        group=GROUP,
        description="For children who became looked after in the period (the date they "
        "entered care, or an episode starting a new period of care) with a child protection "
        "plan open that day or ending on it, the median number of calendar days from the start "
        "of that plan (the latest to start, if several) to becoming looked after. Children who "
        "became looked after with no CP plan open are left out. Rows carry the legal status "
        "on the day and the type of the first placement.",
        source=PATCH_DRIFT,
        time=Time.PERIOD,
        kind=Kind.MEDIAN,
        polarity=Polarity.CONTEXTUAL,
        rows=_cp_to_cla,
        breakdowns=("legal_status", "placement_type"),
    ),
)

"""D. Children looked after: placement stability, distance, changes of social worker and care
proceedings.

Who is looked after at a date comes from periods of care built from ``ssd_cla_episodes`` (a run
of episodes with no day between them), as in ``looked_after.py``; children on an agreed series of
short breaks (legal status V1, V3 or V4) are left out, as in the DfE statistics. Placements come
from ``ssd_cla_placement``. A placement whose predecessor ended with change reason PLACE
(SSDA903: a change in the status of the placement only) is a continuation with the same carer,
so a child's placements form *carer runs*: a run starts with a placement that is not such a
continuation. Each row carries the child's ``legal_status`` and ``placement_type`` on the date
that matters for it, as breakdown columns.
"""

import ibis
import ibis.expr.types as ir

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Published, Target, Time
from ..primitives import age_in_years, greatest, latest_before, overlaps
from ._care import periods_of_care
from ._common import rows

GROUP = "Looked after"
STABILITY = "DfE Stability measures for children looked after in England (SSDA903)"
BREAKDOWNS = ("legal_status", "placement_type")
SHORT_BREAKS = ("V1", "V3", "V4")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")  # hospital, holiday and other temporary moves
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
SAME_CARER = "PLACE"
INTERIM_CARE_ORDER = "C1"
ONE_DAY = ibis.interval(days=1)
ONE_YEAR = ibis.interval(months=12)
TWO_YEARS = ibis.interval(months=24)
THIRTY_MONTHS = ibis.interval(months=30)
TWENTY_SIX_WEEKS = 26 * 7
PLACEMENT_COLUMNS = ("pl_start", "pl_type", "pl_id", "pl_distance", "run_start", "prev_run_start")


def _code(value: ir.StringValue) -> ir.StringValue:
    return value.upper().strip()


# -- periods of care and placements ----------------------------------------------------------


def _placements(frame: Frame) -> ir.Table:
    pl = frame.table("ssd_cla_placement")
    return pl.filter(
        pl.clap_person_id.notnull() & pl.clap_cla_placement_start_date.notnull()
    ).select(
        pl_id=pl.clap_cla_placement_id,
        pl_person=pl.clap_person_id,
        pl_start=pl.clap_cla_placement_start_date,
        pl_end=pl.clap_cla_placement_end_date,
        pl_type=_code(pl.clap_cla_placement_type),
        pl_distance=pl.clap_cla_placement_distance,
        pl_reason=_code(pl.clap_cla_placement_change_reason),
    )


def _carer_runs(frame: Frame) -> ir.Table:
    return frame.shared("plc_carer_runs", lambda: _build_carer_runs(frame))


def _build_carer_runs(frame: Frame) -> ir.Table:
    """Every placement with ``run_start`` (when the child began living with this carer: the
    start of the earliest placement in an unbroken chain of same-carer continuations) and
    ``prev_run_start`` (when the child began living with the carer before, if any).

    A placement continues the one before with the same carer when that one ended, on the day
    it started or the day before, with change reason PLACE."""
    pl = _placements(frame)
    before = pl.view().select(
        b_id="pl_id", b_person="pl_person", b_start="pl_start", b_end="pl_end", b_reason="pl_reason"
    )
    continues = [
        pl.pl_person == before.b_person,
        before.b_id != pl.pl_id,
        before.b_start <= pl.pl_start,
        before.b_end >= pl.pl_start - ONE_DAY,
        before.b_end <= pl.pl_start,
        (before.b_reason == SAME_CARER).fill_null(False),
    ]
    starters = (
        pl.anti_join(before, continues).select(s_person="pl_person", s_start="pl_start").distinct()
    )
    joined = pl.join(starters, [pl.pl_person == starters.s_person, starters.s_start <= pl.pl_start])
    runs = joined.group_by(pl.columns).aggregate(run_start=joined.s_start.max())
    earlier = starters.view().select(q_person="s_person", q_start="s_start")
    prev = runs.left_join(
        earlier, [runs.pl_person == earlier.q_person, earlier.q_start < runs.run_start]
    )
    return prev.group_by([*pl.columns, "run_start"]).aggregate(prev_run_start=prev.q_start.max())


def _legal_status_on(frame: Frame, base: ir.Table, names: list[str]) -> ir.Table:
    """Per row of ``base`` (keys ``names``, ``b_person``, ``b_day``): the legal status that
    began latest on or before the day and had not ended before it (on a day of change, the new
    one). Columns: ``l_<name>`` for each key, ``legal_status``."""
    ls = frame.table("ssd_legal_status")
    legal = ls.select(
        ls_person=ls.lega_person_id,
        ls_code=_code(ls.lega_legal_status),
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
    return status.select(*[status[n].name(f"l_{n}") for n in names], legal_status=status.ls_code)


def _placement_on(frame: Frame, base: ir.Table, names: list[str]) -> ir.Table:
    """Per row of ``base``: the placement that began latest on or before the day and had not
    ended before it, with its carer run. Columns: ``c_<name>`` for each key, then
    ``placement_type``, ``pl_id``, ``pl_start``, ``pl_distance``, ``run_start``,
    ``prev_run_start``."""
    runs = _carer_runs(frame)
    in_place = base.join(
        runs,
        [
            base.b_person == runs.pl_person,
            runs.pl_start <= base.b_day,
            runs.pl_end.isnull() | (runs.pl_end >= base.b_day),
        ],
    )
    in_place = in_place.select(*names, "b_day", *PLACEMENT_COLUMNS)
    current = latest_before(in_place, names, "pl_start", "b_day", tiebreak=["pl_type", "pl_id"])
    return current.select(
        *[current[n].name(f"c_{n}") for n in names],
        placement_type=current.pl_type,
        pl_id=current.pl_id,
        pl_start=current.pl_start,
        pl_distance=current.pl_distance,
        run_start=current.run_start,
        prev_run_start=current.prev_run_start,
    )


def with_breakdowns(frame: Frame, t: ir.Table, keys: list[str], person: str, day: str):
    """``t`` with the child's ``legal_status`` and current placement on ``day`` (see
    ``_placement_on`` for the placement columns). ``keys`` identify ``t``'s rows."""
    names = [f"k_{i}" for i in range(len(keys))]
    base = t.select(
        **{n: t[k] for n, k in zip(names, keys, strict=True)}, b_person=t[person], b_day=t[day]
    ).distinct()
    status = _legal_status_on(frame, base, names)
    place = _placement_on(frame, base, names)
    joined = t.left_join(
        status, [t[k] == status[f"l_{n}"] for n, k in zip(names, keys, strict=True)]
    ).select(*t.columns, "legal_status")
    joined = joined.left_join(
        place, [joined[k] == place[f"c_{n}"] for n, k in zip(names, keys, strict=True)]
    )
    extra = ["placement_type", "pl_id", "pl_start", "pl_distance", "run_start", "prev_run_start"]
    return joined.select(*t.columns, "legal_status", *extra)


def short_break(t: ir.Table) -> ir.BooleanValue:
    return t.legal_status.isin(SHORT_BREAKS).fill_null(False)


def breakdown_rows(t: ir.Table, **columns) -> ir.Table:
    """The runner's row columns plus ``legal_status`` and ``placement_type``."""
    return rows(t, legal_status=t.legal_status, placement_type=t.placement_type, **columns)


def _looked_after_at_end(frame: Frame) -> ir.Table:
    """Each child looked after at each window's end, with legal status and placement then."""

    def build() -> ir.Table:
        at = frame.open_at(periods_of_care(frame), "p_start", "p_end")
        at = at.select("window_end", "person", "p_start")
        keys = ["window_end", "person", "p_start"]
        return with_breakdowns(frame, at, keys, "person", "window_end")

    return frame.shared("plc_cla_at_end", build)


def _year_start(window_end: ir.DateValue) -> ir.DateValue:
    """The first day of the 12 months ending on ``window_end``: the day after the same date a
    year before (1 April for 31 March; 1 March for the end of February, leap year or not)."""
    return window_end + ONE_DAY - ONE_YEAR


# -- stability -----------------------------------------------------------------------------


def _three_placements(frame: Frame):
    t = _looked_after_at_end(frame)
    runs = _carer_runs(frame)
    counted = runs.filter(~runs.pl_type.isin(TEMPORARY).fill_null(False)).select(
        y_person="pl_person", y_start="pl_start", y_end="pl_end", y_run="run_start"
    )
    keys = ["window_end", "person", "p_start"]
    during = t.join(
        counted,
        [
            t.person == counted.y_person,
            overlaps(counted.y_start, counted.y_end, _year_start(t.window_end), t.window_end),
        ],
    )
    per_child = during.group_by(keys).aggregate(carers=during.y_run.nunique())
    per_child = per_child.select(
        nw="window_end", np="person", ns="p_start", carers=per_child.carers
    )
    t = t.left_join(
        per_child,
        [t.window_end == per_child.nw, t.person == per_child.np, t.p_start == per_child.ns],
    ).select(*t.columns, "carers")
    carers = t.carers.fill_null(0).cast("int64")
    short = short_break(t)
    three = carers >= 3
    return breakdown_rows(
        t,
        child_id=t.person,
        in_denominator=~short,
        in_numerator=~short & three,
        value=carers,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (three, carers.cast("string").concat(" placements in the 12 months to the date")),
            (carers == 1, ibis.literal("1 placement in the 12 months to the date")),
            else_=carers.cast("string").concat(" placements in the 12 months to the date"),
        ),
    )


def _long_term_stability(frame: Frame):
    t = _looked_after_at_end(frame)
    person = frame.table("ssd_person").select(d_person="pers_person_id", d_dob="pers_dob")
    t = t.left_join(person, t.person == person.d_person).select(*t.columns, "d_dob")
    age = age_in_years(t.d_dob, t.window_end)
    short = short_break(t)
    no_age = age.isnull()
    too_old = (age >= 16).fill_null(False)
    too_new = t.p_start > t.window_end - THIRTY_MONTHS
    counted = ~short & ~no_age & ~too_old & ~too_new
    adoption = t.placement_type.isin(PLACED_FOR_ADOPTION).fill_null(False)
    with_previous = greatest(t.prev_run_start, t.p_start)
    since = ibis.ifelse(adoption & t.prev_run_start.notnull(), with_previous, t.run_start)
    stable = (since <= t.window_end - TWO_YEARS).fill_null(False)
    return breakdown_rows(
        t,
        child_id=t.person,
        in_denominator=counted,
        in_numerator=counted & stable,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (no_age, "no date of birth: not counted"),
            (too_old, "aged 16 or over at the date: not counted"),
            (too_new, "looked after for less than 2.5 years: not counted"),
            (t.pl_id.isnull(), "no placement recorded at the date"),
            (adoption & stable, "placed for adoption; with the previous carer, 2 years or more"),
            (adoption, "placed for adoption; with the previous carer, less than 2 years"),
            (stable, "living with the same carer for 2 years or more"),
            else_="living with the current carer for less than 2 years",
        ),
    )


def _distance(frame: Frame):
    t = _looked_after_at_end(frame)
    short = short_break(t)
    known = t.pl_distance.notnull()
    far = (t.pl_distance > 20).fill_null(False)
    return breakdown_rows(
        t,
        child_id=t.person,
        in_denominator=~short & known,
        in_numerator=~short & far,
        value=t.pl_distance,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (t.pl_id.isnull(), "no placement recorded at the date: not counted"),
            (~known, "no distance recorded for the placement: not counted"),
            (far, "placed more than 20 miles from home"),
            else_="placed 20 miles or less from home",
        ),
    )


def _social_workers(frame: Frame):
    t = _looked_after_at_end(frame)
    invo = frame.table("ssd_involvements")
    codes = frame.config.involvement_roles.allocated_social_worker
    allocated = invo.filter(invo.invo_professional_role_id.isin(codes)).select(
        a_person=invo.invo_person_id,
        a_worker=invo.invo_professional_id,
        a_start=invo.invo_involvement_start_date,
        a_end=invo.invo_involvement_end_date,
    )
    keys = ["window_end", "person", "p_start"]
    during = t.join(
        allocated,
        [
            t.person == allocated.a_person,
            overlaps(allocated.a_start, allocated.a_end, _year_start(t.window_end), t.window_end),
        ],
    )
    per_child = during.group_by(keys).aggregate(workers=during.a_worker.nunique())
    per_child = per_child.select(
        nw="window_end", np="person", ns="p_start", workers=per_child.workers
    )
    t = t.left_join(
        per_child,
        [t.window_end == per_child.nw, t.person == per_child.np, t.p_start == per_child.ns],
    ).select(*t.columns, "workers")
    workers = t.workers.fill_null(0).cast("int64")
    short = short_break(t)
    three = workers >= 3
    return breakdown_rows(
        t,
        child_id=t.person,
        in_denominator=~short,
        in_numerator=~short & three,
        value=workers,
        reason=ibis.cases(
            (short, "on short breaks (V1/V3/V4): not counted"),
            (workers == 1, ibis.literal("1 allocated social worker in the 12 months to the date")),
            else_=workers.cast("string").concat(
                " allocated social workers in the 12 months to the date"
            ),
        ),
    )


# -- care proceedings ------------------------------------------------------------------------


def _interim_orders(frame: Frame) -> ir.Table:
    """Runs of interim care orders (legal status C1): ``person``, ``issued`` (the first day),
    ``concluded`` (the day the last one ended; null while still in force). Orders that follow
    on the same day or the next are one run."""
    ls = frame.table("ssd_legal_status")
    ico = ls.filter(
        (_code(ls.lega_legal_status) == INTERIM_CARE_ORDER).fill_null(False)
        & ls.lega_person_id.notnull()
        & ls.lega_legal_status_start_date.notnull()
    ).select(
        i_person=ls.lega_person_id,
        i_id=ls.lega_legal_status_id,
        i_start=ls.lega_legal_status_start_date,
        i_end=ls.lega_legal_status_end_date,
    )
    other = ico.view().select(o_person="i_person", o_start="i_start", o_end="i_end")
    starts = (
        ico.anti_join(
            other,
            [
                ico.i_person == other.o_person,
                other.o_start < ico.i_start,
                other.o_end.isnull() | (other.o_end >= ico.i_start - ONE_DAY),
            ],
        )
        .select(s_person="i_person", s_start="i_start")
        .distinct()
    )
    member = ico.join(starts, [ico.i_person == starts.s_person, starts.s_start <= ico.i_start])
    per_order = member.group_by(["i_person", "i_id", "i_start", "i_end"]).aggregate(
        issued=member.s_start.max()
    )
    runs = per_order.group_by(["i_person", "issued"]).aggregate(
        open_orders=ibis.ifelse(per_order.i_end.isnull(), 1, 0).sum(),
        last_end=per_order.i_end.max(),
    )
    return runs.select(
        person=runs.i_person,
        issued=runs.issued,
        concluded=ibis.ifelse(runs.open_orders > 0, ibis.null("date"), runs.last_end),
    )


def _concluded_proceedings(frame: Frame) -> ir.Table:
    t = frame.in_window(_interim_orders(frame), "concluded")
    t = t.select("window_end", "person", "issued", "concluded")
    t = with_breakdowns(frame, t, ["window_end", "person", "issued"], "person", "concluded")
    return t.mutate(days=t.concluded.delta(t.issued, unit="day"))


def _proceedings_within_26_weeks(frame: Frame):
    t = _concluded_proceedings(frame)
    on_time = (t.days <= TWENTY_SIX_WEEKS).fill_null(False)
    weeks = (t.days.cast("float64") / 7).round(1).cast("string")
    return breakdown_rows(
        t,
        child_id=t.person,
        value=t.days.cast("float64") / 7,
        in_numerator=on_time,
        reason=ibis.ifelse(
            on_time,
            ibis.literal("concluded within 26 weeks (").concat(weeks, " weeks)"),
            ibis.literal("took more than 26 weeks (").concat(weeks, " weeks)"),
        ),
    )


def _proceedings_weeks(frame: Frame):
    t = _concluded_proceedings(frame)
    weeks = (t.days.cast("float64") / 7).round(1).cast("string")
    return breakdown_rows(
        t,
        child_id=t.person,
        value=t.days.cast("float64") / 7,
        in_numerator=True,
        reason=ibis.literal("proceedings concluded in the period after ").concat(weeks, " weeks"),
    )


# -- the measures -----------------------------------------------------------------------------

_LOOKED_AFTER = (
    "Children looked after at the date (periods of care from the looked-after episodes; "
    "something ending on the date is over), leaving out children on an agreed series of short "
    "breaks (legal status V1, V3 or V4)."
)
_PROCEEDINGS = (
    "The SSD holds no court dates, so care proceedings are read from legal status: they run "
    "from the start of an interim care order (C1; orders following on the same or the next day "
    "are one run) to the day the interim order ended, replaced by a final order (a full care "
    "order C2, a placement order E1) or by the child leaving care (for example under a special "
    "guardianship order). The MoJ and Cafcass count from the day the application is issued, "
    "usually a few days before the first interim order, so these durations run slightly "
    "shorter. Proceedings that end without an interim care order ever being made are not seen."
)
_PROCEEDINGS_PUBLISHED = "MoJ Family Court Statistics Quarterly, England and Wales, Apr-Jun 2024"

MEASURES = (
    Measure(
        id="placement_stability_3plus_in_year",
        name="Children looked after with 3 or more placements in the year",
        group=GROUP,
        description=_LOOKED_AFTER
        + " Those who had 3 or more placements in the 12 months to the date (from the day after "
        "the same date a year before; 1 April to 31 March at 31 March), out of all of them. "
        "Every placement that overlaps the 12 months counts, including one that began before "
        "them or in an earlier period of care; a move to a new placement with the same carer "
        "(the previous placement ended with change reason PLACE) is not a new placement, and "
        "temporary placements (T0-T4: hospital, holidays, short temporary moves) are not "
        "counted. The value of each row is the child's number of placements.",
        source=STABILITY + "; former NI 62; DfE CSC dashboard",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_three_placements,
        target=Target.fixed(10.0),
        published=Published({2025: 10.0, 2024: 11.0, 2023: 11.0}),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="placement_stability_long_term",
        name="Long-term placement stability",
        group=GROUP,
        description=_LOOKED_AFTER
        + " Of those aged under 16 at the date (a 16th birthday on the date counts as 16) who "
        "had been looked after continuously for at least 2.5 years (their period of care began "
        "30 months or more before the date), those who had lived with the same carer for at "
        "least 2 years (since a date 24 months or more before). Living with the same carer "
        "counts from the first of a chain of placements with that carer (changes of placement "
        "with change reason PLACE). A child placed for adoption (placement A3-A6) counts when "
        "the adoptive placement together with the carer before it (counted from no earlier "
        "than the start of the period of care) lasted 2 years. Children with no date of birth "
        "are not counted.",
        source=STABILITY + "; former NI 63",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_long_term_stability,
        timescale="2 years with the same carer",
        target=Target.fixed(70.0),
        published=Published({2025: 69.0, 2024: 68.0, 2023: 68.0, 2022: 71.0}),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="placement_distance_20_miles",
        name="Children looked after placed more than 20 miles from home",
        group=GROUP,
        description=_LOOKED_AFTER
        + " Those whose placement at the date is more than 20 miles from home (the "
        "placement's recorded distance, clap_cla_placement_distance, in miles; exactly 20 "
        "miles is not more than 20), out of those whose placement has a distance recorded. "
        "Children with no placement or no distance recorded are listed but not counted. "
        "Placements for adoption and specialist placements are often far for good reasons: "
        "the placement type breakdown shows them.",
        source="DfE CLA statistics; DfE CSC dashboard (% CLA on 31 March placed more than 20 "
        "miles from home)",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_distance,
        published=Published(
            {},
            "The spec gives no England figure for children looked after at 31 March; of new "
            "placements in 2025, 21% were more than 20 miles from home (5% inside and 16% "
            "outside the authority).",
        ),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="cla_sw_changes_3plus",
        name="Children looked after with 3 or more social workers in the year",
        group=GROUP,
        description=_LOOKED_AFTER
        + " Those who had 3 or more different allocated social workers in the 12 months to "
        "the date (from the day after the same date a year before), out of all of them. A "
        "social worker counts when an allocation to the child (ssd_involvements with one of "
        "the configured allocated-social-worker role codes) overlaps the 12 months by at least "
        "a day, whether or not the child was looked after then, as the DfE counts the worker "
        "already allocated at the start of the year; the same worker allocated twice counts "
        "once. The value of each row is the child's number of social workers.",
        source=STABILITY + " (social worker episodes); DfE CSC dashboard",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_social_workers,
        published=Published({2024: 27.0}),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="care_proceedings_within_26wk",
        name="Care proceedings concluded within 26 weeks",
        group=GROUP,
        description="Care proceedings that concluded in the period, and of them those that "
        "concluded within 26 weeks (182 days) of starting; exactly 182 days is within. "
        + _PROCEEDINGS
        + " Each row is one set of proceedings; its value is the weeks they took, and the "
        "breakdowns are the legal status and placement on the day they concluded.",
        source="Children Act 1989 s32(1)(a) as amended by the Children and Families Act 2014 "
        "s14; MoJ Family Court Statistics Quarterly",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_proceedings_within_26_weeks,
        timescale="26 weeks",
        published=Published({2024: 32.0}, _PROCEEDINGS_PUBLISHED),
        due_rule="26 weeks (182 days) after the interim care order that began the proceedings",
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="care_proceedings_avg_weeks",
        name="Average duration of care proceedings (weeks)",
        group=GROUP,
        description="The mean number of weeks (calendar days / 7) that care proceedings "
        "concluding in the period took. " + _PROCEEDINGS,
        source="MoJ Family Court Statistics Quarterly; Cafcass quarterly data",
        time=Time.PERIOD,
        kind=Kind.MEAN,
        polarity=Polarity.LOWER_BETTER,
        rows=_proceedings_weeks,
        timescale="26 weeks",
        published=Published({2024: 41.0}, _PROCEEDINGS_PUBLISHED),
        breakdowns=BREAKDOWNS,
    ),
)

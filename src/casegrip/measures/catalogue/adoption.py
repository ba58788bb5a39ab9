"""E. Adoption: the adoption scorecard timeliness measures.

A child is adopted when a looked-after episode ends with reason E11 or E12 (adopted: the
SSDA903 definition the DfE uses); the day it ended is the adoption order's date. The adoption
milestones (placement order, match, placed for adoption, adopted by foster carer) come from the
child's ``ssd_permanence`` record: the one with the latest date placed for adoption on or before
the adoption (or, if none has one, the latest record). The start of the final period of care
comes from the periods of care built from the episodes, as for the looked-after measures.

The DfE scorecards average over 3 years of adoptions. These measures average over the adoptions
in the period asked for: run them over a 3-year period for the scorecard figure; a month or a
year gives the adoptions of that month or year.
"""

from datetime import date

import ibis
import ibis.expr.types as ir

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Published, RagBands, Target, Time
from ..primitives import latest_before
from ._care import periods_of_care
from ._common import is_yes
from .placements import breakdown_rows, with_breakdowns

GROUP = "Adoption"
SCORECARD = "DfE adoption scorecards (methodology 2018; thresholds announced January 2014)"
ADOPTED = ("E11", "E12")
BREAKDOWNS = ("legal_status", "placement_type")
NO_DAY = ibis.literal(date(1900, 1, 1))


def _adoptions(frame: Frame) -> ir.Table:
    """One row per child adopted in each window: ``window_end``, ``person``, ``adopted`` (the
    date), ``entered`` (start of the final period of care) and the permanence milestones, plus
    the legal status and placement on the day of the adoption."""
    ep = frame.table("ssd_cla_episodes")
    ended = ep.filter(
        ep.clae_cla_episode_ceased_reason.upper().strip().isin(ADOPTED).fill_null(False)
        & ep.clae_person_id.notnull()
        & ep.clae_cla_episode_ceased_date.notnull()
    ).select(
        person=ep.clae_person_id,
        e_start=ep.clae_cla_episode_start_date,
        adopted=ep.clae_cla_episode_ceased_date,
    )
    t = frame.in_window(ended, "adopted")
    # A child adopted twice in a window (an error in the record) counts once, on the later day.
    t = t.group_by(["window_end", "person"]).aggregate(
        adopted=t.adopted.max(), e_start=t.e_start.max()
    )

    periods = periods_of_care(frame)
    within = t.left_join(
        periods,
        [
            t.person == periods.person,
            periods.p_start <= t.e_start,
            periods.p_end.isnull() | (periods.p_end >= t.e_start),
        ],
    )
    t = within.group_by(["window_end", "person", "adopted"]).aggregate(entered=within.p_start.max())

    perm = frame.table("ssd_permanence")
    records = perm.select(
        m_person=perm.perm_person_id,
        m_id=perm.perm_table_id,
        m_order=perm.perm_placement_order_date,
        m_matched=perm.perm_matched_date,
        m_placed=perm.perm_placed_for_adoption_date,
        m_by_carer=is_yes(perm.perm_adopted_by_carer_flag),
        m_with_carer=perm.perm_placed_foster_carer_date,
        m_worker=perm.perm_adoption_worker_id,
    )
    candidates = t.left_join(
        records,
        [
            t.person == records.m_person,
            records.m_placed.isnull() | (records.m_placed <= t.adopted),
        ],
    )
    # Records with no date placed (and children with no record) rank below any date.
    candidates = candidates.select(
        "window_end",
        "person",
        "adopted",
        *[c for c in records.columns if c != "m_person"],
        m_day=ibis.coalesce(candidates.m_placed, NO_DAY),
    )
    chosen = latest_before(
        candidates, ["window_end", "person"], "m_day", "adopted", tiebreak=["m_id"]
    )
    chosen = chosen.select(
        cw="window_end", cp="person", **{c: chosen[c] for c in chosen.columns if c[:2] == "m_"}
    ).drop("m_day")
    t = t.left_join(chosen, [t.window_end == chosen.cw, t.person == chosen.cp]).drop("cw", "cp")

    prof = frame.table("ssd_professionals").select(
        w_id="prof_professional_id", w_team="prof_professional_department"
    )
    t = t.left_join(prof, t.m_worker == prof.w_id).drop("w_id")
    return with_breakdowns(frame, t, ["window_end", "person"], "person", "adopted")


def _days(later: ir.DateValue, earlier: ir.DateValue) -> ir.IntegerValue:
    """Calendar days from ``earlier`` to ``later``, never below 0; null if either is."""
    days = later.delta(earlier, unit="day")
    return ibis.ifelse(days < 0, 0, days)


def _text(days: ir.IntegerValue) -> ir.StringValue:
    return days.cast("string").concat(" days")


def _rows(t: ir.Table, *, in_denominator: ir.BooleanValue, **columns) -> ir.Table:
    """Rows attributed to the adoption social worker and their team, where recorded. Every
    counted adoption is in the numerator too (the figure is a mean of their values)."""
    return breakdown_rows(
        t,
        child_id=t.person,
        team_id=t.w_team,
        worker_id=t.m_worker,
        in_denominator=in_denominator,
        in_numerator=in_denominator,
        **columns,
    )


def _a1(frame: Frame):
    t = _adoptions(frame)
    known = t.m_placed.notnull() & t.entered.notnull()
    days = _days(t.m_placed, t.entered)
    return _rows(
        t,
        in_denominator=known,
        value=days,
        reason=ibis.ifelse(
            known,
            ibis.literal("adopted; entered care to placed for adoption in ").concat(_text(days)),
            "adopted, but no date placed for adoption recorded: not counted",
        ),
    )


BY_CARER = "adopted by their foster carer; entered care to moving in with them in "


def _a10(frame: Frame):
    t = _adoptions(frame)
    by_carer = t.m_by_carer.fill_null(False) & t.m_with_carer.notnull()
    moved_in = ibis.ifelse(by_carer, t.m_with_carer, t.m_placed)
    known = moved_in.notnull() & t.entered.notnull()
    days = _days(moved_in, t.entered)
    return _rows(
        t,
        in_denominator=known,
        value=days,
        reason=ibis.cases(
            (~known, "adopted, but no date placed for adoption recorded: not counted"),
            (by_carer, ibis.literal(BY_CARER).concat(_text(days))),
            else_=ibis.literal("adopted; entered care to placed for adoption in ").concat(
                _text(days)
            ),
        ),
    )


def _a2(frame: Frame):
    t = _adoptions(frame)
    has_order = t.m_order.notnull()
    matched = t.m_matched.notnull()
    placed_before = (t.m_placed <= t.adopted).fill_null(False)
    counted = has_order & matched & placed_before
    days = _days(t.m_matched, t.m_order)
    return _rows(
        t,
        in_denominator=counted,
        value=days,
        reason=ibis.cases(
            (~has_order, "adopted without a placement order: not counted"),
            (~matched, "no date matched with adopters recorded: not counted"),
            (~placed_before, "no date placed for adoption before the order: not counted"),
            (
                t.m_matched <= t.m_order,
                ibis.literal("matched before the placement order: 0 days"),
            ),
            else_=ibis.literal("placement order to match in ").concat(_text(days)),
        ),
    )


_ADOPTED = (
    "Children adopted in the period: a looked-after episode ended with reason E11 or E12 in it. "
)
_WINDOW = (
    " The DfE scorecards average 3 years of adoptions; here the average is over the adoptions "
    "in the period asked for (a 3-year period gives the scorecard figure). Milestones come from "
    "the child's permanence record (the one with the latest date placed for adoption on or "
    "before the adoption). Rows are attributed to the adoption social worker and their team."
)

MEASURES = (
    Measure(
        id="adoption_a1_days",
        name="A1: days from entering care to moving in with the adoptive family",
        group=GROUP,
        description=_ADOPTED + "The mean number of calendar days from the start of the child's "
        "final period of care (the one that ended in adoption) to the date placed for adoption. "
        "Children with no date placed for adoption recorded are left out; a date placed before "
        "the period of care began counts as 0 days." + _WINDOW,
        source=SCORECARD,
        time=Time.PERIOD,
        kind=Kind.MEAN,
        polarity=Polarity.LOWER_BETTER,
        rows=_a1,
        timescale="426 days (14 months)",
        target=Target.fixed(426.0),
        rag=RagBands(amber_within=30.0),
        published=Published({2018: 486.0}, "England average over 2015-18 (3 years)"),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="adoption_a2_days",
        name="A2: days from placement order to match with adopters",
        group=GROUP,
        description=_ADOPTED + "Of those with a placement (or freeing) order who were placed for "
        "adoption before the adoption order, the mean number of calendar days from the "
        "placement order (the court's authority to place) to the agency's decision to match "
        "the child with adopters; a match made before the order counts as 0 days. Children "
        "adopted without a placement order, or with no match date recorded, are left out."
        + _WINDOW,
        source=SCORECARD + "; LG Inform metric 912",
        time=Time.PERIOD,
        kind=Kind.MEAN,
        polarity=Polarity.LOWER_BETTER,
        rows=_a2,
        timescale="121 days (4 months)",
        target=Target.fixed(121.0),
        rag=RagBands(amber_within=14.0),
        breakdowns=BREAKDOWNS,
    ),
    Measure(
        id="adoption_a10_days",
        name="A10: days from entering care to moving in with the adoptive family, adjusted "
        "for foster carer adoptions",
        group=GROUP,
        description=_ADOPTED + "As A1, except that where the child was adopted by their foster "
        "carer (adopted-by-carer flag yes, with the date the child first moved in with that "
        "carer as a foster child recorded) the clock stops on the day the child moved in with "
        "that carer; with the flag but no such date, the date placed for adoption is used. "
        "Days before the period of care began count as 0." + _WINDOW,
        source=SCORECARD + "; Coram/ASGLB note (A10 replaced A1 in ASGLB data from 2021-22)",
        time=Time.PERIOD,
        kind=Kind.MEAN,
        polarity=Polarity.LOWER_BETTER,
        rows=_a10,
        timescale="426 days (14 months)",
        target=Target.fixed(426.0),
        rag=RagBands(amber_within=30.0),
        breakdowns=BREAKDOWNS,
    ),
)

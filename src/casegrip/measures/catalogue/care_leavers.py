"""F. Care leavers: pathway plans, keeping in touch, accommodation and education or work.

Everything comes from ``ssd_care_leavers``, which holds each young person's *latest* status
(eligibility, in touch, accommodation, activity, latest pathway plan review) rather than a
history. So at any date the figure describes the status as last recorded, with each young
person's age worked out at that date: it is exact at the snapshot's own date and an
approximation for earlier dates. A pathway plan review dated after the date cannot show what
was true then, so such young people are listed but not counted.

Ages are completed years at the date (the as-at date, or each window's end): a young person
whose 19th birthday is on the date is 19 and counts among the 19-21s; one whose 22nd birthday
is on the date is 22 and does not. The DfE instead records each care leaver's status around
their birthday in the year; a count at a date is what a monthly clinic can act on.

Who is a care leaver: the eligibility category names a relevant or former relevant young
person, or anything else other than "eligible" (16-17 and still looked after) or "qualifying"
(looked after too briefly to be a relevant or former relevant care leaver); the DfE's care
leaver figures leave out both. Pathway plans are for eligible, relevant and former relevant
young people alike, so only qualifying young people are left out of that measure.
"""

import ibis
import ibis.expr.types as ir

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Published, Target, Time
from ..primitives import age_in_years
from ._common import is_yes, rows

GROUP = "Care leavers"
CLA_STATS = "DfE Children looked after in England statistics (SSDA903 OC3 care leavers)"
SIX_MONTHS = ibis.interval(months=6)
IN_TOUCH = ("YES", "Y")
# SSDA903 ACTIV: F/P1 higher education, F/P2 other education, F/P3 training or employment
# (to 2021), F/P4 apprenticeship, F/P5 training or employment (from 2022); G4-G6 NEET; 0 unknown.
EET = tuple(f"{fp}{n}" for fp in "FP" for n in range(1, 6))


def _code(value: ir.StringValue) -> ir.StringValue:
    return value.upper().strip()


def _young_people(frame: Frame) -> ir.Table:
    """Each young person in ``ssd_care_leavers`` at each window's end, with their age then."""
    cl = frame.table("ssd_care_leavers")
    person = frame.table("ssd_person").select(d_person="pers_person_id", d_dob="pers_dob")
    t = cl.left_join(person, cl.clea_person_id == person.d_person)
    t = t.cross_join(frame.windows)
    eligibility = _code(t.clea_care_leaver_eligibility)
    return t.mutate(
        age=age_in_years(t.d_dob, t.window_end),
        eligibility=t.clea_care_leaver_eligibility,
        still_in_care=eligibility.startswith("ELIG").fill_null(False),
        qualifying=eligibility.startswith("QUAL").fill_null(False),
    )


def _rows(
    t: ir.Table,
    *,
    in_denominator: ir.BooleanValue,
    in_numerator: ir.BooleanValue,
    reason: ir.StringValue,
    value: ir.NumericValue | None = None,
    with_eligibility: bool = False,
) -> ir.Table:
    """The runner's row columns, attributed to the young person's allocated worker (or
    personal adviser) and team as the care leaver record holds them; with
    ``with_eligibility``, plus an ``eligibility`` breakdown column."""
    extra = {"eligibility": t.eligibility} if with_eligibility else {}
    return rows(
        t,
        child_id=t.clea_person_id,
        team_id=t.clea_care_leaver_allocated_team,
        worker_id=t.clea_care_leaver_worker_id,
        in_denominator=in_denominator,
        in_numerator=in_numerator,
        reason=reason,
        value=value,
        **extra,
    )


def _age_group(t: ir.Table, low: int, high: int) -> tuple[ir.BooleanValue, ir.StringValue]:
    """Whether the young person is a care leaver aged ``low`` to ``high`` at the date, and why
    not."""
    no_age = t.age.isnull()
    in_range = ((t.age >= low) & (t.age <= high)).fill_null(False)
    counted = ~t.still_in_care & ~t.qualifying & in_range
    why_not = ibis.cases(
        (no_age, "no date of birth: not counted"),
        (~in_range, ibis.literal(f"not aged {low} to {high} at the date: not counted")),
        (t.still_in_care, "eligible (still looked after): not a care leaver yet, not counted"),
        else_="qualifying care leaver: not counted",
    )
    return counted, why_not


def _pathway_plan_review(frame: Frame):
    t = _young_people(frame)
    review = t.clea_pathway_plan_review_date
    no_age = t.age.isnull()
    entitled = (t.age >= 16).fill_null(False)
    later = (review > t.window_end).fill_null(False)
    counted = ~t.qualifying & entitled & ~later
    on_time = (review + SIX_MONTHS >= t.window_end).fill_null(False)
    return _rows(
        t,
        with_eligibility=True,
        in_denominator=counted,
        in_numerator=counted & on_time,
        value=t.window_end.delta(review, unit="day"),
        reason=ibis.cases(
            (t.qualifying, "qualifying care leaver (no pathway plan duty): not counted"),
            (no_age, "no date of birth: not counted"),
            (~entitled, "under 16 at the date: not counted"),
            (later, "latest review is after the date; the one before is not recorded"),
            (review.isnull(), "no pathway plan review recorded"),
            (on_time, "pathway plan reviewed in the 6 months to the date"),
            else_="pathway plan last reviewed more than 6 months before the date",
        ),
    )


def _in_touch(frame: Frame):
    t = _young_people(frame)
    counted, why_not = _age_group(t, 17, 21)
    code = _code(t.clea_care_leaver_in_touch)
    touching = code.isin(IN_TOUCH).fill_null(False)
    return _rows(
        t,
        with_eligibility=True,
        in_denominator=counted,
        in_numerator=counted & touching,
        reason=ibis.cases(
            (~counted, why_not),
            (touching, "the authority is in touch"),
            (code.isnull(), "not recorded as in touch (no information)"),
            else_=ibis.literal("not in touch (").concat(code, ")"),
        ),
    )


def _suitable_accommodation(frame: Frame):
    t = _young_people(frame)
    counted, why_not = _age_group(t, 19, 21)
    flag = t.clea_care_leaver_accom_suitable
    accommodation = _code(t.clea_care_leaver_accommodation)
    # The flag when recorded; otherwise the SSDA903 ACCOM code's second character (1 suitable).
    by_code = accommodation.re_search("^[A-Z]1$").fill_null(False)
    flag_set = flag.notnull() & (flag.strip() != "")
    suitable = ibis.ifelse(flag_set, is_yes(flag), by_code)
    known = flag_set | accommodation.re_search("^[A-Z][12]$").fill_null(False)
    return _rows(
        t,
        in_denominator=counted,
        in_numerator=counted & suitable,
        reason=ibis.cases(
            (~counted, why_not),
            (suitable, "in accommodation considered suitable"),
            (known, "in accommodation considered unsuitable"),
            else_="no information on accommodation",
        ),
    )


def _eet(frame: Frame):
    t = _young_people(frame)
    counted, why_not = _age_group(t, 19, 21)
    activity = _code(t.clea_care_leaver_activity)
    eet = activity.isin(EET).fill_null(False)
    neet = activity.isin(("G4", "G5", "G6")).fill_null(False)
    return _rows(
        t,
        in_denominator=counted,
        in_numerator=counted & eet,
        reason=ibis.cases(
            (~counted, why_not),
            (eet, ibis.literal("in education, employment or training (").concat(activity, ")")),
            (
                neet,
                ibis.literal("not in education, employment or training (").concat(activity, ")"),
            ),
            else_="activity not known",
        ),
    )


_SNAPSHOT = (
    " The care leaver record holds the latest status only, so the figure is exact at the "
    "snapshot's date and shows the latest recorded status, with ages at the date, for earlier "
    "dates."
)
_AGE = (
    " Ages are completed years at the date: a 19th birthday on the date counts as 19, a 22nd "
    "birthday on the date as 22 (not counted). The DfE records the status around each young "
    "person's birthday in the year instead."
)
_CARE_LEAVER = (
    " Care leavers are relevant and former relevant young people: those whose eligibility "
    "category is eligible (still looked after) or qualifying are left out, as in the DfE "
    "figures."
)

MEASURES = (
    Measure(
        id="pathway_plan_review_6m",
        name="Care leavers with a pathway plan reviewed in the last 6 months",
        group=GROUP,
        description="Eligible, relevant and former relevant young people aged 16 or over at "
        "the date (everyone in the care leaver record except qualifying care leavers), and of "
        "them those whose latest pathway plan review was no more than 6 calendar months before "
        "the date (a review on 31 August is due again by 28 February, or 29 February in a leap "
        "year; on the due date it is still in time). No review recorded counts as not reviewed. "
        "A young person whose latest review is dated after the date is listed but not counted. "
        "The value of each row is the days since the review." + _SNAPSHOT,
        source="Care Leavers (England) Regulations 2010; CPPCR 2010 reg 44; Annex A list 9",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_pathway_plan_review,
        timescale="6 months",
        target=Target.fixed(100.0),
        due_rule="6 calendar months after the latest pathway plan review",
        breakdowns=("eligibility",),
    ),
    Measure(
        id="care_leaver_in_touch",
        name="Care leavers aged 17 to 21 the authority is in touch with",
        group=GROUP,
        description="Care leavers aged 17 to 21 at the date, and of them those the authority "
        "is in touch with (in touch category YES). Not in touch, refused contact, no longer "
        "requiring services, returned home and no information all count as not in touch."
        + _CARE_LEAVER
        + _AGE
        + _SNAPSHOT,
        source=CLA_STATS,
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_in_touch,
        published=Published({}, "Not published as one figure; about 94% implied (2025)."),
        breakdowns=("eligibility",),
    ),
    Measure(
        id="care_leaver_suitable_accommodation_19_21",
        name="Care leavers aged 19 to 21 in suitable accommodation",
        group=GROUP,
        description="Care leavers aged 19 to 21 at the date, and of them those in accommodation "
        "considered suitable: the suitability flag where it is recorded, otherwise the SSDA903 "
        "accommodation code (second character 1 suitable, 2 unsuitable). No information counts "
        "in the denominator, as in the DfE figures." + _CARE_LEAVER + _AGE + _SNAPSHOT,
        source=CLA_STATS + "; DfE CSC dashboard",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_suitable_accommodation,
        published=Published({2025: 89.0, 2024: 88.0, 2023: 88.0, 2022: 88.0, 2021: 88.0}),
    ),
    Measure(
        id="care_leaver_eet_19_21",
        name="Care leavers aged 19 to 21 in education, employment or training",
        group=GROUP,
        description="Care leavers aged 19 to 21 at the date, and of them those in education, "
        "employment or training: SSDA903 activity F1-F5 (full time) or P1-P5 (part time), "
        "covering higher and other education, apprenticeships and training or employment. "
        "NEET (G4-G6) and activity not known count in the denominator, as in the DfE figures."
        + _CARE_LEAVER
        + _AGE
        + _SNAPSHOT,
        source=CLA_STATS + "; DfE CSC dashboard",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_eet,
        published=Published({2025: 54.0, 2024: 54.0, 2023: 56.0, 2022: 55.0, 2021: 52.0}),
    ),
)

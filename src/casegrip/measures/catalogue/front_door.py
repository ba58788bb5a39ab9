"""A. Front door: contacts, referrals and assessments."""

import ibis

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Published, Target, Time
from ..primitives import with_working_days_between
from ._common import is_yes, json_flag, rows, yes_no_reason

GROUP = "Front door"
CIN_STATS = "DfE Children in need statistics (CIN census), table C1"


def _referrals_in_window(frame: Frame):
    ref = frame.table("ssd_cin_episodes")
    return frame.in_window(ref, "cine_referral_date")


def _contact_conversion(frame: Frame):
    t = frame.in_window(frame.table("ssd_contacts"), "cont_contact_date")
    converted = json_flag(t.cont_contact_outcome_json, "NEW_REFERRAL_FLAG")
    return rows(
        t,
        child_id=t.cont_person_id,
        in_numerator=converted,
        reason=yes_no_reason(converted, "contact became a referral", "contact did not"),
    )


def _referral_rows(t, **columns):
    """Rows about referrals, attributed to the referral's own team and worker."""
    return rows(
        t,
        child_id=t.cine_person_id,
        team_id=t.cine_referral_team,
        worker_id=t.cine_referral_worker_id,
        **columns,
    )


def _referrals(frame: Frame):
    t = _referrals_in_window(frame)
    return _referral_rows(
        t,
        in_numerator=True,
        reason=ibis.literal("referral received in the period"),
    )


def _rereferrals(frame: Frame):
    t = _referrals_in_window(frame)
    ref = frame.table("ssd_cin_episodes")
    earlier = ref.select(
        e_person=ref.cine_person_id, e_id=ref.cine_referral_id, e_date=ref.cine_referral_date
    )
    joined = t.left_join(
        earlier,
        [
            t.cine_person_id == earlier.e_person,
            t.cine_referral_id != earlier.e_id,
            earlier.e_date < t.cine_referral_date,
            earlier.e_date >= t.cine_referral_date - ibis.interval(years=1),
        ],
    )
    per_referral = joined.group_by(
        [
            "window_end",
            "cine_referral_id",
            "cine_person_id",
            "cine_referral_team",
            "cine_referral_worker_id",
        ]
    ).aggregate(previous=joined.e_id.count())
    repeat = per_referral.previous > 0
    return rows(
        per_referral,
        child_id=per_referral.cine_person_id,
        team_id=per_referral.cine_referral_team,
        worker_id=per_referral.cine_referral_worker_id,
        in_numerator=repeat,
        reason=yes_no_reason(
            repeat,
            "the child had another referral in the 12 months before",
            "no referral in the 12 months before",
        ),
    )


def _referral_nfa(frame: Frame):
    t = _referrals_in_window(frame)
    nfa = is_yes(t.cine_referral_nfa)
    return _referral_rows(
        t,
        in_numerator=nfa,
        reason=yes_no_reason(nfa, "referral marked no further action", "referral went further"),
    )


def _assessed_not_in_need(frame: Frame):
    t = _referrals_in_window(frame)
    not_in_need = t.cine_close_reason.isin(["RC8", "RC9"]).fill_null(False)
    return _referral_rows(
        t,
        in_numerator=not_in_need,
        reason=yes_no_reason(
            not_in_need, "closed after assessment as not in need (RC8/RC9)", "not closed so"
        ),
    )


def _authorised_assessments(frame: Frame):
    t = frame.in_window(frame.table("ssd_cin_assessments"), "cina_assessment_auth_date")
    return with_working_days_between(
        t, "cina_assessment_start_date", "cina_assessment_auth_date", frame.calendar, "duration"
    )


def _assessment_rows(t, **columns):
    """Rows about assessments, attributed to the assessment's own team and worker."""
    return rows(
        t,
        child_id=t.cina_person_id,
        team_id=t.cina_assessment_team,
        worker_id=t.cina_assessment_worker_id,
        **columns,
    )


def _assessment_timeliness(frame: Frame):
    t = _authorised_assessments(frame)
    on_time = (t.duration <= 45).fill_null(False)
    return _assessment_rows(
        t,
        in_numerator=on_time,
        value=t.duration,
        reason=ibis.ifelse(
            on_time,
            "authorised within 45 working days of its start",
            "authorised after 45 working days, or with no start date",
        ),
    )


def _assessment_duration(frame: Frame):
    t = _authorised_assessments(frame)
    known = t.duration.notnull()
    return _assessment_rows(
        t,
        in_denominator=known,
        in_numerator=known,
        value=t.duration,
        reason=ibis.ifelse(known, "authorised in the period", "no start date: not counted"),
    )


def _assessment_child_seen(frame: Frame):
    t = frame.in_window(frame.table("ssd_cin_assessments"), "cina_assessment_auth_date")
    seen = is_yes(t.cina_assessment_child_seen)
    return _assessment_rows(
        t,
        in_numerator=seen,
        reason=yes_no_reason(
            seen, "child seen during the assessment", "child not recorded as seen"
        ),
    )


def _open_assessments(frame: Frame):
    t = frame.open_at(
        frame.table("ssd_cin_assessments"),
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
    )
    return with_working_days_between(
        t, "cina_assessment_start_date", "window_end", frame.calendar, "age"
    )


def _assessments_open_over_45wd(frame: Frame):
    t = _open_assessments(frame)
    late = (t.age > 45).fill_null(False)
    return _assessment_rows(
        t,
        in_numerator=late,
        value=t.age,
        reason=ibis.ifelse(
            late, "open for more than 45 working days", "open 45 working days or fewer"
        ),
    )


def _children_awaiting_assessment(frame: Frame):
    ref = frame.open_at(frame.table("ssd_cin_episodes"), "cine_referral_date", "cine_close_date")
    ref = ref.filter(~is_yes(ref.cine_referral_nfa))
    asmt = frame.table("ssd_cin_assessments")
    started = asmt.select(s_ref=asmt.cina_referral_id, s_start=asmt.cina_assessment_start_date)
    joined = ref.left_join(
        started, [ref.cine_referral_id == started.s_ref, started.s_start <= ref.window_end]
    )
    # Per referral first: an assessed older referral must not hide a new one still waiting.
    per_referral = joined.group_by(
        ["window_end", "cine_referral_id", "cine_person_id", "cine_referral_team"]
    ).aggregate(assessments=joined.s_ref.count())
    waiting = per_referral.filter(per_referral.assessments == 0)
    per_child = waiting.group_by(["window_end", "cine_person_id"]).aggregate(
        team=waiting.cine_referral_team.max()
    )
    return rows(
        per_child,
        child_id=per_child.cine_person_id,
        team_id=per_child.team,
        in_numerator=True,
        reason=ibis.literal("open referral with no assessment started on it yet"),
    )


MEASURES = (
    Measure(
        id="contact_conversion_to_referral",
        name="Contacts progressing to referral",
        group=GROUP,
        description="Contacts received in the period whose outcome was a new referral to "
        "children's social care (NEW_REFERRAL_FLAG in the contact outcome), out of all contacts "
        "received. One row per contact.",
        source="Annex A lists 1 and 3 (local measure; contacts are not collected by the DfE)",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.CONTEXTUAL,
        rows=_contact_conversion,
    ),
    Measure(
        id="referral_rate_per_10k",
        name="Referrals per 10,000 children",
        group=GROUP,
        description="Referrals received in the period per 10,000 children aged 0 to 17 living "
        "in the authority (the configured population). Over a month this is the month's rate; "
        "the DfE publishes it over the financial year.",
        source=CIN_STATS,
        time=Time.PERIOD,
        kind=Kind.RATE_PER_10K,
        polarity=Polarity.CONTEXTUAL,
        rows=_referrals,
        published=Published({2025: 519.0}, "computed from 632,830 referrals and ONS 0-17"),
    ),
    Measure(
        id="rereferral_rate_12m",
        name="Re-referrals within 12 months",
        group=GROUP,
        description="Referrals received in the period where the same child had another referral "
        "in the 12 months before (calendar months, up to the day before), out of all referrals "
        "received.",
        source=CIN_STATS,
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_rereferrals,
        target=Target.fixed(22.0),
        published=Published({2025: 22.6, 2024: 22.4, 2023: 22.4}),
    ),
    Measure(
        id="referral_nfa_rate",
        name="Referrals resulting in no further action",
        group=GROUP,
        description="Referrals received in the period marked no further action, out of all "
        "referrals received.",
        source=CIN_STATS,
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.CONTEXTUAL,
        rows=_referral_nfa,
        published=Published({2025: 6.5, 2024: 6.3, 2023: 7.1}),
    ),
    Measure(
        id="assessed_not_in_need_rate",
        name="Referrals assessed as not in need",
        group=GROUP,
        description="Referrals received in the period that were closed after assessment as not "
        "in need (reason RC8 or RC9), out of all referrals received. Referrals still open count "
        "in the denominator only.",
        source=CIN_STATS,
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.CONTEXTUAL,
        rows=_assessed_not_in_need,
        published=Published({2025: 30.8, 2024: 30.3, 2023: 29.9}),
    ),
    Measure(
        id="assessment_timeliness_45wd",
        name="Assessments completed within 45 working days",
        group=GROUP,
        description="Assessments authorised in the period that were authorised within 45 "
        "working days of the assessment's start (as the DfE statistics count it), out of all "
        "assessments authorised. An assessment with no start date counts as late.",
        source="Working Together 2023; DfE CIN statistics table C2",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_assessment_timeliness,
        timescale="45 working days",
        target=Target.fixed(90.0),
        published=Published({2025: 85.7}),
        due_rule="45 working days after the assessment starts",
    ),
    Measure(
        id="assessment_duration_median",
        name="Median assessment duration (working days)",
        group=GROUP,
        description="The median number of working days from start to authorisation of "
        "assessments authorised in the period; assessments with no start date are left out.",
        source="DfE CIN statistics table C2",
        time=Time.PERIOD,
        kind=Kind.MEDIAN,
        polarity=Polarity.LOWER_BETTER,
        rows=_assessment_duration,
        published=Published({2025: 33.0}),
    ),
    Measure(
        id="assessments_open_over_45wd",
        name="Open assessments already beyond 45 working days",
        group=GROUP,
        description="Assessments open at the date (started, not yet authorised) that started "
        "more than 45 working days before it, out of all open assessments.",
        source="Local drift measure",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_assessments_open_over_45wd,
        timescale="45 working days",
        target=Target.fixed(5.0),
    ),
    Measure(
        id="assessment_child_seen",
        name="Child seen during assessment",
        group=GROUP,
        description="Assessments authorised in the period where the child was recorded as "
        "seen, out of all assessments authorised.",
        source="Annex A list 4",
        time=Time.PERIOD,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_assessment_child_seen,
        target=Target.fixed(100.0),
    ),
    Measure(
        id="children_awaiting_assessment",
        name="Children awaiting an assessment outcome",
        group=GROUP,
        description="Children with a referral open at the date, not marked no further "
        "action, on which no assessment has started by then; each child counts once. Worked "
        "out per referral, so an assessed older referral does not hide a newer one. Assessments "
        "already under way are not counted here (see assessments_open_over_45wd): counting "
        "them would give a city the size of its assessments in progress, far above the DfE's "
        "figure.",
        source="DfE CIN statistics table B1",
        time=Time.AS_AT,
        kind=Kind.COUNT,
        polarity=Polarity.LOWER_BETTER,
        rows=_children_awaiting_assessment,
    ),
)

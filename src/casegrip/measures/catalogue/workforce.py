"""G. Workforce: caseloads, supervision, turnover, agency staff and unallocated cases.

Most of these measures count members of staff, not children: a staff member's row carries their
professional id as both ``child_id`` and ``worker_id`` (so drill-downs list workers), and the
team is the worker's own department. The case record holds no employment dates (the SSD's
``ssd_professionals`` has none), so when someone was in post is read from when they appear in it;
see ``_staff_in_post``.
"""

import ibis

from ..frame import Frame
from ..model import Kind, Measure, Polarity, Published, RagBands, Target, Time
from ..runner import allocations
from ._common import is_yes, rows

GROUP = "Workforce"
CSWW = "DfE Children's social work workforce (CSWW), indicators table"

CASELOAD_LIMIT = 18  # children, for a social worker past their first year
ASYE_CASELOAD_LIMIT = 15  # children, for a social worker in their ASYE
# A member of staff seen in the case record within this many months of its last date may still
# be in post: they are not counted as a leaver.
STILL_IN_POST_MONTHS = 2


# -- staff -----------------------------------------------------------------------------------


def _professionals(frame: Frame):
    """One row per professional: team, FTE (1.0 when missing), ASYE, agency, social worker."""
    prof = frame.table("ssd_professionals")
    title = prof.prof_professional_job_title.lower().fill_null("")
    fte = prof.prof_full_time_equivalency
    fte_known = (fte > 0).fill_null(False)
    registration = prof.prof_social_worker_registration_no.strip().fill_null("")
    return prof.select(
        p_id=prof.prof_professional_id,
        p_team=prof.prof_professional_department,
        p_fte=ibis.ifelse(fte_known, fte, 1.0).cast("float64"),
        p_fte_known=fte_known,
        p_asye=title.contains("asye") | title.contains("newly qualified"),
        p_agency=is_yes(prof.prof_agency_worker_flag),
        p_social_worker=(registration != "") | title.contains("social worker"),
    )


def _allocated(frame: Frame):
    """Each child's allocated worker at each window's end (the runner's allocation), with the
    worker's details. Children whose allocation names no worker are left out."""
    alloc = allocations(frame)
    alloc = alloc.filter(alloc.alloc_worker_id.notnull())
    prof = _professionals(frame)
    return alloc.left_join(prof, alloc.alloc_worker_id == prof.p_id)


def _any(flag):
    """True when the flag is true on any row of the group (PostgreSQL has no MAX of booleans)."""
    return ibis.ifelse(flag.fill_null(False), 1, 0).max() == 1


def _case_holders(frame: Frame):
    """One row per worker holding one or more allocated cases at each window's end: how many,
    their team (their department, else the team of their cases), FTE and ASYE status."""
    alloc = _allocated(frame)
    return alloc.group_by(["window_end", "alloc_worker_id"]).aggregate(
        cases=alloc.child_id.nunique(),
        team=ibis.coalesce(alloc.p_team.max(), alloc.alloc_team_id.max()),
        fte=alloc.p_fte.max().fill_null(1.0),
        fte_known=_any(alloc.p_fte_known),
        asye=_any(alloc.p_asye),
    )


def _worker_rows(t, **columns):
    """Rows about a member of staff: their id stands in the child_id and worker_id columns."""
    return rows(
        t, child_id=t.alloc_worker_id, worker_id=t.alloc_worker_id, team_id=t.team, **columns
    )


def _appearances(frame: Frame):
    """Every date a professional appears in the case record: allocations (any role) starting or
    ending, supervision given or received."""
    invo = frame.table("ssd_involvements")
    sup = frame.table("ssd_supervision")
    parts = [
        invo.select(a_id=invo.invo_professional_id, a_day=invo.invo_involvement_start_date),
        invo.select(a_id=invo.invo_professional_id, a_day=invo.invo_involvement_end_date),
        sup.select(a_id=sup.supe_supervisee_id, a_day=sup.supe_supervision_date),
        sup.select(a_id=sup.supe_supervisor_id, a_day=sup.supe_supervision_date),
    ]
    seen = ibis.union(*parts, distinct=False)
    return seen.filter(seen.a_id.notnull() & seen.a_day.notnull())


def _first_seen(frame: Frame):
    seen = _appearances(frame)
    return seen.group_by(seen.a_id).aggregate(first_seen=seen.a_day.min())


def _staff_in_post(frame: Frame):
    """Social workers and when they were in post, read from the case record.

    A worker's time in post runs from the first day they appear in the case record (an
    allocation of any role starting or ending, a supervision given or received) to the last.
    Someone who still holds an open allocation, or who appears within ``STILL_IN_POST_MONTHS``
    of the record's last date, is taken to be still in post; anyone else left on the last day
    they appear. A worker who never appears cannot be placed in time and is left out.
    """
    seen = _appearances(frame)
    span = seen.group_by(seen.a_id).aggregate(
        first_seen=seen.a_day.min(), last_seen=seen.a_day.max()
    )
    # The record's last date, as a one-row table (a scalar would be read as each worker's own).
    record = seen.aggregate(record_end=seen.a_day.max())
    span = span.cross_join(record)
    invo = frame.table("ssd_involvements")
    holding = (
        invo.filter(
            invo.invo_professional_id.notnull()
            & invo.invo_involvement_start_date.notnull()
            & invo.invo_involvement_end_date.isnull()
        )
        .select(h_id=invo.invo_professional_id)
        .distinct()
    )
    span = span.left_join(holding, span.a_id == holding.h_id)
    still = span.h_id.notnull() | (
        span.last_seen >= span.record_end - ibis.interval(months=STILL_IN_POST_MONTHS)
    )
    span = span.select(
        s_id=span.a_id,
        first_seen=span.first_seen,
        last_seen=span.last_seen,
        still_in_post=still.fill_null(False),
    )
    prof = _professionals(frame)
    staff = prof.filter(prof.p_social_worker).join(span, prof.p_id == span.s_id)
    t = staff.cross_join(frame.windows)
    in_post = (t.first_seen <= t.window_end) & (t.still_in_post | (t.last_seen > t.window_end))
    left_in_year = (
        ~t.still_in_post
        & (t.last_seen <= t.window_end)
        & (t.last_seen > t.window_end - ibis.interval(years=1))
    )
    return t.mutate(in_post=in_post, left_in_year=left_in_year)


def _staff_rows(t, **columns):
    return rows(t, child_id=t.p_id, worker_id=t.p_id, team_id=t.p_team, **columns)


# -- caseloads -------------------------------------------------------------------------------


def _caseload_average_fte(frame: Frame):
    alloc = _allocated(frame)
    holders = _case_holders(frame)
    team = holders.select(
        t_end=holders.window_end, t_worker=holders.alloc_worker_id, t_team=holders.team
    )
    children = alloc.join(
        team, [alloc.window_end == team.t_end, alloc.alloc_worker_id == team.t_worker]
    )
    cases = rows(
        children,
        child_id=children.child_id,
        worker_id=children.alloc_worker_id,
        team_id=children.t_team,
        in_denominator=False,
        in_numerator=True,
        reason=ibis.literal("a case held by ").concat(children.alloc_worker_id),
    )
    workers = _worker_rows(
        holders,
        in_denominator=True,
        in_numerator=False,
        value=holders.fte,
        reason=ibis.literal("case holder with ")
        .concat(holders.cases.cast("string"))
        .concat(
            ibis.ifelse(
                holders.fte_known,
                " cases; value: their FTE",
                " cases; no FTE recorded, counted as 1.0",
            )
        ),
    )
    return ibis.union(cases, workers, distinct=False)


def _caseload_over_threshold(frame: Frame):
    t = _case_holders(frame)
    limit = ibis.ifelse(t.asye, ASYE_CASELOAD_LIMIT, CASELOAD_LIMIT)
    over = t.cases > limit
    held = ibis.literal("holds ").concat(t.cases.cast("string")).concat(" cases, ")
    return _worker_rows(
        t,
        in_numerator=over,
        value=t.cases,
        reason=held.concat(
            ibis.ifelse(over, "more than the limit of ", "within the limit of ")
        ).concat(ibis.ifelse(t.asye, f"{ASYE_CASELOAD_LIMIT} (ASYE)", f"{CASELOAD_LIMIT}")),
    )


def _asye_caseload_protected(frame: Frame):
    t = _case_holders(frame)
    t = t.filter(t.asye)
    protected = t.cases <= ASYE_CASELOAD_LIMIT
    held = ibis.literal("ASYE holding ").concat(t.cases.cast("string")).concat(" cases, ")
    return _worker_rows(
        t,
        in_numerator=protected,
        value=t.cases,
        reason=held.concat(
            ibis.ifelse(
                protected,
                f"within the protected {ASYE_CASELOAD_LIMIT}",
                f"more than the protected {ASYE_CASELOAD_LIMIT}",
            )
        ),
    )


# -- supervision -----------------------------------------------------------------------------


def _supervision_compliance(frame: Frame):
    holders = _case_holders(frame)
    sup = frame.table("ssd_supervision")
    formal = sup.filter(sup.supe_supervision_type.strip().upper() == "FORMAL").select(
        s_worker=sup.supe_supervisee_id, s_day=sup.supe_supervision_date
    )
    j = holders.left_join(
        formal,
        [holders.alloc_worker_id == formal.s_worker, formal.s_day <= holders.window_end],
    )
    last = j.group_by(["window_end", "alloc_worker_id", "team", "asye"]).aggregate(
        last_formal=j.s_day.max()
    )
    first = _first_seen(frame)
    t = last.left_join(first, last.alloc_worker_id == first.a_id)
    # The next supervision falls due from the last formal one, or from the worker's first
    # appearance in the record if they have had none.
    since = ibis.coalesce(t.last_formal, t.first_seen)
    weekly = t.asye & (since < t.first_seen + ibis.interval(days=42))
    fortnightly = t.asye & (since < t.first_seen + ibis.interval(months=6))
    due = ibis.cases(
        (weekly, since + ibis.interval(days=7)),
        (fortnightly, since + ibis.interval(days=14)),
        else_=since + ibis.interval(months=1),
    )
    t = t.mutate(due=due, weekly=weekly.fill_null(False), fortnightly=fortnightly.fill_null(False))
    in_time = (t.window_end <= t.due).fill_null(False)
    rule = ibis.cases(
        (t.weekly, " (ASYE, first six weeks: weekly)"),
        (t.fortnightly, " (ASYE, first six months: fortnightly)"),
        else_=" (monthly)",
    )
    what = ibis.ifelse(
        t.last_formal.isnull(),
        ibis.literal("no formal supervision recorded"),
        ibis.literal("last formal supervision ").concat(t.last_formal.cast("string")),
    )
    return _worker_rows(
        t,
        in_numerator=in_time,
        value=t.window_end.delta(t.last_formal, unit="day"),
        reason=what.concat(ibis.ifelse(in_time, ", next not yet due", ", next was due "))
        .concat(ibis.ifelse(in_time, "", t.due.cast("string")))
        .concat(rule),
    )


# -- turnover and agency staff ---------------------------------------------------------------


def _sw_turnover_rate(frame: Frame):
    t = _staff_in_post(frame)
    t = t.filter(~t.p_agency & (t.in_post | t.left_in_year))
    return _staff_rows(
        t,
        in_denominator=t.in_post,
        in_numerator=t.left_in_year,
        value=t.p_fte,
        reason=ibis.ifelse(
            t.in_post,
            "employed social worker in post",
            ibis.literal("employed social worker who left (last seen ")
            .concat(t.last_seen.cast("string"))
            .concat(") in the 12 months to the date"),
        ),
    )


def _agency_rate(frame: Frame):
    t = _staff_in_post(frame)
    t = t.filter(t.in_post)
    return _staff_rows(
        t,
        in_numerator=t.p_agency,
        value=t.p_fte,
        reason=ibis.ifelse(
            t.p_agency, "agency social worker in post", "employed social worker in post"
        ),
    )


# -- unallocated cases -----------------------------------------------------------------------


def _unallocated_cases(frame: Frame):
    ref = frame.open_at(frame.table("ssd_cin_episodes"), "cine_referral_date", "cine_close_date")
    children = ref.group_by(["window_end", "cine_person_id"]).aggregate(
        team=ref.cine_referral_team.max()
    )
    alloc = allocations(frame)
    alloc = alloc.filter(alloc.alloc_worker_id.notnull()).select(
        a_end=alloc.window_end, a_child=alloc.child_id, alloc_worker_id=alloc.alloc_worker_id
    )
    t = children.left_join(
        alloc,
        [children.window_end == alloc.a_end, children.cine_person_id == alloc.a_child],
    )
    unallocated = t.alloc_worker_id.isnull()
    return rows(
        t,
        child_id=t.cine_person_id,
        # An unallocated child has no allocation to attribute them by: use the referral's team.
        team_id=ibis.ifelse(unallocated, t.team, ibis.null("string")),
        in_numerator=unallocated,
        reason=ibis.ifelse(
            unallocated,
            "open case with no allocated social worker",
            ibis.literal("allocated to ").concat(t.alloc_worker_id),
        ),
    )


SUPERVISION_DUE = (
    "The next formal supervision falls due from the last one (or, if there has been none, from "
    "the worker's first appearance in the case record): for an ASYE social worker 7 days later "
    "while that was within their first six weeks (42 days), 14 days later while within their "
    "first six months (calendar months), and one calendar month later after that; for everyone "
    "else one calendar month later. Supervision on the due date is on time."
)

MEASURES = (
    Measure(
        id="caseload_average_fte",
        name="Average caseload per FTE case-holding social worker",
        group=GROUP,
        description="Children allocated at the date, divided by the full-time equivalent of the "
        "workers who hold one or more of them (the DfE's definition; agency staff included). A "
        "child counts once, with the worker of their most recent open allocation under the "
        "configured allocated-social-worker roles; children whose allocation names no worker "
        "are left out. Each worker's FTE comes from ssd_professionals; a missing or zero FTE "
        "counts as 1.0. One row per allocated child (numerator) and one per case-holding "
        "worker, whose professional id stands in both child_id and worker_id (denominator, value "
        "= FTE). Rows are attributed to the worker's own team (their department, else the team "
        "of their cases). The DfE figure is at 30 September.",
        source=CSWW,
        time=Time.AS_AT,
        kind=Kind.RATIO,
        polarity=Polarity.LOWER_BETTER,
        rows=_caseload_average_fte,
        target=Target.fixed(18.0),
        rag=RagBands(amber_within=2.0),
        published=Published(
            {2025: 15.2, 2024: 15.4, 2023: 16.0, 2022: 16.6}, "at 30 September of the year"
        ),
    ),
    Measure(
        id="caseload_over_threshold",
        name="Case-holding social workers above the caseload limit",
        group=GROUP,
        description=f"Workers holding one or more allocated children at the date whose caseload "
        f"is above the local limit: more than {CASELOAD_LIMIT} children, or more than "
        f"{ASYE_CASELOAD_LIMIT} for a social worker in their assessed and supported year in "
        "employment (ASYE: a job title containing 'ASYE' or 'newly qualified'), out of all "
        "case-holding workers. Caseloads are counts of children, not adjusted for part-time "
        "hours; a child counts once, with the worker of their most recent open allocation. The "
        "job title is as the extract gives it now, for every date. One row per worker: the "
        "worker's professional id stands in both child_id and worker_id, and value is their "
        "caseload.",
        source="Local caseload policy (limits 18, and 15 in the ASYE)",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_caseload_over_threshold,
        timescale=f"{CASELOAD_LIMIT} children ({ASYE_CASELOAD_LIMIT} in the ASYE)",
    ),
    Measure(
        id="asye_caseload_protected",
        name="ASYE social workers within their protected caseload",
        group=GROUP,
        description=f"Social workers in their ASYE (a job title containing 'ASYE' or 'newly "
        f"qualified', as the extract gives it now) who hold one or more allocated children at the "
        f"date and hold {ASYE_CASELOAD_LIMIT} or fewer, out of all ASYE workers holding cases. "
        "ASYE workers holding no cases at the date cannot be told apart from those not in post, "
        "so they are left out. One row per worker: the worker's professional id stands in both "
        "child_id and worker_id, and value is their caseload.",
        source="ASYE framework (Skills for Care): about 90% of a full caseload",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_asye_caseload_protected,
        timescale=f"{ASYE_CASELOAD_LIMIT} children",
        target=Target.fixed(100.0),
    ),
    Measure(
        id="supervision_compliance",
        name="Case-holding social workers supervised within the expected frequency",
        group=GROUP,
        description="Workers holding one or more allocated children at the date whose next "
        "formal supervision (ssd_supervision of type FORMAL; group, reflective and ad hoc "
        "sessions do not count) was not yet overdue then, out of all case-holding workers. ASYE "
        "workers (job title containing 'ASYE' or 'newly qualified') are supervised weekly for "
        "their first six weeks, fortnightly to six months, then monthly; everyone else monthly. "
        "The case record has no ASYE start date: it is taken to be the worker's first "
        "appearance in it (an allocation or a supervision). One row per worker: the worker's "
        "professional id stands in both child_id and worker_id, and value is the days since "
        "their last formal supervision.",
        source="Local supervision policy; ASYE framework (Skills for Care)",
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.HIGHER_BETTER,
        rows=_supervision_compliance,
        timescale="monthly (ASYE: weekly, then fortnightly)",
        target=Target.fixed(90.0),
        due_rule=SUPERVISION_DUE,
    ),
    Measure(
        id="sw_turnover_rate",
        name="Social worker turnover rate",
        group=GROUP,
        description="Employed (not agency) social workers who left in the 12 months up to the "
        "date, as a percentage of employed social workers in post at the date (the DfE's "
        "definition at 30 September, counted here by head rather than FTE). Social workers: a "
        "Social Work England registration number, or a job title containing 'social worker'. "
        "The case record holds no start or leaving dates, so a worker is in post from the first "
        "to the last day they appear in it (an allocation of any role starting or ending, a "
        f"supervision given or received) and left on that last day; anyone holding an open "
        f"allocation or seen in the last {STILL_IN_POST_MONTHS} months of the record is taken "
        "to be still in post, so leavers of the most recent weeks are not yet counted. One row "
        "per worker: the worker's professional id stands in both child_id and worker_id, and "
        "value is their FTE.",
        source=CSWW,
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_sw_turnover_rate,
        published=Published(
            {2025: 11.8, 2024: 13.9, 2023: 15.9, 2022: 17.2, 2021: 15.4},
            "FTE, year to 30 September",
        ),
    ),
    Measure(
        id="agency_rate",
        name="Agency social worker rate",
        group=GROUP,
        description="Agency social workers in post at the date, as a percentage of all social "
        "workers in post (agency and employed; the DfE's definition at 30 September, counted "
        "here by head rather than FTE). Social workers and who is in post are read as for the "
        "turnover rate (registration number or job title; first to last appearance in the "
        "case record). Agency: the agency worker flag. One row per worker: the worker's "
        "professional id stands in both child_id and worker_id, and value is their FTE.",
        source=CSWW,
        time=Time.AS_AT,
        kind=Kind.PROPORTION,
        polarity=Polarity.LOWER_BETTER,
        rows=_agency_rate,
        published=Published(
            {2025: 13.0, 2024: 16.2, 2023: 17.9, 2022: 17.6}, "FTE, at 30 September"
        ),
    ),
    Measure(
        id="unallocated_cases",
        name="Open cases without an allocated social worker",
        group=GROUP,
        description="Children with a referral (CIN episode) open at the date and no open "
        "allocation under the configured allocated-social-worker roles that names a worker. "
        "Each child counts once; the denominator is every child with an open case. Unallocated "
        "children are attributed to their referral's team.",
        source="Conventional; Ofsted inspection evidence",
        time=Time.AS_AT,
        kind=Kind.COUNT,
        polarity=Polarity.LOWER_BETTER,
        rows=_unallocated_cases,
        target=Target.fixed(0.0),
    ),
)

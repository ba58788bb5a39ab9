"""The synthetic workforce: who held each post when, whom they supervised, and which worker
held each child's case from day to day.

Every post of the organisation plan is held, at the end of the simulation, by the member of
staff the plan names (so the web demo's users are the workers of the case record). Going back
in time, each post had earlier holders, with gaps while it was vacant; they get new
professional ids after the plan's. Vacancies are longer in the early years, which is how
caseloads fall as the authority recruits.

Cases are allocated by a sweep through time: a case goes to the least loaded of a few workers
of its team (newly qualified workers in their first year are protected at ``asye_cap``), and
changes hands when its worker leaves, or now and then for balancing.
"""

import heapq
import random
from dataclasses import dataclass, field

from .days import Days
from .distributions import REALLOCATION_REASON, SUPERVISION_TYPE
from .organisation import (
    FIRST_NAMES,
    HEAD_OF_SERVICE,
    IRO,
    LAST_NAMES,
    PERSONAL_ADVISER,
    SENIOR_SOCIAL_WORKER,
    SERVICE_MANAGER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OrganisationPlan,
    StaffSpec,
)
from .profiles import Rates

MANAGERS = frozenset({TEAM_MANAGER, SERVICE_MANAGER, HEAD_OF_SERVICE})
CASE_HOLDERS = frozenset({SOCIAL_WORKER, SENIOR_SOCIAL_WORKER, IRO, PERSONAL_ADVISER})
# Job titles counted as social workers (DfE's children and family social workers include
# managers, reviewing officers and QA officers who are registered social workers).
SOCIAL_WORK_TITLES = frozenset(
    {
        SOCIAL_WORKER,
        SENIOR_SOCIAL_WORKER,
        TEAM_MANAGER,
        SERVICE_MANAGER,
        HEAD_OF_SERVICE,
        IRO,
        "Quality assurance officer",
    }
)
ASYE_TITLE = "ASYE social worker"
# The shortest time a worker holds a case: nobody is allocated a case to hand it on within a
# day or two (the DfE counts an allocation under three days as no social worker episode,
# SSDA903 rule SW09).
MIN_ALLOCATION_DAYS = 3


@dataclass
class Holder:
    professional_id: str
    name: str
    post: StaffSpec
    start: int  # first day in post
    end: int | None  # first day no longer in post; None: in post at the end
    agency: bool
    fte: float
    asye_until: int | None = None  # last day of the assessed and supported year

    @property
    def team(self) -> str:
        return self.post.unit_id

    def in_post(self, day: int) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def is_asye(self, day: int) -> bool:
        return self.asye_until is not None and day <= self.asye_until


@dataclass
class Roster:
    holders: list[Holder]
    by_unit: dict[str, list[Holder]] = field(default_factory=dict)
    _in_post: dict[tuple[str, int], list[Holder]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for holder in self.holders:
            self.by_unit.setdefault(holder.team, []).append(holder)

    def pick(self, unit_id: str, day: int, rng: random.Random) -> Holder | None:
        """A case-holding member of the unit in post on ``day``, at random."""
        in_post = self._in_post.get((unit_id, day))
        if in_post is None:
            in_post = self._in_post[unit_id, day] = [
                h
                for h in self.by_unit.get(unit_id, ())
                if h.post.job_title in CASE_HOLDERS and h.in_post(day)
            ]
        return in_post[int(rng.random() * len(in_post))] if in_post else None

    def manager(self, unit_id: str, day: int) -> Holder | None:
        for h in self.by_unit.get(unit_id, ()):
            if h.post.job_title in MANAGERS and h.in_post(day):
                return h
        return None


def build_roster(
    plan: OrganisationPlan,
    rates: Rates,
    rng: random.Random,
    *,
    first: int,
    window_start: int,
    end: int,
    prefix: str = "",
) -> Roster:
    """Holders of every post from before ``first`` to ``end``. A few social work posts are
    new, created during the years asked for (from ``window_start``)."""
    span = max(end - first, 1)

    def at(pair: tuple[float, float], day: int) -> float:
        frac = min(max((day - first) / span, 0.0), 1.0)
        return pair[0] + (pair[1] - pair[0]) * frac

    used = {s.name for s in plan.staff}

    def new_name() -> str:
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in used:
                used.add(name)
                return name

    def tenure(agency: bool) -> int:
        mean = rates.agency_tenure_days if agency else rates.tenure_days
        return max(30, round(rng.expovariate(1 / mean)))

    def fte(title: str, agency: bool) -> float:
        if agency or title in MANAGERS:
            return 1.0
        r = rng.random()
        return 1.0 if r < 0.8 else 0.8 if r < 0.9 else 0.6

    holders: list[Holder] = []
    earlier: list[tuple[StaffSpec, int, int, bool]] = []
    for post in plan.staff:
        sw_post = post.job_title in CASE_HOLDERS
        created = first - 365
        if (
            post.job_title in (SOCIAL_WORKER, SENIOR_SOCIAL_WORKER)
            and rng.random() < rates.new_posts
        ):
            created = window_start + int(rng.random() * (end - window_start) * 0.75)
        if post.is_asye:
            agency, start = False, end - rng.randint(20, 330)
        else:
            agency = sw_post and rng.random() < at(rates.agency_share, end)
            start = end - tenure(agency)
        start = max(start, created)
        holder = Holder(
            post.professional_id, post.name, post, start, None, agency, fte(post.job_title, agency)
        )
        if post.is_asye:
            holder.asye_until = start + 364
        holders.append(holder)
        # Earlier holders of the same post, back to before the first day simulated.
        while start > created:
            gap = round(rng.expovariate(1 / at(rates.vacancy_gap_days, start))) if sw_post else 0
            left = start - gap
            if left <= created:
                break  # the post was vacant from its creation
            agency = sw_post and rng.random() < at(rates.agency_share, left)
            start = max(left - tenure(agency), created)
            earlier.append((post, start, left, agency))
    for n, (post, start, left, agency) in enumerate(earlier, start=len(plan.staff) + 1):
        holder = Holder(
            f"{prefix}P{n:04d}", new_name(), post, start, left, agency, fte(post.job_title, agency)
        )
        # Some of the earlier holders of social work posts started newly qualified.
        if post.job_title == SOCIAL_WORKER and not agency and rng.random() < 0.2:
            holder.asye_until = start + 364
        holders.append(holder)
    return Roster(holders)


def job_title(holder: Holder, end: int) -> str:
    """The job title the case record gives: the post's, or ASYE in the first year."""
    last_day = end if holder.end is None else holder.end - 1
    return ASYE_TITLE if holder.is_asye(last_day) else holder.post.job_title


# Span fields, in order: person, referral, team, role, start, end, reason it ended.
P_PERSON, P_REFERRAL, P_TEAM, P_ROLE, P_START, P_END, P_REASON = range(7)


class Allocation:
    """Who held each case (span) when: a list of segments [start, end, worker, reason]."""

    def __init__(self, roster: Roster, rates: Rates, rng: random.Random, end: int) -> None:
        self.roster = roster
        self.rates = rates
        self.rng = rng
        self.end = end
        self.segments: list[list[list]] = []

    def worker_at(self, span: int, day: int) -> str | None:
        segments = self.segments[span]
        if not segments:
            return None  # a case that ended before the allocation records begin
        for seg in segments:
            if seg[0] <= day and (seg[1] is None or day < seg[1]):
                return seg[2]
        return segments[-1][2] if day >= segments[-1][0] else segments[0][2]

    def run(self, spans: list[tuple]) -> None:
        rng, rates, end = self.rng, self.rates, self.end
        events: list[tuple] = []
        seq = 0
        for holder in self.roster.holders:
            if holder.post.job_title in CASE_HOLDERS:
                events.append((holder.start, 1, seq, holder))
                seq += 1
            if holder.end is not None and holder.end <= end:
                events.append((holder.end, 2, seq, holder))
                seq += 1
        for i, span in enumerate(spans):
            if span[P_ROLE] is None:
                continue
            events.append((span[P_START], 3, seq, i))
            seq += 1
            if span[P_END] is not None:
                events.append((span[P_END], 0, seq, i))
                seq += 1
        heapq.heapify(events)

        self.segments = segments = [[] for _ in spans]
        active: dict[str, list[Holder]] = {}
        load: dict[str, int] = {}
        cases: dict[str, set[int]] = {}
        everyone: list[Holder] = []
        asye_cap = rates.asye_cap
        random = rng.random
        mean_keep = rates.reallocation_days
        hold = MIN_ALLOCATION_DAYS

        def choose(team: str, day: int, exclude: str | None = None) -> Holder:
            pool = active.get(team)
            if not pool:
                # Nobody in post: the team manager holds the case, or failing that anyone.
                manager = self.roster.manager(team, day)
                if manager is not None:
                    return manager
                pool = everyone
            if exclude is not None:
                candidates = [h for h in pool if h.professional_id != exclude] or pool
            else:
                candidates = pool
            # A manager does not give a case to a worker who leaves in the next few days.
            staying = [h for h in candidates if h.end is None or h.end - day >= hold]
            candidates = staying or candidates
            if len(candidates) > 4:
                n = len(candidates)
                candidates = [candidates[int(random() * n)] for _ in range(4)]
            best, best_score = None, 0.0
            for h in candidates:
                n = load.get(h.professional_id, 0)
                capacity = h.fte
                if h.is_asye(day):
                    capacity *= 0.7
                    if n >= asye_cap:
                        capacity *= 0.1
                elif h.post.job_title == SENIOR_SOCIAL_WORKER:
                    capacity *= 0.9
                score = (n + 1) / capacity
                if best is None or score < best_score:
                    best, best_score = h, score
            return best

        def assign(i: int, day: int, holder: Holder) -> None:
            nonlocal seq
            pid = holder.professional_id
            segments[i].append([day, None, pid, None])
            load[pid] = load.get(pid, 0) + 1
            cases.setdefault(pid, set()).add(i)
            span_end = spans[i][P_END]
            # Not handed on in its first days, nor in the last days before the case ends.
            change = day + hold + round(rng.expovariate(1 / mean_keep))
            if change < (end + 1 if span_end is None else span_end - hold + 1):
                seq += 1
                heapq.heappush(events, (change, 4, seq, (i, len(segments[i]))))

        def release(i: int, day: int, reason: str | None) -> str:
            seg = segments[i][-1]
            if seg[0] == day and len(segments[i]) > 1:
                segments[i].pop()  # held for no time at all: no involvement
            else:
                seg[1], seg[3] = day, reason
            pid = seg[2]
            load[pid] -= 1
            cases[pid].discard(i)
            return pid

        while events:
            day, kind, _, item = heapq.heappop(events)
            if kind == 3:  # a case starts
                assign(item, day, choose(spans[item][P_TEAM], day))
            elif kind == 0:  # a case ends
                release(item, day, spans[item][P_REASON])
            elif kind == 4:  # now and then a case changes hands
                i, n = item
                if len(segments[i]) != n or segments[i][-1][1] is not None:
                    continue
                pid = release(i, day, REALLOCATION_REASON(rng))
                assign(i, day, choose(spans[i][P_TEAM], day, exclude=pid))
            elif kind == 1:  # a worker starts
                active.setdefault(item.team, []).append(item)
                everyone.append(item)
            else:  # a worker leaves: their cases go to colleagues
                if item.post.job_title in CASE_HOLDERS:
                    active[item.team].remove(item)
                    everyone.remove(item)
                for i in sorted(cases.get(item.professional_id, ())):
                    span_end = spans[i][P_END]
                    if span_end is not None and span_end - day < hold:
                        # The case moves to another team (or closes) within days: the worker
                        # sees the handover through rather than a colleague holding it for a
                        # day or two (SSDA903 SW09).
                        continue
                    release(i, day, "Worker left")
                    assign(i, day, choose(spans[i][P_TEAM], day))

    def caseloads_on(self, spans: list[tuple], day: int, role: str = "CW") -> dict[str, int]:
        counts: dict[str, int] = {}
        for span, segs in zip(spans, self.segments, strict=True):
            if span[P_ROLE] != role:
                continue
            for start, stop, pid, _ in segs:
                if start <= day and (stop is None or day < stop):
                    counts[pid] = counts.get(pid, 0) + 1
        return counts


def supervision_sessions(
    roster: Roster,
    plan: OrganisationPlan,
    days: Days,
    rng: random.Random,
    *,
    first: int,
    end: int,
    held: tuple[float, float],
) -> list[tuple]:
    """Supervision: monthly, and weekly then fortnightly for newly qualified workers in their
    first six months; some sessions do not happen. Rows: (supervisee, supervisor, date,
    type, minutes)."""
    parent = {u.source_id: u.parent_id for u in plan.units}
    span = max(end - first, 1)
    rows = []
    for holder in roster.holders:
        title = holder.post.job_title
        if title == HEAD_OF_SERVICE:
            continue
        unit = holder.team
        # A team's staff are supervised by its manager; managers by the manager above.
        boss_units = [unit] if title not in MANAGERS else []
        u = parent.get(unit)
        while u is not None:
            boss_units.append(u)
            u = parent.get(u)
        day = max(holder.start, first)
        stop = end + 1 if holder.end is None else min(holder.end, end + 1)
        while True:
            if holder.is_asye(day) and day < holder.start + 42:
                step = 7
            elif holder.is_asye(day) and day < holder.start + 182:
                step = 14
            else:
                step = rng.randint(26, 33)
            day += step
            if day >= stop:
                break
            frac = (day - first) / span
            if rng.random() > held[0] + (held[1] - held[0]) * frac:
                continue
            session = days.on_or_before(day)
            if session < holder.start:
                continue
            boss = None
            for b in boss_units:
                boss = roster.manager(b, session)
                if boss is not None and boss is not holder:
                    break
                boss = None
            if boss is None:
                continue
            kind = SUPERVISION_TYPE(rng)
            minutes = {"FORMAL": rng.choice((60, 75, 90, 90, 120)), "GROUP": 90}.get(
                kind, rng.choice((30, 45, 60))
            )
            rows.append((holder.professional_id, boss.professional_id, session, kind, minutes))
    return rows

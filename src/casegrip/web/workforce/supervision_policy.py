"""Supervision compliance under the policy in force: plain functions on plain data (no Django, no
database), so every rule can be tested by hand.

The rules (practice.md 3.1 and 6.5; LGA Employer Standard 5, Skills for Care ASYE):
- an ASYE social worker is supervised weekly for their first 6 weeks, fortnightly to 26 weeks,
  then monthly; everyone else monthly (a calendar month: 31 January + 1 month is 28 February);
- the next session is due one interval after the last qualifying one, the interval being the
  one of the phase the worker was in on the day of that session; a worker with no qualifying
  session is due one interval after they were first seen (their ASYE start, else their first
  session of any kind); a session on the due date is in time;
- qualifying sessions are those of the policy's qualifying types (one-to-one and ASYE by
  default: group, reflective and ad hoc sessions do not count), of any length unless the
  policy says short ones do not count;
- the same worker supervised twice on one day (in casegrip and in the case record, or twice in
  either) is one session.

Compared with the catalogue's ``supervision_compliance`` measure: the same qualifying sessions
(its FORMAL is our one-to-one) and the same due-date rule, but the ASYE phases are in weeks
(6 and 26, practice.md 6.5) where the measure counts 42 days and 6 calendar months, the ASYE
start is the recorded one where there is one (the measure always takes the first appearance),
and every active member of staff the policy covers is counted, not only case holders. The due
list's rule (``measures/due.py``) is simpler still: ASYE every 14 days throughout, any session
but group counts.
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from casegrip.measures.due import add_months

ONE_TO_ONE = "one_to_one"
GROUP = "group"
REFLECTIVE = "reflective"
ASYE = "asye"
AD_HOC = "ad_hoc"
OTHER = "other"

CASEGRIP = "casegrip"
CASE_RECORD = "case_record"

# ``ssd_supervision.supe_supervision_type`` to casegrip's session types.
CASE_RECORD_TYPES = {
    "FORMAL": ONE_TO_ONE,
    "GROUP": GROUP,
    "REFLECTIVE": REFLECTIVE,
    "AD_HOC": AD_HOC,
}


def default_qualifying_types() -> list[str]:
    return [ONE_TO_ONE, ASYE]


def default_exempt_job_titles() -> list[str]:
    return ["Head of service"]


@dataclass(frozen=True)
class Rules:
    """One version of the policy."""

    effective_from: date
    name: str = "Default policy"
    asye_weekly_weeks: int = 6
    asye_fortnightly_weeks: int = 26
    standard_months: int = 1
    minimum_minutes: int = 90
    short_sessions_count: bool = True
    qualifying_types: frozenset[str] = frozenset(default_qualifying_types())
    exempt_job_titles: frozenset[str] = frozenset(t.lower() for t in default_exempt_job_titles())

    def covers(self, job_title: str) -> bool:
        return job_title.strip().lower() not in self.exempt_job_titles

    def qualifies(self, session: "Held") -> bool:
        if not session.kinds & self.qualifying_types:
            return False
        if self.short_sessions_count or session.minutes is None:
            return True
        return session.minutes >= self.minimum_minutes


@dataclass(frozen=True)
class Interval:
    """How often a worker must be supervised: ``days`` or ``months`` apart."""

    phase: str  # in words, e.g. "ASYE, first 6 weeks: weekly"
    days: int = 0
    months: int = 0

    def after(self, day: date) -> date:
        return add_months(day, self.months) if self.months else day + timedelta(days=self.days)

    @property
    def words(self) -> str:
        if self.months:
            return "a month" if self.months == 1 else f"{self.months} months"
        return "a week" if self.days == 7 else f"{self.days} days"


def policy_on(policies: Sequence[Rules], day: date) -> Rules:
    """The version in force on ``day``: the latest to start on or before it (the earliest, for a
    day before any version)."""
    if not policies:
        raise ValueError("There is no supervision policy.")
    ordered = sorted(policies, key=lambda p: p.effective_from)
    in_force = [p for p in ordered if p.effective_from <= day]
    return in_force[-1] if in_force else ordered[0]


def asye_week(asye_start: date, day: date) -> int | None:
    """The week of the ASYE that ``day`` falls in: week 1 is the start day and the six after."""
    if day < asye_start:
        return None
    return (day - asye_start).days // 7 + 1


def interval_on(rules: Rules, asye_start: date | None, day: date) -> Interval:
    """The interval a worker must be supervised at on ``day``."""
    week = asye_week(asye_start, day) if asye_start else None
    if week is not None and week <= rules.asye_weekly_weeks:
        return Interval(f"ASYE week {week}, first {rules.asye_weekly_weeks} weeks: weekly", days=7)
    if week is not None and week <= rules.asye_fortnightly_weeks:
        return Interval(
            f"ASYE week {week}, to week {rules.asye_fortnightly_weeks}: fortnightly", days=14
        )
    every = "monthly" if rules.standard_months == 1 else f"every {rules.standard_months} months"
    return Interval(every, months=rules.standard_months)


@dataclass(frozen=True)
class Held:
    """A session that took place, from casegrip or the case record (or both, merged)."""

    supervisee: str  # the worker's key
    day: date
    kinds: frozenset[str]
    minutes: int | None = None
    source: str = CASEGRIP
    refs: tuple[str, ...] = ()  # casegrip ids or case-record ids
    supervisor: str = ""

    @property
    def kind(self) -> str:
        """One type to show: a qualifying-looking one first."""
        for kind in (ONE_TO_ONE, ASYE, REFLECTIVE, GROUP, AD_HOC):
            if kind in self.kinds:
                return kind
        return next(iter(sorted(self.kinds)), OTHER)


def _combine(same_day: list[Held]) -> Held:
    first = same_day[0]
    if len(same_day) == 1:
        return first
    minutes = [s.minutes for s in same_day if s.minutes is not None]
    return Held(
        supervisee=first.supervisee,
        day=first.day,
        kinds=frozenset().union(*(s.kinds for s in same_day)),
        minutes=max(minutes) if minutes else None,
        source=first.source,
        refs=tuple(r for s in same_day for r in s.refs),
        supervisor=first.supervisor,
    )


def merge(casegrip: Iterable[Held], case_record: Iterable[Held]) -> list[Held]:
    """One session per worker per day, oldest first. Where casegrip holds a session on a day, its
    record stands for the day (the case record's entry is taken to be the same session);
    several entries of one source on one day are combined (all their types, the longest
    length)."""
    days: dict[tuple[str, date], dict[str, list[Held]]] = {}
    for source, sessions in ((CASEGRIP, casegrip), (CASE_RECORD, case_record)):
        for s in sessions:
            days.setdefault((s.supervisee, s.day), {}).setdefault(source, []).append(s)
    merged = []
    for key in sorted(days):
        by_source = days[key]
        merged.append(_combine(by_source.get(CASEGRIP) or by_source[CASE_RECORD]))
    return merged


@dataclass(frozen=True)
class Worker:
    """What the rules need to know of a member of staff."""

    key: str
    name: str = ""
    job_title: str = ""
    is_asye: bool = False
    asye_start: date | None = None  # as recorded


@dataclass(frozen=True)
class Standing:
    """A worker's supervision on a day: what is required, the last qualifying session, when the
    next is due, and whether they are within it."""

    worker: Worker
    day: date
    rules: Rules
    required: Interval
    asye_start: date | None
    asye_start_assumed: bool
    last: Held | None
    due: date | None
    how: str

    @property
    def compliant(self) -> bool:
        return self.due is not None and self.day <= self.due

    @property
    def days_overdue(self) -> int:
        if self.due is None:
            return 0
        return max((self.day - self.due).days, 0)

    @property
    def in_asye_phases(self) -> bool:
        return self.required.days > 0

    def due_by(self, horizon: date) -> bool:
        """Overdue, or due on or before ``horizon``."""
        return self.due is None or self.due <= horizon


def _long(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def first_seen(worker: Worker, sessions: Sequence[Held]) -> date | None:
    """When the worker can first be placed: their ASYE start, else their first session."""
    days = [s.day for s in sessions[:1]]
    if worker.asye_start:
        days.append(worker.asye_start)
    return min(days) if days else None


def in_post(worker: Worker, sessions: Sequence[Held], day: date) -> bool:
    """Counted on ``day``: first seen on or before it. A worker never seen cannot be placed in
    time and is counted on every day (an active worker nobody has supervised is the breach
    that matters most)."""
    seen = first_seen(worker, sessions)
    return seen is None or seen <= day


def standing(
    worker: Worker, sessions: Sequence[Held], policies: Sequence[Rules], day: date
) -> Standing:
    """``sessions``: the worker's merged sessions, oldest first (later ones are ignored)."""
    rules = policy_on(policies, day)
    upto = sessions[: bisect_right([s.day for s in sessions], day)]
    asye_start, assumed = worker.asye_start, False
    if asye_start is None and worker.is_asye and upto:
        # The same assumption as the catalogue measure: the ASYE began when the worker was
        # first seen.
        asye_start, assumed = upto[0].day, True
    required = interval_on(rules, asye_start, day)
    last = next((s for s in reversed(upto) if rules.qualifies(s)), None)
    if last is not None:
        interval = interval_on(rules, asye_start, last.day)
        due = interval.after(last.day)
        how = (
            f"{interval.words} after the last qualifying session on {_long(last.day)} "
            f"({interval.phase})"
        )
    else:
        base = worker.asye_start or (upto[0].day if upto else None)
        if base is None:
            due = None
            how = "no supervision recorded and no start date: overdue"
        else:
            interval = interval_on(rules, asye_start, base)
            due = interval.after(base)
            said = "the ASYE start" if base == worker.asye_start else "the first session seen"
            how = (
                f"no qualifying session: {interval.words} after {said} on {_long(base)} "
                f"({interval.phase})"
            )
    return Standing(worker, day, rules, required, asye_start, assumed, last, due, how)


@dataclass(frozen=True)
class Share:
    """Workers within their interval on a day, out of those counted."""

    day: date
    counted: int
    compliant: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.compliant / self.counted, 1) if self.counted else None


def standings(
    workers: Iterable[Worker],
    sessions: Mapping[str, Sequence[Held]],
    policies: Sequence[Rules],
    day: date,
) -> list[Standing]:
    """The standing of every worker the policy covers and who is in post on ``day``."""
    rules = policy_on(policies, day)
    found = []
    for worker in workers:
        mine = sessions.get(worker.key, ())
        if rules.covers(worker.job_title) and in_post(worker, mine, day):
            found.append(standing(worker, mine, policies, day))
    return found


def share(found: Iterable[Standing], day: date) -> Share:
    found = list(found)
    return Share(day, len(found), sum(1 for s in found if s.compliant))


def month_ends(day: date, count: int = 12) -> list[date]:
    """The last ``count`` month ends on or before ``day``, oldest first."""
    month_end = (day + timedelta(days=1)).month != day.month
    ends = [day if month_end else day.replace(day=1) - timedelta(days=1)]
    while len(ends) < count:
        ends.append(ends[-1].replace(day=1) - timedelta(days=1))
    return list(reversed(ends))


def trend(
    workers: Sequence[Worker],
    sessions: Mapping[str, Sequence[Held]],
    policies: Sequence[Rules],
    day: date,
    months: int = 12,
) -> list[Share]:
    """The share compliant at each of the last ``months`` month ends on or before ``day``."""
    return [
        share(standings(workers, sessions, policies, end), end) for end in month_ends(day, months)
    ]


@dataclass(frozen=True)
class Lengths:
    """Sessions held in a period and how many lasted the policy's minimum."""

    held: int
    long_enough: int
    unknown: int

    @property
    def percent(self) -> float | None:
        known = self.held - self.unknown
        return round(100 * self.long_enough / known, 1) if known else None


def lengths(sessions: Iterable[Held], rules: Rules, start: date, end: date) -> Lengths:
    """Qualifying-type sessions from ``start`` to ``end`` against the minimum length."""
    held = long_enough = unknown = 0
    for s in sessions:
        if not start <= s.day <= end or not s.kinds & rules.qualifying_types:
            continue
        held += 1
        if s.minutes is None:
            unknown += 1
        elif s.minutes >= rules.minimum_minutes:
            long_enough += 1
    return Lengths(held, long_enough, unknown)

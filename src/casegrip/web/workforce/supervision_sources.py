"""Where supervision comes from: sessions recorded in casegrip and those in the case record's
``ssd_supervision`` (read from the live snapshot, whichever engine keeps it), merged so that a
worker supervised on a day counts once; and the workers and policy versions the rules in
``supervision_policy`` are applied to."""

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from casegrip.store.live import LiveSnapshot
from casegrip.store.snapshots import query
from casegrip.web.organisation.models import OrgUnit, StaffMember

from . import supervision_policy as sp
from .models import HELD_STATUSES, AsyeStart, SupervisionPolicy, SupervisionSession

CASE_RECORD_SQL = """
    SELECT supe_supervision_id AS id, supe_supervisee_id AS supervisee,
           supe_supervisor_id AS supervisor, supe_supervision_date AS day,
           supe_supervision_type AS kind, supe_supervision_minutes AS minutes
    FROM {schema}.ssd_supervision
    WHERE supe_supervision_date IS NOT NULL
    ORDER BY supe_supervision_date, supe_supervision_id
"""


def policies() -> list[sp.Rules]:
    """The policy versions, oldest first; the national minimums if the database has none (a
    test database flushed by a browser test, say: the data migration's own step, run again)."""
    if not SupervisionPolicy.objects.exists():
        from django.apps import apps

        importlib.import_module(
            "casegrip.web.workforce.migrations.0002_default_supervision_policy"
        ).seed(apps, None)
    return [p.rules() for p in SupervisionPolicy.objects.order_by("effective_from")]


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


@lru_cache(maxsize=2)
def _case_record_by_worker(snapshot: LiveSnapshot) -> dict[str, tuple[dict, ...]]:
    """Every session in a snapshot, by supervisee, read once per process: a snapshot never
    changes, and reading it on every page cost a second on a city's record."""
    by_worker: dict[str, list[dict]] = {}
    for row in query(snapshot, CASE_RECORD_SQL, []):
        row["day"] = _as_date(row["day"])
        by_worker.setdefault(str(row["supervisee"]), []).append(row)
    return {worker: tuple(rows) for worker, rows in by_worker.items()}


def case_record_rows(snapshot: LiveSnapshot | None, professional_ids: Iterable[str]) -> list[dict]:
    """The case record's sessions of these workers, oldest first (none without a snapshot)."""
    ids = sorted({i for i in professional_ids if i})
    if snapshot is None or not ids:
        return []
    by_worker = _case_record_by_worker(snapshot)
    rows = [dict(row) for i in ids for row in by_worker.get(i, ())]
    return sorted(rows, key=lambda r: (r["day"], str(r["id"])))


def case_record_sessions(
    snapshot: LiveSnapshot | None, members: Iterable[StaffMember]
) -> list[sp.Held]:
    """The case record's sessions of these members of staff, keyed as ``worker_key`` keys them.
    Types outside FORMAL, GROUP, REFLECTIVE and AD_HOC are kept as "other" (they never
    qualify)."""
    by_id = {m.professional_id: m for m in members if m.professional_id}
    sessions = []
    for row in case_record_rows(snapshot, by_id):
        kind = sp.CASE_RECORD_TYPES.get(str(row["kind"] or "").strip().upper(), sp.OTHER)
        sessions.append(
            sp.Held(
                supervisee=worker_key(by_id[row["supervisee"]]),
                day=row["day"],
                kinds=frozenset({kind}),
                minutes=int(row["minutes"]) if row["minutes"] is not None else None,
                source=sp.CASE_RECORD,
                refs=(str(row["id"]),),
                supervisor=str(row["supervisor"] or ""),
            )
        )
    return sessions


def casegrip_sessions(members: Iterable[StaffMember]) -> list[sp.Held]:
    """Sessions recorded in casegrip that took place (not scheduled, not cancelled)."""
    found = (
        SupervisionSession.objects.filter(supervisee__in=list(members), status__in=HELD_STATUSES)
        .order_by("held_on", "pk")
        .values_list("pk", "supervisee_id", "supervisor_id", "held_on", "session_type", "minutes")
    )
    return [
        sp.Held(
            supervisee=str(supervisee),
            day=day,
            kinds=frozenset({kind}),
            minutes=minutes,
            source=sp.CASEGRIP,
            refs=(str(pk),),
            supervisor=str(supervisor),
        )
        for pk, supervisee, supervisor, day, kind, minutes in found
    ]


def worker_key(member: StaffMember) -> str:
    return str(member.pk)


@dataclass
class Supervision:
    """Everything the rules need for a set of workers."""

    members: dict[str, StaffMember]
    workers: list[sp.Worker]
    sessions: dict[str, list[sp.Held]]
    policies: list[sp.Rules]

    def standing(self, member: StaffMember, day: date) -> sp.Standing:
        key = worker_key(member)
        worker = next(w for w in self.workers if w.key == key)
        return sp.standing(worker, self.sessions.get(key, []), self.policies, day)

    def sessions_of(self, member: StaffMember) -> list[sp.Held]:
        return self.sessions.get(worker_key(member), [])

    def standings(self, day: date) -> list[sp.Standing]:
        return sp.standings(self.workers, self.sessions, self.policies, day)

    def trend(self, day: date, months: int = 12) -> list[sp.Share]:
        return sp.trend(self.workers, self.sessions, self.policies, day, months)


def load(members: Sequence[StaffMember], snapshot: LiveSnapshot | None) -> Supervision:
    """Both sources' sessions of ``members``, merged, with their ASYE starts and the policy."""
    members = list(members)
    starts = dict(AsyeStart.objects.filter(staff__in=members).values_list("staff_id", "started_on"))
    workers = [
        sp.Worker(
            key=worker_key(m),
            name=m.name,
            job_title=m.job_title,
            is_asye=m.is_asye,
            asye_start=starts.get(m.pk),
        )
        for m in members
    ]
    ours: dict[str, list[sp.Held]] = {}
    for s in casegrip_sessions(members):
        ours.setdefault(s.supervisee, []).append(s)
    theirs: dict[str, list[sp.Held]] = {}
    for s in case_record_sessions(snapshot, members):
        theirs.setdefault(s.supervisee, []).append(s)
    sessions = {
        key: sp.merge(ours.get(key, []), theirs.get(key, [])) for key in set(ours) | set(theirs)
    }
    return Supervision({worker_key(m): m for m in members}, workers, sessions, policies())


def staff_in(unit: OrgUnit) -> list[StaffMember]:
    """Active members of staff in the unit or below it."""
    return list(
        StaffMember.objects.filter(active=True, unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("name", "pk")
    )

"""Keeping the organisation tree and staff in step with the case record.

The authority configuration gives the tree (services, localities, teams, by their case-record
ids); ``ssd_professionals`` gives the staff and their teams. Units and staff are matched by those
ids, so renames and moves are updates and nobody's role assignments are lost. Staff who are no
longer in the case record are marked inactive, never deleted.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from casegrip.config import AuthorityConfig
from casegrip.web.accounts.audit import record_event

from .actions import create_unit
from .models import OrgUnit, StaffMember, UnitKind


@dataclass
class SyncResult:
    units_created: int = 0
    units_updated: int = 0
    staff_created: int = 0
    staff_updated: int = 0
    staff_inactivated: int = 0
    staff_without_team: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"Organisation: {self.units_created} units added, {self.units_updated} updated; "
            f"staff: {self.staff_created} added, {self.staff_updated} updated, "
            f"{self.staff_inactivated} no longer in the case record."
        )
        if self.staff_without_team:
            text += (
                f" {len(self.staff_without_team)} staff belong to units missing from the "
                "authority configuration and were left out."
            )
        return text


def _move(unit: OrgUnit, parent: OrgUnit) -> None:
    """Re-hang ``unit`` (and everything below it) under ``parent``."""
    old, new = unit.path, f"{parent.path}{unit.pk:06d}."
    for node in OrgUnit.objects.filter(path__startswith=old):
        node.path = new + node.path[len(old) :]
        if node.pk == unit.pk:
            node.parent = parent
        node.save(update_fields=["path", "parent"])


def _unit(kind: str, source_id: str, name: str, parent: OrgUnit, result: SyncResult) -> OrgUnit:
    unit = OrgUnit.objects.filter(source_id=source_id).first()
    if unit is None:
        result.units_created += 1
        return create_unit(kind=kind, name=name, parent=parent, source_id=source_id)
    if unit.name != name or unit.kind != kind:
        unit.name, unit.kind = name, kind
        unit.save(update_fields=["name", "kind"])
        result.units_updated += 1
    if unit.parent_id != parent.pk:
        _move(unit, parent)
        result.units_updated += 1
        unit.refresh_from_db()
    return unit


@transaction.atomic
def sync_organisation(config: AuthorityConfig, professionals: list[dict]) -> SyncResult:
    result = SyncResult()
    authority = OrgUnit.objects.filter(kind=UnitKind.AUTHORITY, la_code=config.la_code).first()
    if authority is None:
        authority = create_unit(kind=UnitKind.AUTHORITY, name=config.name, la_code=config.la_code)
        result.units_created += 1
    elif authority.name != config.name:
        authority.name = config.name
        authority.save(update_fields=["name"])
        result.units_updated += 1
    # Staff may sit in any unit: managers in services and localities, workers in teams.
    units: dict[str, OrgUnit] = {}
    for service in config.services:
        service_unit = units[service.id] = _unit(
            "service", service.id, service.name, authority, result
        )
        for team in service.teams:
            units[team.id] = _unit("team", team.id, team.name, service_unit, result)
        for locality in service.localities:
            locality_unit = units[locality.id] = _unit(
                "locality", locality.id, locality.name, service_unit, result
            )
            for team in locality.teams:
                units[team.id] = _unit("team", team.id, team.name, locality_unit, result)

    seen: set[str] = set()
    existing = {s.professional_id: s for s in StaffMember.objects.exclude(professional_id="")}
    for row in professionals:
        pid = str(row.get("prof_professional_id") or "")
        team = units.get(str(row.get("prof_professional_department") or ""))
        if not pid:
            continue
        if team is None:
            result.staff_without_team.append(pid)
            continue
        seen.add(pid)
        title = str(row.get("prof_professional_job_title") or "")
        values = {
            "name": str(row.get("prof_professional_name") or pid),
            "job_title": title,
            "unit": team,
            "swe_registration": str(row.get("prof_social_worker_registration_no") or ""),
            "is_asye": "asye" in title.lower() or "newly qualified" in title.lower(),
            "is_agency": str(row.get("prof_agency_worker_flag") or "").upper() == "Y",
            "fte": Decimal(str(round(float(row.get("prof_full_time_equivalency") or 1), 2))),
            "active": True,
        }
        member = existing.get(pid)
        if member is None:
            StaffMember.objects.create(professional_id=pid, **values)
            result.staff_created += 1
            continue
        changed = [k for k, v in values.items() if getattr(member, k) != v]
        if changed:
            for key in changed:
                setattr(member, key, values[key])
            member.save(update_fields=changed)
            result.staff_updated += 1
    gone = StaffMember.objects.filter(unit__path__startswith=authority.path, active=True).exclude(
        professional_id__in=seen
    )
    result.staff_inactivated = gone.update(active=False)
    record_event(
        None,
        "synchronised organisation",
        authority,
        units_created=result.units_created,
        staff_created=result.staff_created,
        staff_inactivated=result.staff_inactivated,
    )
    return result


def sync_from_live_snapshot() -> SyncResult:
    """Sync from the live snapshot's configuration and professionals."""
    from casegrip.store.live import live_snapshot
    from casegrip.store.snapshots import read_table, snapshot_config

    live = live_snapshot()
    if live is None:
        raise LookupError("No snapshot has been imported yet.")
    config = snapshot_config(live)
    return sync_organisation(config, read_table(live, "ssd_professionals").to_pylist())

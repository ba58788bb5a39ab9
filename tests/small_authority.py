"""The synthetic small authority for page and journey tests: imported once per test run into a
data directory of its own, with its figures worked out (about 30 s), then synced into each test's
database with users who hold real roles on its units."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from casegrip.config import load_config
from casegrip.measures.results import compute
from casegrip.sources import read_source
from casegrip.store.live import LiveSnapshot, live_snapshot
from casegrip.store.snapshots import allocated_children, import_extract, snapshot_config
from casegrip.synth import synthesise, write_extract
from casegrip.web.accounts import actions as account_actions
from casegrip.web.accounts.models import User
from casegrip.web.organisation.models import OrgUnit, StaffMember
from casegrip.web.organisation.sync import sync_from_live_snapshot

EXTRACT_DATE = date(2026, 10, 30)
PASSWORD = "a-long-test-passphrase"


def build_home(home: Path) -> Path:
    result = synthesise("small", years=3, seed=7, end_date=EXTRACT_DATE)
    write_extract(result, home / "extract")
    config = load_config(home / "extract" / "authority.yaml")
    import_extract(
        read_source(str(home / "extract"), extract_date=EXTRACT_DATE),
        config=config,
        source_path="small",
        home=home,
    )
    compute(live_snapshot(home), home=home)
    return home


@dataclass
class SmallAuthority:
    """The synced organisation and ways to make users on it."""

    home: Path
    snapshot: LiveSnapshot

    def unit(self, name: str) -> OrgUnit:
        return OrgUnit.objects.get(name=name)

    @property
    def authority(self) -> OrgUnit:
        return OrgUnit.objects.get(kind="authority")

    def user(self, role: str, unit: OrgUnit, *, staff: StaffMember | None = None) -> User:
        username = f"{role}-{unit.pk}-{staff.pk if staff else 0}"
        user = account_actions.create_user(username=username, password=PASSWORD, staff=staff)
        account_actions.assign_role(user=user, role=role, unit=unit)
        return user

    def children_of(self, staff: StaffMember) -> list[dict]:
        roles = snapshot_config(self.snapshot, self.home).involvement_roles.allocated_social_worker
        return allocated_children(self.snapshot, staff.professional_id, roles, EXTRACT_DATE)

    def worker_with_children(self, team: str) -> StaffMember:
        """A social worker in ``team`` who holds cases at the extract date."""
        for staff in StaffMember.objects.filter(unit__name=team, active=True).order_by("pk"):
            if staff.professional_id and self.children_of(staff):
                return staff
        raise LookupError(f"nobody in {team} holds cases")


def sync(home: Path) -> SmallAuthority:
    sync_from_live_snapshot()
    return SmallAuthority(home, live_snapshot(home))

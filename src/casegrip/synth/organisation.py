"""The synthetic organisation: an authority's services, localities, teams and staff.

Plain data, no Django: the web layer loads a plan into the oversight record, and the case-record
synthesiser uses the same ids for ``ssd_department`` and ``ssd_professionals``. Every name is
drawn at random from short lists, so no person here is real.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .postcodes import HOME_AUTHORITY

if TYPE_CHECKING:
    from casegrip.config import AuthorityConfig


@dataclass(frozen=True)
class UnitSpec:
    source_id: str
    kind: str
    name: str
    parent_id: str | None  # None: directly under the authority


@dataclass(frozen=True)
class StaffSpec:
    professional_id: str
    name: str
    unit_id: str
    job_title: str
    is_asye: bool = False


@dataclass(frozen=True)
class OrganisationPlan:
    name: str
    la_code: str
    units: tuple[UnitSpec, ...]
    staff: tuple[StaffSpec, ...] = field(default=())

    def staff_in(self, unit_id: str, job_title: str) -> list[StaffSpec]:
        return [s for s in self.staff if s.unit_id == unit_id and s.job_title == job_title]


FIRST_NAMES = (
    "Amara Ben Chloe Dev Ellie Femi Grace Hamza Imogen Jay Kiran Leah Marcus Nadia Owen Priya "
    "Quinn Rosa Sami Tara Umar Vicky Wes Yasmin Zac Aisha Bethan Callum Dina Ewan Farah Gareth "
    "Holly Isaac Jade Kofi Lina Mo Niamh Olu Rhys Sana Theo Una Vikram Wendy Xander Zara"
).split()
LAST_NAMES = (
    "Adeyemi Brennan Carter Dawson Ellis Fraser Gill Hughes Iqbal Jones Khan Lloyd Murphy Nolan "
    "Okafor Patel Quigley Reid Shah Taylor Umeh Vaughan Walsh Young Ahmed Byrne Clarke Doyle "
    "Evans Foster Green Hart Jackson Kaur Lee Mensah Nwosu Owens Price Riley Singh Turner Ward"
).split()

SOCIAL_WORKER = "Social worker"
SENIOR_SOCIAL_WORKER = "Senior social worker"
TEAM_MANAGER = "Team manager"
SERVICE_MANAGER = "Service manager"
HEAD_OF_SERVICE = "Head of service"
IRO = "Independent reviewing officer"
PERSONAL_ADVISER = "Personal adviser"
LOCALITIES = ("North", "Central", "South")
LOCALITY_TEAMS = (
    "Assessment 1",
    "Assessment 2",
    "Safeguarding 1",
    "Safeguarding 2",
    "Children in Care",
)


def city(
    seed: int = 1,
    workers_per_team: int = 8,
    *,
    team_sizes: Mapping[str, int] | None = None,
    seniors_per_team: int = 0,
    personal_advisers: bool = False,
) -> OrganisationPlan:
    """A large city authority shaped like the one in the seed reports: three localities.

    ``team_sizes`` overrides ``workers_per_team`` for the teams it names; ``seniors_per_team``
    makes the first members of each social work team senior social workers; with
    ``personal_advisers`` the Leaving Care team's members are personal advisers. The defaults
    give the plan the web demo was first built on.
    """
    sizes = dict(team_sizes or {})
    rng = random.Random(seed)
    used: set[str] = set()

    def person() -> str:
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in used:
                used.add(name)
                return name

    units: list[UnitSpec] = []
    staff: list[StaffSpec] = []

    def unit(kind: str, name: str, parent: str | None) -> str:
        source_id = f"D{len(units) + 1:03d}"
        units.append(UnitSpec(source_id, kind, name, parent))
        return source_id

    def worker(unit_id: str, job_title: str, is_asye: bool = False) -> None:
        staff.append(StaffSpec(f"P{len(staff) + 1:04d}", person(), unit_id, job_title, is_asye))

    def team(name: str, parent: str, members: int, member_title: str = SOCIAL_WORKER) -> None:
        team_id = unit("team", name, parent)
        worker(team_id, TEAM_MANAGER)
        members = sizes.get(name, members)
        seniors = seniors_per_team if member_title == SOCIAL_WORKER else 0
        for i in range(members):
            title = SENIOR_SOCIAL_WORKER if i < seniors else member_title
            # About one in six social workers is in their first year.
            worker(team_id, title, is_asye=title == SOCIAL_WORKER and i % 6 == 5)

    csc = unit("service", "Children's Social Care", None)
    worker(csc, "Head of service")
    team("Front Door", csc, workers_per_team)
    for locality in LOCALITIES:
        loc = unit("locality", f"{locality} locality", csc)
        worker(loc, "Service manager")
        for name in LOCALITY_TEAMS:
            team(f"{locality} {name}", loc, workers_per_team)

    specialist = unit("service", "Specialist Services", None)
    worker(specialist, "Head of service")
    for name in ("Leaving Care", "Children with Disabilities", "Permanence and Adoption"):
        leaving_care = personal_advisers and name == "Leaving Care"
        team(
            name, specialist, workers_per_team, PERSONAL_ADVISER if leaving_care else SOCIAL_WORKER
        )

    sqa = unit("service", "Safeguarding and Quality Assurance", None)
    worker(sqa, "Head of service")
    team("Independent Reviewing Officers", sqa, workers_per_team, "Independent reviewing officer")
    team("Quality Assurance", sqa, 4, "Quality assurance officer")
    team("Performance and Intelligence", sqa, 3, "Performance analyst")

    return OrganisationPlan(
        name="City Council (synthetic)", la_code="999", units=tuple(units), staff=tuple(staff)
    )


def to_config(plan: OrganisationPlan, child_population: int) -> "AuthorityConfig":
    """The authority configuration (team tree and defaults) for a synthetic organisation."""
    from casegrip.config import AuthorityConfig, Locality, Service, Team

    def teams_under(parent_id: str) -> list[Team]:
        return [
            Team(id=u.source_id, name=u.name)
            for u in plan.units
            if u.kind == "team" and u.parent_id == parent_id
        ]

    services = [
        Service(
            id=s.source_id,
            name=s.name,
            teams=teams_under(s.source_id),
            localities=[
                Locality(id=loc.source_id, name=loc.name, teams=teams_under(loc.source_id))
                for loc in plan.units
                if loc.kind == "locality" and loc.parent_id == s.source_id
            ],
        )
        for s in plan.units
        if s.kind == "service"
    ]
    # The synthetic authorities' la_code is made up; their postcodes are Richmond upon Thames'.
    return AuthorityConfig(
        name=plan.name,
        la_code=plan.la_code,
        ons_code=HOME_AUTHORITY,
        child_population=child_population,
        services=services,
    )


class _Builder:
    """Units and staff with sequential ids (``D001``, ``P0001``) and unique invented names."""

    def __init__(self, seed: int, prefix: str = "") -> None:
        self.rng = random.Random(seed)
        self.prefix = prefix
        self.used: set[str] = set()
        self.units: list[UnitSpec] = []
        self.staff: list[StaffSpec] = []

    def person(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name

    def unit(self, kind: str, name: str, parent: str | None) -> str:
        source_id = f"{self.prefix}D{len(self.units) + 1:03d}"
        self.units.append(UnitSpec(source_id, kind, name, parent))
        return source_id

    def worker(self, unit_id: str, job_title: str, is_asye: bool = False) -> None:
        professional_id = f"{self.prefix}P{len(self.staff) + 1:04d}"
        self.staff.append(StaffSpec(professional_id, self.person(), unit_id, job_title, is_asye))

    def team(
        self, name: str, parent: str, members: int, title: str = SOCIAL_WORKER, seniors: int = 0
    ) -> None:
        team_id = self.unit("team", name, parent)
        self.worker(team_id, TEAM_MANAGER)
        for i in range(members):
            member_title = SENIOR_SOCIAL_WORKER if title == SOCIAL_WORKER and i < seniors else title
            is_asye = member_title == SOCIAL_WORKER and i % 6 == 5
            self.worker(team_id, member_title, is_asye=is_asye)

    def plan(self, name: str, la_code: str) -> OrganisationPlan:
        return OrganisationPlan(name, la_code, tuple(self.units), tuple(self.staff))


def small(seed: int = 1, *, name: str = "Small Borough Council (synthetic)") -> OrganisationPlan:
    """A small authority for tests: one service, a front door, two localities of two teams
    (family support and protection; children in care) and a team of IROs."""
    b = _Builder(seed)
    csc = b.unit("service", "Children's Social Care", None)
    b.worker(csc, HEAD_OF_SERVICE)
    b.team("Front Door", csc, 5, seniors=1)
    for locality in ("East", "West"):
        loc = b.unit("locality", f"{locality} locality", csc)
        b.worker(loc, SERVICE_MANAGER)
        b.team(f"{locality} Family Support and Protection", loc, 17, seniors=2)
        b.team(f"{locality} Children in Care", loc, 7, seniors=1)
    b.team("Independent Reviewing Officers", csc, 4, IRO)
    return b.plan(name, "997")


def scaled(
    seed: int, *, name: str, la_code: str, child_population: int, prefix: str = ""
) -> OrganisationPlan:
    """An authority sized for ``child_population`` children: teams grow with demand, and
    localities are added as the authority grows (one below 60,000 children, up to four)."""
    b = _Builder(seed, prefix)
    scale = child_population / 125_000
    n_localities = 1 + (child_population >= 60_000) + (child_population >= 120_000)
    n_localities += child_population >= 220_000
    per_locality = scale / n_localities

    def size(base: float) -> int:
        return max(3, round(base))

    csc = b.unit("service", "Children's Social Care", None)
    b.worker(csc, HEAD_OF_SERVICE)
    b.team("Front Door", csc, size(30 * scale), seniors=2)
    for locality in ("North", "South", "East", "West")[:n_localities]:
        loc = b.unit("locality", f"{locality} locality", csc)
        b.worker(loc, SERVICE_MANAGER)
        b.team(f"{locality} Assessment", loc, size(40 * per_locality), seniors=2)
        b.team(f"{locality} Safeguarding", loc, size(42 * per_locality), seniors=3)
        b.team(f"{locality} Children in Care", loc, size(23 * per_locality), seniors=2)
    b.team("Children with Disabilities", csc, size(16 * scale), seniors=1)
    b.team("Leaving Care", csc, size(20 * scale), PERSONAL_ADVISER)
    b.team("Independent Reviewing Officers", csc, size(30 * scale), IRO)
    return b.plan(name, la_code)

"""The synthetic organisation: an authority's services, localities, teams and staff.

Plain data, no Django: the web layer loads a plan into the oversight record, and the case-record
synthesiser uses the same ids for ``ssd_department`` and ``ssd_professionals``. Every name is
drawn at random from short lists, so no person here is real.
"""

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
TEAM_MANAGER = "Team manager"
LOCALITIES = ("North", "Central", "South")
LOCALITY_TEAMS = (
    "Assessment 1",
    "Assessment 2",
    "Safeguarding 1",
    "Safeguarding 2",
    "Children in Care",
)


def city(seed: int = 1, workers_per_team: int = 8) -> OrganisationPlan:
    """A large city authority shaped like the one in the seed reports: three localities."""
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
        for i in range(members):
            # About one in six social workers is in their first year.
            worker(team_id, member_title, is_asye=member_title == SOCIAL_WORKER and i % 6 == 5)

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
        team(name, specialist, workers_per_team)

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
    return AuthorityConfig(
        name=plan.name, la_code=plan.la_code, child_population=child_population, services=services
    )

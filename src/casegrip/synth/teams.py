"""Which teams of an organisation plan do which work, read from the teams' names.

Plans name their teams the way councils do ("North Assessment 1", "Children in Care",
"Leaving Care"...). An authority without a specialist team gives that work to the locality's
own teams: the small profile's family support teams assess, protect and support; its children
in care teams also adopt and support care leavers.
"""

from dataclasses import dataclass

from .organisation import OrganisationPlan


@dataclass(frozen=True)
class LocalityTeams:
    assessment: tuple[str, ...]
    safeguarding: tuple[str, ...]
    cla: str
    cwd: str
    leaving_care: str
    adoption: str


@dataclass(frozen=True)
class TeamRoles:
    front_door: str
    iro: str
    localities: tuple[LocalityTeams, ...]


def team_roles(plan: OrganisationPlan) -> TeamRoles:
    teams = [u for u in plan.units if u.kind == "team"]

    def named(*words: str, parent: str | None = None) -> list[str]:
        return [
            t.source_id
            for t in teams
            if any(w in t.name for w in words) and (parent is None or t.parent_id == parent)
        ]

    def one(*words: str) -> str | None:
        found = named(*words)
        return found[0] if found else None

    front_door = one("Front Door")
    iro = one("Independent Reviewing")
    if front_door is None or iro is None:
        raise ValueError("a synthetic authority needs a Front Door team and an IRO team")
    cwd, leaving, adoption = one("Disabilit"), one("Leaving Care"), one("Adoption")
    localities = []
    for loc in (u for u in plan.units if u.kind == "locality"):
        assessment = named("Assessment", "Family Support", parent=loc.source_id)
        safeguarding = named("Safeguarding", "Family Support", parent=loc.source_id)
        cla = named("Children in Care", parent=loc.source_id)
        if not (assessment and safeguarding and cla):
            raise ValueError(f"locality {loc.name!r} lacks assessment, safeguarding or CLA teams")
        localities.append(
            LocalityTeams(
                tuple(assessment),
                tuple(safeguarding),
                cla[0],
                cwd or safeguarding[0],
                leaving or cla[0],
                adoption or cla[0],
            )
        )
    if not localities:
        raise ValueError("a synthetic authority needs at least one locality")
    return TeamRoles(front_door, iro, tuple(localities))

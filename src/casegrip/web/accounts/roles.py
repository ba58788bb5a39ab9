"""Roles as code: what each kind of user may do, as a set of permissions.

A role is granted on a unit of the organisation tree and applies to everything below it. The
database stores only the role's slug; what the role means lives here, reviewed like any code.
"""

from dataclasses import dataclass
from enum import StrEnum


class Permission(StrEnum):
    VIEW_AGGREGATES = "view_aggregates"  # scorecards and reports for units in scope
    VIEW_SMALL_NUMBERS = "view_small_numbers"  # aggregate counts without small-number suppression
    VIEW_TEAM_DETAIL = "view_team_detail"  # team pages: staff, each worker's caseload size
    VIEW_CHILD_RECORDS = "view_child_records"  # child-level data for every child in scope
    VIEW_OWN_CASELOAD = "view_own_caseload"  # child-level data for children allocated to me
    EXPORT_CHILD_RECORDS = "export_child_records"
    CONDUCT_AUDITS = "conduct_audits"
    MODERATE_AUDITS = "moderate_audits"
    MANAGE_AUDIT_PROGRAMME = "manage_audit_programme"
    RAISE_ESCALATIONS = "raise_escalations"
    RESPOND_TO_ESCALATIONS = "respond_to_escalations"
    RECORD_SUPERVISION = "record_supervision"
    MANAGE_IMPROVEMENT_PLANS = "manage_improvement_plans"
    MANAGE_RISKS = "manage_risks"
    RECORD_CLINIC_ACTIONS = "record_clinic_actions"  # agree and follow up clinic actions
    RUN_IMPORTS = "run_imports"
    BUILD_RETURNS = "build_returns"
    MANAGE_USERS = "manage_users"
    VIEW_ACCESS_LOG = "view_access_log"
    ADMINISTER = "administer"


P = Permission

_MANAGER = frozenset(
    {
        P.VIEW_AGGREGATES,
        P.VIEW_SMALL_NUMBERS,
        P.VIEW_TEAM_DETAIL,
        P.VIEW_CHILD_RECORDS,
        P.EXPORT_CHILD_RECORDS,
        P.CONDUCT_AUDITS,
        P.RESPOND_TO_ESCALATIONS,
        P.RECORD_SUPERVISION,
    }
)


@dataclass(frozen=True)
class Role:
    slug: str
    name: str
    description: str
    permissions: frozenset[Permission]

    def __str__(self) -> str:
        return self.name


ROLES: dict[str, Role] = {
    role.slug: role
    for role in (
        Role(
            "social-worker",
            "Social worker",
            "Sees their own caseload and what is due for their children.",
            frozenset({P.VIEW_OWN_CASELOAD}),
        ),
        Role(
            "team-manager",
            "Team manager",
            "Sees their team: caseloads, the weekly due list, audits and supervision.",
            _MANAGER,
        ),
        Role(
            "service-manager",
            "Service manager",
            "Sees the teams in their service or locality and the performance clinic.",
            _MANAGER | {P.MANAGE_RISKS, P.RECORD_CLINIC_ACTIONS},
        ),
        Role(
            "head-of-service",
            "Head of service",
            "Sees their service, drills down to teams and workers, owns plans and risks.",
            _MANAGER | {P.MANAGE_RISKS, P.MANAGE_IMPROVEMENT_PLANS, P.RECORD_CLINIC_ACTIONS},
        ),
        Role(
            "director",
            "Director",
            "Sees the whole service: scorecards, plans, risks and committee packs.",
            _MANAGER | {P.MANAGE_RISKS, P.MANAGE_IMPROVEMENT_PLANS, P.RECORD_CLINIC_ACTIONS},
        ),
        Role(
            "qa-officer",
            "Quality assurance officer",
            "Runs the audit programme: sampling, audits, moderation and learning.",
            frozenset(
                {
                    P.VIEW_AGGREGATES,
                    P.VIEW_SMALL_NUMBERS,
                    P.VIEW_TEAM_DETAIL,
                    P.VIEW_CHILD_RECORDS,
                    P.CONDUCT_AUDITS,
                    P.MODERATE_AUDITS,
                    P.MANAGE_AUDIT_PROGRAMME,
                }
            ),
        ),
        Role(
            "iro",
            "Independent reviewing officer",
            "Reviews children's plans and raises escalations when practice falls short.",
            frozenset(
                {
                    P.VIEW_AGGREGATES,
                    P.VIEW_SMALL_NUMBERS,
                    P.VIEW_CHILD_RECORDS,
                    P.RAISE_ESCALATIONS,
                }
            ),
        ),
        Role(
            "performance-analyst",
            "Performance analyst",
            "Imports the case record, checks data quality, builds returns and exports.",
            frozenset(
                {
                    P.VIEW_AGGREGATES,
                    P.VIEW_SMALL_NUMBERS,
                    P.VIEW_TEAM_DETAIL,
                    P.VIEW_CHILD_RECORDS,
                    P.EXPORT_CHILD_RECORDS,
                    P.RUN_IMPORTS,
                    P.BUILD_RETURNS,
                }
            ),
        ),
        Role(
            "board-member",
            "Board or committee member",
            "Sees aggregate reports with small numbers suppressed; never a child's record.",
            frozenset({P.VIEW_AGGREGATES}),
        ),
        Role(
            "administrator",
            "Administrator",
            "Manages users, roles and the organisation; reads the access log.",
            frozenset({P.MANAGE_USERS, P.VIEW_ACCESS_LOG, P.ADMINISTER, P.VIEW_TEAM_DETAIL}),
        ),
    )
}

ROLE_CHOICES = [(role.slug, role.name) for role in ROLES.values()]

# Permissions that reveal a child's record; aggregate-only roles must never hold any of them.
CHILD_LEVEL = frozenset({P.VIEW_CHILD_RECORDS, P.VIEW_OWN_CASELOAD, P.EXPORT_CHILD_RECORDS})


def get_role(slug: str) -> Role:
    try:
        return ROLES[slug]
    except KeyError:
        known = ", ".join(ROLES)
        raise ValueError(f"Unknown role {slug!r}. Roles are: {known}.") from None

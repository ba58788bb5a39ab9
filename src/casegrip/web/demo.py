"""The demo authority and its users: one user per role, each with a scope that makes sense.

Imported only after Django is set up (it uses the web layer's actions).
"""

import os
import secrets
from dataclasses import dataclass

from django.db import transaction

from casegrip.synth import organisation as synth_org
from casegrip.web.accounts import actions as account_actions
from casegrip.web.accounts.models import User
from casegrip.web.accounts.roles import ROLES
from casegrip.web.organisation import actions as org_actions
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind

DEMO_TEAM = "North Safeguarding 1"
DEMO_LOCALITY = "North locality"
DEMO_SERVICE = "Children's Social Care"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


def demo_password() -> str:
    """``CASEGRIP_DEMO_PASSWORD`` when set, else a fresh random one for this run."""
    return os.environ.get("CASEGRIP_DEMO_PASSWORD") or secrets.token_urlsafe(9)


def _scope_and_staff(plan: synth_org.OrganisationPlan, authority: OrgUnit) -> dict:
    """For each role: the unit it is granted on and the staff member the user is, if any."""
    units = {u.name: u for u in authority.descendants()}
    team = units[DEMO_TEAM]

    def staff(unit_name: str, job_title: str) -> StaffMember | None:
        return (
            StaffMember.objects.filter(unit__name=unit_name, job_title=job_title, user=None)
            .order_by("professional_id")
            .first()
        )

    return {
        "social-worker": (team, staff(DEMO_TEAM, synth_org.SOCIAL_WORKER)),
        "team-manager": (team, staff(DEMO_TEAM, synth_org.TEAM_MANAGER)),
        "service-manager": (units[DEMO_LOCALITY], staff(DEMO_LOCALITY, "Service manager")),
        "head-of-service": (units[DEMO_SERVICE], staff(DEMO_SERVICE, "Head of service")),
        "director": (authority, None),
        "qa-officer": (authority, staff("Quality Assurance", "Quality assurance officer")),
        "iro": (
            authority,
            staff("Independent Reviewing Officers", "Independent reviewing officer"),
        ),
        "performance-analyst": (
            authority,
            staff("Performance and Intelligence", "Performance analyst"),
        ),
        "board-member": (authority, None),
        "administrator": (authority, None),
    }


@transaction.atomic
def ensure_demo(password: str) -> list[DemoLogin]:
    """Create the demo authority and users if missing; set every demo user's password."""
    plan = synth_org.city()
    authority = OrgUnit.objects.filter(kind=UnitKind.AUTHORITY, la_code=plan.la_code).first()
    if authority is None:
        authority = org_actions.load_plan(plan)
    logins = []
    for slug, (unit, staff) in _scope_and_staff(plan, authority).items():
        role = ROLES[slug]
        user = User.objects.filter(username=slug).first()
        if user is None:
            first, _, last = (staff.name if staff else f"Demo {role.name.lower()}").partition(" ")
            user = account_actions.create_user(
                username=slug,
                password=password,
                first_name=first,
                last_name=last,
                staff=staff,
                check_password=False,
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        account_actions.assign_role(user=user, role=slug, unit=unit)
        logins.append(DemoLogin(slug, role.name, unit.name))
    return logins

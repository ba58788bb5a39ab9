"""The service navigation: the sections of casegrip and who may open each."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from casegrip.web.accounts.access import grants
from casegrip.web.accounts.roles import Permission as P


@dataclass(frozen=True)
class Section:
    app: str  # the URL namespace of the section's app
    label: str
    summary: str
    permissions: frozenset[P]  # any one of these opens the section


SECTIONS = (
    Section(
        "performance",
        "Performance",
        "Scorecards, indicators, the weekly due list and the performance clinic.",
        frozenset({P.VIEW_AGGREGATES, P.VIEW_OWN_CASELOAD}),
    ),
    Section(
        "quality",
        "Quality",
        "The audit programme, case file audits, moderation, the actions they raise and the QA "
        "report.",
        # Workers own actions from audits; aggregate readers read the QA report.
        frozenset(
            {
                P.CONDUCT_AUDITS,
                P.MODERATE_AUDITS,
                P.MANAGE_AUDIT_PROGRAMME,
                P.VIEW_OWN_CASELOAD,
                P.VIEW_AGGREGATES,
            }
        ),
    ),
    Section(
        "escalations",
        "Escalations",
        "IRO and child protection chair escalations and their response deadlines.",
        frozenset({P.RAISE_ESCALATIONS, P.RESPOND_TO_ESCALATIONS}),
    ),
    Section(
        "improvement",
        "Improvement",
        "The improvement plan, the risk register and committee reports.",
        frozenset({P.VIEW_AGGREGATES, P.MANAGE_IMPROVEMENT_PLANS, P.MANAGE_RISKS}),
    ),
    Section(
        "workforce",
        "Workforce",
        "Teams, workers, caseloads and supervision.",
        frozenset({P.VIEW_TEAM_DETAIL, P.VIEW_OWN_CASELOAD, P.RECORD_SUPERVISION}),
    ),
    Section(
        "data",
        "Data",
        "The live snapshot of the case record, imports, data quality and statutory returns.",
        frozenset({P.RUN_IMPORTS, P.BUILD_RETURNS, P.ADMINISTER}),
    ),
)
SECTIONS_BY_APP = {section.app: section for section in SECTIONS}
# Apps whose pages belong to another app's section (the risk register is part of Improvement).
NAMESPACE_SECTIONS = {"risks": "improvement"}


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    active: bool
    summary: str


def sections_for(request: HttpRequest) -> list[Section]:
    """The sections the signed-in user may open."""
    user_grants = grants(request)
    return [s for s in SECTIONS if any(user_grants.has(p) for p in s.permissions)]


def nav_items(request: HttpRequest) -> list[NavItem]:
    if not request.user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    current = NAMESPACE_SECTIONS.get(current, current)
    return [
        NavItem(s.label, reverse(f"{s.app}:index"), s.app == current, s.summary)
        for s in sections_for(request)
    ]

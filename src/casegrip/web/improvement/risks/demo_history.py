"""A synthetic directorate risk register for the demo authority (practice.md 8): twenty risks,
about two-thirds significant when first rated two years ago, reviewed every quarter since, some
brought down towards their targets and some not. Deterministic from a seed, written through
``actions`` like any other change; only for the demo and its screenshots."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.models import RoleAssignment, User
from casegrip.web.accounts.roles import Permission as P
from casegrip.web.organisation.models import OrgUnit

from . import actions, scoring
from .models import Level, RiskRegister

REGISTER_NAME = "Children's Services directorate risk register"
SEED = 7
QUARTERS = 8

# ref, title, category, cause, event, consequence, controls, appetite level, threshold
RISKS = [
    (
        "CSC-01",
        "Not enough local placements for children in care",
        "demand",
        "a shortage of local foster carers and children's homes",
        "children are placed far from home or in unregistered settings",
        "poorer outcomes for children, higher costs and regulatory criticism",
        "Sufficiency strategy\nFostering recruitment campaign\nWeekly placement panel",
        "cautious",
        12,
    ),
    (
        "CSC-02",
        "Recruiting and keeping qualified social workers",
        "workforce",
        "national shortages and competition from neighbouring councils and agencies",
        "vacancy and agency rates stay high",
        "high caseloads, changes of worker for children and drift in plans",
        "Recruitment and retention strategy\nASYE academy\nMarket supplement",
        "minimal",
        9,
    ),
    (
        "CSC-03",
        "Rising demand at the front door",
        "demand",
        "rising contacts from partners and cost-of-living pressures on families",
        "the front door cannot screen contacts within a working day",
        "children at risk are not seen quickly enough",
        "MASH daily triage\nEarly help offer\nThreshold guidance for partners",
        "averse",
        8,
    ),
    (
        "CSC-04",
        "Overspend on external placements",
        "financial",
        "placement costs rising faster than budget",
        "the service overspends its placement budget",
        "pressure on the council's budget and on other services",
        "Monthly budget monitoring\nCommissioning framework\nHigh-cost placement review",
        "cautious",
        12,
    ),
    (
        "CSC-05",
        "Statutory visits not within timescales",
        "safeguarding",
        "high caseloads and sickness in some teams",
        "children in care and on plans are not visited within timescales",
        "children's circumstances and wishes are not known",
        "Weekly due list\nTeam manager oversight\nPerformance clinic",
        "averse",
        6,
    ),
    (
        "CSC-06",
        "Inspection judges services to require improvement",
        "inspection",
        "inconsistent practice quality found by audit",
        "a full inspection judges services less than good",
        "intervention, reputational damage and a costly improvement programme",
        "Self-evaluation\nQuality assurance framework\nImprovement board",
        "minimal",
        9,
    ),
    (
        "CSC-07",
        "Quality of the case record",
        "it_data",
        "workarounds and late recording in the case management system",
        "the record is incomplete or late",
        "poor decisions and inaccurate statutory returns",
        "Data quality reports\nRecording standards\nSystem training",
        "cautious",
        10,
    ),
    (
        "CSC-08",
        "Multi-agency safeguarding arrangements weaken",
        "partnership",
        "partner agencies reducing staffing in the MASH",
        "information is not shared in time",
        "risk to children is missed",
        "Safeguarding partnership oversight\nInformation sharing agreement",
        "averse",
        8,
    ),
    (
        "CSC-09",
        "Children missing from care and at risk of exploitation",
        "safeguarding",
        "exploitation by criminal networks across borders",
        "children go missing and are exploited",
        "serious harm to children",
        "Return home interviews\nExploitation panel\nPolice liaison",
        "averse",
        8,
    ),
    (
        "CSC-10",
        "Delay in care proceedings",
        "legal",
        "court backlogs and late assessments",
        "proceedings run beyond 26 weeks",
        "children wait longer for permanence",
        "Legal gateway panel\nPre-proceedings tracker",
        "cautious",
        12,
    ),
    (
        "CSC-11",
        "Care leavers in unsuitable accommodation",
        "safeguarding",
        "too little supported accommodation for young people",
        "care leavers live in unsuitable places",
        "poorer outcomes and risk to young people",
        "Housing protocol\nStaying put\nPersonal advisers' caseload limits",
        "minimal",
        9,
    ),
    (
        "CSC-12",
        "Cost of agency staff",
        "financial",
        "reliance on agency social workers to fill vacancies",
        "agency spend exceeds budget",
        "overspend and less money for prevention",
        "Agency cap\nRegional memorandum of understanding",
        "cautious",
        12,
    ),
    (
        "CSC-13",
        "Cyber attack on the case management system",
        "it_data",
        "ransomware attacks on public bodies",
        "the case record is unavailable for days",
        "children's records cannot be read or updated",
        "Business continuity plan\nBackups tested quarterly\nStaff phishing training",
        "minimal",
        10,
    ),
    (
        "CSC-14",
        "Unaccompanied asylum-seeking children arrivals",
        "demand",
        "national transfer scheme allocations rising",
        "arrivals exceed placements and social work capacity",
        "children wait for placements and assessments",
        "Regional transfer scheme\nDedicated team",
        "open",
        15,
    ),
    (
        "CSC-15",
        "Child protection plans rising",
        "demand",
        "more families in crisis and fewer step-down options",
        "the number of children on plans rises beyond capacity",
        "conferences and visits slip",
        "Edge of care service\nConference chairs' oversight",
        "cautious",
        12,
    ),
    (
        "CSC-16",
        "Supervision not happening as often as it should",
        "workforce",
        "managers stretched by vacancies",
        "workers are not supervised within the policy's intervals",
        "management oversight of cases weakens",
        "Supervision policy\nMonthly compliance report",
        "minimal",
        9,
    ),
    (
        "CSC-17",
        "Legal challenge to a decision",
        "legal",
        "decisions not recorded with their reasons",
        "a decision is challenged by judicial review",
        "costs and a finding against the council",
        "Legal advice on complex cases\nManagement decision recording",
        "cautious",
        12,
    ),
    (
        "CSC-18",
        "Reputational damage after a serious incident",
        "reputational",
        "a child's death or serious harm where abuse is suspected",
        "a review finds failings by the council",
        "loss of public confidence and staff morale",
        "Rapid review process\nCommunications protocol",
        "minimal",
        10,
    ),
    (
        "CSC-19",
        "Partners withdraw early help funding",
        "partnership",
        "pressure on partners' budgets",
        "jointly funded early help services close",
        "more families need statutory services",
        "Partnership funding agreement\nEarly help strategy",
        "open",
        15,
    ),
    (
        "CSC-20",
        "Audit actions not completed",
        "inspection",
        "actions from audits not followed up",
        "the same weaknesses recur in audits",
        "practice does not improve",
        "QA action tracker\nVerification by QA officers",
        "cautious",
        12,
    ),
]
SIGNIFICANT = [(4, 4), (5, 3), (3, 5), (4, 5), (5, 4)]
HIGH = [(3, 3), (2, 4), (3, 4), (4, 3), (2, 5)]


def _owners(authority: OrgUnit) -> list[User]:
    """People who may manage risks for the whole authority, then for a part of it."""
    assignments = RoleAssignment.objects.filter(
        unit__path__startswith=authority.path, user__is_active=True
    ).select_related("user", "unit")
    users: dict[int, tuple[int, User]] = {}
    for a in assignments:
        grants = Grants(a.user)
        if grants.has(P.MANAGE_RISKS, a.unit):
            depth = a.unit.path.count(".")
            if a.user.pk not in users or depth < users[a.user.pk][0]:
                users[a.user.pk] = (depth, a.user)
    return [u for _, u in sorted(users.values(), key=lambda pair: (pair[0], pair[1].username))]


def _quarter_ends(today: date) -> list[date]:
    """The last ``QUARTERS`` + 1 quarter ends before today, oldest first."""
    quarter_began = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return [
        scoring.add_months(quarter_began, -3 * back) - timedelta(days=1)
        for back in range(QUARTERS, -1, -1)
    ]


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def _step(rng: random.Random, likelihood: int, impact: int, improving: bool) -> tuple[int, int]:
    if improving and rng.random() < 0.45:
        if likelihood > 2 and (likelihood >= impact or rng.random() < 0.6):
            return likelihood - 1, impact
        if impact > 2:
            return likelihood, impact - 1
    roll = rng.random()
    if roll < 0.12 and likelihood < 5:
        return likelihood + 1, impact
    if roll < 0.22 and likelihood > 1:
        return likelihood - 1, impact
    return likelihood, impact


@transaction.atomic
def ensure_demo_register(authority_unit: OrgUnit) -> RiskRegister:
    """The demo directorate register with two years of quarterly ratings, created if missing."""
    existing = RiskRegister.objects.filter(name=REGISTER_NAME, unit=authority_unit).first()
    if existing is not None:
        return existing
    owners = _owners(authority_unit)
    if not owners:
        raise ValueError(
            f"Nobody manages risks for {authority_unit}: give someone the director role first."
        )
    director = owners[0]
    rng = random.Random(SEED)  # noqa: S311 (synthetic demo data, not a secret)
    register = actions.create_register(
        actor=None,
        name=REGISTER_NAME,
        level=Level.DIRECTORATE,
        unit=authority_unit,
        owner=director,
    )
    dates = _quarter_ends(timezone.localdate())
    significant = set(rng.sample(range(len(RISKS)), 13))
    for number, row in enumerate(RISKS):
        ref, title, category, cause, event, consequence, controls, appetite, threshold = row
        likelihood, impact = rng.choice(SIGNIFICANT if number in significant else HIGH)
        target = (max(1, likelihood - 2), max(2, impact - 1))
        inherent = (min(5, likelihood + 1), min(5, impact + rng.randint(0, 1)))
        owner = owners[number % len(owners)]
        risk = actions.create_risk(
            actor=director,
            register=register,
            ref=ref,
            title=title,
            category=category,
            cause=_sentence(cause),
            event=_sentence(event),
            consequence=_sentence(consequence),
            controls=controls,
            owner=owner,
            date_identified=dates[0],
            appetite_level=appetite,
            appetite_threshold=threshold,
            response="treat" if number in significant else rng.choice(["treat", "tolerate"]),
            assessed_on=dates[0],
            inherent_likelihood=inherent[0],
            inherent_impact=inherent[1],
            current_likelihood=likelihood,
            current_impact=impact,
            target_likelihood=target[0],
            target_impact=target[1],
            target_date=scoring.add_months(dates[-1], 12),
            note="First rating for the directorate register.",
        )
        improving = rng.random() < 0.55
        # A few reviews slip: those risks stop a quarter or two early and show as overdue.
        stop = len(dates) - (rng.choice([1, 2]) if rng.random() < 0.2 else 0)
        for on in dates[1:stop]:
            likelihood, impact = _step(rng, likelihood, impact, improving)
            actions.rescore(
                actor=owner,
                risk=risk,
                assessed_on=on,
                inherent_likelihood=inherent[0],
                inherent_impact=inherent[1],
                current_likelihood=likelihood,
                current_impact=impact,
                target_likelihood=target[0],
                target_impact=target[1],
                target_date=scoring.add_months(dates[-1], 12),
                note="Quarterly review.",
            )
    return register

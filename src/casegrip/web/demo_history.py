"""The demo's oversight history: two years of audits, the improvement plan, the risk register,
supervision and escalations, each made once (a second run changes nothing). Only for the demo."""

from casegrip.store.live import LiveSnapshot
from casegrip.web.organisation.models import OrgUnit, UnitKind


def ensure_demo_history(snapshot: LiveSnapshot) -> list[str]:
    """Make whatever part of the history is missing; say what was made."""
    from casegrip.web.escalations.demo_history import ensure_demo_escalations
    from casegrip.web.improvement.demo_history import ensure_demo_plan
    from casegrip.web.improvement.models import ImprovementPlan
    from casegrip.web.improvement.risks.demo_history import ensure_demo_register
    from casegrip.web.improvement.risks.models import RiskRegister
    from casegrip.web.quality.demo_history import ensure_demo_audits
    from casegrip.web.workforce.demo_history import ensure_demo_supervision

    authority = OrgUnit.objects.get(kind=UnitKind.AUTHORITY)
    made = []
    audits = ensure_demo_audits(snapshot)
    if audits:
        made.append(f"{audits:,} case file audits over two years")
    if not ImprovementPlan.objects.exists():
        plan = ensure_demo_plan(authority)
        made.append(f"an improvement plan of {plan.recommendations.count()} recommendations")
    if not RiskRegister.objects.exists():
        register = ensure_demo_register(authority)
        made.append(f"a risk register of {register.risks.count()} risks with two years of reviews")
    sessions = ensure_demo_supervision()
    if sessions:
        made.append(f"{sessions:,} supervision sessions")
    escalations = ensure_demo_escalations(snapshot)
    if escalations:
        made.append(f"{escalations:,} IRO and CP chair escalations")
    return made

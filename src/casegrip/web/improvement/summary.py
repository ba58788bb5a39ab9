"""What a board or committee reads of a plan: BRAG counts per recommendation and overall, and the
overdue actions. Public: the committee report builds on ``brag_summary`` and
``overdue_actions``."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from casegrip.web.organisation.models import OrgUnit
from casegrip.web.working_days import working_calendar

from . import brag as brags
from . import indicators, states
from .brag import Brag
from .models import ImprovementPlan, PlanAction, Recommendation


@dataclass(frozen=True)
class ActionBrag:
    """One action's colour as shown (an override wins) and as derived."""

    action: PlanAction
    derived: Brag
    brag: Brag
    overdue: bool

    @property
    def overridden(self) -> bool:
        return bool(self.action.brag_override)


@dataclass
class RecommendationBrag:
    recommendation: Recommendation
    linked: list[indicators.Linked]
    actions: list[ActionBrag]
    counts: dict[Brag, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.actions)

    @property
    def overdue(self) -> int:
        return sum(a.overdue for a in self.actions)

    @property
    def count_list(self) -> list[tuple[Brag, int]]:
        return [(b, self.counts[b]) for b in brags.ORDER]


@dataclass
class PlanBrag:
    plan: ImprovementPlan
    today: date
    rows: list[RecommendationBrag]

    @property
    def counts(self) -> dict[Brag, int]:
        return {b: sum(r.counts[b] for r in self.rows) for b in brags.ORDER}

    @property
    def count_list(self) -> list[tuple[Brag, int]]:
        counts = self.counts
        return [(b, counts[b]) for b in brags.ORDER]

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)


def brag_summary(
    plan: ImprovementPlan,
    today: date | None = None,
    *,
    values: indicators.Values | None = None,
) -> PlanBrag:
    """Every action of ``plan`` with its BRAG on ``today``, counted by BRAG per recommendation
    (``rows``) and overall (``counts``). ``values`` are the linked indicators' latest values (by
    default the live snapshot's figures for the plan's unit, when they have been worked out)."""
    today = today or timezone.localdate()
    calendar = working_calendar()
    recs = list(plan.recommendations.prefetch_related("actions").order_by("position", "pk"))
    if values is None:
        wanted = {m.get("measure_id", "") for r in recs for m in r.measures}
        values = indicators.latest_values(plan.unit, wanted)
    rows = []
    for rec in recs:
        linked = indicators.linked(rec.measures, today, values)
        readings = [item.reading for item in linked]
        row = RecommendationBrag(rec, linked, [], dict.fromkeys(brags.ORDER, 0))
        for action in sorted(rec.actions.all(), key=lambda a: (a.position, a.pk)):
            derived = brags.derive(
                status=action.status,
                start_date=action.start_date,
                due_date=action.due_date,
                today=today,
                calendar=calendar,
                amber_within=plan.amber_within,
                readings=readings,
            )
            shown = brags.effective(derived, action.brag_override)
            overdue = brags.is_overdue(action.status, action.due_date, today)
            row.actions.append(ActionBrag(action, derived, shown, overdue))
            row.counts[shown] += 1
        rows.append(row)
    return PlanBrag(plan, today, rows)


def overdue_actions(today: date, *, unit: OrgUnit | None = None) -> list[PlanAction]:
    """Open actions past their due date in every plan not closed (under ``unit``, if given),
    oldest due first."""
    found = PlanAction.objects.filter(status__in=states.OPEN, due_date__lt=today).exclude(
        recommendation__plan__status="closed"
    )
    if unit is not None:
        found = found.filter(recommendation__plan__unit__path__startswith=unit.path)
    return list(
        found.select_related("recommendation__plan__unit").order_by("due_date", "ref", "pk")
    )

"""A synthetic post-inspection improvement plan for the demo authority (practice.md 8): 12
recommendations and 80 actions begun over two years, at varied progress, with dated progress
notes and a history of who changed what (casegrip itself, dated when each change happened).

Deterministic: the same ``as_at`` and ``seed`` give the same plan. Written in bulk, only for
the demo and its screenshots; nothing in it describes a real council or person."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from casegrip.measures.catalogue import CATALOGUE
from casegrip.web.accounts.models import AuditEvent
from casegrip.web.organisation.models import OrgUnit

from . import indicators, states
from .models import ImprovementPlan, PlanAction, ProgressNote, Recommendation

DEMO_TITLE = "Post-inspection improvement plan"
ACTIONS = 80


@dataclass(frozen=True)
class _Rec:
    text: str
    theme: str
    lead: str
    framework: str
    measures: tuple[str, ...]
    governance: str
    link_plans: tuple[str, ...]
    partnership: str
    impact: str


RECOMMENDATIONS = (
    _Rec(
        "Make management oversight and supervision regular, reflective and challenging in "
        "every team, with the rationale for decisions recorded.",
        "supervision",
        "Head of Practice",
        "Performance clinic reports; case file audit reports",
        ("supervision_compliance",),
        "Children's Management Team",
        ("Workforce Development Strategy",),
        "None needed",
        "Workers feel supported and stay; plans progress without drift.",
    ),
    _Rec(
        "Keep the caseloads of newly qualified social workers within national guidance.",
        "ASYE caseloads",
        "Heads of locality",
        "Weekly caseload reports",
        ("asye_caseload_protected", "caseload_average_fte"),
        "Children's Management Team",
        ("Workforce Development Strategy",),
        "Partner agencies mentor newly qualified workers",
        "Newly qualified workers complete their first year and stay.",
    ),
    _Rec(
        "Review children in need plans regularly and measure progress in updated assessments.",
        "children in need reviews",
        "Heads of locality",
        "Monthly performance report",
        ("cin_plan_review_in_timescale", "cin_visit_within_local_timescale"),
        "Children's Management Team",
        ("QA Framework",),
        "Key workers attend children in need reviews",
        "Fewer children stay on plans that are not helping.",
    ),
    _Rec(
        "Improve assessments so that children's lived experience is understood and informs "
        "plans with measurable outcomes.",
        "assessment quality",
        "Principal Social Worker",
        "Case file audit reports",
        ("assessment_timeliness_45wd", "assessment_child_seen"),
        "Children's Management Team",
        ("Workforce Development Strategy", "QA Framework"),
        "Partners contribute to assessments on time",
        "Plans say what will change for the child and by when.",
    ),
    _Rec(
        "Review the triage of domestic abuse notifications with the police.",
        "domestic abuse triage",
        "Head of the Front Door",
        "Front door dashboard",
        ("rereferral_rate_12m",),
        "Front Door Operational Board",
        ("Front Door Strategy",),
        "Joint guidance with the police on notifications",
        "Children at risk from domestic abuse get help sooner.",
    ),
    _Rec(
        "Hold initial child protection conferences within timescale.",
        "conference timeliness",
        "Head of Safeguarding and Quality",
        "Monthly performance report",
        ("icpc_within_15wd",),
        "Safeguarding Partnership",
        ("Safeguarding Partnership Business Plan",),
        "Partners send reports to conference in time",
        "Children's plans start without delay.",
    ),
    _Rec(
        "Increase the number of children supported by an independent visitor or advocate.",
        "advocacy",
        "Head of Children in Care",
        "Corporate parenting scorecard",
        ("cla_review_participation",),
        "Corporate Parenting Panel",
        ("Children in Care Strategy",),
        "The advocacy provider reports quarterly",
        "Children's views shape their plans and reviews.",
    ),
    _Rec(
        "Make sure plans for permanence progress without unnecessary delay.",
        "permanence planning",
        "Head of Children in Care",
        "Permanence tracker; performance clinic",
        ("placement_stability_long_term", "adoption_a10_days"),
        "Corporate Parenting Panel",
        ("Children in Care Strategy", "Sufficiency Strategy"),
        "The courts and Cafcass join the permanence forum",
        "More children find a permanent home sooner.",
    ),
    _Rec(
        "Give priority to life-story work for every child in care.",
        "life-story work",
        "Head of Children in Care",
        "Thematic audit reports",
        ("cla_visit_timeliness",),
        "Corporate Parenting Panel",
        ("Children in Care Strategy",),
        "Foster carers contribute to life-story work",
        "Children understand their own history.",
    ),
    _Rec(
        "Improve pathway plans so they reflect each young person's needs and can be measured.",
        "pathway planning",
        "Head of Leaving Care",
        "Leaving care audit reports",
        ("pathway_plan_review_6m", "care_leaver_in_touch"),
        "Corporate Parenting Panel",
        ("Care Leavers Local Offer",),
        "Colleges and employers join pathway planning",
        "Fewer care leavers are out of education, work or training.",
    ),
    _Rec(
        "Give care leavers an up-to-date summary of their health history.",
        "care leavers' health",
        "Designated Nurse for Children in Care",
        "Health outcomes framework",
        ("cla_health_assessment_up_to_date",),
        "Corporate Parenting Panel",
        ("Children in Care Strategy",),
        "Health partners complete health passports",
        "Care leavers know their health history and use services.",
    ),
    _Rec(
        "Widen the range of suitable accommodation for care leavers.",
        "care leavers' accommodation",
        "Head of Leaving Care",
        "Sufficiency report",
        ("care_leaver_suitable_accommodation_19_21",),
        "Strategic Housing Board",
        ("Sufficiency Strategy", "Housing Strategy"),
        "Housing providers offer a bespoke pathway",
        "More care leavers live in, and keep, suitable homes.",
    ),
)
ACTION_TEXTS = (
    "Set a baseline for {theme} from the latest audit and performance data.",
    "Revise the practice guidance on {theme} and brief every team.",
    "Train team managers in {theme}, with a follow-up session after three months.",
    "Add {theme} to the performance clinic's standing agenda.",
    "Audit a sample of cases for {theme} and report the findings to the board.",
    "Agree a shared protocol on {theme} with partner agencies.",
    "Publish a monthly {theme} report to heads of service.",
    "Re-audit {theme} to check that the changes made a difference.",
    "Gather the views of children and families on {theme}.",
    "Build {theme} into induction for new starters.",
)
NOTES = {
    states.IN_PROGRESS: (
        "Work started; the lead has agreed the approach with heads of service.",
        "Drafts shared with team managers for comment.",
        "Sessions booked across all localities.",
        "Progress reported to the board; no blockers.",
    ),
    states.PARTIALLY_COMPLETE: (
        "Done in two of the three localities; the third follows next month.",
        "Guidance agreed; briefings still to reach the out-of-hours team.",
        "First audit round reported; the second is under way.",
    ),
    states.COMPLETED: (
        "Completed and reported to the board.",
        "Completed: the guidance is published on the procedures site.",
        "Completed; evidence held by the quality assurance team.",
    ),
    states.IMPACT_EVIDENCED: (
        "Re-audit shows the change has held; the board agreed impact is evidenced.",
        "The measure has been on target for three months running.",
    ),
}
SLIPPING = "Recruitment to the posts this depends on is slipping; the lead expects a delay."


def _moment(day: date, hour: int = 11) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _path(final: str) -> list[str]:
    """The statuses an action passed through to reach ``final``."""
    order = [states.IN_PROGRESS, states.PARTIALLY_COMPLETE, states.COMPLETED]
    if final == states.NOT_DUE:
        return []
    if final == states.IMPACT_EVIDENCED:
        return [*order, states.IMPACT_EVIDENCED]
    return order[: order.index(final) + 1]


def _final_status(rng: random.Random, start: date, due: date, as_at: date) -> str:
    if start > as_at:
        return states.NOT_DUE
    roll = rng.random()
    if due < as_at - timedelta(days=90):  # long past due: mostly done
        if roll < 0.30:
            return states.IMPACT_EVIDENCED
        if roll < 0.88:
            return states.COMPLETED
        return rng.choice([states.IN_PROGRESS, states.PARTIALLY_COMPLETE])
    if due < as_at:  # recently due
        if roll < 0.55:
            return states.COMPLETED
        return states.PARTIALLY_COMPLETE if roll < 0.8 else states.IN_PROGRESS
    if roll < 0.15:
        return states.NOT_DUE
    if roll < 0.25:
        return states.COMPLETED
    return states.PARTIALLY_COMPLETE if roll < 0.45 else states.IN_PROGRESS


class _History:
    """Audit events written in bulk, then dated when each change happened."""

    def __init__(self) -> None:
        self.events: list[tuple[AuditEvent, datetime]] = []

    def add(self, verb: str, obj, day: date, hour: int = 11, **detail) -> None:
        event = AuditEvent(
            actor=None,
            verb=verb,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            detail=detail,
        )
        self.events.append((event, _moment(day, hour)))

    def save(self) -> None:
        made = AuditEvent.objects.bulk_create([e for e, _ in self.events])
        for event, (_, at) in zip(made, self.events, strict=True):
            event.at = at
        AuditEvent.objects.bulk_update(made, ["at"], batch_size=500)


@transaction.atomic
def ensure_demo_plan(
    authority_unit: OrgUnit, *, as_at: date | None = None, seed: int = 7
) -> ImprovementPlan:
    """The demo plan of ``authority_unit``, made if it does not exist yet."""
    existing = ImprovementPlan.objects.filter(unit=authority_unit, title=DEMO_TITLE).first()
    if existing is not None:
        return existing
    as_at = as_at or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not a secret)
    begun = as_at - timedelta(days=730)
    history = _History()
    plan = ImprovementPlan.objects.create(
        unit=authority_unit,
        title=DEMO_TITLE,
        kind=ImprovementPlan.Kind.POST_INSPECTION,
        source="Inspection of local authority children's services (synthetic)",
        source_date=begun - timedelta(days=45),
        governance_body="Improvement Board",
        chair="Independent chair",
        status="live",
    )
    history.add("created improvement plan", plan, begun, 9, title=DEMO_TITLE)
    history.add(
        "changed improvement plan status",
        plan,
        begun + timedelta(days=28),
        before="draft",
        after="live",
    )
    counts = [ACTIONS // len(RECOMMENDATIONS)] * len(RECOMMENDATIONS)
    for i in rng.sample(range(len(RECOMMENDATIONS)), ACTIONS - sum(counts)):
        counts[i] += 1
    notes: list[ProgressNote] = []
    for position, (spec, count) in enumerate(zip(RECOMMENDATIONS, counts, strict=True), start=1):
        rec = Recommendation.objects.create(
            plan=plan,
            ref=str(position),
            position=position,
            text=spec.text,
            lead=spec.lead,
            performance_framework=spec.framework,
            success_measures="; ".join(CATALOGUE[m].name for m in spec.measures if m in CATALOGUE),
            measures=[indicators.link(m, begun) for m in spec.measures if indicators.known(m)],
            partnership_focus=spec.partnership,
            link_plans=list(spec.link_plans),
            governance_body=spec.governance,
            impact=spec.impact,
        )
        history.add("added recommendation", rec, begun, 10, plan=plan.pk, ref=rec.ref)
        texts = rng.sample(ACTION_TEXTS, min(count, len(ACTION_TEXTS)))
        texts += [rng.choice(ACTION_TEXTS) for _ in range(count - len(texts))]
        for number, template in enumerate(texts, start=1):
            notes += _action(rng, history, rec, number, template.format(theme=spec.theme), as_at)
    ProgressNote.objects.bulk_create(notes)
    history.save()
    return plan


def _action(
    rng: random.Random, history: _History, rec: Recommendation, number: int, text: str, as_at: date
) -> list[ProgressNote]:
    begun = as_at - timedelta(days=730)
    start = begun + timedelta(days=rng.randint(0, 790))  # a few not begun yet
    due = start + timedelta(days=rng.randint(45, 240))
    final = _final_status(rng, start, due, as_at)
    lead = (
        rec.lead
        if rng.random() < 0.6
        else rng.choice(
            ["Team manager, North", "Team manager, South", "Service manager", "QA lead"]
        )
    )
    action = PlanAction.objects.create(
        recommendation=rec,
        ref=f"{rec.ref}.{number}",
        position=number,
        text=text,
        lead=lead,
        start_date=start,
        due_date=due,
        timescale=f"End {due:%B %Y}",
        status=final,
    )
    history.add("added plan action", action, min(start, as_at), 10, ref=action.ref)
    notes = []
    path = _path(final)
    if path:
        # The status changes spread from the start to completion (near the due date) or today.
        end = min(as_at, due + timedelta(days=rng.randint(-30, 20)))
        end = max(end, start + timedelta(days=len(path) * 7))
        end = min(end, as_at)
        step = max((end - start).days // len(path), 1)
        for i, status in enumerate(path):
            day = min(start + timedelta(days=step * (i + 1) - rng.randint(0, step // 2)), as_at)
            before = path[i - 1] if i else states.NOT_DUE
            history.add("changed plan action status", action, day, 14, before=before, after=status)
            if status == states.COMPLETED:
                action.completed_on = day
            elif status == states.IMPACT_EVIDENCED:
                action.impact_evidenced_on = max(day, action.completed_on or day)
            notes.append(
                ProgressNote(
                    action=action,
                    on=day,
                    author_name=lead,
                    note=rng.choice(NOTES[status]),
                    status=status,
                )
            )
            history.add("added progress note", action, day, 15, on=day.isoformat())
        # Open actions get a monthly-ish note as well, so boards see recent progress.
        if final in states.OPEN and (as_at - end).days > 20:
            day = as_at - timedelta(days=rng.randint(3, 20))
            notes.append(
                ProgressNote(
                    action=action,
                    on=day,
                    author_name=lead,
                    note=rng.choice(NOTES[final]),
                    status=final,
                )
            )
            history.add("added progress note", action, day, 15, on=day.isoformat())
    if final in states.OPEN and due > as_at and rng.random() < 0.08:
        action.brag_override = "amber"
        action.brag_override_reason = SLIPPING
        action.brag_override_at = _moment(as_at - timedelta(days=5))
        history.add(
            "overrode BRAG", action, as_at - timedelta(days=5), 16, after="amber", reason=SLIPPING
        )
    action.save()
    return notes

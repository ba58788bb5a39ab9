"""Committee reports: for an audit committee, a scrutiny committee or the improvement board, on a
meeting date, built from what casegrip already holds: headline indicators against target, plan
progress by BRAG, the risk heat map and top risks, the QA headline and the escalations summary.

Committee papers are published, so every figure is disclosure-controlled whoever builds the
report, and nothing in it names a child."""

from dataclasses import dataclass
from datetime import date, timedelta

from casegrip.config import Disclosure
from casegrip.measures.catalogue import get
from casegrip.measures.model import Rag
from casegrip.measures.results import figures
from casegrip.reports.council import CouncilReport, Section, Table
from casegrip.reports.scorecard import scorecard
from casegrip.store.live import LiveSnapshot
from casegrip.store.snapshots import snapshot_config
from casegrip.web.escalations import report as escalations_report
from casegrip.web.organisation.models import OrgUnit, UnitKind
from casegrip.web.performance.scope import key_of
from casegrip.web.quality import report as qa_report

from .brag import Brag
from .models import ImprovementPlan
from .risks import summary as risk_summary
from .risks.models import RiskRegister
from .summary import brag_summary


@dataclass(frozen=True)
class Committee:
    slug: str
    name: str
    purpose: str
    sections: tuple[str, ...]  # in the order this committee reads them
    recommendations: tuple[str, ...]


COMMITTEES = {
    c.slug: c
    for c in (
        Committee(
            "improvement-board",
            "Improvement Board",
            "progress against the improvement plan and the indicators it is meant to move",
            ("plan", "indicators", "quality", "escalations", "risks"),
            (
                "The Board notes progress against the improvement plan.",
                "The Board agrees what the leads of red and overdue actions will do before its "
                "next meeting.",
                "The Board notes the indicators off target and the quality assurance findings.",
            ),
        ),
        Committee(
            "audit-committee",
            "Audit Committee",
            "the assurance the service can give on its risks and the quality of its practice",
            ("risks", "quality", "plan", "indicators", "escalations"),
            (
                "The Committee notes the children's services risk register and the risks above "
                "appetite.",
                "The Committee notes the assurance from the case file audit programme.",
            ),
        ),
        Committee(
            "scrutiny-committee",
            "Children and Young People Scrutiny Committee",
            "how well children are helped and protected, and how the service knows",
            ("indicators", "quality", "escalations", "plan", "risks"),
            (
                "The Committee notes performance against the headline indicators.",
                "The Committee identifies any area it wishes to look at in more depth.",
            ),
        ),
    )
}

# The indicators a committee sees first: one or two from each part of the child's journey.
HEADLINE = (
    "referral_rate_per_10k",
    "rereferral_rate_12m",
    "assessment_timeliness_45wd",
    "icpc_within_15wd",
    "cp_rate_per_10k",
    "repeat_cp_plan_rate",
    "cla_rate_per_10k",
    "placement_stability_3plus_in_year",
    "care_leaver_suitable_accommodation_19_21",
    "caseload_average_fte",
    "supervision_compliance",
)


def last_whole_month(day: date) -> date:
    """The first day of the last month that ended before ``day``."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _fmt(value: object) -> str:
    if value is None:
        return "no figure"
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)


def _indicators(live: LiveSnapshot | None, unit: OrgUnit, rules: Disclosure) -> Section:
    section = Section("Headline indicators")
    if live is None:
        section.paragraphs.append("No case record has been imported, so there are no figures.")
        return section
    config = snapshot_config(live)
    figs = figures(live)
    breakdown, group = key_of(unit)
    month = figs.months[-2] if len(figs.months) > 1 else figs.months[-1]
    rows = scorecard(
        [get(m) for m in HEADLINE],
        figs,
        breakdown,
        group,
        rules=rules,
        la_code=config.la_code,
        month=month,
        population=config.child_population,
    )
    red = sum(r.rag == Rag.RED for r in rows)
    worse = sum(r.direction == "worsening" for r in rows)
    section.paragraphs.append(
        f"For {month:%B %Y}, from the case record extracted on {live.extract_date}: "
        f"{red} of the {len(rows)} headline indicators are red against target and {worse} "
        "got worse on the month before. Counts below "
        f"{rules.threshold} are shown as c."
    )
    section.tables.append(
        Table(
            ("Indicator", "Latest", "Target", "RAG", "Direction", "England"),
            [
                (
                    r.measure.name,
                    _fmt(r.latest.value if r.latest else None),
                    _fmt(r.target),
                    r.rag.value if r.rag != Rag.NONE else "no target",
                    r.direction or "not comparable",
                    _fmt(r.england[1]) if r.england else "none published",
                )
                for r in rows
            ],
        )
    )
    return section


def _plan(unit: OrgUnit, today: date) -> Section:
    section = Section("Improvement plan progress")
    live_plans = ImprovementPlan.objects.filter(unit__path__startswith=unit.path)
    plans = list(live_plans.exclude(status__in=["draft", "closed"]))
    if not plans:
        section.paragraphs.append("There is no live improvement plan.")
        return section
    for plan in plans:
        summary = brag_summary(plan, today)
        counts = summary.counts
        section.paragraphs.append(
            f"{plan.title}: {summary.total} actions; "
            + ", ".join(f"{counts.get(b, 0)} {b.label.lower()}" for b in Brag)
            + f"; {summary.overdue} overdue."
        )
        section.tables.append(
            Table(
                ("Recommendation", *(b.label for b in Brag), "Overdue"),
                [
                    (
                        f"{row.recommendation.ref} {row.recommendation.text[:90]}",
                        *(row.counts.get(b, 0) for b in Brag),
                        row.overdue,
                    )
                    for row in summary.rows
                ],
                caption=f"{plan.title}: actions by BRAG",
            )
        )
    return section


def _risks(unit: OrgUnit, today: date) -> Section:
    section = Section("Risk register")
    registers = list(RiskRegister.objects.filter(unit__path__startswith=unit.path))
    if not registers:
        section.paragraphs.append("No risk register has been set up.")
        return section
    heat = risk_summary.heat_map(registers, on=today)
    above = risk_summary.above_appetite(registers)
    overdue = risk_summary.overdue_reviews(today, registers)
    section.paragraphs.append(
        f"{heat.total} open risks: "
        + ", ".join(f"{n} {band.label.lower()}" for band, n in heat.by_band)
        + f". {len(above)} above appetite; {len(overdue)} overdue for review."
    )
    section.tables.append(
        Table(
            ("Likelihood", *(f"Impact {i}" for i in range(1, 6))),
            [
                (f"{row.likelihood} {row.label}", *(cell.count for cell in row.cells))
                for row in heat.rows
            ],
            caption="Heat map of current ratings (number of risks in each cell)",
        )
    )
    section.tables.append(
        Table(
            ("Risk", "Current score", "Band", "Direction", "Appetite"),
            [
                (
                    f"{r.ref} {r.title}",
                    r.latest.score,
                    r.latest.band_label,
                    r.latest.get_direction_display(),
                    r.appetite_threshold,
                )
                for r in risk_summary.top_risks(registers, 5)
            ],
            caption="Top risks",
        )
    )
    return section


def _quality(unit: OrgUnit, today: date, rules: Disclosure) -> Section:
    month = last_whole_month(today)
    report = qa_report.build(unit, month, rules, today)
    section = Section("Quality assurance")
    year = report.agreement_year
    section.paragraphs.append(
        f"In {month:%B %Y}, {report.completion.shown} of audits were completed by their due "
        f"date; of the audits finalised, {report.good_or_better.shown} were good or better "
        f"(target {_fmt(report.targets.get('good_or_better'))}%) and "
        f"{report.inadequate.shown} inadequate. Over the last 12 months {year.n} audits were "
        "moderated"
        + (
            f", with exact agreement in {year.exact * 100 / year.n:.0f}% and weighted kappa "
            f"{year.kappa:.2f}."
            if year.n and year.kappa is not None
            else "."
        )
        + f" {report.actions['on_time'].shown} of actions due in the month were done on time."
    )
    section.charts.append(("qa-trend", report.trend))
    section.tables.append(
        Table(
            ("Grade", "Audits", "Share"),
            [(label, n, fig.shown) for label, n, fig in report.grade_mix],
            caption=f"Grades of audits finalised in {month:%B %Y}",
        )
    )
    return section


def _escalations(unit: OrgUnit, today: date, rules: Disclosure) -> Section:
    end = today - timedelta(days=1)
    start = (end - timedelta(days=90)).replace(day=1)
    report = escalations_report.build(unit, start, end, rules, today)
    section = Section("IRO and child protection chair escalations")
    section.paragraphs.append(
        f"From {start:%-d %B %Y} to {end:%-d %B %Y}, {report.raised} escalations were raised; "
        f"{report.cafcass} were referred to Cafcass."
    )
    section.tables.append(
        Table(
            ("Category", "Raised"),
            [(c.title(), n) for c, n in report.by_category_total.items()],
            caption="Raised by category",
        )
    )
    section.tables.append(
        Table(
            ("Stage", "Issued", "Response in or due", "In time", "% in time"),
            [
                (r["stage"], r["issued"], r["fallen_due"], r["in_time"], _fmt(r["percent"]))
                for r in report.stages
            ],
            caption="Responses to each formal stage",
        )
    )
    return section


def build(
    committee: Committee,
    meeting: date,
    unit: OrgUnit,
    live: LiveSnapshot | None,
    rules: Disclosure,
    report_of: str = "Director of Children's Services",
) -> CouncilReport:
    today = meeting
    makers = {
        "indicators": lambda: _indicators(live, unit, rules),
        "plan": lambda: _plan(unit, today),
        "risks": lambda: _risks(unit, today),
        "quality": lambda: _quality(unit, today, rules),
        "escalations": lambda: _escalations(unit, today, rules),
    }
    sections = [makers[name]() for name in committee.sections]
    scope = "the whole service" if unit.kind == UnitKind.AUTHORITY else unit.name
    summary = [
        f"This report gives the {committee.name} {committee.purpose}, for {scope}.",
        *(s.paragraphs[0] for s in sections if s.paragraphs),
    ]
    return CouncilReport(
        committee=committee.name,
        meeting=meeting,
        subject=f"Children's social care: {committee.purpose}",
        report_of=report_of,
        summary=summary,
        recommendations=list(committee.recommendations),
        sections=sections,
        period=f"to {last_whole_month(meeting):%B %Y}",
    )

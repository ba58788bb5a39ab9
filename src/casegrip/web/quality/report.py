"""The monthly QA report (practice.md 1.8 and 7): volumes and completion, the grade mix overall
and by theme against the target trajectory, moderation agreement, actions closed on time,
safeguarding escalations and learning themes. Aggregate only; small counts are suppressed for
readers without ``view_small_numbers``.

Definitions (practice.md 7, with the choices made):
- Completion: audits due in the month submitted on or before their due date, over the audits
  due in the month less exempt and cancelled ones.
- Good or better and Inadequate: audits finalised in the month, by their final grade (the
  moderated grade where the audit was moderated, otherwise the auditor's).
- Theme good or better: the same audits' final theme grades.
- Agreement: moderations completed in the month (and over the 12 months to it), auditor's
  grade against the moderator's.
- Actions closed on time: actions due in the month completed (or verified) on or before
  their due date, over actions due in the month less cancelled ones.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from django.db.models import Q, QuerySet

from casegrip.config import Disclosure
from casegrip.reports.charts import Chart, trend
from casegrip.web.organisation.models import OrgUnit

from .agreement import Agreement, agreement
from .models import (
    Audit,
    AuditAction,
    GradingScheme,
    Moderation,
    QualityTarget,
    SafeguardingConcern,
)
from .rules import rule
from .toolkit import Scheme

SUPPRESSED = "c"


def month_end(month: date) -> date:
    following = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return following - timedelta(days=1)


def months_back(month: date, n: int) -> list[date]:
    """The ``n`` months to ``month`` (first days), oldest first."""
    out = []
    y, m = month.year, month.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


def target_on(measure: str, day: date) -> float | None:
    row = (
        QualityTarget.objects.filter(measure=measure, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    return float(row.value) if row else None


@dataclass
class Figure:
    """A count or a percentage as it may be shown."""

    numerator: int | str
    denominator: int | str
    value: float | str | None

    @property
    def shown(self) -> str:
        if self.value is None:
            return "no figure"
        if self.value == SUPPRESSED:
            return SUPPRESSED
        return f"{self.value:.0f}%"


def _count(n: int, rules: Disclosure | None) -> int | str:
    if rules is not None and 0 < n < rules.threshold:
        return SUPPRESSED
    return n


def share(numerator: int, denominator: int, rules: Disclosure | None) -> Figure:
    num, den = _count(numerator, rules), _count(denominator, rules)
    if denominator == 0:
        return Figure(num, den, None)
    if SUPPRESSED in (num, den):
        return Figure(num, den, SUPPRESSED)
    return Figure(num, den, 100 * numerator / denominator)


@dataclass
class Report:
    unit: OrgUnit
    month: date
    scheme: Scheme
    volumes: dict[str, int | str]
    completion: Figure
    grade_mix: list[tuple[str, int | str, Figure]]
    good_or_better: Figure
    inadequate: Figure
    targets: dict[str, float | None]
    themes: list[dict]
    agreement_month: Agreement
    agreement_year: Agreement
    min_for_kappa: int
    actions: dict[str, object]
    concerns: dict[str, object]
    learning: list[tuple[str, int | str]]
    by_team: list[dict]
    trend: Chart
    completion_trend: list[tuple[date, Figure]] = field(default_factory=list)


def _in(unit: OrgUnit) -> Q:
    return Q(team__path__startswith=unit.path)


def _month_q(name: str, month: date) -> Q:
    return Q(**{f"{name}__date__gte": month, f"{name}__date__lte": month_end(month)})


def _scheme() -> Scheme:
    from .actions import ensure_tools

    ensure_tools()
    return GradingScheme.objects.get(code="ofsted4").scheme


def _good_codes(scheme: Scheme) -> set[str]:
    return {lv.code for lv in scheme.levels if lv.good}


def _pairs(moderations: QuerySet, scheme: Scheme) -> list[tuple[int, int]]:
    return [
        (scheme.rank(m.original_grade), scheme.rank(m.moderated_grade))
        for m in moderations
        if m.original_grade and m.moderated_grade
    ]


def build(unit: OrgUnit, month: date, rules: Disclosure | None, today: date) -> Report:
    """The report for ``unit`` (every team below it) and ``month`` (its first day)."""
    scheme = _scheme()
    good = _good_codes(scheme)
    lowest = scheme.lowest.code
    end = month_end(month)
    audits = Audit.objects.filter(_in(unit))

    due = audits.filter(due_date__gte=month, due_date__lte=end).exclude(status="cancelled")
    exempt = due.filter(status="exempted").count()
    counted = list(due.exclude(status="exempted"))
    on_time = sum(1 for a in counted if a.submitted_at and a.submitted_at.date() <= a.due_date)
    late = sum(1 for a in counted if a.submitted_at and a.submitted_at.date() > a.due_date)
    waiting = [a for a in counted if not a.submitted_at]
    overdue = sum(1 for a in waiting if a.due_date < today)
    volumes = {
        "allocated": _count(len(counted) + exempt, rules),
        "submitted_on_time": _count(on_time, rules),
        "submitted_late": _count(late, rules),
        "not_submitted": _count(len(waiting), rules),
        "overdue": _count(overdue, rules),
        "exempt": _count(exempt, rules),
    }

    finalised = list(audits.filter(_month_q("finalised_at", month)).select_related("tool"))
    grades = Counter(a.final_grade for a in finalised)
    total = len(finalised)
    grade_mix = [
        (
            lv.label,
            _count(grades.get(lv.code, 0), rules),
            share(grades.get(lv.code, 0), total, rules),
        )
        for lv in scheme.levels
    ]
    themes = _themes(finalised, good, rules)

    moderations = Moderation.objects.filter(
        audit__in=audits, completed_at__isnull=False
    ).select_related("audit")
    min_kappa = rule("MIN_FOR_KAPPA")
    ranks = [lv.rank for lv in scheme.levels]
    in_month = moderations.filter(_month_q("completed_at", month))
    year_start = months_back(month, 12)[0]
    in_year = moderations.filter(completed_at__date__gte=year_start, completed_at__date__lte=end)

    return Report(
        unit=unit,
        month=month,
        scheme=scheme,
        volumes=volumes,
        completion=share(on_time, len(counted), rules),
        grade_mix=grade_mix,
        good_or_better=share(sum(grades.get(c, 0) for c in good), total, rules),
        inadequate=share(grades.get(lowest, 0), total, rules),
        targets={m: target_on(m, end) for m in QualityTarget.Measure.values},
        themes=themes,
        agreement_month=agreement(_pairs(in_month, scheme), ranks, min_kappa),
        agreement_year=agreement(_pairs(in_year, scheme), ranks, min_kappa),
        min_for_kappa=min_kappa,
        actions=_actions(unit, month, today, rules),
        concerns=_concerns(unit, month, rules),
        learning=_learning(finalised, good, rules),
        by_team=_by_team(unit, due, finalised, good, rules),
        trend=_trend(audits, month, good, rules),
    )


AGREEMENT_ROWS = [
    ("Exact agreement", "exact"),
    ("Within one grade", "adjacent"),
    ("Moderated down", "down"),
    ("Moderated up", "up"),
]


def agreement_shares(result: Agreement, rules: Disclosure | None) -> dict[str, str]:
    """Each agreement share as shown: withheld when the number moderated is small."""
    shown = {}
    for _, key in AGREEMENT_ROWS:
        fig = share(getattr(result, key), result.n, rules)
        shown[key] = fig.shown
    return shown


def _themes(finalised: list[Audit], good: set[str], rules: Disclosure | None) -> list[dict]:
    labels: dict[str, str] = {}
    counts: dict[str, Counter] = {}
    for audit in finalised:
        tool = audit.tool.tool
        for code, grade in (audit.final_theme_grades or {}).items():
            if not grade:
                continue
            labels.setdefault(code, tool.theme_label(code))
            counts.setdefault(code, Counter())[grade in good] += 1
    rows = [
        {
            "theme": labels[code],
            "graded": _count(c[True] + c[False], rules),
            "good": share(c[True], c[True] + c[False], rules),
        }
        for code, c in counts.items()
    ]
    return sorted(rows, key=lambda r: r["theme"])


def _learning(finalised: list[Audit], good: set[str], rules: Disclosure | None) -> list:
    """The themes most often graded below good this month: where practice most needs help."""
    weak: Counter = Counter()
    for audit in finalised:
        tool = audit.tool.tool
        for code, grade in (audit.final_theme_grades or {}).items():
            if grade and grade not in good:
                weak[tool.theme_label(code)] += 1
    return [(theme, _count(n, rules)) for theme, n in weak.most_common(5)]


def _actions(unit: OrgUnit, month: date, today: date, rules: Disclosure | None) -> dict:
    actions = AuditAction.objects.filter(_in(unit))
    end = month_end(month)
    due = list(actions.filter(due_date__gte=month, due_date__lte=end).exclude(status="cancelled"))
    on_time = sum(1 for a in due if a.completed_at and a.completed_at.date() <= a.due_date)
    open_now = actions.filter(status__in=["open", "in_progress", "reopened"])
    closed = [
        (a.completed_at.date() - a.created_at.date()).days
        for a in actions.filter(_month_q("verified_at", month)).exclude(completed_at=None)
    ]
    completed_in_month = actions.filter(_month_q("completed_at", month)).count()
    verified_in_month = len(closed)
    return {
        "due": _count(len(due), rules),
        "on_time": share(on_time, len(due), rules),
        "open": _count(open_now.count(), rules),
        "overdue": _count(open_now.filter(due_date__lt=today).count(), rules),
        "verified": _count(verified_in_month, rules),
        "loop_closure": share(verified_in_month, max(completed_in_month, verified_in_month), rules),
        "median_days": median(closed)
        if closed and _count(len(closed), rules) != SUPPRESSED
        else None,
    }


def _concerns(unit: OrgUnit, month: date, rules: Disclosure | None) -> dict:
    raised = list(
        SafeguardingConcern.objects.filter(_in(unit)).filter(_month_q("raised_at", month))
    )
    in_time = sum(
        1 for c in raised if c.acknowledged_at and c.acknowledged_at.date() <= c.acknowledge_by
    )
    return {
        "raised": _count(len(raised), rules),
        "acknowledged_in_time": share(in_time, len(raised), rules),
        "awaiting": _count(sum(1 for c in raised if c.status == "raised"), rules),
    }


def _by_team(
    unit: OrgUnit, due: QuerySet, finalised: list[Audit], good: set[str], rules: Disclosure | None
) -> list[dict]:
    allocated = Counter(due.exclude(status="exempted").values_list("team__name", flat=True))
    graded = Counter(a.team.name for a in finalised if a.team)
    good_by = Counter(a.team.name for a in finalised if a.team and a.final_grade in good)
    names = sorted(set(allocated) | set(graded))
    return [
        {
            "team": name,
            "allocated": _count(allocated.get(name, 0), rules),
            "finalised": _count(graded.get(name, 0), rules),
            "good": share(good_by.get(name, 0), graded.get(name, 0), rules),
        }
        for name in names
        if name
    ]


def _trend(audits: QuerySet, month: date, good: set[str], rules: Disclosure | None) -> Chart:
    """% good or better over the 12 months to ``month``, against the target trajectory; a
    month with fewer finalised audits than the disclosure threshold has no point."""
    months = months_back(month, 12)
    start, end = months[0], month_end(month)
    rows = audits.filter(finalised_at__date__gte=start, finalised_at__date__lte=end).values_list(
        "finalised_at", "final_grade"
    )
    by_month: dict[date, Counter] = {m: Counter() for m in months}
    for when, grade in rows:
        by_month[when.date().replace(day=1)][grade in good] += 1
    points = []
    for m, c in by_month.items():
        n = c[True] + c[False]
        hidden = n == 0 or _count(n, rules) == SUPPRESSED
        points.append((m, None if hidden else 100 * c[True] / n))
    targets = [(m, target_on("good_or_better", month_end(m))) for m in months]
    return trend(points, title="Audits good or better", unit="%", targets=targets)

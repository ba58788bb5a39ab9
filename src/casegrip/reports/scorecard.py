"""The scorecard: every indicator for one unit, with its latest value, target, RAG, direction of
travel, a 13-month sparkline and the published figures to compare with.

Built from a snapshot's worked-out figures (measures.results), so a page or a pack assembles it
in milliseconds. Values shown to users who may not see small numbers go through disclosure
control here, once, so that no caller can forget it."""

from dataclasses import dataclass
from datetime import date

from casegrip.config import Disclosure
from casegrip.measures.disclosure import SUPPRESSED, disclose
from casegrip.measures.due import add_months
from casegrip.measures.model import Kind, Measure, Polarity, Rag, Time
from casegrip.measures.published import Figure, comparison
from casegrip.measures.results import Figures
from casegrip.measures.runner import Point, judge
from casegrip.reports import charts

SPARK_MONTHS = 13
# A change smaller than this, in the measure's own units, is "no change".
STEADY = 0.05


@dataclass(frozen=True)
class Shown:
    """A figure as one user may see it: the value (or "c"), and the counts behind it."""

    value: float | str | None
    numerator: int | str
    denominator: int | str
    suppressed: bool


@dataclass(frozen=True)
class Row:
    measure: Measure
    month: date
    latest: Shown | None
    target: float | None
    rag: Rag
    direction: str  # improving, worsening, no change, up, down, or "" when it cannot be said
    spark: list[float | None]  # oldest first; None where a month has no figure (or is withheld)
    england: tuple[int, float] | None  # (year, value) of the latest national figure
    published: tuple[int, float] | None  # the authority's own latest published figure
    # For counts and rates of events: the 12 months to ``month``, the basis of England's
    # (annual) figures; a month's count is not comparable with a year's.
    year: Shown | None = None

    @property
    def group(self) -> str:
        return self.measure.group


def show(measure: Measure, point: Point, rules: Disclosure | None) -> Shown:
    """``point`` as it may be shown: disclosure-controlled unless ``rules`` is None (users who
    may see small numbers)."""
    if rules is None:
        return Shown(point.value, point.numerator, point.denominator, False)
    d = disclose(measure, point, rules)
    return Shown(d.value, d.numerator, d.denominator, d.suppressed)


def direction(measure: Measure, before: float | None, now: float | None) -> str:
    """Direction of travel from ``before`` to ``now``, in the measure's terms."""
    if before is None or now is None:
        return ""
    change = now - before
    if abs(change) < STEADY:
        return "no change"
    if measure.polarity is Polarity.CONTEXTUAL:
        return "up" if change > 0 else "down"
    better = change > 0 if measure.polarity is Polarity.HIGHER_BETTER else change < 0
    return "improving" if better else "worsening"


def _numeric(value: float | str | None) -> float | None:
    return None if value is None or value == SUPPRESSED else float(value)


def row(
    measure: Measure,
    figs: Figures,
    breakdown: str,
    group: str,
    *,
    rules: Disclosure | None,
    published: list[Figure] = (),
    la_code: str = "",
    month: date | None = None,
    population: int = 0,
) -> Row:
    """One indicator's scorecard row for one group, as at ``month`` (default: the latest)."""
    month = month or figs.months[-1]
    by_month = {p.window_end: p for p in figs.points(measure.id, breakdown, group)}
    months = [m for m in figs.months if m <= month][-SPARK_MONTHS:]
    shown = {m: show(measure, by_month[m], rules) for m in months if m in by_month}
    latest_point = by_month.get(month)
    latest = shown.get(month)
    previous = shown.get(months[-2]) if len(months) > 1 else None
    target = measure.target.at(month) if measure.target else None
    rag = Rag.NONE
    if latest_point is not None and latest is not None and not latest.suppressed:
        rag = judge(measure, latest_point)
    england = None
    if measure.published.england:
        year = max(measure.published.england)
        england = (year, measure.published.england[year])
    own = None
    if published and la_code:
        years = {y: v["authority"] for y, v in comparison(measure.id, la_code, published).items()}
        years = {y: v for y, v in years.items() if v is not None}
        if years:
            own = (max(years), years[max(years)])
    return Row(
        measure=measure,
        month=month,
        latest=latest,
        target=target,
        rag=rag,
        direction=direction(
            measure,
            _numeric(previous.value) if previous else None,
            _numeric(latest.value) if latest else None,
        ),
        spark=[_numeric(shown[m].value) if m in shown else None for m in months],
        england=england,
        published=own,
        year=_last_year(measure, by_month, month, rules, population),
    )


def _counts_events(measure: Measure) -> bool:
    """A count or rate of events in each month: a year's figure is about twelve times bigger,
    so England's annual figures are not drawn against its monthly ones."""
    return measure.time is Time.PERIOD and measure.kind in (Kind.COUNT, Kind.RATE_PER_10K)


def _last_year(
    measure: Measure,
    by_month: dict[date, Point],
    month: date,
    rules: Disclosure | None,
    population: int,
) -> Shown | None:
    """Events in the 12 months to ``month`` (each month counts its own events, so they add
    up), for period counts and rates; None for other measures or without 12 months."""
    if not _counts_events(measure):
        return None
    months = sorted(m for m in by_month if m <= month)[-12:]
    if len(months) < 12 or month not in by_month or months[0] < add_months(month, -12):
        return None
    numerator = sum(by_month[m].numerator for m in months)
    if measure.kind is Kind.RATE_PER_10K:
        if not population:
            return None
        value = round(numerator / population * 10_000, 1)
    else:
        value = float(numerator)
    return show(measure, Point(month, by_month[month].group, numerator, 0, value), rules)


def scorecard(
    measures: list[Measure] | tuple[Measure, ...],
    figs: Figures,
    breakdown: str,
    group: str,
    *,
    rules: Disclosure | None,
    published: list[Figure] = (),
    la_code: str = "",
    month: date | None = None,
    population: int = 0,
) -> list[Row]:
    """Every measure's row for one group, in catalogue order."""
    return [
        row(
            measure,
            figs,
            breakdown,
            group,
            rules=rules,
            published=published,
            la_code=la_code,
            month=month,
            population=population,
        )
        for measure in measures
    ]


def trend_chart(
    measure: Measure,
    figs: Figures,
    breakdown: str,
    group: str,
    rules: Disclosure | None,
    month: date,
    months: int | None = None,
) -> charts.Chart:
    """The measure's monthly trend for one group up to ``month`` (the last ``months`` of it,
    or every month kept), with its target trajectory and England's published figures."""
    kept = [m for m in figs.months if m <= month][-(months or len(figs.months)) :]
    first = kept[0]
    shown = []
    for p in figs.points(measure.id, breakdown, group):
        if first <= p.window_end <= month:
            shown.append((p.window_end, _numeric(show(measure, p, rules).value)))
    targets = [(m, measure.target.at(m)) for m in kept] if measure.target else []
    england = [
        (date(year, 3, 31), value)
        for year, value in sorted(measure.published.england.items())
        if first <= date(year, 3, 31) <= month and not _counts_events(measure)
    ]
    return charts.trend(
        shown, title=measure.name, unit=measure.unit, targets=targets, comparison=england
    )


def sparkline_points(values: list[float | None], width: int = 120, height: int = 28) -> str:
    """The ``points`` of an SVG polyline drawing ``values`` (gaps skipped), for a sparkline.

    A sparkline is a word-sized picture beside a number, not a chart one reads values from, so
    it is drawn as a plain SVG line rather than a Vega-Lite view per row; the row's figures and
    the indicator page's chart and table carry the values."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    points = []
    for i, v in enumerate(values):
        if v is None:
            continue
        y = height - 2 - (v - low) / span * (height - 4)
        points.append(f"{i * step:.1f},{y:.1f}")
    return " ".join(points)

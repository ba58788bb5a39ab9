"""Scorecard rows from hand-made figures: RAG, direction, suppression, and the 12-month figure
that period counts and rates are compared with England on."""

from datetime import date

from casegrip.config import Disclosure
from casegrip.measures.catalogue import CATALOGUE
from casegrip.measures.frame import monthly_windows
from casegrip.measures.results import Figures
from casegrip.measures.runner import Point
from casegrip.reports.scorecard import row

LAST = date(2026, 9, 30)
MONTHS = [w.end for w in monthly_windows(LAST, 14)]


def figures_of(measure_id: str, numerators: list[int], denominators: list[int] | None = None):
    denominators = denominators or [0] * len(numerators)
    points = []
    for month, n, d in zip(MONTHS[-len(numerators) :], numerators, denominators, strict=True):
        value = round(100 * n / d, 1) if d else n * 10_000 / 20_000
        points.append(Point(month, "X", n, d, value))
    return Figures("s", LAST, MONTHS, {(measure_id, "authority", "X"): points})


def test_a_period_rate_is_also_given_over_twelve_months():
    measure = CATALOGUE["referral_rate_per_10k"]
    figs = figures_of(measure.id, [100] * 13 + [150])
    r = row(measure, figs, "authority", "X", rules=None, population=20_000)
    # Twelve months to September: 11 months of 100 and September's 150.
    assert r.year.numerator == 1_250
    assert r.year.value == 625.0
    assert r.latest.value == 75.0


def test_no_twelve_month_figure_without_twelve_months_or_for_proportions():
    rate = CATALOGUE["referral_rate_per_10k"]
    short = figures_of(rate.id, [100] * 6)
    assert row(rate, short, "authority", "X", rules=None, population=20_000).year is None
    proportion = CATALOGUE["assessment_timeliness_45wd"]
    figs = figures_of(proportion.id, [8] * 14, [10] * 14)
    assert row(proportion, figs, "authority", "X", rules=None).year is None


def test_direction_and_rag_follow_polarity_and_suppression_hides_both():
    measure = CATALOGUE["assessment_timeliness_45wd"]  # higher is better, target 90%
    figs = figures_of(measure.id, [80, 95], [100, 100])
    r = row(measure, figs, "authority", "X", rules=None)
    assert r.direction == "improving"
    assert r.rag == "green"
    small = figures_of(measure.id, [3, 4], [4, 4])
    hidden = row(measure, small, "authority", "X", rules=Disclosure(threshold=5))
    assert hidden.latest.value == "c"
    assert hidden.rag == "none"
    assert hidden.direction == ""


def test_englands_annual_rate_is_not_drawn_against_monthly_rates():
    from casegrip.reports.scorecard import trend_chart

    rate = CATALOGUE["referral_rate_per_10k"]
    figs = figures_of(rate.id, [100] * 14)
    chart = trend_chart(rate, figs, "authority", "X", None, LAST)
    assert {r["series"] for r in chart.spec["datasets"]["table"]} == {rate.name}
    proportion = CATALOGUE["assessment_timeliness_45wd"]
    year = max(proportion.published.england)
    months = [w.end for w in monthly_windows(date(year, 9, 30), 13)]  # spans 31 March
    points = [Point(m, "X", 8, 10, 80.0) for m in months]
    figs = Figures("s", months[-1], months, {(proportion.id, "authority", "X"): points})
    chart = trend_chart(proportion, figs, "authority", "X", None, months[-1])
    assert "England" in {r["series"] for r in chart.spec["datasets"]["table"]}

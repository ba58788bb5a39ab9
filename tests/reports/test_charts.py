"""Chart specs: valid Vega-Lite (the pages skip Altair's validation for speed, so it is done
here), the data they carry, and the same spec rendered as SVG for packs."""

from datetime import date

import jsonschema
import pytest
from altair.vegalite.v6.schema.core import load_schema

from casegrip.reports import charts

MONTHS = [date(2026, m, 28) for m in range(1, 11)]


def _valid(spec: dict) -> None:
    jsonschema.validate(spec, load_schema())


@pytest.fixture
def trend() -> charts.Chart:
    return charts.trend(
        [(m, 50.0 + i) for i, m in enumerate(MONTHS)],
        title="Assessments in 45 working days",
        unit="%",
        targets=[(m, 80.0 if m.month > 6 else 70.0) for m in MONTHS],
        comparison=[(date(2026, 3, 31), 82.0)],
    )


def test_trend_is_valid_and_carries_figure_target_and_comparison(trend):
    _valid(trend.spec)
    rows = trend.spec["datasets"]["table"]
    assert {r["series"] for r in rows} == {"Assessments in 45 working days", "Target", "England"}
    assert trend.rows[0] == ("2026-01-28", "50", "70", "no figure")
    assert "latest 59 %" in trend.description


def test_same_shape_new_data_does_not_leak_between_charts(trend):
    other = charts.trend([(MONTHS[0], 1.0)], title="Assessments in 45 working days", unit="%")
    assert len(other.spec["datasets"]["table"]) == 1
    assert len(trend.spec["datasets"]["table"]) == 10 + 10 + 1


def test_bars_mark_values_above_the_threshold():
    chart = charts.bars(
        [("Team A", 20.0), ("Team B", 14.0)], title="Caseload", threshold=18, highlight_above=True
    )
    _valid(chart.spec)
    assert [r["over"] for r in chart.spec["datasets"]["table"]] == [True, False]
    assert chart.rows == [("Team A", "20"), ("Team B", "14")]


def test_histogram_counts_each_value():
    chart = charts.histogram([12, 12, 19.5, 20], title="caseloads", unit="children", threshold=18)
    _valid(chart.spec)
    assert chart.rows == [("12", "2"), ("19", "1"), ("20", "1")]


def test_svg_for_packs_draws_the_same_spec(trend):
    svg = charts.to_svg(trend)
    assert svg.startswith("<svg")
    assert "Target" in svg
    assert trend.spec["width"] == "container"  # the page's spec is left as it was

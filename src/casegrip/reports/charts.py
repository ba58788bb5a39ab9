"""Charts as Vega-Lite specs (built with Altair): one definition, drawn by vega-embed in the page
and by vl-convert as SVG in a PDF pack.

Each chart function returns a ``Chart``: the spec, a sentence saying what it shows (the chart's
accessible name) and the same figures as a table, which pages offer to screen-reader users and
print under the chart in packs."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import altair as alt

# GOV.UK Frontend's palette, so charts match the pages around them.
BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREY = "#505a5f"
RED = "#d4351c"
GREEN = "#00703c"
FONT = "Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    spec: dict
    description: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)


def _config(chart: alt.TopLevelMixin, *, width: int | str, height: int) -> dict:
    spec = (
        chart.properties(width=width, height=height)
        # The page describes the chart in words and in a table; the drawing's marks need no
        # ARIA roles of their own.
        .configure(font=FONT, aria=False)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor=BLACK, titleColor=BLACK)
        .configure_view(stroke=None)
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
        # Altair's JSON-schema validation costs tens of milliseconds a chart; these specs are
        # fixed shapes, validated once by the tests (tests/reports/test_charts.py).
        .to_dict(validate=False)
    )
    # The spec travels with the page; Altair's schema URL is a link the browser never needs.
    spec.pop("$schema", None)
    return spec


def _with_data(spec: dict, **datasets: list[dict]) -> dict:
    """A chart's spec with its named datasets filled in.

    Building a spec with Altair costs tens of milliseconds, most of it copying the data; pages
    draw the same few shapes again and again, so each shape is built once, with named datasets,
    and only the data changes from one call to the next."""
    return {**spec, "datasets": datasets}


def _fmt(value: float | None) -> str:
    if value is None:
        return "no figure"
    return f"{value:,.1f}".removesuffix(".0")


def trend(
    points: Sequence[tuple[date, float | None]],
    *,
    title: str,
    unit: str = "",
    targets: Sequence[tuple[date, float | None]] = (),
    comparison: Sequence[tuple[date, float | None]] = (),
    comparison_label: str = "England",
) -> Chart:
    """A monthly trend line, with the target (its trajectory, a step line) and a comparison."""
    rows = []
    for day, value in points:
        rows.append({"month": day.isoformat(), "series": title, "value": value})
    for day, value in targets:
        if value is not None:
            rows.append({"month": day.isoformat(), "series": "Target", "value": value})
    for day, value in comparison:
        if value is not None:
            rows.append({"month": day.isoformat(), "series": comparison_label, "value": value})
    spec = _trend_spec(title, unit, comparison_label)
    by_month: dict[str, dict[str, float | None]] = {}
    for row in rows:
        by_month.setdefault(row["month"], {})[row["series"]] = row["value"]
    table = [
        (month, _fmt(v.get(title)), _fmt(v.get("Target")), _fmt(v.get(comparison_label)))
        for month, v in sorted(by_month.items())
    ]
    last = next((v for _, v in reversed(points) if v is not None), None)
    description = (
        f"Line chart of {title} by month, {len(points)} months"
        + (f"; latest {_fmt(last)}{(' ' + unit) if unit else ''}" if points else "")
        + ("; with the target" if targets else "")
        + "."
    )
    return Chart(
        _with_data(spec, table=rows),
        description,
        ("Month", title, "Target", comparison_label),
        table,
    )


@lru_cache(maxsize=256)
def _trend_spec(title: str, unit: str, comparison_label: str) -> dict:
    series = [title, "Target", comparison_label]
    colours = [BLUE, BLACK, GREY]
    base = alt.Chart(alt.Data(name="table")).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6)),
        y=alt.Y("value:Q", title=unit or None, scale=alt.Scale(zero=True)),
        color=alt.Color(
            "series:N", title=None, scale=alt.Scale(domain=series, range=colours), sort=series
        ),
        strokeDash=alt.StrokeDash(
            "series:N",
            title=None,
            scale=alt.Scale(domain=series, range=[[1, 0], [6, 4], [2, 2]]),
            sort=series,
        ),
    )
    # The target is a trajectory that steps when it changes; the figure is a plain line.
    chart = base.mark_line(point=True, interpolate="step-after").transform_filter(
        alt.datum.series != title
    ) + base.mark_line(point=True).transform_filter(alt.datum.series == title)
    return _config(chart, width="container", height=260)


def bars(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "",
    threshold: float | None = None,
    threshold_label: str = "Target",
    highlight_above: bool = False,
) -> Chart:
    """Horizontal bars, one per label (a breakdown, or workers' caseloads), with an optional
    threshold line; bars above it are coloured red when ``highlight_above``."""
    rows = [
        {
            "label": label,
            "value": value,
            "over": bool(
                highlight_above
                and threshold is not None
                and value is not None
                and value > threshold
            ),
        }
        for label, value in items
    ]
    height = max(60, 22 * len(rows))
    description = f"Bar chart of {title}, {len(rows)} bars" + (
        f", with the {threshold_label.lower()} of {_fmt(threshold)} marked." if threshold else "."
    )
    spec = _bars_spec(unit or "", threshold is not None, height)
    return Chart(
        _with_data(spec, table=rows, threshold=[{"threshold": threshold}]),
        description,
        ("", title),
        [(label, _fmt(value)) for label, value in items],
    )


@lru_cache(maxsize=256)
def _bars_spec(unit: str, with_threshold: bool, height: int) -> dict:
    bar = (
        alt.Chart(alt.Data(name="table"))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=None),
            x=alt.X("value:Q", title=unit or None),
            color=alt.Color(
                "over:N", scale=alt.Scale(domain=[False, True], range=[BLUE, RED]), legend=None
            ),
        )
    )
    layers: alt.TopLevelMixin = bar
    if with_threshold:
        rule = (
            alt.Chart(alt.Data(name="threshold"))
            .mark_rule(color=BLACK, strokeDash=[6, 4], size=2)
            .encode(x="threshold:Q")
        )
        layers = bar + rule
    return _config(layers, width="container", height=height)


def histogram(
    values: Sequence[float], *, title: str, unit: str, threshold: float | None = None
) -> Chart:
    """How many have each value (a distribution of caseloads, say), in bins of one."""
    counts: dict[int, int] = {}
    for value in values:
        counts[int(value)] = counts.get(int(value), 0) + 1
    rows = [{"value": k, "count": n} for k, n in sorted(counts.items())]
    return Chart(
        _with_data(
            _histogram_spec(unit, threshold is not None),
            table=rows,
            threshold=[{"value": int(threshold or 0)}],
        ),
        f"Histogram of {title}: how many have each {unit}.",
        (unit, "Number"),
        [(str(k), str(n)) for k, n in sorted(counts.items())],
    )


@lru_cache(maxsize=32)
def _histogram_spec(unit: str, with_threshold: bool) -> dict:
    bar = (
        alt.Chart(alt.Data(name="table"))
        .mark_bar(color=BLUE)
        .encode(x=alt.X("value:O", title=unit), y=alt.Y("count:Q", title="Number"))
    )
    layers: alt.TopLevelMixin = bar
    if with_threshold:
        rule = (
            alt.Chart(alt.Data(name="threshold"))
            .mark_rule(color=BLACK, strokeDash=[6, 4], size=2)
            .encode(x="value:O")
        )
        layers = bar + rule
    return _config(layers, width="container", height=200)


def to_svg(chart: Chart, width: int = 640) -> str:
    """The chart as SVG, for a PDF or a printed pack ("container" width has no container
    there, so a fixed width is used)."""
    import vl_convert

    spec = dict(chart.spec)
    if spec.get("width") == "container":
        spec["width"] = width
    return vl_convert.vegalite_to_svg(spec)


def to_png(chart: Chart, width: int = 640) -> bytes:
    """The chart as PNG, for a Word document (which cannot hold SVG everywhere)."""
    import vl_convert

    spec = dict(chart.spec)
    if spec.get("width") == "container":
        spec["width"] = width
    return vl_convert.vegalite_to_png(spec, scale=2)

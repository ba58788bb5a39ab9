"""The scorecard, the indicator page and the children behind a figure.

Figures come from the snapshot's worked-out results (measures.results), held in memory, so these
pages do no query on the case record; only the list of children behind a figure does."""

from datetime import date
from functools import lru_cache

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from casegrip.home import data_dir
from casegrip.measures.catalogue import CATALOGUE, MEASURES
from casegrip.measures.frame import month_end
from casegrip.measures.published import STORE_FILE, load_published
from casegrip.measures.results import figures
from casegrip.reports import charts
from casegrip.reports.scorecard import row, scorecard, show, sparkline_points, trend_chart
from casegrip.reports.tables import to_csv, to_xlsx
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config
from casegrip.web.accounts.access import grants
from casegrip.web.accounts.access_log import record_access
from casegrip.web.accounts.models import AccessLog
from casegrip.web.accounts.roles import Permission
from casegrip.web.sections import require_section

from . import children as children_rows
from .scope import below, resolve, visible_units

GROUPS = list(dict.fromkeys(m.group for m in MEASURES))
RAG_FILTERS = {"red": "Red only", "red-amber": "Red or amber", "worsening": "Worsening"}


@lru_cache(maxsize=4)
def _published(stamp: float) -> list:
    return load_published()


def published_figures() -> list:
    """The DfE figures imported with ``casegrip published import``, read once per change."""
    path = data_dir() / STORE_FILE
    return _published(path.stat().st_mtime) if path.exists() else []


def page_context(request: HttpRequest):
    """The live snapshot, its figures and configuration, and the scope asked for."""
    require_section(request, "performance")
    live = live_snapshot()
    if live is None:
        return None
    config = snapshot_config(live)
    scope = resolve(request, config, request.GET.get("unit"))
    return live, figures(live), config, scope


def chosen_month(request: HttpRequest, figs) -> date:
    """The month asked for; by default the last whole month, since a month still running
    would compare a few days' events with whole months."""
    wanted = request.GET.get("month", "")
    for month in figs.months:
        if wanted and month.isoformat()[:7] == wanted[:7]:
            return month
    last = figs.months[-1]
    return last if month_end(last) == last else figs.months[-2]


def month_choices(figs) -> list[tuple[date, str]]:
    """Newest first, the month still running marked as such."""
    return [
        (m, f"{m:%B %Y}" + ("" if month_end(m) == m else f" (to {m:%-d %B})"))
        for m in reversed(figs.months)
    ]


def _no_snapshot(request: HttpRequest, template: str, **context: object) -> HttpResponse:
    return render(request, template, {"snapshot": None, **context})


def index(request: HttpRequest) -> HttpResponse:
    """The scorecard for one unit: every indicator, grouped as the catalogue groups them.
    Someone who sees only their own caseload has no scorecard: they go to their weekly list."""
    user_grants = grants(request)
    if not user_grants.has(Permission.VIEW_AGGREGATES) and user_grants.has(
        Permission.VIEW_OWN_CASELOAD
    ):
        return redirect("performance:weekly")
    found = page_context(request)
    if found is None:
        return _no_snapshot(request, "performance/index.html")
    live, figs, config, scope = found
    month = chosen_month(request, figs)
    group_filter = request.GET.get("group", "")
    rag_filter = request.GET.get("show", "")
    tables = _scorecard_tables(live, figs, config, scope, month, group_filter, rag_filter)
    return render(
        request,
        "performance/index.html",
        {
            "snapshot": live,
            "scope": scope,
            "units": visible_units(request),
            "tables": tables,
            "groups": GROUPS,
            "group_filter": group_filter,
            "rag_filters": RAG_FILTERS,
            "rag_filter": rag_filter,
            "month": month,
            "months": month_choices(figs),
        },
    )


def _scorecard_tables(live, figs, config, scope, month, group_filter, rag_filter) -> str:
    """The scorecard's tables as HTML. They depend only on the snapshot, the unit, the month,
    the filters and whether small numbers are suppressed, so each is rendered once per server
    process and reused: the page most people open first costs a lookup."""
    published = published_figures()
    level = "exact" if scope.rules is None else f"{scope.rules.threshold}-{scope.rules.round_to}"
    key = ":".join(
        (
            "scorecard",
            live.snapshot_id,
            str(scope.unit.pk),
            scope.group,
            month.isoformat(),
            group_filter,
            rag_filter,
            level,
            str(len(published)),
        )
    )
    html = cache.get(key)
    if html is not None:
        return html
    measures = [m for m in MEASURES if not group_filter or m.group == group_filter]
    rows = scorecard(
        measures,
        figs,
        scope.breakdown,
        scope.group,
        rules=scope.rules,
        published=published,
        la_code=config.la_code,
        month=month,
        population=config.child_population,
    )
    if rag_filter == "red":
        rows = [r for r in rows if r.rag == "red"]
    elif rag_filter == "red-amber":
        rows = [r for r in rows if r.rag in ("red", "amber")]
    elif rag_filter == "worsening":
        rows = [r for r in rows if r.direction == "worsening"]
    grouped: dict[str, list] = {}
    for r in rows:
        grouped.setdefault(r.group, []).append({"row": r, "spark": sparkline_points(r.spark)})
    html = render_to_string(
        "performance/_scorecard_tables.html",
        {
            "scope": scope,
            "month": month,
            "grouped": grouped,
            "counts": {
                rag: sum(1 for r in rows if r.rag == rag) for rag in ("red", "amber", "green")
            },
            "shown": len(rows),
        },
    )
    cache.set(key, html, timeout=None)
    return html


def _measure(measure_id: str):
    measure = CATALOGUE.get(measure_id)
    if measure is None:
        raise Http404("No such indicator")
    return measure


def breakdown_rows(measure, figs, scope, month: date) -> list[dict]:
    """The figure for each unit (or, in a team, each worker) one level below the scope."""
    out = []
    for b in below(scope):
        point = next(
            (p for p in figs.points(measure.id, b.breakdown, b.group) if p.window_end == month),
            None,
        )
        out.append(
            {
                "below": b,
                "shown": show(measure, point, scope.rules) if point else None,
                "rag": row(measure, figs, b.breakdown, b.group, rules=scope.rules, month=month).rag,
            }
        )
    return out


def _crumbs(request: HttpRequest, scope, measure) -> list[dict]:
    """Scorecard, then each unit above this one the user may see, then this unit."""
    user_grants = grants(request)
    crumbs = [
        {"label": "Scorecard", "href": reverse("performance:index") + f"?unit={scope.unit.pk}"}
    ]
    here = reverse("performance:indicator", args=[measure.id])
    for unit in [*scope.unit.ancestors(), scope.unit]:
        if user_grants.has(Permission.VIEW_AGGREGATES, unit):
            crumbs.append({"label": unit.name, "href": f"{here}?unit={unit.pk}"})
    crumbs[-1] = {"label": scope.unit.name}
    return crumbs


def indicator(request: HttpRequest, measure_id: str) -> HttpResponse:
    """One indicator: its definition, trend against target, and the breakdown one level down."""
    measure = _measure(measure_id)
    found = page_context(request)
    if found is None:
        return _no_snapshot(request, "performance/indicator.html", measure=measure)
    live, figs, config, scope = found
    month = chosen_month(request, figs)
    headline = row(
        measure,
        figs,
        scope.breakdown,
        scope.group,
        rules=scope.rules,
        published=published_figures(),
        la_code=config.la_code,
        month=month,
        population=config.child_population,
    )
    breakdown = breakdown_rows(measure, figs, scope, month)
    bars = charts.bars(
        [
            (r["below"].label, r["shown"].value if r["shown"] and r["shown"].value != "c" else None)
            for r in breakdown
        ],
        title=f"{measure.name} by {'worker' if scope.unit.kind == 'team' else 'unit'}",
        unit=measure.unit,
        threshold=headline.target,
    )
    return render(
        request,
        "performance/indicator.html",
        {
            "snapshot": live,
            "measure": measure,
            "scope": scope,
            "units": visible_units(request),
            "headline": headline,
            "month": month,
            "months": month_choices(figs),
            "trend": trend_chart(measure, figs, scope.breakdown, scope.group, scope.rules, month),
            "breakdown": breakdown,
            "bars": bars,
            "breadcrumbs": _crumbs(request, scope, measure),
        },
    )


def _export_rows(measure, figs, scope, month: date, rules) -> tuple[list, list]:
    """The trend and the breakdown, always disclosure-controlled (an export leaves casegrip)."""
    trend = []
    for p in figs.points(measure.id, scope.breakdown, scope.group):
        if p.window_end <= month:
            s = show(measure, p, rules)
            target = measure.target.at(p.window_end) if measure.target else None
            trend.append(
                (scope.unit.name, p.window_end, s.numerator, s.denominator, s.value, target)
            )
    rows = []
    for b in below(scope):
        point = next(
            (p for p in figs.points(measure.id, b.breakdown, b.group) if p.window_end == month),
            None,
        )
        if point is not None:
            s = show(measure, point, rules)
            rows.append((b.label, month, s.numerator, s.denominator, s.value))
    return trend, rows


def indicator_export(request: HttpRequest, measure_id: str, fmt: str) -> HttpResponse:
    """The indicator's trend and breakdown as CSV or XLSX: aggregate and disclosure-controlled."""
    measure = _measure(measure_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are CSV or XLSX")
    found = page_context(request)
    if found is None:
        raise Http404("No snapshot has been imported yet")
    _live, figs, config, scope = found
    month = chosen_month(request, figs)
    trend, rows = _export_rows(measure, figs, scope, month, config.disclosure)
    trend_header = ("Unit", "Month end", "Numerator", "Denominator", measure.name, "Target")
    below_header = ("Unit or worker", "Month end", "Numerator", "Denominator", measure.name)
    name = f"casegrip-{measure.id}-{scope.group or 'unit'}-{month:%Y-%m}"
    if fmt == "csv":
        body = to_csv(trend_header, trend)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    body = to_xlsx([("Trend", trend_header, trend), ("Breakdown", below_header, rows)])
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def children(request: HttpRequest, measure_id: str) -> HttpResponse:
    """The children behind a figure, each with where they count and why: child-level."""
    measure = _measure(measure_id)
    found = page_context(request)
    if found is None:
        return _no_snapshot(request, "performance/children.html", measure=measure)
    live, figs, config, scope = found
    if not scope.may_see_children:
        raise PermissionDenied
    month = chosen_month(request, figs)
    place = request.GET.get("place", "numerator")
    rows = children_rows.for_figure(live, config, measure, month, scope.team_ids())
    record_access(
        request,
        what=f"children behind {measure.id}",
        unit=scope.unit,
        child_ids=[r["child_id"] for r in rows if r["child_id"]],
    )
    counts = {
        "numerator": sum(1 for r in rows if r["place"] == "numerator"),
        "denominator": sum(1 for r in rows if r["place"] != "excluded"),
    }
    if place == "numerator":
        listed = [r for r in rows if r["place"] == "numerator"]
    elif place == "outside":
        listed = [r for r in rows if r["place"] == "denominator only"]
    else:
        place, listed = "denominator", [r for r in rows if r["place"] != "excluded"]
    return render(
        request,
        "performance/children.html",
        {
            "snapshot": live,
            "measure": measure,
            "scope": scope,
            "month": month,
            "place": place,
            "rows": children_rows.named(listed),
            "counts": counts,
        },
    )


def children_export(request: HttpRequest, measure_id: str, fmt: str) -> HttpResponse:
    """The children behind a figure as CSV or XLSX: needs the right to export child records,
    and is written to the access log."""
    measure = _measure(measure_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are CSV or XLSX")
    found = page_context(request)
    if found is None:
        raise Http404("No snapshot has been imported yet")
    live, figs, config, scope = found
    if not scope.may_export_children:
        raise PermissionDenied
    month = chosen_month(request, figs)
    rows = children_rows.for_figure(live, config, measure, month, scope.team_ids())
    record_access(
        request,
        what=f"children behind {measure.id} ({fmt})",
        action=AccessLog.Action.EXPORT,
        unit=scope.unit,
        child_ids=[r["child_id"] for r in rows if r["child_id"]],
    )
    header, table = children_rows.table(rows, measure)
    name = f"casegrip-{measure.id}-children-{month:%Y-%m}"
    if fmt == "csv":
        response = HttpResponse(to_csv(header, table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        to_xlsx([("Children", header, table)]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response

"""The catalogue indicators a recommendation is judged by, their targets and latest values.

A recommendation keeps ``measures`` as [{"measure_id", "target", "tolerance"}]: the plan's own
target (by default the catalogue's target on the day it was linked) and how far below it still
counts as amber (by default the catalogue's amber band). Latest values come from the live
snapshot's figures for the plan's unit, only once they have been worked out (a plan page never
waits for them), and only as disclosure control would show them (a suppressed value is unknown,
so the BRAG never depends on a small count).
"""

from dataclasses import dataclass
from datetime import date

from casegrip.measures.catalogue import CATALOGUE, MEASURES
from casegrip.measures.disclosure import disclose
from casegrip.measures.model import Measure, Polarity
from casegrip.web.organisation.models import OrgUnit, UnitKind

from .brag import Brag, Reading


@dataclass(frozen=True)
class Indicator:
    """A catalogue measure a plan may link to."""

    id: str
    name: str
    group: str
    unit: str
    higher_is_better: bool
    target: float | None  # the catalogue's target on the day asked about
    tolerance: float


def _indicator(measure: Measure, day: date) -> Indicator:
    return Indicator(
        id=measure.id,
        name=measure.name,
        group=measure.group,
        unit=measure.unit,
        higher_is_better=measure.polarity is Polarity.HIGHER_BETTER,
        target=measure.target.at(day) if measure.target else None,
        tolerance=measure.rag.amber_within,
    )


def indicators(day: date) -> list[Indicator]:
    """Every catalogue measure with a direction (a contextual one cannot be on or off target)."""
    return [_indicator(m, day) for m in MEASURES if m.polarity is not Polarity.CONTEXTUAL]


def known(measure_id: str) -> bool:
    measure = CATALOGUE.get(measure_id)
    return measure is not None and measure.polarity is not Polarity.CONTEXTUAL


def link(measure_id: str, day: date, target: float | None = None) -> dict:
    """The stored form of a link, with the catalogue's target and tolerance as defaults."""
    indicator = _indicator(CATALOGUE[measure_id], day)
    return {
        "measure_id": measure_id,
        "target": indicator.target if target is None else float(target),
        "tolerance": indicator.tolerance,
    }


@dataclass(frozen=True)
class Linked:
    """A linked indicator as a page shows it: the plan's target beside the latest value."""

    indicator: Indicator
    target: float | None
    tolerance: float
    value: float | None
    month: date | None

    @property
    def reading(self) -> Reading:
        return Reading(self.value, self.target, self.indicator.higher_is_better, self.tolerance)

    @property
    def rag(self) -> Brag | None:
        return self.reading.judge()


Values = dict[str, tuple[float | None, date | None]]


def latest_values(unit: OrgUnit, measure_ids: set[str]) -> Values:
    """The latest disclosed value of each measure for ``unit``; empty before figures exist."""
    from casegrip.measures import results
    from casegrip.store.live import live_snapshot
    from casegrip.store.snapshots import snapshot_config

    live = live_snapshot()
    if live is None or not measure_ids or not results.ready(live):
        return {}
    figures = results.figures(live)
    rules = snapshot_config(live).disclosure
    if unit.kind == UnitKind.AUTHORITY:
        breakdown, group = "authority", unit.la_code
    else:
        breakdown, group = str(unit.kind), unit.source_id
    values: Values = {}
    for measure_id in measure_ids:
        point = figures.latest(measure_id, breakdown, group) if measure_id in CATALOGUE else None
        if point is None:
            continue
        shown = disclose(CATALOGUE[measure_id], point, rules)
        value = None if shown.suppressed or isinstance(shown.value, str) else shown.value
        values[measure_id] = (value, point.window_end)
    return values


def linked(links: list[dict], day: date, values: Values) -> list[Linked]:
    """A recommendation's links, in order, skipping any the catalogue no longer holds."""
    out = []
    for item in links:
        measure = CATALOGUE.get(item.get("measure_id", ""))
        if measure is None:
            continue
        value, month = values.get(measure.id, (None, None))
        out.append(
            Linked(
                indicator=_indicator(measure, day),
                target=item.get("target"),
                tolerance=float(item.get("tolerance", measure.rag.amber_within)),
                value=value,
                month=month,
            )
        )
    return out

"""The indicator catalogue: every measure casegrip computes, by id."""

from ..model import Measure
from . import (
    adoption,
    care_leavers,
    child_protection,
    children_in_need,
    flow,
    front_door,
    looked_after,
    placements,
    workforce,
)

MEASURES: tuple[Measure, ...] = (
    *front_door.MEASURES,
    *child_protection.MEASURES,
    *children_in_need.MEASURES,
    *looked_after.MEASURES,
    *placements.MEASURES,
    *adoption.MEASURES,
    *care_leavers.MEASURES,
    *workforce.MEASURES,
    *flow.MEASURES,
)
CATALOGUE: dict[str, Measure] = {m.id: m for m in MEASURES}
if len(CATALOGUE) != len(MEASURES):
    raise RuntimeError("Two measures in the catalogue share an id")


def get(measure_id: str) -> Measure:
    try:
        return CATALOGUE[measure_id]
    except KeyError:
        raise KeyError(
            f"No measure {measure_id!r}. `casegrip measures list` shows them all."
        ) from None

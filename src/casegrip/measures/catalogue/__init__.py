"""The indicator catalogue: every measure casegrip computes, by id."""

from ..model import Measure
from . import front_door

MEASURES: tuple[Measure, ...] = (*front_door.MEASURES,)
CATALOGUE: dict[str, Measure] = {m.id: m for m in MEASURES}


def get(measure_id: str) -> Measure:
    try:
        return CATALOGUE[measure_id]
    except KeyError:
        raise KeyError(
            f"No measure {measure_id!r}. `casegrip measures list` shows them all."
        ) from None

"""Disclosure control for aggregate figures: suppress small counts, withhold what they give away.

Follows the DfE's convention of showing a suppressed figure as ``c``. A count from 1 to
``threshold - 1`` is suppressed (zero is shown: it identifies no one); a percentage, rate, median
or mean worked out from a suppressed count is withheld too, since it would reveal the count;
disclosed counts are rounded to the nearest ``round_to``, while values are always worked out
from the exact counts (as the DfE does).
"""

from dataclasses import dataclass

from casegrip.config import Disclosure

from .model import Kind, Measure
from .runner import Point

SUPPRESSED = "c"


@dataclass(frozen=True)
class Disclosed:
    """A point as it may be shown in an aggregate output."""

    window_end: object
    group: str
    numerator: int | str
    denominator: int | str
    value: float | str | None
    suppressed: bool


def _count(n: int, rules: Disclosure) -> int | str:
    if 0 < n < rules.threshold:
        return SUPPRESSED
    return int(round(n / rules.round_to) * rules.round_to) if rules.round_to > 1 else n


def disclose(measure: Measure, point: Point, rules: Disclosure) -> Disclosed:
    numerator = _count(point.numerator, rules)
    denominator = _count(point.denominator, rules)
    # Which counts would the value give away?
    if measure.kind in (Kind.PROPORTION,):
        reveals = (numerator, denominator)
    elif measure.kind in (Kind.MEDIAN, Kind.MEAN):
        reveals = (denominator,)
    else:  # counts, rates per 10,000, ratios: the numerator
        reveals = (numerator,)
    withheld = SUPPRESSED in reveals
    return Disclosed(
        window_end=point.window_end,
        group=point.group,
        numerator=numerator,
        denominator=denominator,
        value=SUPPRESSED if withheld else point.value,
        suppressed=withheld or SUPPRESSED in (numerator, denominator),
    )

"""Risk scoring on the 5x5 matrix (practice.md 4.1): bands, direction of travel, review dates
and appetite. Pure functions over plain data; the database keeps matrix versions as rows and
hands their bands here."""

import calendar
from dataclasses import dataclass
from datetime import date

LIKELIHOOD = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
POSSIBLE_SCORES = sorted({likelihood * impact for likelihood in LIKELIHOOD for impact in IMPACT})

UP, DOWN, SAME, NEW = "up", "down", "same", "new"
# A higher score is a worse risk, so "up" is bad news.
DIRECTION_LABELS = {UP: "Worse", DOWN: "Better", SAME: "No change", NEW: "New"}
DIRECTION_ARROWS = {UP: "↑", DOWN: "↓", SAME: "↔", NEW: "•"}
COLOURS = (
    "green",
    "yellow",
    "orange",
    "red",
    "grey",
    "purple",
    "pink",
    "turquoise",
    "teal",
    "magenta",
)


class MatrixError(ValueError):
    """A matrix's bands do not cover the scores 1 to 25 in order."""


@dataclass(frozen=True)
class Band:
    key: str  # a short name kept on each rating, e.g. "red"
    label: str  # what people read, e.g. "Significant"
    lowest: int  # the lowest score in the band; it runs up to the next band's lowest - 1
    review_months: int
    colour: str  # a GOV.UK tag colour

    def contains(self, score: int, highest: int) -> bool:
        return self.lowest <= score <= highest


@dataclass(frozen=True)
class Matrix:
    bands: tuple[Band, ...]  # lowest scores first

    def highest(self, band: Band) -> int:
        """The highest score ``band`` takes (25 for the top band)."""
        later = [b.lowest for b in self.bands if b.lowest > band.lowest]
        return min(later) - 1 if later else 25

    def by_key(self, key: str) -> Band:
        for candidate in self.bands:
            if candidate.key == key:
                return candidate
        raise KeyError(f"No band {key!r} in this matrix.")

    def describe(self, band: Band) -> str:
        """The scores a band holds, as people write them: "15-25"."""
        scores = [s for s in POSSIBLE_SCORES if band.contains(s, self.highest(band))]
        if not scores:
            return "none"
        return str(scores[0]) if len(scores) == 1 else f"{scores[0]}\u2013{scores[-1]}"


DEFAULT_BANDS: list[dict] = [
    {"key": "green", "label": "Low", "lowest": 1, "review_months": 6, "colour": "green"},
    {"key": "yellow", "label": "Moderate", "lowest": 4, "review_months": 6, "colour": "yellow"},
    {"key": "amber", "label": "High", "lowest": 8, "review_months": 3, "colour": "orange"},
    {"key": "red", "label": "Significant", "lowest": 15, "review_months": 1, "colour": "red"},
]


def parse_matrix(bands: list[dict]) -> Matrix:
    """A matrix from its stored bands, refused unless they start at 1 and rise."""
    if not bands:
        raise MatrixError("A matrix needs at least one band.")
    parsed: list[Band] = []
    for number, data in enumerate(bands, start=1):
        try:
            band = Band(
                key=str(data["key"]).strip(),
                label=str(data["label"]).strip(),
                lowest=int(data["lowest"]),
                review_months=int(data["review_months"]),
                colour=str(data.get("colour", "grey")),
            )
        except (KeyError, TypeError, ValueError):
            raise MatrixError(
                f"Band {number} needs a key, a label, a lowest score and a review interval "
                "in months."
            ) from None
        if not band.key or not band.label:
            raise MatrixError(f"Band {number} needs a key and a label.")
        if not 1 <= band.review_months <= 24:
            raise MatrixError(f"Band {band.label}: review every 1 to 24 months.")
        if band.colour not in COLOURS:
            raise MatrixError(f"Band {band.label}: the colour must be one of {', '.join(COLOURS)}.")
        parsed.append(band)
    if parsed[0].lowest != 1:
        raise MatrixError("The first band must start at a score of 1.")
    lowest = [b.lowest for b in parsed]
    if lowest != sorted(set(lowest)) or lowest[-1] > 25:
        raise MatrixError("Each band must start at a higher score than the one before, up to 25.")
    if len({b.key for b in parsed}) != len(parsed):
        raise MatrixError("Two bands share a key.")
    return Matrix(tuple(parsed))


DEFAULT_MATRIX = parse_matrix(DEFAULT_BANDS)


def check_rating(likelihood: object, impact: object) -> int:
    """The score of a likelihood and impact, each a whole number from 1 to 5."""
    for name, value in (("Likelihood", likelihood), ("Impact", impact)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValueError(f"{name} must be a whole number from 1 to 5, not {value!r}.")
    return likelihood * impact  # type: ignore[operator]


def band(score: int, matrix: Matrix = DEFAULT_MATRIX) -> Band:
    """The band a score of 1 to 25 falls in."""
    if not 1 <= score <= 25:
        raise ValueError(f"A risk score is from 1 to 25, not {score}.")
    found = matrix.bands[0]
    for candidate in matrix.bands:
        if candidate.lowest <= score:
            found = candidate
    return found


def direction(previous: int | None, current: int) -> str:
    """Direction of travel of a score since the previous rating: up (worse), down, same, new."""
    if previous is None:
        return NEW
    if current > previous:
        return UP
    if current < previous:
        return DOWN
    return SAME


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review(on: date, band_or_key: Band | str, matrix: Matrix = DEFAULT_MATRIX) -> date:
    """When a risk rated on ``on`` in a band is next due for review, by the band's interval."""
    chosen = matrix.by_key(band_or_key) if isinstance(band_or_key, str) else band_or_key
    return add_months(on, matrix.by_key(chosen.key).review_months)


def above_appetite(score: int, threshold: int) -> bool:
    """A risk is above appetite when its score exceeds the highest score the council accepts."""
    return score > threshold

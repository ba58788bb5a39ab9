"""What the committee report and the register's pages show of a set of registers: the heat map,
top risks, risks above appetite and overdue reviews. Open risks only, on their latest rating;
the caller decides which registers (see ``permissions.readable_registers``)."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet
from django.utils import timezone

from . import scoring
from .models import Risk, RiskRegister, Status, bands_in_force

RATINGS = {"current": "current", "inherent": "inherent", "target": "target"}


def open_risks(registers: Iterable[RiskRegister] | None = None) -> QuerySet[Risk]:
    """Open risks that have been rated, in ``registers`` (all registers when None)."""
    risks = (
        Risk.objects.exclude(status=Status.CLOSED)
        .filter(latest__isnull=False)
        .select_related("register", "owner", "latest")
    )
    if registers is not None:
        risks = risks.filter(register__in=list(registers))
    return risks


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    count: int
    band: scoring.Band

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class HeatRow:
    likelihood: int
    label: str
    cells: list[HeatCell]


@dataclass(frozen=True)
class HeatMap:
    rating: str  # current, inherent or target
    rows: list[HeatRow]  # likelihood 5 (almost certain) first, as the matrix is drawn
    total: int
    by_band: list[tuple[scoring.Band, int]]  # highest band first
    matrix: scoring.Matrix

    def count(self, likelihood: int, impact: int) -> int:
        return self.rows[5 - likelihood].cells[impact - 1].count

    @property
    def caption(self) -> str:
        """The map in one sentence, for people who do not read it as a grid."""
        if not self.total:
            return f"No open risks have a {self.rating} rating yet."
        counts = ", ".join(
            f"{n} {band.label.lower()} ({self.matrix.describe(band)})"
            for band, n in self.by_band
            if n
        )
        risks = "risk" if self.total == 1 else "risks"
        return (
            f"{self.total} open {risks} by {self.rating} likelihood (rows, from almost certain "
            f"down to rare) and impact (columns, from negligible to severe): {counts}."
        )


def heat_map(
    registers: Iterable[RiskRegister] | None,
    *,
    rating: str = "current",
    on: date | None = None,
) -> HeatMap:
    """Counts of open risks per likelihood and impact cell, each cell in the band its score
    takes in the matrix in force on ``on`` (today when None)."""
    if rating not in RATINGS:
        raise ValueError(f"Rate by current, inherent or target, not {rating!r}.")
    matrix = bands_in_force(on or timezone.localdate())
    counts: Counter[tuple[int, int]] = Counter()
    for risk in open_risks(registers):
        latest = risk.latest
        counts[(getattr(latest, f"{rating}_likelihood"), getattr(latest, f"{rating}_impact"))] += 1
    rows = [
        HeatRow(
            likelihood,
            scoring.LIKELIHOOD[likelihood],
            [
                HeatCell(
                    likelihood,
                    impact,
                    counts[(likelihood, impact)],
                    scoring.band(likelihood * impact, matrix),
                )
                for impact in scoring.IMPACT
            ],
        )
        for likelihood in sorted(scoring.LIKELIHOOD, reverse=True)
    ]
    per_band: Counter[str] = Counter()
    for (likelihood, impact), n in counts.items():
        per_band[scoring.band(likelihood * impact, matrix).key] += n
    by_band = [(band, per_band[band.key]) for band in reversed(matrix.bands)]
    return HeatMap(rating, rows, sum(counts.values()), by_band, matrix)


def top_risks(registers: Iterable[RiskRegister] | None, n: int = 5) -> list[Risk]:
    """The ``n`` highest current scores; among equals, those getting worse first."""
    order = {scoring.UP: 0, scoring.NEW: 1, scoring.SAME: 2, scoring.DOWN: 3}
    risks = list(open_risks(registers))
    risks.sort(key=lambda r: (-r.latest.score, order[r.latest.direction], r.ref))
    return risks[:n]


def above_appetite(registers: Iterable[RiskRegister] | None) -> list[Risk]:
    """Open risks whose current score exceeds their appetite threshold, furthest above first.

    The threshold is the risk's own, as it stands now (an appetite changed since the last
    rating counts)."""
    risks = list(open_risks(registers).filter(latest__score__gt=F("appetite_threshold")))
    risks.sort(key=lambda r: (-(r.latest.score - r.appetite_threshold), -r.latest.score, r.ref))
    return risks


def overdue_reviews(today: date, registers: Iterable[RiskRegister] | None = None) -> list[Risk]:
    """Open risks whose next review date has passed, longest overdue first."""
    return list(
        open_risks(registers)
        .filter(next_review_date__lt=today)
        .order_by("next_review_date", "register__name", "ref")
    )

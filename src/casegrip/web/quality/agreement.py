"""How far moderators agree with auditors: exact, adjacent, moved down, moved up, and
quadratic-weighted kappa. Pure arithmetic on pairs of ranks (higher is better)."""

from collections.abc import Sequence
from dataclasses import dataclass


def weighted_kappa(pairs: Sequence[tuple[int, int]], ranks: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights for (auditor, moderator) rank pairs on the scale
    ``ranks``. None when it is undefined (no pairs, or every grade in one category)."""
    categories = sorted(ranks)
    k = len(categories)
    n = len(pairs)
    if n == 0 or k < 2:
        return None
    index = {rank: i for i, rank in enumerate(categories)}
    observed = [[0.0] * k for _ in range(k)]
    for first, second in pairs:
        observed[index[first]][index[second]] += 1
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    disagreement = expected = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            disagreement += weight * observed[i][j]
            expected += weight * rows[i] * cols[j] / n
    if expected == 0:
        return None
    return 1 - disagreement / expected


@dataclass(frozen=True)
class Agreement:
    n: int
    exact: int
    adjacent: int  # within one grade, exact included
    down: int  # the moderator graded lower than the auditor
    up: int
    kappa: float | None  # None below the minimum count, or undefined

    def share(self, count: int) -> float | None:
        return 100 * count / self.n if self.n else None


def agreement(
    pairs: Sequence[tuple[int, int]], ranks: Sequence[int], min_for_kappa: int
) -> Agreement:
    """Agreement over (auditor, moderator) rank pairs; kappa only from ``min_for_kappa`` pairs."""
    return Agreement(
        n=len(pairs),
        exact=sum(a == m for a, m in pairs),
        adjacent=sum(abs(a - m) <= 1 for a, m in pairs),
        down=sum(m < a for a, m in pairs),
        up=sum(m > a for a, m in pairs),
        kappa=weighted_kappa(pairs, ranks) if len(pairs) >= min_for_kappa else None,
    )

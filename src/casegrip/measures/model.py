"""The measure model: frozen, typed definitions that the runner evaluates on any engine.

A measure says which rows count (its ``rows`` function, built from Ibis expressions and the
primitives in ``primitives.py``), how they add up (``kind``), over what time (``time``), and how to
judge the result (``polarity``, ``target``, ``rag``). The rows function is evaluated once for
many windows at a time (every month of a series in one query): it receives a ``Frame`` whose
``windows`` table holds each window's start and end, and returns one row per counted thing per
window, with the columns in ``ROW_COLUMNS``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from .frame import Frame


class Polarity(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    CONTEXTUAL = "contextual"


class Time(StrEnum):
    PERIOD = "period"  # events in a window (assessments authorised in May)
    AS_AT = "as_at"  # state at the window's end (open CP plans on 31 March)


class Kind(StrEnum):
    PROPORTION = "proportion"  # numerator / denominator, as a percentage
    RATE_PER_10K = "rate_per_10k"  # numerator per 10,000 children in the population
    COUNT = "count"  # numerator rows
    MEDIAN = "median"  # median of ``value`` over the denominator rows
    MEAN = "mean"  # mean of ``value`` over the denominator rows
    # numerator rows per unit of ``value`` summed over the denominator rows: children per FTE
    # social worker, where each worker's row carries their FTE as its value
    RATIO = "ratio"


# Every rows function returns these columns (and may add breakdown columns of its own, such as
# legal_status or placement_type).
ROW_COLUMNS = (
    "window_end",  # which window the row belongs to
    "child_id",
    "team_id",  # the team the row is attributed to (null: the child's allocation is used)
    "worker_id",
    "in_denominator",
    "in_numerator",
    "value",  # a number for medians and means (e.g. working days); null otherwise
    "reason",  # in plain English, why this row counts or does not
)


@dataclass(frozen=True)
class TargetStep:
    effective_from: date
    value: float


@dataclass(frozen=True)
class Target:
    """A target that may change over time: a trajectory such as 50% by September, 80% by March."""

    steps: tuple[TargetStep, ...]

    @classmethod
    def fixed(cls, value: float) -> "Target":
        return cls((TargetStep(date(2000, 1, 1), value),))

    def at(self, day: date) -> float | None:
        current = None
        for step in sorted(self.steps, key=lambda s: s.effective_from):
            if step.effective_from <= day:
                current = step.value
        return current


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # no target, or a contextual measure


@dataclass(frozen=True)
class RagBands:
    """How far from target is amber: within ``amber_within`` (in the measure's units) of it."""

    amber_within: float = 5.0

    def judge(self, value: float | None, target: float | None, polarity: Polarity) -> Rag:
        if value is None or target is None or polarity is Polarity.CONTEXTUAL:
            return Rag.NONE
        gap = value - target if polarity is Polarity.HIGHER_BETTER else target - value
        if gap >= 0:
            return Rag.GREEN
        return Rag.AMBER if -gap <= self.amber_within else Rag.RED


@dataclass(frozen=True)
class Published:
    """A published figure to compare with: England's, by the year it refers to."""

    england: dict[int, float] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    group: str
    description: str  # plain English: who counts, when, and any choice we made
    source: str
    time: Time
    kind: Kind
    polarity: Polarity
    rows: Callable[["Frame"], "ir.Table"] = field(repr=False, compare=False)
    timescale: str = ""
    target: Target | None = None
    rag: RagBands = field(default_factory=RagBands)
    published: Published = field(default_factory=Published)
    due_rule: str = ""  # for timeliness measures: how the next event falls due
    breakdowns: tuple[str, ...] = ()  # extra breakdown columns the rows carry

    @property
    def unit(self) -> str:
        return {
            Kind.PROPORTION: "%",
            Kind.RATE_PER_10K: "per 10,000 children",
            Kind.COUNT: "children",
            Kind.MEDIAN: "",
            Kind.MEAN: "",
            Kind.RATIO: "",
        }[self.kind]

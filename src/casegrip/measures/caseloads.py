"""Caseloads on any date: who holds how many children, and which open cases have nobody.

Counted exactly as the workforce measures count them (catalogue/workforce.py): a worker's
caseload is the children whose allocation (the runner's rule: the most recent open allocation
in an allocated-worker role) names them on the date; an unallocated case is a child with an open
episode of need and no such allocation."""

from dataclasses import dataclass
from datetime import date

from casegrip.config import AuthorityConfig

from .catalogue.workforce import _case_holders, _unallocated_cases
from .frame import Frame, Window


@dataclass(frozen=True)
class Holder:
    worker_id: str
    team_id: str | None
    cases: int
    fte: float
    asye: bool


@dataclass(frozen=True)
class Caseloads:
    day: date
    holders: list[Holder]
    unallocated: list[dict]  # child_id, team_id (the referral's team)


def caseloads_on(connection, config: AuthorityConfig, day: date) -> Caseloads:
    """Every case holder's caseload, and the unallocated cases, on ``day``."""
    frame = Frame(connection, [Window(day, day)], config)
    held = connection.to_pylist(_case_holders(frame))
    holders = [
        Holder(
            worker_id=row["alloc_worker_id"],
            team_id=row["team"],
            cases=int(row["cases"]),
            fte=float(row["fte"] or 1.0),
            asye=bool(row["asye"]),
        )
        for row in held
    ]
    rows = _unallocated_cases(frame)
    unallocated = connection.to_pylist(
        rows.filter(rows.in_numerator).select("child_id", "team_id").order_by("child_id")
    )
    return Caseloads(day, sorted(holders, key=lambda h: (-h.cases, h.worker_id)), unallocated)

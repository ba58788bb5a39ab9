"""The register list: its filters, read from the query string, and its sort orders."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet
from django.http import QueryDict

from .models import Category, Risk, Status

SORTS = {
    "ref": lambda r: (r.register.name, r.ref),
    "title": lambda r: r.title.lower(),
    "score": lambda r: (r.latest.score if r.latest else 0, r.ref),
    "owner": lambda r: (str(r.owner).lower(), r.ref),
    "review": lambda r: (r.next_review_date or date.max, r.ref),
    "register": lambda r: (r.register.name, r.ref),
}
# Most people want the worst risks first and the soonest reviews first.
DEFAULT_DESCENDING = {"score"}


def _digit(value: str, low: int, high: int) -> str:
    return value if value.isdigit() and low <= int(value) <= high else ""


@dataclass(frozen=True)
class ListFilters:
    register: str = ""
    band: str = ""
    category: str = ""
    status: str = ""  # "" open risks, "all", or one status
    above_appetite: bool = False
    overdue: bool = False
    likelihood: str = ""  # current likelihood and impact: a heat map cell
    impact: str = ""
    sort: str = "score"
    descending: bool = True

    @classmethod
    def from_query(cls, query: QueryDict) -> "ListFilters":
        sort = query.get("sort", "score")
        sort = sort if sort in SORTS else "score"
        order = query.get("order", "")
        return cls(
            register=query.get("register", "") if query.get("register", "").isdigit() else "",
            band=query.get("band", "")[:16],
            category=query.get("category", "") if query.get("category") in Category.values else "",
            status=query.get("status", "")
            if query.get("status") in {"all", *Status.values}
            else "",
            above_appetite=query.get("appetite") == "1",
            overdue=query.get("overdue") == "1",
            likelihood=_digit(query.get("likelihood", ""), 1, 5),
            impact=_digit(query.get("impact", ""), 1, 5),
            sort=sort,
            descending=order == "desc" if order in ("asc", "desc") else sort in DEFAULT_DESCENDING,
        )

    @property
    def any(self) -> bool:
        return bool(
            self.register
            or self.band
            or self.category
            or self.status
            or self.above_appetite
            or self.overdue
            or self.likelihood
            or self.impact
        )


def filtered(risks: QuerySet[Risk], filters: ListFilters, today: date) -> list[Risk]:
    if filters.status == "":
        risks = risks.exclude(status=Status.CLOSED)
    elif filters.status != "all":
        risks = risks.filter(status=filters.status)
    if filters.register:
        risks = risks.filter(register_id=int(filters.register))
    if filters.band:
        risks = risks.filter(latest__band=filters.band)
    if filters.category:
        risks = risks.filter(category=filters.category)
    if filters.above_appetite:
        risks = risks.filter(latest__score__gt=F("appetite_threshold"))
    if filters.overdue:
        risks = risks.exclude(status=Status.CLOSED).filter(next_review_date__lt=today)
    if filters.likelihood:
        risks = risks.filter(latest__current_likelihood=int(filters.likelihood))
    if filters.impact:
        risks = risks.filter(latest__current_impact=int(filters.impact))
    rows = list(risks)
    rows.sort(key=SORTS[filters.sort], reverse=filters.descending)
    return rows

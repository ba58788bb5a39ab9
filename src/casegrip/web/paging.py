"""Long lists a page at a time, with GOV.UK's pagination component keeping the filters."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    pages: int
    total: int
    first: int  # 1-based position of the first item shown
    links: dict | None  # for includes/pagination.html; None when there is one page


def paginate(request: HttpRequest, items: Sequence, per_page: int) -> Page:
    """The page asked for (``?page=``, clamped to the pages there are) of ``items`` (a list or
    a query set)."""
    total = len(items) if isinstance(items, list) else items.count()
    pages = max(1, -(-total // per_page))
    asked = request.GET.get("page", "1")
    number = min(max(int(asked), 1), pages) if asked.isdigit() else 1
    start = (number - 1) * per_page
    return Page(
        list(items[start : start + per_page]),
        number,
        pages,
        total,
        start + 1,
        _links(request, number, pages),
    )


def _links(request: HttpRequest, page: int, pages: int) -> dict | None:
    if pages == 1:
        return None

    def href(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return "?" + query.urlencode()

    return {
        "page": page,
        "pages": pages,
        "previous": href(page - 1) if page > 1 else "",
        "next": href(page + 1) if page < pages else "",
        "items": [
            {"number": n, "href": href(n), "current": n == page} for n in range(1, pages + 1)
        ],
    }

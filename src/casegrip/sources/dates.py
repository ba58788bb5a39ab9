"""Lenient date parsing for the SSDA903 and CIN census sources.

The DfE returns write dates as ``DD/MM/YYYY`` (SSDA903 CSV) or ``YYYY-MM-DD`` (CIN census XML,
``xs:date``), but councils' exports drift: one-digit days, ``-`` or ``.`` separators, a time
after the date (Excel, ``xs:dateTime``) or an ``xs:date`` time zone. All of those are read; a
day-first date is never read month-first. Anything else is not a date.
"""

import re
from datetime import date
from functools import lru_cache

_TIME = r"(?:Z|[+-]\d{2}:\d{2}|[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE = re.compile(
    r"\s*(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}))" + _TIME + r"\s*"
)


@lru_cache(maxsize=1 << 16)
def parse_date(text: str | None) -> date | None:
    """The date written in ``text``; ``None`` when it is blank.

    Raises ``ValueError`` when ``text`` is not a date (wrong shape, or a day that does not
    exist such as 31/02/2020). Cached: returns repeat the same dates many times over.
    """
    if text is None or not text.strip():
        return None
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    if match["iy"]:
        return date(int(match["iy"]), int(match["im"]), int(match["id"]))
    return date(int(match["y"]), int(match["m"]), int(match["d"]))

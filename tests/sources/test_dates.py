from datetime import date

import pytest

from casegrip.sources.dates import parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/03/2024", date(2024, 3, 31)),
        ("1/4/2023", date(2023, 4, 1)),
        ("01-04-2023", date(2023, 4, 1)),
        ("01.04.2023", date(2023, 4, 1)),
        ("2024-03-31", date(2024, 3, 31)),
        (" 2024-03-31 ", date(2024, 3, 31)),
        ("2024-03-31Z", date(2024, 3, 31)),
        ("2024-03-31+01:00", date(2024, 3, 31)),
        ("2024-03-31T10:15:00", date(2024, 3, 31)),
        ("2024-03-31 10:15:00.123", date(2024, 3, 31)),
        ("31/03/2024 00:00", date(2024, 3, 31)),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_reads_the_dates_returns_use(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2024",  # no such day
        "12/31/2024",  # month first is never read
        "2024/03/31",
        "31/03/24",
        "yesterday",
        "2024-03-31T",
        "2024-13-01",
        "31/03-2024",  # mixed separators
    ],
)
def test_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueError, match=r"not a date|day is out of range|month must be"):
        parse_date(text)

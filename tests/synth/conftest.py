"""One small synthetic authority, made once for all the synth tests (it takes a few seconds)."""

from datetime import date

import pytest

from casegrip.synth import synthesise

END = date(2025, 6, 30)


def years_on(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for 29 February), as the DfE counts ages."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@pytest.fixture(scope="session")
def small():
    return synthesise("small", years=2, seed=1, end_date=END)


@pytest.fixture(scope="session")
def rows(small):
    """A table's columns as Python rows: ``rows("ssd_cp_plans", "cppl_cp_plan_id", ...)``."""

    def get(name: str, *columns: str) -> list[tuple]:
        table = small.extract.tables[name]
        return list(zip(*(table.column(c).to_pylist() for c in columns), strict=True))

    return get

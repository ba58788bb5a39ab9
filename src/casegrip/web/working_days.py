"""The working-day calendar in force for the oversight record: England's bank holidays plus the
authority's closure days from the live snapshot's configuration (bank holidays alone before any
import). Every deadline the web apps set in working days comes from here."""

from datetime import date
from functools import lru_cache

from casegrip.calendar import WorkingCalendar
from casegrip.config import ConfigError
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config


def closure_days() -> tuple[date, ...]:
    live = live_snapshot()
    if live is None:
        return ()
    try:
        return tuple(sorted(snapshot_config(live).closure_days))
    except ConfigError:
        return ()


@lru_cache(maxsize=4)
def _calendar(closures: tuple[date, ...]) -> WorkingCalendar:
    return WorkingCalendar(closures)


def working_calendar() -> WorkingCalendar:
    """The calendar in force now (one per set of closures, built once per process)."""
    return _calendar(closure_days())

"""Working days across weekends, England's bank holidays and local closure days."""

from datetime import date, timedelta

import pytest

from casegrip.calendar import WorkingCalendar

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 12, 24), True),  # Wednesday
        (date(2025, 12, 25), False),  # Christmas Day
        (date(2025, 12, 26), False),  # Boxing Day
        (date(2025, 12, 27), False),  # Saturday
        (date(2026, 8, 31), False),  # Summer bank holiday (England, not Scotland)
        (date(2026, 8, 3), True),  # Scotland's summer holiday is a working day in England
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
    ],
)
def test_working_days_follow_englands_bank_holidays(day, working):
    assert CAL.is_working_day(day) is working


def test_counting_across_christmas():
    # Thu 25, Fri 26 holidays; weekend; Mon 29, Tue 30, Wed 31; Thu 1 Jan holiday; Fri 2.
    assert CAL.working_days_between(date(2025, 12, 24), date(2026, 1, 2)) == 4
    assert CAL.working_days_between(date(2026, 1, 2), date(2025, 12, 24)) == -4
    assert CAL.working_days_between(date(2026, 1, 2), date(2026, 1, 2)) == 0


def test_adding_and_subtracting_skip_holidays():
    assert CAL.add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
    assert CAL.add_working_days(date(2025, 12, 24), 0) == date(2025, 12, 24)
    assert CAL.subtract_working_days(date(2025, 12, 29), 1) == date(2025, 12, 24)
    # 45 working days from a referral on Monday 1 December 2025.
    due = CAL.add_working_days(date(2025, 12, 1), 45)
    assert CAL.working_days_between(date(2025, 12, 1), due) == 45
    assert due == date(2026, 2, 5)  # counted by hand: 20 in December, 25 to 5 February


def test_local_closure_days_are_not_working_days():
    closed = WorkingCalendar(closures=[date(2025, 12, 29), date(2025, 12, 30)])
    assert not closed.is_working_day(date(2025, 12, 29))
    assert closed.working_days_between(date(2025, 12, 24), date(2026, 1, 2)) == 2


def test_calendar_table_index_difference_equals_working_days_between():
    start, end = date(2025, 1, 1), date(2026, 12, 31)
    table = CAL.table(start, end).to_pylist()
    index = {row["date"]: row["working_day_index"] for row in table}
    assert len(table) == (end - start).days + 1
    for a, b in [(date(2025, 3, 3), date(2025, 6, 30)), (date(2025, 12, 20), date(2026, 1, 5))]:
        assert index[b] - index[a] == CAL.working_days_between(a, b)
    holiday = next(r for r in table if r["date"] == date(2025, 12, 25))
    assert holiday["bank_holiday"] == "Christmas Day"
    assert not holiday["is_working_day"]


def test_outside_the_calendar_is_an_error_not_a_wrong_answer():
    with pytest.raises(ValueError, match="outside the calendar"):
        CAL.working_days_between(date(1999, 12, 31), date(2000, 1, 4))


def test_every_weekday_that_is_not_a_holiday_counts_once():
    day, count = date(2026, 1, 1), 0
    while day < date(2027, 1, 1):
        count += CAL.is_working_day(day)
        day += timedelta(days=1)
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == count == 253

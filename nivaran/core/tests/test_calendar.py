from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nivaran.core.calendar import BusinessCalendar

IST = ZoneInfo("Asia/Kolkata")
# Mon-Sat 09:00-18:00 with Republic Day (a Monday in 2026) off.
CAL = BusinessCalendar.build(
    working_days=["mon", "tue", "wed", "thu", "fri", "sat"],
    opens="09:00",
    closes="18:00",
    holidays=[date(2026, 1, 26)],
)


def ist(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=IST)


def test_working_days_count_from_the_next_day_and_end_at_close():
    # Wednesday 11:00 + 2 working days -> Friday 18:00
    assert CAL.add_working_days(ist(2026, 1, 21, 11, 0), 2) == ist(2026, 1, 23, 18, 0)


def test_working_days_skip_sundays_and_holidays():
    # Saturday 24 Jan + 1 -> Sunday off, Monday 26 is Republic Day -> Tuesday 27
    assert CAL.add_working_days(ist(2026, 1, 24, 10, 0), 1) == ist(2026, 1, 27, 18, 0)


def test_registration_after_hours_starts_the_clock_next_working_day():
    # Friday 20:00 -> clock starts Saturday 09:00 -> +1 working day = Monday 18:00... Monday
    # 26 Jan is a holiday in this calendar, so Tuesday.
    assert CAL.add_working_days(ist(2026, 1, 23, 20, 0), 1) == ist(2026, 1, 27, 18, 0)


def test_working_hours_carry_over_closed_hours():
    # Friday 16:00 + 8 working hours: 2 on Friday, 6 on Saturday from 09:00 -> 15:00
    assert CAL.add_working_hours(ist(2026, 1, 23, 16, 0), 8) == ist(2026, 1, 24, 15, 0)


def test_clock_hours_ignore_the_calendar():
    start = ist(2026, 1, 25, 22, 0)  # a Sunday night
    assert CAL.add_clock_hours(start, 24) == start + timedelta(hours=24)


def test_is_open_follows_hours_days_and_holidays():
    assert CAL.is_open(ist(2026, 1, 21, 9, 0))
    assert not CAL.is_open(ist(2026, 1, 21, 18, 0))
    assert not CAL.is_open(ist(2026, 1, 25, 12, 0))  # Sunday
    assert not CAL.is_open(ist(2026, 1, 26, 12, 0))  # Republic Day


def test_utc_input_is_read_in_the_calendars_zone():
    # 03:30 UTC is 09:00 IST
    assert CAL.is_open(datetime(2026, 1, 21, 3, 30, tzinfo=ZoneInfo("UTC")))


def test_bad_calendars_are_refused():
    with pytest.raises(ValueError):
        BusinessCalendar.build(working_days=[], opens="09:00", closes="18:00", holidays=[])
    with pytest.raises(ValueError):
        BusinessCalendar.build(working_days=["mon"], opens="18:00", closes="09:00", holidays=[])


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    days=st.integers(min_value=1, max_value=30),
)
def test_deadlines_fall_at_close_of_a_working_day_after_the_start(start, days):
    start = start.replace(tzinfo=IST)
    due = CAL.add_working_days(start, days)
    assert due > start
    assert CAL.is_working_day(due.date())
    assert due.timetz().replace(tzinfo=None) == CAL.closes
    # exactly `days` working days lie after the day the clock started, up to the due day
    first = CAL.next_opening(start).date()
    counted = sum(
        1
        for n in range(1, (due.date() - first).days + 1)
        if CAL.is_working_day(first + timedelta(days=n))
    )
    assert counted == days


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    hours=st.integers(min_value=1, max_value=60),
)
def test_working_hours_deadline_is_within_office_hours(start, hours):
    start = start.replace(tzinfo=IST)
    due = CAL.add_working_hours(start, hours)
    assert due > start
    local = due.astimezone(IST)
    assert CAL.is_working_day(local.date())
    assert CAL.opens < local.time() <= CAL.closes

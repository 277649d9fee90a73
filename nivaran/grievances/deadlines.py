"""Deadlines per level, from the complaint type, the profile and the business calendar."""

from __future__ import annotations

from datetime import datetime

from django.db import DEFAULT_DB_ALIAS

from nivaran.catalog.models import Category
from nivaran.core.calendar import BusinessCalendar
from nivaran.core.models import Holiday
from nivaran.core.versions import HOLIDAYS, ProcessCopy
from nivaran.profiles.loader import Deadlines, Profile, active_profile

# Kept per process, so read from the primary: a copy from a replica not yet replayed would
# be kept under the write's new version.
_holidays = ProcessCopy(
    HOLIDAYS,
    lambda: frozenset(Holiday.objects.using(DEFAULT_DB_ALIAS).values_list("date", flat=True)),
)


def business_calendar(profile: Profile | None = None) -> BusinessCalendar:
    """The profile's calendar with the holidays held as master data in the database (a
    copy per process, read again when a holiday is written anywhere)."""
    profile = profile or active_profile()
    holidays = _holidays.get()
    if not holidays:
        return profile.calendar
    cal = profile.calendar
    return BusinessCalendar(cal.working_weekdays, cal.opens, cal.closes, holidays, cal.tz)


def category_deadlines(category: Category, profile: Profile) -> Deadlines:
    """The complaint type's own deadlines, or the profile's default when it has none."""
    own = (category.deadline_l1, category.deadline_l2, category.deadline_l3, category.deadline_l4)
    if category.deadline_unit and all(v is not None for v in own):
        return Deadlines(category.deadline_unit, own)  # type: ignore[arg-type]
    return profile.deadlines


def due_at(
    *,
    deadlines: Deadlines,
    level: int,
    start: datetime,
    calendar: BusinessCalendar,
) -> datetime:
    amount = deadlines.for_level(level)
    if deadlines.unit == "working_days":
        return calendar.add_working_days(start, amount)
    if deadlines.unit == "working_hours":
        return calendar.add_working_hours(start, amount)
    return calendar.add_clock_hours(start, amount)


def deadlines_for(*, category: Category, emergency: bool, profile: Profile) -> Deadlines:
    return profile.emergency_deadlines if emergency else category_deadlines(category, profile)

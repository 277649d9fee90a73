"""The business calendar: working days, office hours and holidays of a state.

Deadlines are computed here and nowhere else. All arithmetic happens in the
calendar's own time zone; callers pass and receive aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    working_weekdays: frozenset[int]  # 0 = Monday
    opens: time
    closes: time
    holidays: frozenset[date]
    tz: ZoneInfo

    @classmethod
    def build(
        cls,
        *,
        working_days: Iterable[str],
        opens: str,
        closes: str,
        holidays: Iterable[date],
        tz: str = "Asia/Kolkata",
    ) -> BusinessCalendar:
        weekdays = frozenset(WEEKDAYS.index(day.lower()[:3]) for day in working_days)
        if not weekdays:
            raise ValueError("a calendar needs at least one working day")
        o, c = time.fromisoformat(opens), time.fromisoformat(closes)
        if not o < c:
            raise ValueError("office hours must open before they close")
        return cls(weekdays, o, c, frozenset(holidays), ZoneInfo(tz))

    # --- questions ---------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.holidays

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        for _ in range(3660):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within ten years")

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def next_opening(self, at: datetime) -> datetime:
        """`at` itself when the office is open, else the next moment it opens."""
        local = at.astimezone(self.tz)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.opens:
                return self._at(day, self.opens)
            if local.time() < self.closes:
                return local
        return self._at(self.next_working_day(day), self.opens)

    # --- deadlines ---------------------------------------------------------

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Close of business on the `days`-th working day after the clock starts.

        The clock starts at `start`, or at the next opening when the office is
        closed; that first day is not counted.
        """
        if days < 1:
            raise ValueError("days must be at least 1")
        day = self.next_opening(start).date()
        for _ in range(days):
            day = self.next_working_day(day)
        return self._at(day, self.closes)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment when `hours` of office time have passed since `start`."""
        if hours <= 0:
            raise ValueError("hours must be positive")
        remaining = timedelta(hours=hours)
        cursor = self.next_opening(start)
        while True:
            closing = self._at(cursor.date(), self.closes)
            available = closing - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            cursor = self._at(self.next_working_day(cursor.date()), self.opens)

    @staticmethod
    def add_clock_hours(start: datetime, hours: float) -> datetime:
        return start + timedelta(hours=hours)

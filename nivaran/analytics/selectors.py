"""Reads of the rollups that other apps' pages show (no grievance is read here)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from nivaran.analytics.models import DailyFigure
from nivaran.analytics.rollups import local_day

# --- The "Others" share (H9) ------------------------------------------------------------


@dataclass(frozen=True)
class MonthShare:
    month: date  # the first day of the month, in the state's time zone
    total: int
    others: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.others / self.total, 1) if self.total else None


@dataclass(frozen=True)
class OthersShare:
    department_id: int
    months: list[MonthShare]
    # "up", "down" or "steady": the least-squares slope of the monthly share over the
    # months with any grievance, at least one percentage point a month either way to move;
    # None with fewer than two such months.
    trend: str | None
    slope: float | None  # percentage points per month


def _months_back(today: date, months: int) -> list[date]:
    year, month = today.year, today.month
    out = []
    for _n in range(months):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _trend(months: Iterable[MonthShare]) -> tuple[str | None, float | None]:
    points = [(i, float(m.percent)) for i, m in enumerate(months) if m.percent is not None]
    if len(points) < 2:
        return None, None
    n = len(points)
    mean_x = sum(x for x, _y in points) / n
    mean_y = sum(y for _x, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _y in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = round(sxy / sxx, 2)
    if slope >= 1:
        return "up", slope
    if slope <= -1:
        return "down", slope
    return "steady", slope


def others_share(
    *, department_ids: Sequence[int], months: int = 6, now: datetime
) -> dict[int, OthersShare]:
    """Each department's grievances registered per month, and how many under its "Others"
    type(s), for the current month (to today) and the `months - 1` before it, with the
    trend: one grouped read of the analytics rollups (`DailyFigure`), never the grievances."""
    firsts = _months_back(local_day(now), months)
    rows = (
        DailyFigure.objects.filter(
            department_id__in=department_ids, day__gte=firsts[0], day__lte=local_day(now)
        )
        .annotate(month=TruncMonth("day"))
        .values("department_id", "month")
        .annotate(
            total=Sum("registered"),
            under_others=Sum("registered", filter=Q(category__is_others=True)),
        )
        .order_by()
    )
    found: dict[tuple[int, date], tuple[int, int]] = {}
    for r in rows:
        month = r["month"]
        month = month.date() if isinstance(month, datetime) else month
        found[(r["department_id"], month)] = (r["total"] or 0, r["under_others"] or 0)
    result = {}
    for dept in department_ids:
        series = [MonthShare(m, *found.get((dept, m), (0, 0))) for m in firsts]
        trend, slope = _trend(series)
        result[dept] = OthersShare(dept, series, trend, slope)
    return result

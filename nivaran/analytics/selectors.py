"""Reads of the rollups that other apps' pages show (no grievance is read here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from nivaran.analytics.models import DailyFigure
from nivaran.analytics.rollups import local_day


@dataclass(frozen=True)
class OthersMonth:
    department_id: int
    month: date  # the first day of the month
    registered: int
    others: int

    @property
    def share(self) -> float | None:
        return round(self.others / self.registered, 4) if self.registered else None


def _month_start(day: date, back: int) -> date:
    month = day.month - 1 - back
    return date(day.year + month // 12, month % 12 + 1, 1)


def others_share(
    *, department_ids: list[int], months: int = 6, now: datetime | None = None
) -> dict[int, list[OthersMonth]]:
    """Each department's registrations per month and how many were under an "Others"
    type, for the last `months` months (this one included), oldest first (H9)."""
    today = local_day(now or timezone.now())
    first = _month_start(today, months - 1)
    rows = (
        DailyFigure.objects.filter(department_id__in=department_ids, day__gte=first)
        .annotate(month=TruncMonth("day"))
        .values("department_id", "month")
        .annotate(
            total=Sum("registered"),
            under_others=Sum("registered", filter=Q(category__is_others=True)),
        )
        .order_by()
    )
    found = {(r["department_id"], r["month"]): r for r in rows}
    result: dict[int, list[OthersMonth]] = {}
    for dept in department_ids:
        series = []
        for back in range(months - 1, -1, -1):
            month = _month_start(today, back)
            r = found.get((dept, month), {})
            series.append(OthersMonth(dept, month, r.get("total") or 0, r.get("under_others") or 0))
        result[dept] = series
    return result

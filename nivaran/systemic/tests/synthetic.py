"""Synthetic weekly counts registered as real grievances, for the detection tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from nivaran.catalog.models import Category
from nivaran.geo.models import Area
from nivaran.grievances.models import Citizen
from nivaran.grievances.workflow import BulkItem, grievances_register_bulk
from nivaran.profiles.loader import active_profile
from nivaran.testing.world import World

# A Wednesday: the latest complete week is the one starting Monday 16 November 2026.
NOW_DAY = date(2026, 11, 25)
TESTED_WEEK = date(2026, 11, 16)


def now() -> datetime:
    return datetime.combine(NOW_DAY, time(12, 0), tzinfo=active_profile().calendar.tz)


def weeks_back(count: int, last: date = TESTED_WEEK) -> list[date]:
    return [last - timedelta(weeks=count - 1 - i) for i in range(count)]


def register_counts(world: World, plan: Mapping[tuple[Category, Area], Mapping[date, int]]) -> int:
    """Register `plan[(type, area)][monday]` grievances in that week, spread over its days
    (Monday 00:10 and Sunday 23:50 in the state's time zone included: the week's edges)."""
    tz = active_profile().calendar.tz
    citizen, _ = Citizen.objects.get_or_create(
        name_key="ramesh kumar", mobile="9876543210", defaults={"name": "Ramesh Kumar"}
    )
    moments = [time(0, 10), time(11, 0), time(23, 50)]
    items = []
    for (category, area), weeks in plan.items():
        for monday, count in weeks.items():
            for i in range(count):
                day = monday + timedelta(days=(i * 3) % 7)
                items.append(
                    BulkItem(
                        citizen_id=citizen.pk,
                        category=category,
                        area=area,
                        description="गाँव में कई दिनों से बिजली नहीं है, कृपया देखें।",
                        channel="call_centre",
                        registered_at=datetime.combine(day, moments[i % 3], tzinfo=tz),
                    )
                )
    return grievances_register_bulk(items=items, actor=world["telecaller"])


def many_cells(world: World, districts: int = 8) -> tuple[list[Category], list[Area]]:
    """`districts` districts beside the world's two, and the world's three complaint types."""
    areas = [world.district, world.other_district]
    for i in range(districts - 2):
        areas.append(
            Area.objects.create(
                code=f"TS-D{i}", name=f"District {i}", type="district", parent=world.state
            )
        )
    return [world.category, world.hours_category, world.other_category], areas

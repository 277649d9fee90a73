"""The "Others" share per department and month (H9) against a hand-computed fixture, read
from the analytics rollups."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nivaran.analytics.rollups import rollups_rebuild
from nivaran.analytics.selectors import others_share
from nivaran.catalog.models import Category
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=IST)


def _lodge(world: World, at: datetime, category: Category, n: int) -> None:
    for i in range(n):
        world.register(at=at, category=category, mobile=f"98765{at.month:02d}{i:03d}")


def test_monthly_share_and_trend_from_a_hand_computed_fixture(world: World):
    others = Category.objects.get(code="REV-OTH")
    typed = world.category
    # Revenue: Jan 1 of 10 under Others (10%), Mar 2 of 10 (20%), May 3 of 10 (30%), June
    # (so far) 4 of 10 (40%); Feb and Apr none. The June "Others" ones are lodged at 00:10
    # IST on 1 June, still 31 May in UTC: months are the platform's (IST).
    for month, under_others in [(1, 1), (3, 2), (5, 3)]:
        _lodge(world, datetime(2026, month, 10, 11, 0, tzinfo=IST), others, under_others)
        _lodge(world, datetime(2026, month, 10, 11, 0, tzinfo=IST), typed, 10 - under_others)
    _lodge(world, datetime(2026, 6, 1, 0, 10, tzinfo=IST), others, 4)
    _lodge(world, datetime(2026, 6, 14, 9, 0, tzinfo=IST), typed, 6)
    # Before the window (December 2025) and after today: not counted.
    _lodge(world, datetime(2025, 12, 31, 23, 0, tzinfo=IST), others, 5)
    _lodge(world, datetime(2026, 6, 16, 13, 0, tzinfo=IST), others, 2)
    # Power: a steady 0 of 2 in March and June.
    _lodge(world, datetime(2026, 3, 5, 10, 0, tzinfo=IST), world.other_category, 2)
    _lodge(world, datetime(2026, 6, 5, 10, 0, tzinfo=IST), world.other_category, 2)

    rollups_rebuild(now=NOW)
    shares = others_share(
        department_ids=[world.department.pk, world.other_department.pk], months=6, now=NOW
    )
    rev = shares[world.department.pk]
    assert [(m.month, m.total, m.others, m.percent) for m in rev.months] == [
        (date(2026, 1, 1), 10, 1, 10.0),
        (date(2026, 2, 1), 0, 0, None),
        (date(2026, 3, 1), 10, 2, 20.0),
        (date(2026, 4, 1), 0, 0, None),
        (date(2026, 5, 1), 10, 3, 30.0),
        (date(2026, 6, 1), 10, 4, 40.0),
    ]
    # Least squares over (0, 10), (2, 20), (4, 30), (5, 40): mean x 2.75, mean y 25;
    # sxy = (-2.75)(-15) + (-0.75)(-5) + (1.25)(5) + (2.25)(15) = 41.25 + 3.75 + 6.25 + 33.75
    # = 85; sxx = 7.5625 + 0.5625 + 1.5625 + 5.0625 = 14.75; slope = 5.76 points a month.
    assert (rev.trend, rev.slope) == ("up", 5.76)
    pwr = shares[world.other_department.pk]
    assert [m.percent for m in pwr.months] == [None, None, 0.0, None, None, 0.0]
    assert (pwr.trend, pwr.slope) == ("steady", 0.0)


def test_one_month_has_no_trend_and_the_year_turns(world: World):
    _lodge(world, datetime(2025, 11, 3, 10, 0, tzinfo=IST), world.category, 1)
    rollups_rebuild(now=datetime(2026, 1, 2, tzinfo=IST))
    share = others_share(
        department_ids=[world.department.pk], months=3, now=datetime(2026, 1, 2, tzinfo=IST)
    )[world.department.pk]
    assert [m.month for m in share.months] == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]
    assert share.months[0].total == 1 and share.trend is None


def test_the_share_reads_the_rollups_not_the_grievances(world: World):
    _lodge(world, datetime(2026, 6, 5, 10, 0, tzinfo=IST), world.category, 3)
    rollups_rebuild(now=NOW)
    with CaptureQueriesContext(connection) as queries:
        share = others_share(department_ids=[world.department.pk], months=6, now=NOW)
    assert share[world.department.pk].months[-1].total == 3
    assert len(queries) == 1
    assert "grievances_grievance" not in queries[0]["sql"]


def test_a_department_without_an_others_type_has_a_zero_share(world: World):
    _lodge(world, datetime(2026, 6, 5, 10, 0, tzinfo=IST), world.other_category, 2)
    rollups_rebuild(now=NOW)
    share = others_share(department_ids=[world.other_department.pk], months=2, now=NOW)
    assert [(m.total, m.others) for m in share[world.other_department.pk].months] == [
        (0, 0),
        (2, 0),
    ]
    assert others_share(department_ids=[], months=6, now=NOW) == {}

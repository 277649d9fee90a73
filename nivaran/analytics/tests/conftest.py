"""A hand-computed week the analytics tests share."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from nivaran.analytics.ranking import Period
from nivaran.analytics.rollups import rollups_refresh
from nivaran.grievances.workflow import grievance_act

IST = ZoneInfo("Asia/Kolkata")
WEEK = Period(start=date(2026, 11, 23), end=date(2026, 11, 29))  # Monday to Sunday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=IST)


def act(world, username: str, g, action: str, data: dict[str, str], when: datetime):
    return grievance_act(
        grievance_id=g.pk, actor=world[username], action=action, data=data, at=when
    )


@pytest.fixture
def week(world):
    """Revenue: 4 registered on Monday; one closed satisfied, one rejected, one in
    progress, one (8 working hours) overdue by Sunday. Power: one pending, in time."""
    g1 = world.register(at=at(23, 11))
    act(world, "officer_l1", g1, "submit_atr", {"summary": "Mutation entered"}, at(23, 12))
    act(world, "feedback", g1, "record_feedback", {"outcome": "satisfied"}, at(23, 13))
    g2 = world.register(at=at(23, 11, 5), mobile="9876500002")
    act(
        world,
        "officer_l1",
        g2,
        "interim_reply",
        {"message": "Patwari visits on Friday"},
        at(23, 12),
    )
    g3 = world.register(at=at(23, 11, 10), mobile="9876500003")
    act(world, "officer_l1", g3, "reject", {"reason": "A court case is pending"}, at(23, 12))
    world.register(at=at(23, 11, 15), category=world.hours_category, mobile="9876500004")
    world.register(
        at=at(24, 10), category=world.other_category, mobile="9876500005", actor="telecaller"
    )
    rollups_refresh(now=at(29, 23))
    return world

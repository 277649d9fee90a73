"""The sync filters of GET /api/v1/grievances/: windows, channel, and incremental sync
by (updated_at, number) with a cursor that never misses or repeats a change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.utils import timezone

from nivaran.grievances.models import Grievance
from nivaran.grievances.tests.test_api import client_for
from nivaran.grievances.workflow import grievance_act
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db

BASE = "/api/v1/grievances/"


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [g["number"] for g in response.json()["results"]]


def iso(value: datetime) -> str:
    return quote(value.isoformat())


def test_registered_window_is_half_open_and_channel_filters(world: World):
    start = timezone.now() - timedelta(days=10)
    first = world.register(at=start, channel="call_centre")
    second = world.register(at=start + timedelta(days=1), channel="open311", mobile="9811111111")
    third = world.register(at=start + timedelta(days=2), channel="web", mobile="9822222222")
    cmo = client_for("cmo")

    window = f"registered_after={iso(start)}&registered_before={iso(start + timedelta(days=2))}"
    assert set(numbers(cmo.get(f"{BASE}?{window}"))) == {first.number, second.number}
    later = f"registered_after={iso(start + timedelta(days=1))}"
    assert set(numbers(cmo.get(f"{BASE}?{later}"))) == {second.number, third.number}
    assert numbers(cmo.get(f"{BASE}?channel=open311")) == [second.number]
    assert numbers(cmo.get(f"{BASE}?channel=walk_in")) == []


def test_an_offset_sent_unencoded_still_parses(world: World):
    world.register(at=timezone.now() - timedelta(days=3))
    cmo = client_for("cmo")
    # "+05:30" in a raw query string arrives as " 05:30".
    response = cmo.get(f"{BASE}?registered_after=2020-01-01T00:00:00+05:30")
    assert len(numbers(response)) == 1
    assert len(numbers(cmo.get(f"{BASE}?registered_after=2020-01-01T00:00:00"))) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("channel=fax", "channel"),
        ("registered_after=yesterday", "registered_after"),
        ("registered_before=2026-13-01T00:00:00Z", "registered_before"),
        ("updated_since=soon", "updated_since"),
        (
            "registered_after=2026-02-01T00:00:00Z&registered_before=2026-01-01T00:00:00Z",
            "registered_before",
        ),
        ("after=HR2600000001", "after"),  # a cursor without updated_since
        ("updated_since=2026-01-01T00:00:00Z&after=NOPE", "after"),
    ],
)
def test_invalid_sync_parameters_are_400_naming_them(world: World, query, field):
    response = client_for("cmo").get(f"{BASE}?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]


def sync(client, since: datetime, after: str | None, page_size: int = 2) -> list[dict[str, Any]]:
    query = f"updated_since={iso(since)}&page_size={page_size}"
    if after:
        query += f"&after={after}"
    response = client.get(f"{BASE}?{query}")
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_incremental_sync_with_the_cursor_never_misses_or_repeats(world: World):
    base = timezone.now() - timedelta(days=5)
    # Two registered in the same instant: the number breaks the tie.
    made = [
        world.register(at=base, mobile="9800000001"),
        world.register(at=base, mobile="9800000002"),
        world.register(at=base + timedelta(hours=1), mobile="9800000003"),
        world.register(at=base + timedelta(hours=2), mobile="9800000004"),
        world.register(at=base + timedelta(hours=3), mobile="9800000005"),
    ]
    cmo = client_for("cmo")
    seen: list[str] = []
    since, after = base - timedelta(days=1), None
    while rows := sync(cmo, since, after):
        seen += [r["number"] for r in rows]
        since, after = datetime.fromisoformat(rows[-1]["updated_at"]), rows[-1]["number"]
    assert seen == [g.number for g in made]  # (updated_at, number) ascending, each once

    # A change after the last sync comes once, as a new version of that row.
    grievance_act(
        grievance_id=made[1].pk,
        actor=world["officer_l1"],
        action="reject",
        data={"reason": "Not a grievance of this department at all."},
        at=base + timedelta(days=1),
    )
    rows = sync(cmo, since, after)
    assert [(r["number"], r["status"]) for r in rows] == [(made[1].number, "rejected")]
    since, after = datetime.fromisoformat(rows[-1]["updated_at"]), rows[-1]["number"]
    assert sync(cmo, since, after) == []


def test_sync_holds_back_changes_younger_than_the_settle_time(world: World, settings):
    settings.NIVARAN_SYNC_SETTLE_SECONDS = 300
    old = world.register(at=timezone.now() - timedelta(hours=1))
    fresh = world.register(mobile="9800000009")  # now: its transaction may still be in flight
    cmo = client_for("cmo")
    since = timezone.now() - timedelta(days=1)
    assert [r["number"] for r in sync(cmo, since, None, page_size=10)] == [old.number]
    # The plain list is not held back.
    assert fresh.number in numbers(cmo.get(BASE))
    settings.NIVARAN_SYNC_SETTLE_SECONDS = 0
    assert [r["number"] for r in sync(cmo, since, None, page_size=10)] == [
        old.number,
        fresh.number,
    ]


def test_sync_stays_within_the_callers_jurisdiction(world: World):
    at = timezone.now() - timedelta(days=2)
    mine = world.register(at=at)  # One Block, district One
    world.register(at=at, area=world.other_district, mobile="9800000007")
    rows = sync(client_for("officer_l1"), at - timedelta(days=1), None, page_size=10)
    assert [r["number"] for r in rows] == [mine.number]
    assert Grievance.objects.count() == 2

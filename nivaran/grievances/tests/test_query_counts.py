"""Reads and the sweep cost the same number of queries whatever the number of rows (no N+1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from rest_framework.test import APIClient

from nivaran.accounts.services import system_user
from nivaran.core.rows import MAX_PARAMETERS, update_rows
from nivaran.geo.models import Area
from nivaran.grievances.models import Citizen, Grievance
from nivaran.grievances.workflow import (
    BulkItem,
    grievance_act,
    grievances_register_bulk,
    grievances_sweep,
)
from nivaran.grievances.workflow.sweep import BATCH
from nivaran.testing.world import World

IST = ZoneInfo("Asia/Kolkata")
START = datetime(2026, 3, 16, 10, 0, tzinfo=IST)
INSERT = re.compile(r'^\s*INSERT INTO "?(\w+)"?', re.IGNORECASE)

pytestmark = pytest.mark.django_db


def statements(call: Callable[[], Any]) -> list[str]:
    """The SQL statements a call runs, as the ORM wrote them (placeholders, not values).

    One bulk INSERT that the backend splits by its parameter limit (SQLite: 999 per
    statement, so 83 history events) counts once: a chunk that follows a multi-row chunk
    into the same table is folded into it. Single-row INSERTs in a loop are never folded.
    """
    seen: list[tuple[str, int]] = []

    def record(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        seen.append((sql, sql.count("), (") + 1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    out: list[str] = []
    previous: tuple[str, int] = ("", 0)
    for sql, rows in seen:
        table, last = INSERT.match(sql), INSERT.match(previous[0])
        if not (table and last and previous[1] > 1 and table.group(1) == last.group(1)):
            out.append(sql)
        previous = (sql, rows)
    return out


def assert_same(few: list[str], many: list[str]) -> None:
    assert len(few) == len(many), "the query count grows with the rows:\n" + "\n".join(many)


def client_for(world: World, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world[username])
    return client


def spots(world: World) -> list[tuple[Any, Area]]:
    """Both departments, both districts, a district and a block: each row joins differently."""
    other_block = Area.objects.get(code="TS-TWO-B1")
    return [
        (world.category, world.block),
        (world.other_category, world.block),
        (world.category, world.district),
        (world.category, other_block),
        (world.hours_category, world.block),
    ]


def add_grievances(world: World, count: int, first: int) -> None:
    places = spots(world)
    for i in range(first, first + count):
        category, area = places[i % len(places)]
        world.register(
            category=category,
            area=area,
            citizen_name=f"Citizen {i}",
            mobile=f"98{i:08d}",
            at=START + timedelta(minutes=i),
        )


@pytest.mark.parametrize(
    ("username", "query"),
    [
        ("cmo", "?page_size=100"),
        ("cmo", "?status=open&overdue=true&page_size=100"),
        ("officer_l1", "?page_size=100"),
        ("officer_l1", "?status=open&overdue=true&page_size=100"),
        ("officer_l1", "?mine=true&page_size=100"),
    ],
)
def test_the_list_takes_the_same_queries_for_5_and_50_grievances(world, username, query):
    client = client_for(world, username)
    url = f"/api/v1/grievances/{query}"

    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.content
        seen.append(len(response.json()["results"]))

    seen: list[int] = []
    add_grievances(world, 5, 0)
    fetch()  # warm up: anything cached per process is loaded here
    few = statements(fetch)
    add_grievances(world, 45, 5)
    many = statements(fetch)
    assert seen[-1] > seen[-2] > 0  # the page holds more rows, each with its joins
    assert_same(few, many)


@pytest.mark.parametrize("username", ["cmo", "officer_l1"])
def test_history_takes_the_same_queries_for_5_and_50_events(world, username):
    client = client_for(world, username)
    short, long = world.register(at=START), world.register(at=START, mobile="9811111111")
    actors = ["officer_l1", "officer_l2", "hod"]  # a different actor on each line
    for grievance, replies in ((short, 4), (long, 49)):
        for i in range(replies):
            grievance_act(
                grievance_id=grievance.pk,
                actor=world[actors[i % 3]],
                action="interim_reply",
                data={"message": f"Site visit {i} planned."},
                at=START + timedelta(hours=i + 1),
            )
    counts = []
    for grievance, events in ((short, 5), (long, 50)):
        url = f"/api/v1/grievances/{grievance.number}/history/"

        def fetch(url: str = url, events: int = events) -> None:
            response = client.get(url)
            assert response.status_code == 200, response.content
            assert len(response.json()) == events

        fetch()
        counts.append(statements(fetch))
    assert_same(*counts)


def overdue(world: World, count: int) -> None:
    """`count` grievances registered long ago, over two departments, districts and deadlines."""
    citizen, _ = Citizen.objects.get_or_create(
        name_key="ramesh kumar", mobile="9876543210", defaults={"name": "Ramesh Kumar"}
    )
    places = spots(world)
    items = [
        BulkItem(
            citizen_id=citizen.pk,
            category=places[i % 4][0],
            area=places[i % 4][1],
            description="सड़क पर तीन महीने से पानी भरा है।",
            channel="call_centre",
            registered_at=START + timedelta(minutes=i),
            emergency=i % 10 == 0,
        )
        for i in range(count)
    ]
    grievances_register_bulk(items=items, actor=world["telecaller"])


def test_the_sweep_takes_the_same_queries_for_20_and_200_overdue_grievances(world):
    at = START + timedelta(days=60)
    system = system_user()

    def sweep(expected: int) -> Callable[[], None]:
        def run() -> None:
            assert grievances_sweep(at=at, actor=system).escalated == expected

        return run

    overdue(world, 20)
    few = statements(sweep(20))
    overdue(world, 200)  # the first 20 are at L2 now, due after `at`: only these move
    many = statements(sweep(200))
    assert Grievance.objects.filter(level=2).count() == 220
    assert_same(few, many)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="UPDATE ... FROM (VALUES ...)")
def test_a_sweep_batch_moves_in_one_update_within_the_parameter_limit(world):
    overdue(world, 20)
    real = list(Grievance.objects.values_list("id", flat=True))
    due = START + timedelta(days=90)
    fields = ("level", "assigned_post", "assigned_to", "due_at")  # as the sweep writes them
    padding = range(-1, -(BATCH - len(real)) - 1, -1)  # ids no row has
    batch = [(pk, 2, None, None, due) for pk in [*real, *padding]]
    assert len(batch) == BATCH
    sizes: list[int] = []

    def record(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        sizes.append(len(params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        update_rows(Grievance, fields, batch, is_overdue=False, updated_at=due)
    assert len(sizes) == 1 and sizes[0] <= MAX_PARAMETERS
    assert Grievance.objects.filter(level=2, due_at=due).count() == len(real)

    # Rows too wide for 5,000 in one statement are split below the limit.
    wide = [f.name for f in Grievance._meta.concrete_fields if f.name != "id"][:14]
    sizes.clear()
    with connection.execute_wrapper(record):
        update_rows(Grievance, wide, [(pk, *[None] * 14) for pk in padding])
    assert len(sizes) == 2 and max(sizes) <= MAX_PARAMETERS

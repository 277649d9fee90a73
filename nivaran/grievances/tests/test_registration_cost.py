"""What a registration costs once a process is warm, and that what it keeps per process
(the holidays, the complaint types and areas by code, the level mappings near an area)
is read again as soon as any of it is written.

These run outside a test transaction (`transaction=True`), as requests do: inside one,
nothing is kept (what a transaction reads may be its own uncommitted rows).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from nivaran.accounts.models import User
from nivaran.core.models import Holiday
from nivaran.grievances.models import Grievance
from nivaran.grievances.tests.test_query_counts import statements
from nivaran.org.models import LevelMapping, Post
from nivaran.testing.world import CITIZEN_MOBILE, World, build_world

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")

pytestmark = pytest.mark.django_db(transaction=True)


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def work(sql: list[str]) -> list[str]:
    return [s for s in sql if not s.lstrip().upper().startswith(TRANSACTION_CONTROL)]


def lodge(world: World, n: int, **extra: object) -> Grievance:
    return world.register(mobile=f"98765{n:05d}", **extra)


def test_a_warm_registration_runs_eight_statements_and_one_more_for_a_new_person():
    world = build_world()
    lodge(world, 1)  # warm: the process reads and keeps its copies

    again = statements(lambda: lodge(world, 1, description="The pump is still dry today."))
    new = statements(lambda: lodge(world, 2))

    # The person, the id, the grievance, its history event, the duplicate index (two), the
    # SMS outbox, the posts of the mapping: no lookup of a type, an area, a holiday or a
    # mapping, no savepoint.
    assert len(work(again)) <= 8, "\n".join(again)
    assert len(work(new)) == len(work(again)) + 1, "\n".join(new)  # the person's row
    assert not [s for s in again + new if "SAVEPOINT" in s.upper()]
    # The id reserved first: the row is written once, with its number.
    assert not [s for s in again + new if s.lstrip().upper().startswith("UPDATE")]


def test_a_new_holiday_moves_the_next_deadline_at_once():
    world = build_world()
    before = lodge(world, 1)
    assert before.due_at is not None
    Holiday.objects.create(date=before.due_at.date(), name="Declared today")

    after = lodge(world, 2, at=before.registered_at)

    assert after.due_at is not None and after.due_at > before.due_at


def test_a_type_closed_or_an_area_renamed_is_seen_by_the_next_registration():
    world = build_world()
    client = api(world["telecaller"])
    sent = {
        "citizen": {"name": "Ramesh Kumar", "mobile": "9876500003"},
        "category": world.category.code,
        "area": world.block.code,
        "description": "The hand pump near the school has been dry for a month.",
    }
    assert client.post("/api/v1/grievances/", sent, format="json").status_code == 201
    world.block.name = "Renamed Block"
    world.block.save()

    answer = client.post("/api/v1/grievances/", sent, format="json")
    assert answer.json()["area"]["name"] == "Renamed Block"

    world.category.is_active = False
    world.category.save()
    response = client.post("/api/v1/grievances/", sent, format="json")
    assert response.status_code == 400, response.content
    assert "category" in response.json()["fields"]


def test_a_new_mapping_and_a_new_holder_route_the_next_registration():
    world = build_world()
    first = lodge(world, 1)
    assert first.assigned_post is not None
    mapping = LevelMapping.objects.get(post=first.assigned_post)
    nearer = Post.objects.create(
        code="BLOCK-L1",
        title="Block officer",
        department=first.department,
        area=world.block,
        designation=first.assigned_post.designation,
        holder=world["officer_l2"],
    )
    LevelMapping.objects.create(department=first.department, area=world.block, level=1, post=nearer)
    assert mapping.area != world.block

    second = lodge(world, 2)
    assert (second.assigned_post_id, second.assigned_to_id) == (nearer.pk, world["officer_l2"].pk)

    nearer.holder = world["other_l1"]  # a transfer: no mapping is written
    nearer.save()
    third = lodge(world, 3)
    assert third.assigned_to_id == world["other_l1"].pk


def test_the_answer_to_a_registration_is_the_grievance_as_read_back():
    world = build_world()
    for who, mobile in (("telecaller", "9876500004"), ("citizen", CITIZEN_MOBILE)):
        client = api(world[who])
        created = client.post(
            "/api/v1/grievances/",
            {
                "citizen": {"name": "Ramesh Kumar", "mobile": mobile},
                "category": world.category.code,
                "area": world.block.code,
                "description": "The hand pump near the school has been dry for a month.",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert body == client.get(f"/api/v1/grievances/{body['number']}/").json(), who


def test_a_retry_whose_body_no_longer_passes_still_gets_the_first_grievance():
    world = build_world()
    client = api(world["telecaller"])
    sent = {
        "citizen": {"name": "Ramesh Kumar", "mobile": "9876500005"},
        "category": world.category.code,
        "area": world.block.code,
        "description": "The hand pump near the school has been dry for a month.",
    }
    first = client.post("/api/v1/grievances/", sent, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    world.category.is_active = False  # closed between the call and its retry
    world.category.save()

    retry = client.post("/api/v1/grievances/", sent, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert retry.status_code == 200, retry.content
    assert retry.json()["number"] == first.json()["number"]
    other = client.post(
        "/api/v1/grievances/",
        {**sent, "description": "Another complaint altogether, not the first."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reuse"
    assert Grievance.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a race needs a real server")
def test_concurrent_retries_with_one_key_register_once():
    world = build_world()
    threads, barrier = 8, threading.Barrier(8)
    results: list[tuple[int, str]] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            response = api(world["telecaller"]).post(
                "/api/v1/grievances/",
                {
                    "citizen": {"name": "Ramesh Kumar", "mobile": "9876500006"},
                    "category": world.category.code,
                    "area": world.block.code,
                    "description": "The hand pump near the school has been dry for a month.",
                },
                format="json",
                HTTP_IDEMPOTENCY_KEY="one-call",
            )
            results.append((response.status_code, response.json()["number"]))
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not failures, failures
    assert sorted(status for status, _ in results) == [200] * (threads - 1) + [201]
    assert len({number for _, number in results}) == 1
    assert Grievance.objects.count() == 1


def test_a_deadline_is_never_computed_from_a_holiday_rolled_back():
    world = build_world()
    before = lodge(world, 1)
    assert before.due_at is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        Holiday.objects.create(date=before.due_at.date(), name="Never declared")
        lodge(world, 2, at=before.registered_at)  # reads it inside the transaction
        raise RuntimeError

    after = lodge(world, 3, at=before.registered_at)
    assert after.due_at == before.due_at


def test_with_the_cache_unreachable_registration_still_works_from_the_database(monkeypatch):
    world = build_world()
    lodge(world, 1)
    from django.core.cache import cache

    def down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("cache down")

    for method in ("get", "add", "set"):
        monkeypatch.setattr(cache, method, down)
    Holiday.objects.create(date=lodge(world, 2).due_at.date(), name="Declared while down")

    grievance = lodge(world, 3)

    assert grievance.number and grievance.assigned_post_id is not None


def test_a_name_is_kept_with_single_spaces_as_the_citizen_record_keeps_it():
    world = build_world()
    grievance = world.register(citizen_name="Ram \t  Kumar", mobile="9876500009")
    grievance.citizen.refresh_from_db()
    assert grievance.citizen.name == "Ram Kumar"

"""The read replica's router against a real streaming replica (scripts/pg-replica.sh).

The tests commit (transaction=True): only committed data reaches the replica. The replica
streams the whole primary cluster, so the test database Django creates on the primary is
on the replica too, under the same name (settings: TEST MIRROR).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nivaran.core import db_router
from nivaran.core.db_router import PIN_COOKIE, reading_from_replica
from nivaran.grievances.models import Grievance
from nivaran.testing.scripts import script_up
from nivaran.testing.world import World, build_world

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="a streaming replica needs PostgreSQL (DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(scope="session")
def _replica_up() -> None:
    """The replica on 127.0.0.1:5433, started if it is not running (and left running: other
    test sessions on this machine may be reading it)."""
    script_up("pg-replica.sh", timeout=600)


@pytest.fixture
def replica(_replica_up, settings) -> Iterator[None]:
    settings.NIVARAN_REPLICA_READS = True
    db_router._replica_down_until = 0.0
    yield
    _resume_replay()
    db_router._replica_down_until = 0.0


@pytest.fixture
def world_committed(replica) -> World:
    world = build_world()
    world.register()
    _wait_replayed()
    return world


def _replica_sql(sql: str) -> object:
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _wait_replayed() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    for _ in range(100):
        if db_router.replica_has_replayed(lsn):
            return
        time.sleep(0.05)
    raise AssertionError(f"the replica did not replay {lsn} in 5 s")


def _pause_replay() -> None:
    _replica_sql("SELECT pg_wal_replay_pause()::text")


def _resume_replay() -> None:
    _replica_sql("SELECT pg_wal_replay_resume()::text")


def _client(world: World, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world[username])
    return client


def _grievance_reads(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if 'FROM "grievances_grievance"' in q["sql"]]


def _list(client: APIClient) -> tuple[dict[str, str], list[str], list[str]]:
    """The caller's list (number -> status), and the grievance reads on each alias."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        found, _, _ = _list_unwatched(client)
    return found, _grievance_reads(primary), _grievance_reads(replica)


def _list_unwatched(client: APIClient) -> tuple[dict[str, str], None, None]:
    response = client.get("/api/v1/grievances/")
    assert response.status_code == 200, response.content
    return {row["number"]: row["status"] for row in response.json()["results"]}, None, None


def test_the_replica_is_a_hot_standby_of_the_primary(replica):
    assert _replica_sql("SELECT inet_server_port()") == 5433
    assert _replica_sql("SELECT pg_is_in_recovery()") is True
    assert (
        connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    )
    assert not router.allow_migrate("replica", "grievances")
    assert router.allow_migrate("default", "grievances")


def test_a_list_committed_by_another_session_is_read_from_the_replica(world_committed):
    grievance = Grievance.objects.get()
    found, on_primary, on_replica = _list(_client(world_committed, "hod"))
    assert found == {grievance.number: "open"}
    assert on_replica and not on_primary


def test_a_write_goes_to_the_primary_and_the_actors_next_reads_too(world_committed):
    number = Grievance.objects.get().number
    officer, other = _client(world_committed, "officer_l1"), _client(world_committed, "hod")
    _pause_replay()  # the replica lags from now on
    with CaptureQueriesContext(connections["replica"]) as replica_queries:
        response = officer.post(
            f"/api/v1/grievances/{number}/actions/submit_atr/",
            {"summary": "Mutation entered"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert not replica_queries.captured_queries
    assert PIN_COOKIE in response.cookies

    # the actor sees what they did, from the primary; someone else, the lagging replica
    found, on_primary, on_replica = _list(officer)
    assert found == {number: "atr_submitted"}
    assert on_primary and not on_replica
    found, on_primary, on_replica = _list(other)
    assert found == {number: "open"}
    assert on_replica and not on_primary

    # an API client that keeps no cookies is pinned by its user (the cache)
    officer.cookies.clear()
    found, on_primary, on_replica = _list(officer)
    assert found == {number: "atr_submitted"} and on_primary and not on_replica

    # once the replica has replayed the write, the actor reads it again, and is unpinned
    _resume_replay()
    _wait_replayed()
    found, on_primary, on_replica = _list(officer)
    assert found == {number: "atr_submitted"} and on_replica and not on_primary
    assert db_router.pinned_lsn(_request_of(officer, world_committed)) is None


def _request_of(client: APIClient, world: World):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = world["officer_l1"]
    request.COOKIES.update({k: v.value for k, v in client.cookies.items()})
    return request


def test_reads_in_a_transaction_and_locking_reads_go_to_the_primary(world_committed):
    with reading_from_replica():
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            assert Grievance.objects.count() == 1
        assert len(on_replica.captured_queries) == 1
        with (
            CaptureQueriesContext(connections["replica"]) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_primary,
            transaction.atomic(),
        ):
            assert Grievance.objects.count() == 1
            assert Grievance.objects.select_for_update().get().status == "open"
        assert not on_replica.captured_queries
        assert len(_grievance_reads(on_primary)) == 2
    # and outside the block, the primary
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert Grievance.objects.count() == 1
    assert not on_replica.captured_queries


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_with_the_replica_unreachable_the_list_is_read_from_the_primary(world_committed):
    number = Grievance.objects.get().number
    replica = connections["replica"]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = _closed_port()
    # (no query capture on the replica: it would connect first)
    try:
        with CaptureQueriesContext(connections["default"]) as on_primary:
            found, _, _ = _list_unwatched(_client(world_committed, "hod"))
        assert found == {number: "open"}
        assert _grievance_reads(on_primary)
        assert not db_router.replica_available()  # skipped for a while, not tried each time
        found, _, _ = _list_unwatched(_client(world_committed, "hod"))
        assert found == {number: "open"}
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port

"""The platform behind PgBouncer in transaction mode (scripts/pgbouncer.sh, DATABASE_POOLED).

The test database's connection is pointed at PgBouncer for the test, with the settings
`DATABASE_POOLED=1` gives it; the tests commit (transaction=True), as a web process does.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from rest_framework.test import APIClient

from nivaran.grievances.models import GrievanceEvent
from nivaran.settings import pool
from nivaran.testing.scripts import script_up
from nivaran.testing.world import World, build_world

PORT = 6432

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PgBouncer pools PostgreSQL connections (DATABASE_URL=postgres://...)",
    ),
    pytest.mark.skipif(
        shutil.which("pgbouncer") is None,
        reason="pgbouncer is not installed (scripts/pgbouncer.sh up installs it as root)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="session")
def _pgbouncer_up() -> None:
    script_up("pgbouncer.sh", timeout=300)


@pytest.fixture
def through_pgbouncer(_pgbouncer_up, transactional_db) -> Iterator[None]:
    """The default connection through PgBouncer, as DATABASE_POOLED=1 configures it."""
    primary = connections["default"]
    before = dict(primary.settings_dict)
    primary.close()
    pool(primary.settings_dict)
    primary.settings_dict.update(HOST="127.0.0.1", PORT=PORT)
    try:
        yield
    finally:
        primary.close()
        primary.settings_dict.clear()
        primary.settings_dict.update(before)
        # PgBouncer keeps its server connections: they would stop the test database's drop.
        _admin(f"KILL {before['NAME']}", f"RESUME {before['NAME']}")


def _admin(*commands: str) -> list[dict[str, object]]:
    """Run commands on PgBouncer's admin console; the last one's rows."""
    rows: list[dict[str, object]] = []
    with psycopg.connect(
        host="127.0.0.1",
        port=PORT,
        user="postgres",
        dbname="pgbouncer",
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,  # the console speaks the simple protocol only
    ) as admin:
        for command in commands:
            cursor = admin.cursor()
            cursor.execute(command)
            names = [c.name for c in cursor.description or []]
            rows = (
                [dict(zip(names, row, strict=True)) for row in cursor.fetchall()] if names else []
            )
    return rows


def _pgbouncer_transactions(database: str) -> int:
    """Transactions PgBouncer has passed to `database` (its admin console's SHOW STATS)."""
    for stats in _admin("SHOW STATS"):
        if stats["database"] == database:
            return int(str(stats["total_xact_count"]))
    return 0


def _client(world: World, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world[username])
    return client


def test_workflow_actions_and_a_streamed_read_through_pgbouncer(through_pgbouncer):
    database = connections["default"].settings_dict["NAME"]
    before = _pgbouncer_transactions(database)
    world = build_world()
    assert connections["default"].connection.info.port == PORT

    telecaller = _client(world, "telecaller")
    response = telecaller.post(
        "/api/v1/grievances/",
        {
            "citizen": {"name": "Savitri Devi", "mobile": "9812345678"},
            "category": "REV-LAND-MUT",
            "area": "TS-ONE-B1",
            "description": "मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है।",
            "emergency": False,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    response = _client(world, "officer_l1").post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Mutation entered"},
        format="json",
    )
    assert response.status_code == 200, response.content
    response = _client(world, "feedback").post(
        f"/api/v1/grievances/{number}/actions/record_feedback/",
        {"outcome": "satisfied", "recording_ref": "CALL-1"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    listed = _client(world, "hod").get("/api/v1/grievances/")
    assert [g["number"] for g in listed.json()["results"]] == [number]

    # A streamed read, one row per fetch, while another client holds a transaction open
    # on the server connection the read used last: a server-side cursor would be gone on
    # the next fetch ("cursor ... does not exist"); the pooled settings read client-side.
    rows = GrievanceEvent.objects.order_by("id").values_list("action", flat=True).iterator(1)
    first = next(rows)
    with psycopg.connect(host="127.0.0.1", port=PORT, user="postgres", dbname=database) as other:
        other.execute("SELECT 1")  # holds its server connection until the block ends
        actions = [first, *rows]
    assert actions == ["register", "submit_atr", "record_feedback"]
    assert _pgbouncer_transactions(database) > before

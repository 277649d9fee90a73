"""bench/load.py against a live server: its requests are the API's real ones, and it
fails when the server refuses them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from nivaran.grievances.models import Grievance
from nivaran.testing.world import World, build_world

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # bench/ is not a package: found on the path above


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def _concurrency() -> int:
    """Two clients on PostgreSQL; one on SQLite, where pytest-django's live server hands
    the test's in-memory database connection to every request thread, so two requests at
    once would share one connection and one transaction (a real SQLite server gives
    each worker its own)."""
    return 2 if connection.vendor == "postgresql" else 1


def _token(world: World, username: str) -> str:
    return str(Token.objects.get_or_create(user=world[username])[0].key)


def test_the_load_test_registers_and_reads_through_the_api(
    live_server: Any, live_world: World, tmp_path: Path
) -> None:
    live_world.register()  # a grievance to read in detail from the start
    out = tmp_path / "load.jsonl"
    status = load.main(
        [
            "--url",
            live_server.url,
            "--token",
            _token(live_world, "telecaller"),
            "--reader-token",
            _token(live_world, "cmo"),
            "--officer-token",
            _token(live_world, "officer_l1"),
            "--concurrency",
            str(_concurrency()),
            "--requests",
            "24",
            "--warmup",
            "1",
            "--seed",
            "3",
            "--mix",
            "register=3,list=1,detail=1,inbox=1,overdue=1,cmo-overdue=1",
            "--max-error-rate",
            "0",
            "--json-out",
            str(out),
        ]
    )
    assert status == 0
    line = json.loads(out.read_text())
    assert line["bench"] == "load"
    assert sum(k["requests"] for k in line["kinds"].values()) == line["requests"] == 24
    assert all(not k["errors"] for k in line["kinds"].values())
    registered = line["kinds"]["register"]["requests"]
    # Each registration is a grievance of its own; the warm-up's (2 clients x 1) may add two.
    made = Grievance.objects.filter(intake_key__startswith="api:").count()
    assert registered <= made <= registered + 2


def test_the_load_test_fails_when_the_server_refuses(
    live_server: Any, live_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """An officer may not register: every registration is a 403, and the run fails."""
    status = load.main(
        [
            "--url",
            live_server.url,
            "--token",
            _token(live_world, "officer_l1"),
            "--concurrency",
            "1",
            "--requests",
            "3",
            "--warmup",
            "0",
            "--mix",
            "register=1",
        ]
    )
    assert status == 1
    assert '"403": 3' in capsys.readouterr().out
    assert not Grievance.objects.exists()

"""On PostgreSQL the generator prepares the next chunk while a writer thread, on its own
connection, writes the last: the rows are those of the sequential generation, and an
error in the writer stops the command."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from nivaran.core.pipeline import Writer
from nivaran.grievances import workflow
from nivaran.grievances.management.commands import generate_grievances as command
from nivaran.grievances.models import Citizen, Grievance, GrievanceEvent

NOW = datetime(2026, 3, 18, 15, 30, tzinfo=ZoneInfo("Asia/Kolkata"))
OPTIONS = {"count": 450, "chunk": 100, "seed": 3, "overdue_share": 0.3, "now": NOW.isoformat()}


def generate(**options: Any) -> str:
    out = StringIO()
    call_command("generate_grievances", stdout=out, **{**OPTIONS, **options})
    return out.getvalue()


def snapshot() -> dict[str, Any]:
    rows = Grievance.objects.order_by("registered_at", "id").values_list(
        "registered_at",
        "description",
        "channel",
        "source",
        "emergency",
        "category_id",
        "area_id",
        "assigned_post_id",
        "due_at",
        "citizen__name",
        "citizen__mobile",
    )
    numbers = list(Grievance.objects.values_list("number", flat=True))
    return {
        "rows": list(rows),
        "citizens": Citizen.objects.count(),
        "numbers": len(numbers),
        "unique numbers": len(set(numbers)),
        "events per grievance": Counter(
            Counter(GrievanceEvent.objects.values_list("grievance_id", flat=True)).values()
        ),
        "fingerprints": Grievance.objects.filter(duplicate_fingerprint__isnull=False).count(),
    }


class Counted(Writer[Any]):
    started = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        Counted.started += 1
        super().__init__(*args, **kwargs)


postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the writer thread: PostgreSQL"
)


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_pipelined_generation_writes_the_rows_of_a_sequential_one(world, monkeypatch):
    monkeypatch.setattr(command, "Writer", Counted)
    Counted.started = 0
    assert "done: 450 grievances" in generate()
    assert Counted.started == 1
    assert not [t for t in threading.enumerate() if t.name == "bulk-writer"]
    pipelined = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE grievances_grievance, grievances_citizen CASCADE")
    assert "done: 450 grievances" in generate(sequential=True)
    assert Counted.started == 1  # no writer this time
    sequential = snapshot()
    assert pipelined["numbers"] == pipelined["unique numbers"] == 450
    assert pipelined["events per grievance"] == Counter({1: 450})
    assert pipelined["fingerprints"] == 450
    assert pipelined == sequential


@postgresql
@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_writer_stops_the_command(world, monkeypatch):
    register, prepared = workflow.grievances_register_bulk, []
    items = command.Command._items

    def failing(**kwargs: Any) -> int:
        if Grievance.objects.exists():  # the second chunk
            raise RuntimeError("disk full")
        return register(**kwargs)

    def counted(*args: Any) -> Any:
        prepared.append(1)
        return items(*args)

    monkeypatch.setattr(command, "grievances_register_bulk", failing)
    monkeypatch.setattr(command.Command, "_items", staticmethod(counted))
    with pytest.raises(RuntimeError, match="disk full"):
        generate(count=2000)
    assert Grievance.objects.count() == 100  # the first chunk; the second rolled back
    assert len(prepared) <= 5  # stopped soon after, not all 20 chunks
    assert not [t for t in threading.enumerate() if t.name == "bulk-writer"]


@pytest.mark.django_db
def test_inside_a_transaction_or_on_sqlite_the_chunks_are_written_in_turn(world, monkeypatch):
    monkeypatch.setattr(command, "Writer", Counted)
    Counted.started = 0
    assert "done: 450 grievances" in generate()
    assert Counted.started == 0  # the writer's connection would not see the test's rows
    assert Grievance.objects.count() == 450

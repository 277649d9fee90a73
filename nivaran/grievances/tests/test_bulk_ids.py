"""Bulk registration takes its ids from the table's sequence: a registration that commits
while a bulk chunk is being written takes its own id (with `MAX(id) + 1` it took the
chunk's first one, and the chunk failed on the primary key)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from nivaran.core import rows
from nivaran.grievances.models import Citizen, Grievance
from nivaran.grievances.workflow import BulkItem, grievances_register_bulk
from nivaran.grievances.workflow import intake as intake_module

START = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL"),
]


def test_a_registration_during_a_bulk_chunk_takes_its_own_id(world, monkeypatch):
    citizen = Citizen.objects.create(name="Ramesh Kumar", mobile="9876543210")
    items = [
        BulkItem(
            citizen_id=citizen.pk,
            category=world.category,
            area=world.block,
            description="सड़क पर तीन महीने से पानी भरा है।",
            channel="call_centre",
            registered_at=START + timedelta(minutes=i),
        )
        for i in range(20)
    ]
    reserved, go = threading.Event(), threading.Event()
    insert_rows = rows.insert_rows

    def paused(*args: Any, **kwargs: Any) -> int:
        if not reserved.is_set():  # ids reserved, nothing written yet
            reserved.set()
            assert go.wait(timeout=15)
        return insert_rows(*args, **kwargs)

    monkeypatch.setattr(intake_module, "insert_rows", paused)
    errors: list[BaseException] = []

    def bulk() -> None:
        try:
            grievances_register_bulk(items=items, actor=world["telecaller"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=bulk)
    thread.start()
    try:
        assert reserved.wait(timeout=15)
        single = world.register(at=START)  # commits while the chunk is open
    finally:
        go.set()
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    assert Grievance.objects.count() == 21
    ids = set(Grievance.objects.values_list("id", flat=True))
    assert len(ids) == 21 and single.pk in ids
    assert single.number == Grievance.objects.get(pk=single.pk).number

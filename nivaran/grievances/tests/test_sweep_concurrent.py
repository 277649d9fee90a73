"""Two SLA sweeps at once (two Celery workers, or a beat tick while a long sweep runs)
take disjoint rows and escalate every due grievance exactly once (PostgreSQL: SKIP LOCKED).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Max

from nivaran.accounts.services import system_user
from nivaran.grievances.models import Citizen, Grievance, GrievanceEvent
from nivaran.grievances.workflow import (
    BulkItem,
    SweepResult,
    grievances_register_bulk,
    grievances_sweep,
)
from nivaran.grievances.workflow import sweep as sweep_module
from nivaran.testing.world import World

IST = ZoneInfo("Asia/Kolkata")
START = datetime(2026, 3, 16, 10, 0, tzinfo=IST)
COUNT, BATCH = 120, 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks with SKIP LOCKED: PostgreSQL"
    ),
]


def register(world: World) -> None:
    citizen = Citizen.objects.create(
        name="Ramesh Kumar", name_key="ramesh kumar", mobile="9876543210"
    )
    places = [
        (world.category, world.block),
        (world.other_category, world.block),
        (world.category, world.other_district),
        (world.hours_category, world.block),
    ]
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
        for i in range(COUNT)
    ]
    grievances_register_bulk(items=items, actor=world["telecaller"])


def concurrently(at: datetime, monkeypatch: pytest.MonkeyPatch) -> list[SweepResult]:
    """Two sweeps at `at` in two threads (two connections). Each holds its first batch's
    row locks until the other holds its own: they overlap for certain, and a sweep that
    waited on the other's rows instead of skipping them would break the barrier."""
    barrier = threading.Barrier(2, timeout=15)
    queue_digests = sweep_module._queue_digests
    waited: set[int] = set()

    def held(*args: Any, **kwargs: Any) -> None:
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            barrier.wait()  # inside the batch's transaction: its rows are still locked
        queue_digests(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "_queue_digests", held)
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(grievances_sweep(at=at, actor=system_user()))
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a sweep hung"
    if errors:
        raise errors[0]
    return results


def test_two_sweeps_at_once_escalate_each_grievance_once_per_level(world, monkeypatch):
    monkeypatch.setattr(sweep_module, "BATCH", BATCH)
    register(world)
    rounds: list[Callable[[list[SweepResult]], int]] = [
        lambda r: sum(x.escalated for x in r),
        lambda r: sum(x.escalated for x in r),
        lambda r: sum(x.escalated for x in r),
        lambda r: sum(x.flagged_overdue for x in r),
    ]
    for level, moved in enumerate(rounds, start=2):
        at = Grievance.objects.aggregate(m=Max("due_at"))["m"] + timedelta(minutes=1)
        results = concurrently(at, monkeypatch)
        # Both took part: each moved at least a batch, and together every grievance, once.
        assert all(x.escalated + x.flagged_overdue >= BATCH for x in results), results
        assert moved(results) == COUNT
        if level <= 4:
            assert set(Grievance.objects.values_list("level", flat=True)) == {level}
    assert set(Grievance.objects.values_list("level", "is_overdue")) == {(4, True)}
    events = Counter(
        GrievanceEvent.objects.exclude(action="register").values_list(
            "grievance_id", "action", "level"
        )
    )
    expected = Counter(
        {
            (pk, action, level): 1
            for pk in Grievance.objects.values_list("pk", flat=True)
            for action, level in [*(("escalate", n) for n in (2, 3, 4)), ("flag_overdue", 4)]
        }
    )
    assert events == expected

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection

from nivaran.partners.models import IdempotentRequest, PartnerRecord
from nivaran.partners.tests.conftest import partner_client, record

BATCH = "/api/v1/partner/records/batch/"
THREADS = 6
retries = {"locked": 0}


def _post(key: str, body: dict[str, object], headers: dict[str, str]):
    """Post like a partner that retries when the server reports a busy database.

    Only SQLite's shared-cache in-memory *test* database reports "table is locked" (it does
    not wait on the busy timeout as a file database in WAL mode does); PostgreSQL waits on
    the row lock, so there the first attempt always succeeds (asserted below)."""
    for _attempt in range(500):
        try:
            return partner_client(key).post(BATCH, body, format="json", **headers)
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            retries["locked"] += 1
            time.sleep(0.01)
    raise AssertionError("the database stayed locked")


def _fire(key: str, body: dict[str, object], headers: dict[str, str]) -> list[tuple[int, bytes]]:
    retries["locked"] = 0
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, bytes]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            barrier.wait()
            response = _post(key, body, headers)
            with lock:
                results.append((response.status_code, response.content))
        except BaseException as error:  # reported by the test below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    if connection.vendor == "postgresql":
        assert retries["locked"] == 0
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_store_each_record_once(partner):
    body = {"records": [record(f"R-{i}") for i in range(20)] + [record("BAD", mobile="1")]}
    results = _fire(partner[1], body, {"HTTP_IDEMPOTENCY_KEY": "same-key"})
    assert len(results) == THREADS
    assert {status for status, _ in results} == {200}
    assert len({content for _, content in results}) == 1, "every retry gets the first body"
    assert PartnerRecord.objects.count() == 20
    assert IdempotentRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_resends_without_a_key_are_duplicates(partner):
    body = {"records": [record(f"R-{i}") for i in range(10)]}
    results = _fire(partner[1], body, {})
    assert {status for status, _ in results} == {200}
    assert PartnerRecord.objects.count() == 10

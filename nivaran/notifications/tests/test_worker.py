"""The real worker: Celery over Redis picks up the delivery task and empties the outbox."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError

from nivaran.celery import app
from nivaran.notifications.models import Message, MessageStatus
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.notifications.tasks import deliver_outbox

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")


def _sent() -> bool:
    """Whether the message was sent. SQLite's shared-cache in-memory *test* database answers
    "table is locked" at once (no busy timeout) while the worker's thread writes: ask again."""
    try:
        return Message.objects.filter(status=MessageStatus.SENT).exists()
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        return False


@pytest.mark.skipif(not BROKER, reason="CELERY_TEST_BROKER_URL is not set (CI sets it)")
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_on_redis_delivers_the_outbox(settings, tmp_path):
    settings.NIVARAN_OUTBOX_FILE = tmp_path / "outbox.log"
    app.conf.update(broker_url=BROKER, broker_transport_options={}, task_always_eager=False)
    messages_queue(messages=[Outgoing("sms", "9876543210", "Namaste", "test")])
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deliver_outbox.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _sent():
                break
            time.sleep(0.2)
    assert Message.objects.get().status == MessageStatus.SENT
    assert "Namaste" in (tmp_path / "outbox.log").read_text(encoding="utf-8")

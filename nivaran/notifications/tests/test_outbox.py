from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.utils import timezone

from nivaran.notifications.models import Message, MessageStatus
from nivaran.notifications.services import Outgoing, messages_queue, outbox_deliver

pytestmark = pytest.mark.django_db


class Gateway(BaseHTTPRequestHandler):
    """A local SMS provider: records what it gets, fails while `failing` is set."""

    received: list[dict[str, object]] = []
    headers_seen: list[str] = []
    failing = False
    refusing = False

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if Gateway.refusing:
            self.send_response(422)
            self.end_headers()
            return
        if Gateway.failing:
            self.send_response(503)
            self.end_headers()
            return
        Gateway.received.append(body)
        Gateway.headers_seen.append(self.headers["Authorization"])
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"msg-{len(Gateway.received)}"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    Gateway.received, Gateway.headers_seen = [], []
    Gateway.failing = Gateway.refusing = False
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NIVARAN_SMS_BACKEND = "http"
    settings.NIVARAN_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.NIVARAN_SMS_HTTP_TOKEN = "secret-token"
    yield Gateway
    server.shutdown()


def queue_one():
    messages_queue(messages=[Outgoing("sms", "9876543210", "Namaste", "test")])


def test_http_gateway_delivers_and_records_the_providers_reference(provider):
    queue_one()
    assert outbox_deliver() == {"sent": 1, "retry": 0, "failed": 0}
    message = Message.objects.get()
    assert (message.status, message.provider_ref, message.attempts) == ("sent", "msg-1", 1)
    assert provider.received == [
        {
            "reference": f"nivaran-{message.pk}",
            "to": "+919876543210",
            "body": "Namaste",
            "sender": "NIVRAN",
            "purpose": "test",
        }
    ]
    assert provider.headers_seen == ["Bearer secret-token"]
    assert outbox_deliver() == {"sent": 0, "retry": 0, "failed": 0}  # nothing twice


def test_a_failing_gateway_keeps_the_message_and_retries_with_backoff(provider, settings):
    provider.failing = True
    queue_one()
    assert outbox_deliver()["retry"] == 1
    message = Message.objects.get()
    assert message.status == MessageStatus.QUEUED
    assert "503" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert outbox_deliver()["retry"] == 0  # not due yet
    provider.failing = False
    later = timezone.now() + timedelta(hours=2)
    assert outbox_deliver(now=later)["sent"] == 1
    assert Message.objects.get().attempts == 2


def test_gives_up_after_the_attempt_limit(provider, settings):
    settings.NIVARAN_OUTBOX_MAX_ATTEMPTS = 2
    provider.failing = True
    queue_one()
    later = timezone.now()
    for _ in range(3):
        outbox_deliver(now=later)
        later += timedelta(hours=2)
    assert Message.objects.get().status == MessageStatus.FAILED


def test_unreachable_gateway_is_a_retry_not_a_crash(settings):
    settings.NIVARAN_SMS_BACKEND = "http"
    settings.NIVARAN_SMS_HTTP_URL = "http://127.0.0.1:9/nothing-listens-here"
    queue_one()
    assert outbox_deliver()["retry"] == 1
    assert "unreachable" in Message.objects.get().last_error


def test_console_gateway_writes_the_outbox_file(settings, tmp_path):
    settings.NIVARAN_OUTBOX_FILE = tmp_path / "outbox.log"
    messages_queue(messages=[Outgoing("whatsapp", "9876543210", "शिकायत दर्ज", "test")])
    assert outbox_deliver()["sent"] == 1
    line = json.loads((tmp_path / "outbox.log").read_text(encoding="utf-8"))
    assert (line["channel"], line["to"], line["body"]) == ("whatsapp", "9876543210", "शिकायत दर्ज")


def test_queued_messages_vanish_with_a_rolled_back_change():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_one()
        raise RuntimeError("the change failed")
    assert not Message.objects.exists()


def test_a_refused_message_fails_at_once(provider):
    provider.refusing = True
    queue_one()
    assert outbox_deliver() == {"sent": 0, "retry": 0, "failed": 1}
    assert Message.objects.get().status == MessageStatus.FAILED


def test_a_misconfigured_backend_keeps_messages_queued(settings):
    settings.NIVARAN_SMS_BACKEND = "carrier-pigeon"
    queue_one()
    assert outbox_deliver()["retry"] == 1
    assert "unknown sms backend" in Message.objects.get().last_error


def test_the_console_gateway_logs_neither_the_mobile_nor_the_body(settings, tmp_path, caplog):
    settings.NIVARAN_OUTBOX_FILE = tmp_path / "outbox.log"
    messages_queue(messages=[Outgoing("sms", "9812345610", "Your code is 424242", "otp")])
    with caplog.at_level(logging.DEBUG):
        assert outbox_deliver()["sent"] == 1
    assert "9812345610" not in caplog.text
    assert "424242" not in caplog.text and "Your code" not in caplog.text
    assert "sms nivaran-" in caplog.text and "to 98xxxxxx10 (otp)" in caplog.text


def test_settled_messages_are_purged_after_the_retention_period(provider, settings):
    from nivaran.notifications.tasks import purge_outbox

    settings.NIVARAN_OUTBOX_RETENTION_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        queue_one()  # will be sent
        messages_queue(messages=[Outgoing("sms", "9876543211", "Namaste", "test")])
        outbox_deliver()
        provider.refusing = True
        messages_queue(messages=[Outgoing("sms", "9876543212", "Refused", "test")])
        outbox_deliver()  # fails at once
        settings.NIVARAN_SMS_BACKEND = "carrier-pigeon"
        messages_queue(messages=[Outgoing("sms", "9876543213", "Still queued", "test")])
        outbox_deliver()  # stays queued
    with time_machine.travel(start + timedelta(days=29), tick=False):
        messages_queue(messages=[Outgoing("sms", "9876543214", "Recent", "test")])
        Message.objects.filter(to="9876543214").update(status=MessageStatus.SENT)
        assert purge_outbox() == 0
    with time_machine.travel(start + timedelta(days=30, minutes=1), tick=False):
        assert purge_outbox() == 3
    assert sorted(Message.objects.values_list("to", "status")) == [
        ("9876543213", "queued"),
        ("9876543214", "sent"),
    ]


def test_the_purge_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "nivaran.notifications.tasks.purge_outbox" in tasks

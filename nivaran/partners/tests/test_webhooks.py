"""Partner webhooks: signed, through the outbox, retried, logged; and each partner's walls."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from nivaran.grievances.models import Grievance
from nivaran.grievances.tests.test_api import client_for
from nivaran.notifications.models import Message
from nivaran.notifications.services import outbox_deliver
from nivaran.notifications.webhooks import webhook_signature_verify
from nivaran.partners.services import partner_key_issue
from nivaran.partners.tests.conftest import partner_client, record

RECORDS = "/api/v1/partner/records/"
WEBHOOK = "/api/v1/partner/webhook/"
DELIVERIES = "/api/v1/partner/webhook/deliveries/"


@dataclass
class Receiver:
    """A partner's receiver on 127.0.0.1: records each request, answers from `answers`."""

    url: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # then 204 for ever

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _headers, body in self.received]


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.NIVARAN_WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on loopback
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            code = state.answers.pop(0) if state.answers else 204
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/nivaran/events"
    yield state
    server.shutdown()
    server.server_close()


def accept(client, external_id: str = "C-1") -> str:
    sent = client.post(RECORDS, record(external_id), format="json")
    assert sent.status_code == 201, sent.json()
    answer = client_for("analyst").post(f"/api/v1/partner/queue/{sent.json()['id']}/accept/", {})
    assert answer.status_code == 200, answer.json()
    return str(answer.json()["grievance_number"])


def verified(receiver: Receiver, secret: str) -> list[bool]:
    return [
        webhook_signature_verify(
            secret=secret,
            timestamp=headers["x-nivaran-timestamp"],
            body=body,
            signature=headers["x-nivaran-signature"],
            now=time.time(),
        )
        for headers, body in receiver.received
    ]


def test_a_partner_receives_and_verifies_signed_status_changes(world, client, receiver):
    """The walk-through of docs/api.md, "A partner receives signed webhooks"."""
    registered = client.put(WEBHOOK, {"url": receiver.url}, format="json")
    assert registered.status_code == 201, registered.json()
    secret = registered.json()["secret"]
    assert secret.startswith("whsec_")
    assert client.get(WEBHOOK).json()["secret"] is None  # shown once

    number = accept(client)
    officer = client_for("officer_l1")
    acted = officer.post(
        f"/api/v1/grievances/{number}/actions/interim_reply/",
        {"message": "The patwari visits on Monday."},
        format="json",
    )
    assert acted.status_code == 200, acted.json()
    assert outbox_deliver()["sent"] >= 2

    assert [(b["event"], b["status"]) for b in receiver.bodies()] == [
        ("grievance.registered", "open"),
        ("grievance.status_changed", "in_progress"),
    ]
    change = receiver.bodies()[1]
    assert change["grievance"] == number
    assert change["external_id"] == "C-1"
    assert (change["previous_status"], change["action"], change["level"]) == (
        "open",
        "interim_reply",
        1,
    )
    headers = receiver.received[1][0]
    assert headers["x-nivaran-event"] == "grievance.status_changed"
    assert headers["x-nivaran-signature"].startswith("sha256=")
    assert verified(receiver, secret) == [True, True]
    assert verified(receiver, "whsec_someone-elses") == [False, False]

    status = client.get(f"/api/v1/partner/grievances/{number}/").json()
    assert (status["status"], status["level"], status["external_id"]) == ("in_progress", 1, "C-1")
    log = client.get(DELIVERIES).json()
    assert log["count"] == 2
    newest = log["results"][0]
    assert headers["x-nivaran-delivery"] == f"nivaran-{newest['id']}"
    assert (newest["status"], newest["attempts"], newest["response_code"]) == ("sent", 1, 204)
    assert newest["next_attempt_at"] is None
    assert newest["payload"] == change


def test_a_receiver_that_is_down_gets_the_event_later_and_once(world, client, receiver):
    client.put(WEBHOOK, {"url": receiver.url}, format="json")
    receiver.answers = [503]
    accept(client)
    start = timezone.now()
    assert outbox_deliver(now=start)["retry"] == 1  # the SMS to citizen and officer go out
    entry = client.get(DELIVERIES).json()["results"][0]
    assert (entry["status"], entry["attempts"], entry["response_code"]) == ("queued", 1, 503)
    assert entry["last_error"] == "receiver answered HTTP 503"
    assert entry["next_attempt_at"] is not None

    # Not before its back-off; then once, and never again.
    assert outbox_deliver(now=start + timedelta(seconds=5))["sent"] == 0
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert outbox_deliver()["sent"] == 1
    for minutes in (10, 120):
        assert outbox_deliver(now=start + timedelta(minutes=minutes)) == {
            "sent": 0,
            "retry": 0,
            "failed": 0,
        }
    assert len(receiver.received) == 2
    assert receiver.bodies()[0]["id"] == receiver.bodies()[1]["id"]  # the same event
    entry = client.get(DELIVERIES).json()["results"][0]
    assert (entry["status"], entry["attempts"], entry["response_code"]) == ("sent", 2, 204)


def test_a_receiver_not_listening_is_retried_until_the_limit(world, client, receiver, settings):
    settings.NIVARAN_WEBHOOK_MAX_ATTEMPTS = 2
    client.put(WEBHOOK, {"url": "http://127.0.0.1:9/closed"}, format="json")
    accept(client)
    now = timezone.now()
    assert outbox_deliver(now=now)["retry"] == 1
    assert outbox_deliver(now=now + timedelta(hours=1))["failed"] == 1
    entry = client.get(DELIVERIES, {"status": "failed"}).json()["results"][0]
    assert entry["response_code"] is None
    assert entry["last_error"].startswith("receiver unreachable")


def test_removing_the_webhook_stops_the_queued_deliveries(world, client, receiver):
    client.put(WEBHOOK, {"url": receiver.url}, format="json")
    accept(client)
    assert client.delete(WEBHOOK).status_code == 204
    assert client.get(WEBHOOK).status_code == 404
    assert outbox_deliver()["failed"] == 1
    assert receiver.received == []
    assert client.get(DELIVERIES).json()["results"][0]["last_error"] == "the webhook was removed"
    # Registered again: a new secret, and the next changes are pushed.
    again = client.put(WEBHOOK, {"url": receiver.url}, format="json")
    assert again.status_code == 201
    assert again.json()["secret"]


def test_changing_the_url_keeps_the_secret_unless_rotated(world, client, receiver):
    first = client.put(WEBHOOK, {"url": receiver.url}, format="json").json()["secret"]
    moved = client.put(WEBHOOK, {"url": receiver.url + "/v2"}, format="json")
    assert (moved.status_code, moved.json()["secret"]) == (200, None)
    rotated = client.put(WEBHOOK, {"url": receiver.url, "rotate_secret": True}, format="json")
    new = rotated.json()["secret"]
    assert new and new != first
    accept(client)
    outbox_deliver()
    assert verified(receiver, new) == [True]
    assert verified(receiver, first) == [False]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://partner.example/hook",
        "javascript:alert(1)",
        "/relative/path",
        "https://user:pw@partner.example/hook",
        "http://127.0.0.1:8000/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/hook",
        "https://partner.example:99999/hook",
    ],
)
def test_only_public_http_urls_are_taken(world, client, url):
    answer = client.put(WEBHOOK, {"url": url}, format="json")
    assert answer.status_code == 400, answer.json()
    assert answer.json()["code"] == "invalid"
    assert list(answer.json()["fields"]) == ["url"]
    assert client.get(WEBHOOK).status_code == 404


def test_a_partner_sees_nothing_of_another(world, client, receiver):
    _other, other_key = partner_key_issue(code="other", name="Other", source_flag="Other")
    other = partner_client(other_key)
    secret = client.put(WEBHOOK, {"url": receiver.url}, format="json").json()["secret"]
    number = accept(client)
    outbox_deliver()
    record_id = client.get(RECORDS).json()["results"][0]["id"]

    assert other.get(f"{RECORDS}{record_id}/").status_code == 404
    assert other.get(RECORDS).json()["count"] == 0
    assert other.get(RECORDS, {"external_id": "C-1"}).json()["count"] == 0
    assert other.get(f"/api/v1/partner/grievances/{number}/").status_code == 404
    assert other.get(WEBHOOK).status_code == 404
    assert other.get(DELIVERIES).json()["count"] == 0
    # Its own webhook is its own: A's URL and secret are untouched, A's events go to A.
    other.put(WEBHOOK, {"url": receiver.url + "/other"}, format="json")
    assert client.get(WEBHOOK).json()["url"] == receiver.url
    assert other.get(DELIVERIES).json()["count"] == 0
    assert verified(receiver, secret) == [True]
    # A grievance that came in by another door is no partner's.
    walk_in = world.register()
    assert client.get(f"/api/v1/partner/grievances/{walk_in.number}/").status_code == 404
    assert client.get(DELIVERIES).json()["count"] == 1


def test_records_filter_by_external_id_and_updated_since(world, client):
    accept(client, "C-1")
    client.post(RECORDS, record("C-2"), format="json")
    assert [
        r["external_id"] for r in client.get(RECORDS, {"external_id": "C-2"}).json()["results"]
    ] == ["C-2"]
    everything = client.get(RECORDS, {"updated_since": "2000-01-01T00:00:00+05:30"}).json()
    assert [r["external_id"] for r in everything["results"]] == ["C-1", "C-2"]  # oldest first
    last = everything["results"][-1]["updated_at"]

    later = timezone.now() + timedelta(minutes=5)
    grievance = Grievance.objects.get()
    with time_machine.travel(later, tick=False):
        client_for("officer_l1").post(
            f"/api/v1/grievances/{grievance.number}/actions/interim_reply/",
            {"message": "On it."},
            format="json",
        )
    since = client.get(RECORDS, {"updated_since": last}).json()["results"]
    # The one seen last comes again (the bound is inclusive), then the one that changed.
    assert [(r["external_id"], r["grievance_status"]) for r in since] == [
        ("C-2", None),
        ("C-1", "in_progress"),
    ]
    bad = client.get(RECORDS, {"updated_since": "2026-11-16T10:00:00"})
    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["updated_since"]
    assert client.get(RECORDS, {"updated_since": "yesterday"}).status_code == 400


def test_no_partner_no_webhook_message(world):
    world.register()
    assert not Message.objects.filter(channel="webhook").exists()


def test_the_verification_code_in_the_api_guide_works(world, client, receiver):
    guide = (django_settings.BASE_DIR / "docs" / "api.md").read_text(encoding="utf-8")
    code = guide.split("```python\nimport hashlib, hmac, time\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec("import hashlib, hmac, time\n" + code, namespace)  # noqa: S102 - our own docs
    secret = client.put(WEBHOOK, {"url": receiver.url}, format="json").json()["secret"]
    accept(client)
    outbox_deliver()
    [(headers, body)] = receiver.received
    sent = {
        "X-Nivaran-Timestamp": headers["x-nivaran-timestamp"],
        "X-Nivaran-Signature": headers["x-nivaran-signature"],
    }
    assert namespace["verified"](secret, sent, body) is True
    assert namespace["verified"]("whsec_wrong", sent, body) is False
    assert namespace["verified"](secret, sent, body + b" ") is False

"""Webhooks through the outbox: grievance events queued as messages, signed on delivery.

A subscriber's `WebhookEndpoint` is subscribed to a grievance (`WebhookSubscription`).
Each change of the grievance's status queues one `Message` (channel webhook) per
subscribed endpoint that has a URL, in the transaction of the change; `outbox_deliver`
posts it with the lease and retries of every message. The body is fixed when queued;
the timestamp and the signature are made at each attempt, so a retry hours later is
still fresh for the receiver's replay window.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from nivaran.notifications.gateways import GatewayError
from nivaran.notifications.models import (
    Message,
    MessageChannel,
    WebhookEndpoint,
    WebhookSubscription,
)

if TYPE_CHECKING:
    from nivaran.grievances.models import Grievance

SIGNATURE_HEADER = "X-Nivaran-Signature"
TIMESTAMP_HEADER = "X-Nivaran-Timestamp"
EVENT_HEADER = "X-Nivaran-Event"
DELIVERY_HEADER = "X-Nivaran-Delivery"
REGISTERED = "grievance.registered"
STATUS_CHANGED = "grievance.status_changed"


def webhook_secret_new() -> str:
    return "whsec_" + secrets.token_hex(24)


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256, under the secret, of `<timestamp>.<raw body>`."""
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_signature_verify(
    *, secret: str, timestamp: str, body: bytes, signature: str, now: float, tolerance: int = 300
) -> bool:
    """What a receiver does (and the tests do): a fresh timestamp and an equal signature."""
    try:
        fresh = abs(now - int(timestamp)) <= tolerance
    except ValueError:
        return False
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return fresh and hmac.compare_digest(expected, signature)


@dataclass(frozen=True)
class Subscriber:
    endpoint_id: int
    reference: str = ""


def grievance_subscribe(
    *, grievance: Grievance, subscribers: Sequence[Subscriber], at: datetime
) -> int:
    """Subscribe endpoints to a newly registered grievance and queue its `registered` event.
    Called by registration in its transaction."""
    WebhookSubscription.objects.bulk_create(
        [
            WebhookSubscription(
                endpoint_id=s.endpoint_id, grievance=grievance, reference=s.reference
            )
            for s in subscribers
        ],
        ignore_conflicts=True,
    )
    return webhooks_queue(grievance=grievance, action="register", previous_status="", at=at)


def webhooks_queue(*, grievance: Grievance, action: str, previous_status: str, at: datetime) -> int:
    """Queue the grievance's new status to every subscribed endpoint that has a URL, in
    the caller's transaction. Returns how many were queued."""
    subscriptions = WebhookSubscription.objects.filter(grievance=grievance).exclude(
        endpoint__url=""
    )
    rows = []
    for sub in subscriptions:
        event = STATUS_CHANGED if previous_status else REGISTERED
        payload: dict[str, Any] = {
            "id": f"evt_{uuid.uuid4().hex}",
            "event": event,
            "grievance": grievance.number,
            "external_id": sub.reference,
            "action": action,
            "previous_status": previous_status or None,
            "status": grievance.status,
            "level": grievance.level,
            "at": at,
        }
        rows.append(
            Message(
                channel=MessageChannel.WEBHOOK,
                to="",
                body=json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False),
                purpose=event,
                grievance=grievance,
                endpoint_id=sub.endpoint_id,
                next_attempt_at=at,
                created_at=at,
            )
        )
    Message.objects.bulk_create(rows)
    return len(rows)


# --- delivery ------------------------------------------------------------------------


def _host_allowed(host: str) -> bool:
    """A public address only, unless WEBHOOK_ALLOW_PRIVATE: a partner's URL must not reach
    the platform's own network (loopback, private ranges, link-local metadata services)."""
    if settings.NIVARAN_WEBHOOK_ALLOW_PRIVATE:
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return True  # unresolvable: the request fails as unreachable, and is retried
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return False
    return True


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is an answer like any other non-2xx: retried later


@dataclass
class WebhookGateway:
    """POSTs the stored body to the endpoint's URL, signed; expects any 2xx."""

    endpoint: WebhookEndpoint | None
    timeout: float
    status_code: int | None = None

    def send(self, *, to: str, body: str, purpose: str, reference: str = "") -> str:
        endpoint = self.endpoint
        if endpoint is None or not endpoint.url or not endpoint.secret:
            raise GatewayError("the webhook was removed", permanent=True)
        host = urlsplit(endpoint.url).hostname or ""
        if not _host_allowed(host):
            raise GatewayError(f"webhook host {host!r} is not a public address", permanent=True)
        raw = body.encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 - http(s) checked when registered
            endpoint.url,
            data=raw,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Nivaran-Webhooks/1",
                EVENT_HEADER: purpose,
                DELIVERY_HEADER: reference,
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: webhook_signature(
                    secret=endpoint.secret, timestamp=timestamp, body=raw
                ),
            },
        )
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                self.status_code = response.status
        except urllib.error.HTTPError as exc:
            self.status_code = exc.code
            raise GatewayError(f"receiver answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise GatewayError(f"receiver unreachable: {exc}") from exc
        return f"http-{self.status_code}"

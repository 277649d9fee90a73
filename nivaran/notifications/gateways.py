"""Gateways that deliver a message: a local one for development, an HTTP one for production."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from django.conf import settings

from nivaran.core.phones import mobile_mask

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    """Delivery failed: retried later, unless `permanent` (the provider refused the message)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Gateway(Protocol):
    def send(self, *, to: str, body: str, purpose: str, reference: str = "") -> str:
        """Deliver one message; return the provider's reference."""
        ...


class ConsoleGateway:
    """Appends the message, one JSON line each, to the outbox file (the demo's phone:
    citizens read their OTP there), and logs that it did, with the mobile masked and
    without the body: logs are kept and read more widely than the outbox file."""

    _lock = threading.Lock()

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, *, to: str, body: str, purpose: str, reference: str = "") -> str:
        record = {
            "reference": reference,
            "at": datetime.now(UTC).isoformat(),
            "channel": self.channel,
            "to": to,
            "purpose": purpose,
            "body": body,
        }
        path = settings.NIVARAN_OUTBOX_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        logger.info(
            "%s %s to %s (%s) written to the outbox file",
            self.channel,
            reference or "-",
            mobile_mask(to),
            purpose,
        )
        return f"local-{self.channel}"


@dataclass
class HttpGateway:
    """POSTs JSON {reference, to, body, sender, purpose} with a bearer token; expects 2xx {id}.

    `reference` is the same on every retry of a message, so the provider can drop a
    duplicate when an earlier attempt did arrive but its answer was lost.
    """

    url: str
    token: str
    sender: str
    timeout: float

    def send(self, *, to: str, body: str, purpose: str, reference: str = "") -> str:
        payload = json.dumps(
            {
                "reference": reference,
                "to": f"+91{to}",
                "body": body,
                "sender": self.sender,
                "purpose": purpose,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - URL comes from settings
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read()
        except urllib.error.HTTPError as exc:
            # 4xx (but 408/429) means this message will never be accepted: do not retry it.
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise GatewayError(f"gateway answered HTTP {exc.code}", permanent=permanent) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise GatewayError(f"gateway unreachable: {exc}") from exc
        try:
            return str(json.loads(answer or b"{}").get("id", ""))
        except (ValueError, AttributeError):
            return ""


def gateway_for(channel: str) -> Gateway:
    if channel == "sms":
        backend, url, token = (
            settings.NIVARAN_SMS_BACKEND,
            settings.NIVARAN_SMS_HTTP_URL,
            settings.NIVARAN_SMS_HTTP_TOKEN,
        )
    elif channel == "whatsapp":
        backend, url, token = (
            settings.NIVARAN_WHATSAPP_BACKEND,
            settings.NIVARAN_WHATSAPP_HTTP_URL,
            settings.NIVARAN_WHATSAPP_HTTP_TOKEN,
        )
    else:
        raise GatewayError(f"unknown channel {channel!r}", permanent=True)
    if backend == "console":
        return ConsoleGateway(channel)
    if backend == "http":
        if not url:
            raise GatewayError(f"{channel} HTTP gateway has no URL configured")
        return HttpGateway(
            url=url,
            token=token,
            sender=settings.NIVARAN_SMS_SENDER_ID,
            timeout=settings.NIVARAN_GATEWAY_TIMEOUT_SECONDS,
        )
    raise GatewayError(f"unknown {channel} backend {backend!r}: use console or http")

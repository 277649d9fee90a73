"""Queueing and delivering messages (transactional outbox)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from nivaran.notifications.gateways import GatewayError, gateway_for
from nivaran.notifications.models import REDACTED_BODY, Message, MessageChannel, MessageStatus
from nivaran.notifications.webhooks import WebhookGateway


@dataclass(frozen=True)
class Outgoing:
    channel: str
    to: str
    body: str
    purpose: str
    grievance_id: int | None = None
    # The body holds a secret (an OTP): removed from the outbox once delivered or failed.
    confidential: bool = False


def messages_queue(*, messages: Iterable[Outgoing], at: datetime | None = None) -> int:
    """Queue messages in the caller's transaction; the worker delivers them after commit."""
    now = at or timezone.now()
    rows = [
        Message(
            channel=m.channel,
            to=m.to,
            body=m.body,
            purpose=m.purpose,
            confidential=m.confidential,
            grievance_id=m.grievance_id,
            next_attempt_at=now,
            created_at=now,
        )
        for m in messages
        if m.to
    ]
    Message.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def outbox_deliver(*, limit: int = 200, now: datetime | None = None) -> dict[str, int]:
    """Deliver due messages; a failure is retried with back-off until the attempt limit.

    Messages are claimed in one short transaction (a lease pushes their next attempt
    out, so another worker skips them), sent with no transaction open, then settled
    one by one: a slow gateway never holds a database lock.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with transaction.atomic():
        claimed = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        lease = timedelta(seconds=settings.NIVARAN_OUTBOX_LEASE_SECONDS)
        Message.objects.filter(id__in=claimed).update(
            next_attempt_at=now + lease, attempts=F("attempts") + 1
        )
    for message in Message.objects.filter(id__in=claimed).select_related("endpoint").order_by("id"):
        try:
            message.provider_ref = _send(message)
        except GatewayError as exc:
            message.last_error = str(exc)[:1000]
            if exc.permanent or message.attempts >= _max_attempts(message):
                message.status = MessageStatus.FAILED
                counts["failed"] += 1
            else:
                message.next_attempt_at = now + _retry_delay(message.attempts)
                counts["retry"] += 1
        else:
            message.status = MessageStatus.SENT
            message.sent_at = now
            message.last_error = ""
            counts["sent"] += 1
        if message.confidential and message.status != MessageStatus.QUEUED:
            message.body = REDACTED_BODY  # the code is of no use to anyone any more
        message.save(
            update_fields=[
                "provider_ref",
                "last_error",
                "status",
                "next_attempt_at",
                "sent_at",
                "body",
                "response_code",
            ]
        )
    return counts


def _max_attempts(message: Message) -> int:
    if message.channel == MessageChannel.WEBHOOK:
        return int(settings.NIVARAN_WEBHOOK_MAX_ATTEMPTS)
    return int(settings.NIVARAN_OUTBOX_MAX_ATTEMPTS)


def _send(message: Message) -> str:
    """One attempt through the message's gateway; a webhook also keeps the HTTP status."""
    reference = f"nivaran-{message.pk}"
    if message.channel != MessageChannel.WEBHOOK:
        return gateway_for(message.channel).send(
            to=message.to, body=message.body, purpose=message.purpose, reference=reference
        )
    hook = WebhookGateway(message.endpoint, timeout=settings.NIVARAN_WEBHOOK_TIMEOUT_SECONDS)
    try:
        return hook.send(to="", body=message.body, purpose=message.purpose, reference=reference)
    finally:
        message.response_code = hook.status_code


def outbox_purge(*, now: datetime | None = None, batch: int = 5000) -> int:
    """Delete settled (sent or failed) messages older than OUTBOX_RETENTION_DAYS; queued
    ones stay whatever their age. Returns how many were deleted."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.NIVARAN_OUTBOX_RETENTION_DAYS)
    old = Message.objects.filter(
        status__in=[MessageStatus.SENT, MessageStatus.FAILED], created_at__lt=before
    )
    deleted = 0
    while True:
        ids = list(old.order_by("id").values_list("id", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += Message.objects.filter(id__in=ids).delete()[0]

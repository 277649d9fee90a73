"""Inbound SMS: citizens' replies relayed by an SMS gateway (the ATR feedback by SMS).

A gateway signs in with its own API key (only its hash is stored, as for an IVRS).
Each relayed SMS is stored once under the gateway's message id, with what became of it;
a re-sent id returns the first outcome and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.core.errors import InvalidInput
from nivaran.core.keys import api_key_hash, api_key_new
from nivaran.core.phones import mobile_normalise
from nivaran.notifications.models import InboundResult, InboundSms, SmsGateway
from nivaran.notifications.services import messages_queue


def sms_gateway_key_issue(*, name: str) -> tuple[SmsGateway, str]:
    """Create the inbound SMS gateway or rotate its key; returns the raw key, shown once."""
    if not name.strip():
        raise InvalidInput(_("Give the SMS gateway's name."), fields={"name": [_("Required.")]})
    key, hashed = api_key_new()
    gateway, _created = SmsGateway.objects.update_or_create(
        name=name.strip(), defaults={"key_hash": hashed, "is_active": True}
    )
    return gateway, key


def sms_gateway_by_key(*, key: str) -> SmsGateway | None:
    return SmsGateway.objects.filter(key_hash=api_key_hash(key)).first()


@dataclass(frozen=True)
class Received:
    sms: InboundSms
    replay: bool


def sms_inbound_receive(
    *, gateway: SmsGateway, message_id: str, sender: str, text: str
) -> Received:
    """Store one relayed SMS and act on it (a citizen's feedback reply), in one transaction.

    A malformed reply, a stranger's mobile or an unknown grievance number is stored as
    ignored (with a reason) and the sender is told how to reply; nothing else changes.
    """
    if existing := InboundSms.objects.filter(
        gateway=gateway, gateway_message_id=message_id
    ).first():
        return Received(existing, True)
    from nivaran.portal.sms_reply import sms_reply_handle  # the citizen-facing part

    now = timezone.now()
    mobile = mobile_normalise(sender)
    try:
        with transaction.atomic():
            sms = InboundSms.objects.create(
                gateway=gateway,
                gateway_message_id=message_id,
                sender=sender[:20],
                text=text,
                received_at=now,
                result=InboundResult.IGNORED,
                reason="bad_sender",
            )
            if mobile is None:
                return Received(sms, False)
            handled = sms_reply_handle(mobile=mobile, text=text)
            sms.result = InboundResult.ACCEPTED if handled.accepted else InboundResult.IGNORED
            sms.reason = handled.reason
            sms.grievance = handled.grievance
            sms.save(update_fields=["result", "reason", "grievance"])
            if handled.answer is not None:
                messages_queue(messages=[handled.answer], at=now)
            return Received(sms, False)
    except IntegrityError:
        # The same message relayed twice at once: the first one's outcome stands.
        if existing := InboundSms.objects.filter(
            gateway=gateway, gateway_message_id=message_id
        ).first():
            return Received(existing, True)
        raise

"""The outbox and the inbound SMS are a record: administrators read them, never change them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nivaran.notifications.models import InboundSms, Message, SmsGateway
from nivaran.notifications.services import Outgoing, messages_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world, client):
    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def _rows() -> list[tuple[str, int]]:
    messages_queue(messages=[Outgoing("sms", "9876543210", "Namaste", "test")])
    gateway = SmsGateway.objects.create(name="gw", key_hash="0" * 64)
    inbound = InboundSms.objects.create(
        gateway=gateway,
        gateway_message_id="m-1",
        sender="9876543210",
        text="YES HR2600000001",
        received_at=timezone.now(),
        result="ignored",
    )
    return [("message", Message.objects.get().pk), ("inboundsms", inbound.pk)]


def test_an_administrator_cannot_delete_or_edit_outbox_or_inbound_rows(staff):
    for model, pk in _rows():
        base = f"/admin/notifications/{model}/"
        assert staff.get(f"{base}{pk}/change/").status_code == 200  # readable
        assert staff.get(f"{base}{pk}/delete/").status_code == 403
        assert staff.post(f"{base}{pk}/delete/", {"post": "yes"}).status_code == 403
        assert staff.post(f"{base}{pk}/change/", {"to": "9000000000"}).status_code == 403
        listing = staff.get(base)
        assert b"delete_selected" not in listing.content
        staff.post(base, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})
    assert Message.objects.get().to == "9876543210"
    assert InboundSms.objects.count() == 1

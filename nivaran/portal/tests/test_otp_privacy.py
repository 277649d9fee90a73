"""An OTP is readable only until it is delivered: not in the outbox, the admin or the logs."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from nivaran.notifications.models import Message, MessageStatus
from nivaran.notifications.services import outbox_deliver
from nivaran.notifications.tests.test_outbox import provider  # noqa: F401 - a fixture
from nivaran.otp.models import OtpChallenge
from nivaran.otp.services import otp_send, otp_verify
from nivaran.portal.tasks import purge_otp_challenges
from nivaran.portal.tests.helpers import last_otp

MOBILE = "9812345610"
pytestmark = pytest.mark.django_db


def _text_values_holding(needle: str) -> list[str]:
    """Every text column of every table whose value contains `needle`."""
    found = []
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values(*names):
            found += [f"{model.__name__}.{k}" for k, v in row.items() if needle in str(v)]
    return found


@pytest.fixture
def staff(world, client):
    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_after_delivery_no_row_admin_page_or_log_line_holds_the_code(
    staff, settings, tmp_path, caplog
):
    settings.NIVARAN_OUTBOX_FILE = tmp_path / "outbox.log"
    otp_send(mobile=MOBILE, purpose="lodge", language="en")
    code = last_otp(MOBILE)
    message = Message.objects.get(purpose="otp")
    # Queued: the worker needs the code, the administrator does not see it.
    page = staff.get(f"/admin/notifications/message/{message.pk}/change/")
    assert page.status_code == 200
    assert code not in page.content.decode()
    assert "hidden: it holds a one-time password" in page.content.decode()

    with caplog.at_level(logging.DEBUG):
        assert outbox_deliver()["sent"] == 1

    assert _text_values_holding(code) == []
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.body == "[removed after delivery]"
    for url in (
        "/admin/notifications/message/",
        f"/admin/notifications/message/{message.pk}/change/",
    ):
        page = staff.get(url)
        assert page.status_code == 200
        assert code not in page.content.decode(), url
    assert code not in caplog.text
    assert MOBILE not in caplog.text
    assert "98xxxxxx10" in caplog.text
    # The demo's SMS phone (`make run`): the citizen reads the code there.
    assert code in (tmp_path / "outbox.log").read_text(encoding="utf-8")
    otp_verify(mobile=MOBILE, purpose="lodge", code=code)


def test_a_retry_before_delivery_still_sends_the_right_code(provider):  # noqa: F811
    provider.failing = True
    otp_send(mobile=MOBILE, purpose="track", language="en")
    assert outbox_deliver()["retry"] == 1
    provider.failing = False
    assert outbox_deliver(now=timezone.now() + timedelta(hours=1))["sent"] == 1
    (sms,) = provider.received
    found = re.search(r"\b(\d{6})\b", str(sms["body"]))
    assert found
    assert Message.objects.get().body == "[removed after delivery]"
    assert _text_values_holding(found.group(1)) == []
    otp_verify(mobile=MOBILE, purpose="track", code=found.group(1))


def test_a_refused_otp_message_is_removed_too(provider):  # noqa: F811
    provider.refusing = True
    otp_send(mobile=MOBILE, purpose="lodge", language="en")
    code = last_otp(MOBILE)
    assert outbox_deliver()["failed"] == 1
    assert _text_values_holding(code) == []


def test_other_messages_keep_their_body(world, provider):  # noqa: F811
    world.register(mobile=MOBILE)
    outbox_deliver()
    bodies = list(Message.objects.filter(to=MOBILE).values_list("body", flat=True))
    assert bodies and all("HR26" in body for body in bodies)


def test_challenges_older_than_a_day_are_purged_by_the_beat_task():
    now = timezone.now()
    old = otp_send(mobile="9811100001", purpose="track", now=now - timedelta(days=1, minutes=1))
    recent = otp_send(mobile="9811100002", purpose="track", now=now - timedelta(hours=23))
    assert purge_otp_challenges.apply().get() == 1
    assert list(OtpChallenge.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not OtpChallenge.objects.filter(pk=old.pk).exists()

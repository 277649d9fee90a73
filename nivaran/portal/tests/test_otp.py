from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from nivaran.notifications.models import Message
from nivaran.otp.models import OtpChallenge
from nivaran.otp.services import OtpRateLimited, OtpRefused, otp_send, otp_verify
from nivaran.portal.tests.helpers import last_otp

MOBILE = "9812345678"
pytestmark = pytest.mark.django_db


def test_the_sms_is_queued_in_the_outbox_and_the_code_is_not_stored_raw():
    challenge = otp_send(mobile=MOBILE, purpose="lodge", language="en")
    message = Message.objects.get(to=MOBILE, purpose="otp")
    code = last_otp(MOBILE)
    assert message.status == "queued"
    assert "valid for 10 minutes" in message.body
    assert code not in challenge.code_hash
    assert len(challenge.code_hash) == 64
    for row in OtpChallenge.objects.values():
        assert code not in {str(v) for v in row.values()}
    assert challenge.expires_at - challenge.created_at == timedelta(minutes=10)


def test_the_sms_is_in_hindi_for_a_hindi_citizen():
    otp_send(mobile=MOBILE, purpose="lodge", language="hi")
    body = Message.objects.get(to=MOBILE).body
    assert "ओटीपी" in body and "10 मिनट" in body


def test_the_right_code_works_once():
    otp_send(mobile=MOBILE, purpose="lodge")
    code = last_otp(MOBILE)
    otp_verify(mobile=MOBILE, purpose="lodge", code=code)
    with pytest.raises(OtpRefused):
        otp_verify(mobile=MOBILE, purpose="lodge", code=code)


def test_a_wrong_code_or_another_purpose_is_refused():
    otp_send(mobile=MOBILE, purpose="lodge")
    code = last_otp(MOBILE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(OtpRefused):
        otp_verify(mobile=MOBILE, purpose="lodge", code=wrong)
    with pytest.raises(OtpRefused):
        otp_verify(mobile=MOBILE, purpose="track", code=code)
    assert OtpChallenge.objects.get().attempts == 1
    otp_verify(mobile=MOBILE, purpose="lodge", code=code)


def test_an_expired_code_is_refused():
    sent = timezone.now() - timedelta(minutes=11)
    otp_send(mobile=MOBILE, purpose="lodge", now=sent)
    with pytest.raises(OtpRefused):
        otp_verify(mobile=MOBILE, purpose="lodge", code=last_otp(MOBILE))
    otp_send(mobile=MOBILE, purpose="track", now=timezone.now() - timedelta(minutes=9))
    otp_verify(mobile=MOBILE, purpose="track", code=last_otp(MOBILE))


def test_five_wrong_tries_kill_the_challenge():
    otp_send(mobile=MOBILE, purpose="lodge")
    code = last_otp(MOBILE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        with pytest.raises(OtpRefused):
            otp_verify(mobile=MOBILE, purpose="lodge", code=wrong)
    with pytest.raises(OtpRefused, match="Too many wrong tries"):
        otp_verify(mobile=MOBILE, purpose="lodge", code=wrong)
    with pytest.raises(OtpRefused):
        otp_verify(mobile=MOBILE, purpose="lodge", code=code)


def test_at_most_three_otps_per_mobile_and_purpose_and_five_in_all_in_fifteen_minutes():
    now = timezone.now()
    for minutes in (14, 5, 1):
        otp_send(mobile=MOBILE, purpose="lodge", now=now - timedelta(minutes=minutes))
    with pytest.raises(OtpRateLimited, match="15 minutes"):
        otp_send(mobile=MOBILE, purpose="lodge", now=now)
    assert Message.objects.filter(to=MOBILE).count() == 3
    otp_send(mobile="9812345679", purpose="lodge", now=now)  # another mobile is not limited
    # Lodging does not use up tracking, but the mobile gets five SMS at most.
    otp_send(mobile=MOBILE, purpose="track", now=now)
    otp_send(mobile=MOBILE, purpose="track", now=now)
    with pytest.raises(OtpRateLimited, match="15 minutes"):
        otp_send(mobile=MOBILE, purpose="track", now=now)
    assert Message.objects.filter(to=MOBILE).count() == 5
    otp_send(mobile=MOBILE, purpose="track", now=now + timedelta(minutes=2))  # 14 min ago left

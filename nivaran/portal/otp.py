"""One-time passwords by SMS: sent through the outbox, kept only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nivaran.core.errors import DomainError, InvalidInput
from nivaran.grievances.workflow.intake import MOBILE
from nivaran.notifications.models import MessageChannel
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.portal.models import OtpChallenge, OtpPurpose

VALID_FOR = timedelta(minutes=10)
RATE_WINDOW = timedelta(minutes=15)
MAX_SENDS = 3
MAX_WRONG = 5
CODE_DIGITS = 6


class OtpRateLimited(DomainError):
    code = "rate_limited"
    http_status = 429


class OtpRefused(DomainError):
    """Wrong, expired, used up or unknown: the code does not open the door."""

    code = "otp_refused"
    http_status = 400


def _secret() -> bytes:
    return str(getattr(settings, "NIVARAN_OTP_SECRET", "") or settings.SECRET_KEY).encode()


def otp_hash(*, mobile: str, purpose: str, code: str) -> str:
    """HMAC-SHA256 of the code (bound to mobile and purpose) under the OTP secret."""
    return hmac.new(_secret(), f"{mobile}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def otp_send(
    *,
    mobile: str,
    purpose: str,
    language: str = "hi",
    deliver: bool = True,
    now: datetime | None = None,
) -> OtpChallenge:
    """Create a challenge and queue its SMS. `deliver=False` makes a challenge nobody can
    answer (the track page uses it so that a stranger's request looks and counts the same)."""
    if not MOBILE.match(mobile):
        raise InvalidInput(
            _("Give a 10-digit Indian mobile number starting with 6-9."),
            fields={"mobile": [_("Give a 10-digit Indian mobile number starting with 6-9.")]},
        )
    if purpose not in OtpPurpose.values:
        raise InvalidInput(f"Unknown OTP purpose {purpose!r}.")
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction.atomic():
        recent = OtpChallenge.objects.select_for_update().filter(
            mobile=mobile, created_at__gt=now - RATE_WINDOW
        )
        if len(recent) >= MAX_SENDS:
            raise OtpRateLimited(
                _("Too many OTPs were asked for this mobile. Please try again in 15 minutes.")
            )
        challenge = OtpChallenge.objects.create(
            mobile=mobile,
            purpose=purpose,
            code_hash=otp_hash(mobile=mobile, purpose=purpose, code=code),
            created_at=now,
            expires_at=now + VALID_FOR,
        )
        if deliver:
            with translation.override(language if language in ("hi", "en") else "hi"):
                body = _(
                    "%(code)s is your Nivaran OTP. It is valid for 10 minutes. "
                    "Do not share it with anyone."
                ) % {"code": code}
            sms = Outgoing(MessageChannel.SMS, mobile, body, "otp", confidential=True)
            messages_queue(messages=[sms], at=now)
    return challenge


def otp_verify(*, mobile: str, purpose: str, code: str, now: datetime | None = None) -> None:
    """Accept the latest live challenge's code once; five wrong tries kill it."""
    now = now or timezone.now()
    refused = OtpRefused(_("The OTP is wrong or has expired. Ask for a new one if needed."))
    with transaction.atomic():
        challenge = (
            OtpChallenge.objects.select_for_update()
            .filter(
                mobile=mobile,
                purpose=purpose,
                used_at__isnull=True,
                expires_at__gt=now,
                attempts__lt=MAX_WRONG,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if challenge is None:
            raise refused
        given = otp_hash(mobile=mobile, purpose=purpose, code=code.strip())
        if hmac.compare_digest(given, challenge.code_hash):
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            return
        challenge.attempts += 1
        challenge.save(update_fields=["attempts"])
    # Raised after the commit, so that the wrong try is counted.
    if challenge.attempts >= MAX_WRONG:
        raise OtpRefused(_("Too many wrong tries: this OTP no longer works. Ask for a new one."))
    raise refused

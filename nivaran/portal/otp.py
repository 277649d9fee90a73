"""One-time passwords by SMS: sent through the outbox, kept only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nivaran.core.errors import DomainError, InvalidInput
from nivaran.grievances.workflow.intake import MOBILE
from nivaran.notifications.models import MessageChannel
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.portal.models import OtpChallenge, OtpPurpose

VALID_FOR = timedelta(minutes=10)
# The OTP budget, per window: SMS to one mobile for one purpose (lodge, track) and for all
# purposes, challenges asked from one client address, and SMS from the whole platform
# (settings.NIVARAN_OTP_GLOBAL_LIMIT).
RATE_WINDOW = timedelta(minutes=15)
MAX_SENDS = 3
MAX_SENDS_PER_MOBILE = 5
MAX_PER_CLIENT = 10
MAX_WRONG = 5
CODE_DIGITS = 6
# pg_advisory_xact_lock key taken by every OTP send (any constant 64-bit number).
SEND_LOCK = 0x4E4956_4F5450  # "NIV" "OTP"


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


def _serialise_sends() -> None:
    """Make concurrent sends wait for each other until commit, so that no two count the
    same budget. PostgreSQL: a transaction-level advisory lock (a row lock would not do:
    the set of recent challenges may be empty). SQLite: every transaction already takes
    the write lock at BEGIN (`transaction_mode: IMMEDIATE`)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEND_LOCK])


def _over_budget(
    *, mobile: str, purpose: str, client: str, deliver: bool, now: datetime
) -> OtpRateLimited | None:
    """Why this send is refused, if it is.

    A mobile's budget counts the SMS it was sent. A challenge that sends nothing (the
    track page's answer to a number and mobile that do not match) counts every challenge
    instead: it is refused exactly when a real one would be, so a stranger cannot tell
    the two apart, yet it never uses up the owner's budget."""
    recent = OtpChallenge.objects.filter(created_at__gt=now - RATE_WINDOW)
    counted = recent if not deliver else recent.filter(delivered=True)
    to_mobile = counted.filter(mobile=mobile).aggregate(
        all=Count("id"), this=Count("id", filter=Q(purpose=purpose))
    )
    if to_mobile["this"] >= MAX_SENDS or to_mobile["all"] >= MAX_SENDS_PER_MOBILE:
        return OtpRateLimited(
            _("Too many OTPs were asked for this mobile. Please try again in 15 minutes.")
        )
    if client and recent.filter(client=client).count() >= MAX_PER_CLIENT:
        return OtpRateLimited(
            _("Too many OTPs were asked from this connection. Please try again in 15 minutes.")
        )
    if recent.filter(delivered=True).count() >= settings.NIVARAN_OTP_GLOBAL_LIMIT:
        return OtpRateLimited(
            _("OTPs cannot be sent just now. Please try again in a few minutes."),
            code="otp_busy",
        )
    return None


def otp_send(
    *,
    mobile: str,
    purpose: str,
    language: str = "hi",
    deliver: bool = True,
    client: str = "",
    now: datetime | None = None,
) -> OtpChallenge:
    """Create a challenge and queue its SMS, within the budget of the mobile, the client
    address (`client`, from core.clients.client_address; empty: not limited by address)
    and the platform. `deliver=False` makes a challenge nobody can answer (the track page
    uses it so that a stranger's request looks and is refused the same)."""
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
        _serialise_sends()
        refused = _over_budget(
            mobile=mobile, purpose=purpose, client=client, deliver=deliver, now=now
        )
        if refused is not None:
            raise refused
        challenge = OtpChallenge.objects.create(
            mobile=mobile,
            purpose=purpose,
            code_hash=otp_hash(mobile=mobile, purpose=purpose, code=code),
            created_at=now,
            expires_at=now + VALID_FOR,
            client=client[:64],
            delivered=deliver,
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


KEPT_FOR = timedelta(days=1)  # far past any challenge's life and any limit's window


def otp_challenges_purge(*, now: datetime | None = None, batch: int = 5000) -> int:
    """Delete challenges older than a day: past their validity and every limit's window they
    are only mobiles and client addresses kept for nothing. Returns how many were deleted."""
    before = (now or timezone.now()) - KEPT_FOR
    old = OtpChallenge.objects.filter(created_at__lt=before)
    deleted = 0
    while ids := list(old.order_by("id").values_list("id", flat=True)[:batch]):
        deleted += OtpChallenge.objects.filter(id__in=ids).delete()[0]
    return deleted

"""One-time passwords by SMS, for citizens and staff: sent through the outbox, kept only
as a keyed hash, valid for 10 minutes, used once, killed by five wrong tries, within a
budget per mobile, per staff user, per client address and for the whole platform.

Citizens are known by their mobile only (`user=None`: lodge, track, app). Staff purposes
(`OtpPurpose.PROFILE_MOBILE`, `OtpPurpose.MERGE`) are bound to the signed-in user: a code
sent for one user, mobile or purpose opens nothing for another, and five wrong tries
lock the user out of that purpose for 15 minutes (the right code included)."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nivaran.core.errors import DomainError, InvalidInput
from nivaran.core.phones import MOBILE
from nivaran.notifications.models import MessageChannel
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.otp.models import STAFF_PURPOSES, OtpChallenge, OtpPurpose

if TYPE_CHECKING:
    from nivaran.accounts.models import User

VALID_FOR = timedelta(minutes=10)
# The OTP budget, per window: SMS to one mobile for one purpose and for all purposes,
# SMS asked by one staff user (likewise), challenges asked from one client address, and
# SMS from the whole platform (settings.NIVARAN_OTP_GLOBAL_LIMIT).
RATE_WINDOW = timedelta(minutes=15)
MAX_SENDS = 3
MAX_SENDS_PER_MOBILE = 5
MAX_SENDS_PER_USER = 5
MAX_PER_CLIENT = 10
MAX_WRONG = 5
# A staff user's lockout after the fifth wrong try of a challenge, for that purpose.
LOCKOUT = timedelta(minutes=15)
CODE_DIGITS = 6
# pg_advisory_xact_lock key taken by every OTP send (any constant 64-bit number).
SEND_LOCK = 0x4E4956_4F5450  # "NIV" "OTP"


class OtpRateLimited(DomainError):
    code = "rate_limited"
    http_status = 429


class OtpRefused(DomainError):
    """Wrong, expired, used up or unknown: the code does not open the door.

    `attempts_left`: for staff, how many wrong tries the challenge still takes (None
    when no live challenge was found, or for citizens)."""

    code = "otp_refused"
    http_status = 400

    def __init__(self, detail: str, *, attempts_left: int | None = None, **kwargs: object):
        super().__init__(detail, **kwargs)  # type: ignore[arg-type]
        self.attempts_left = attempts_left


class OtpLocked(OtpRefused):
    """A staff user gave five wrong codes: no OTP of that purpose is sent or accepted
    until `retry_after` seconds have passed (the API's `Retry-After`)."""

    code = "otp_locked"
    http_status = 429

    def __init__(self, *, until: datetime, now: datetime) -> None:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__(
            ngettext(
                "Too many wrong OTPs. For your safety no OTP is accepted or sent for this "
                "for %(minutes)d minute.",
                "Too many wrong OTPs. For your safety no OTP is accepted or sent for this "
                "for %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            attempts_left=0,
        )
        self.until = until
        self.retry_after = max(1, math.ceil((until - now).total_seconds()))


def _secret() -> bytes:
    return str(getattr(settings, "NIVARAN_OTP_SECRET", "") or settings.SECRET_KEY).encode()


def otp_hash(
    *, mobile: str, purpose: str, code: str, user_id: int | None = None, context: str = ""
) -> str:
    """HMAC-SHA256 of the code, bound to mobile, purpose, (staff) user and what it is for
    (`context`: the grievance a merge OTP confirms), under the OTP secret. A citizen's
    text is `mobile:purpose:code`, as it always was."""
    bound = f"{mobile}:{purpose}:" + (f"u{user_id}:" if user_id is not None else "")
    bound += f"c{context}:" if context else ""
    return hmac.new(_secret(), f"{bound}{code}".encode(), hashlib.sha256).hexdigest()


def _serialise_sends() -> None:
    """Make concurrent sends wait for each other until commit, so that no two count the
    same budget. PostgreSQL: a transaction-level advisory lock (a row lock would not do:
    the set of recent challenges may be empty). SQLite: every transaction already takes
    the write lock at BEGIN (`transaction_mode: IMMEDIATE`)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEND_LOCK])


def _in_callers_transaction() -> bool:
    """Whether a caller's atomic block is open (a test case's own does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _bound(user: User | None) -> QuerySet[OtpChallenge]:
    return (
        OtpChallenge.objects.filter(user=user)
        if user
        else OtpChallenge.objects.filter(user__isnull=True)
    )


def _locked_until(*, user: User | None, purpose: str, now: datetime) -> datetime | None:
    """Until when a staff user is locked out of `purpose`, if they are."""
    if user is None:
        return None
    last = (
        _bound(user)
        .filter(purpose=purpose, attempts__gte=MAX_WRONG, last_wrong_at__gt=now - LOCKOUT)
        .aggregate(last=Max("last_wrong_at"))["last"]
    )
    return last + LOCKOUT if last else None


def _over_budget(
    *, mobile: str, purpose: str, user: User | None, client: str, deliver: bool, now: datetime
) -> OtpRateLimited | None:
    """Why this send is refused, if it is.

    A mobile's budget counts the SMS it was sent. A challenge that sends nothing (the
    track page's answer to a number and mobile that do not match) counts every challenge
    instead: it is refused exactly when a real one would be, so a stranger cannot tell
    the two apart, yet it never uses up the owner's budget. A staff user's budget counts
    the SMS they asked for, whichever mobile they went to."""
    recent = OtpChallenge.objects.filter(created_at__gt=now - RATE_WINDOW)
    counted = recent if not deliver else recent.filter(delivered=True)
    to_mobile = counted.filter(mobile=mobile).aggregate(
        all=Count("id"), this=Count("id", filter=Q(purpose=purpose))
    )
    if to_mobile["this"] >= MAX_SENDS or to_mobile["all"] >= MAX_SENDS_PER_MOBILE:
        return OtpRateLimited(
            _("Too many OTPs were asked for this mobile. Please try again in 15 minutes.")
        )
    if user is not None:
        by_user = counted.filter(user=user).aggregate(
            all=Count("id"), this=Count("id", filter=Q(purpose=purpose))
        )
        if by_user["this"] >= MAX_SENDS or by_user["all"] >= MAX_SENDS_PER_USER:
            return OtpRateLimited(
                _("You have asked for too many OTPs. Please try again in 15 minutes."),
                code="rate_limited_user",
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


def _check_subject(*, purpose: str, user: User | None) -> None:
    if purpose not in OtpPurpose.values:
        raise InvalidInput(f"Unknown OTP purpose {purpose!r}.")
    if (purpose in STAFF_PURPOSES) != (user is not None):
        # A programming error, not the user's: staff purposes need the acting user,
        # citizens' purposes are bound to the mobile alone.
        raise InvalidInput(
            f"OTP purpose {purpose!r} is sent {'with' if user else 'without'} "
            "a user where it must not be."
        )


def otp_send(
    *,
    mobile: str,
    purpose: str,
    user: User | None = None,
    language: str = "hi",
    deliver: bool = True,
    client: str = "",
    now: datetime | None = None,
    context: str = "",
) -> OtpChallenge:
    """Create a challenge and queue its SMS, within the budget of the mobile, the staff
    user (`user`, required for STAFF_PURPOSES and refused for the others), the client
    address (`client`, from core.clients.client_address; empty: not limited by address)
    and the platform. `deliver=False` makes a challenge nobody can answer (the track page
    uses it so that a stranger's request looks and is refused the same)."""
    if not MOBILE.match(mobile):
        raise InvalidInput(
            _("Give a 10-digit Indian mobile number starting with 6-9."),
            fields={"mobile": [_("Give a 10-digit Indian mobile number starting with 6-9.")]},
        )
    _check_subject(purpose=purpose, user=user)
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction.atomic():
        _serialise_sends()
        until = _locked_until(user=user, purpose=purpose, now=now)
        if until is not None:
            raise OtpLocked(until=until, now=now)
        refused = _over_budget(
            mobile=mobile, purpose=purpose, user=user, client=client, deliver=deliver, now=now
        )
        if refused is not None:
            raise refused
        challenge = OtpChallenge.objects.create(
            mobile=mobile,
            purpose=purpose,
            user=user,
            code_hash=otp_hash(
                mobile=mobile,
                purpose=purpose,
                code=code,
                user_id=user.pk if user else None,
                context=context,
            ),
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


def otp_verify(
    *,
    mobile: str,
    purpose: str,
    code: str,
    user: User | None = None,
    now: datetime | None = None,
    context: str = "",
) -> OtpChallenge:
    """Accept the latest live challenge's code once (for this mobile, purpose and staff
    user); five wrong tries kill it, and lock a staff user out of the purpose.

    Commits its own transaction, so that a wrong try is counted whatever the caller does
    next: calling it inside a caller's `transaction.atomic()` is refused (RuntimeError),
    since a rollback there would forget the wrong try and give unlimited guesses. Verify
    first, then act (the merge: `otp_verify(...)`, then `grievance_act(...)`)."""
    if _in_callers_transaction():
        raise RuntimeError("otp_verify must not run inside a caller's transaction")
    _check_subject(purpose=purpose, user=user)
    now = now or timezone.now()
    staff = user is not None
    refused = OtpRefused(
        _("The OTP has expired or was already used. Ask for a new one.")
        if staff
        else _("The OTP is wrong or has expired. Ask for a new one if needed.")
    )
    with transaction.atomic():
        if staff:
            # Serialised with sends, so that a lockout and a send cannot cross.
            _serialise_sends()
            until = _locked_until(user=user, purpose=purpose, now=now)
            if until is not None:
                raise OtpLocked(until=until, now=now)
        challenge = (
            _bound(user)
            .select_for_update()
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
        given = otp_hash(
            mobile=mobile,
            purpose=purpose,
            code=code.strip(),
            user_id=user.pk if user else None,
            context=context,
        )
        if hmac.compare_digest(given, challenge.code_hash):
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            return challenge
        challenge.attempts += 1
        challenge.last_wrong_at = now
        challenge.save(update_fields=["attempts", "last_wrong_at"])
    # Raised after the commit, so that the wrong try is counted.
    left = MAX_WRONG - challenge.attempts
    if staff and left <= 0:
        raise OtpLocked(until=now + LOCKOUT, now=now)
    if left <= 0:
        raise OtpRefused(_("Too many wrong tries: this OTP no longer works. Ask for a new one."))
    if staff:
        raise OtpRefused(
            ngettext(
                "The OTP is wrong. You may try %(left)d more time.",
                "The OTP is wrong. You may try %(left)d more times.",
                left,
            )
            % {"left": left},
            attempts_left=left,
        )
    raise refused


def _own_mobile(actor: User) -> str:
    if not actor.mobile:
        raise InvalidInput(
            _("Your profile has no mobile number. Add one on your profile page first."),
            fields={"mobile": [_("Your profile has no mobile number.")]},
        )
    return actor.mobile


def otp_send_to_self(
    *,
    actor: User,
    purpose: str,
    client: str = "",
    now: datetime | None = None,
    context: str = "",
) -> OtpChallenge:
    """Send a staff OTP (e.g. `merge`) to the acting user's own registered mobile, in
    their language."""
    return otp_send(
        mobile=_own_mobile(actor),
        purpose=purpose,
        user=actor,
        language=actor.preferred_language,
        client=client,
        now=now,
        context=context,
    )


def otp_verify_self(
    *, actor: User, purpose: str, code: str, now: datetime | None = None, context: str = ""
) -> OtpChallenge:
    """Verify a staff OTP sent by `otp_send_to_self`: bound to the actor, their present
    mobile and the purpose. Outside any transaction, before acting (see `otp_verify`)."""
    return otp_verify(
        mobile=_own_mobile(actor),
        purpose=purpose,
        code=code,
        user=actor,
        now=now,
        context=context,
    )


KEPT_FOR = timedelta(days=1)  # far past any challenge's life, limit's window and lockout


def otp_challenges_purge(*, now: datetime | None = None, batch: int = 5000) -> int:
    """Delete challenges older than a day: past their validity and every limit's window they
    are only mobiles and client addresses kept for nothing. Returns how many were deleted."""
    before = (now or timezone.now()) - KEPT_FOR
    old = OtpChallenge.objects.filter(created_at__lt=before)
    deleted = 0
    while ids := list(old.order_by("id").values_list("id", flat=True)[:batch]):
        deleted += OtpChallenge.objects.filter(id__in=ids).delete()[0]
    return deleted

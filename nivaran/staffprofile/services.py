"""A staff member's own mobile (M4): changed only with the account's password and the OTP
sent to the new number.

Name and language change directly (`accounts.services.profile_update`). Every step is in
the profile audit (`accounts.ProfileChange`): the OTP sent, each refused code, the
lockout, the change itself. The pages and the API call these functions and nothing else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nivaran.accounts.models import ProfileChangeKind, ProfileField, User
from nivaran.accounts.roles import Role
from nivaran.accounts.services import profile_change_record, staff_check
from nivaran.accounts.throttle import SignInLocked, signin_failed, signin_locked_for
from nivaran.core.errors import DomainError, InvalidInput
from nivaran.core.phones import mobile_mask, mobile_normalise
from nivaran.notifications.models import MessageChannel
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.otp.models import OtpChallenge, OtpPurpose
from nivaran.otp.services import OtpLocked, OtpRefused, otp_send, otp_verify


def _new_mobile(*, actor: User, raw: str) -> str:
    mobile = mobile_normalise(raw or "")
    if mobile is None:
        text = _("Give a 10-digit Indian mobile number starting with 6-9.")
        raise InvalidInput(text, fields={"mobile": [text]})
    if mobile == actor.mobile:
        text = _("This is already your mobile number.")
        raise InvalidInput(text, fields={"mobile": [text]})
    taken = (
        User.objects.filter(mobile=mobile, is_active=True)
        .exclude(pk=actor.pk)
        .exclude(role=Role.CITIZEN)
        .exists()
    )
    if taken:
        # An OTP to "the officer's own mobile" (a merge) means nothing if two share it.
        text = _("This mobile number is registered to another staff account.")
        raise InvalidInput(text, fields={"mobile": [text]})
    return mobile


def _refusal(*, actor: User, mobile: str, exc: DomainError, via: str, now: datetime) -> None:
    profile_change_record(
        user=actor,
        actor=actor,
        field=ProfileField.MOBILE,
        kind=ProfileChangeKind.LOCKED if isinstance(exc, OtpLocked) else ProfileChangeKind.REFUSED,
        via=via,
        old=actor.mobile,
        new=mobile,
        reason=exc.code,
        at=now,
    )


def _reauthenticated(*, actor: User, password: str, request: Any, via: str, now: datetime) -> None:
    """The account's password, asked again: a signed-in session alone (a phone left
    unlocked, a stolen cookie) must not move the officer's SMS, and with it every merge
    OTP, to another phone. Wrong passwords count against the sign-in lock."""
    wait = signin_locked_for(request=request, username=actor.username)
    if wait:
        raise SignInLocked(retry_after=wait)
    if actor.check_password(password or ""):
        return
    signin_failed(request=request, username=actor.username)
    profile_change_record(
        user=actor,
        actor=actor,
        field=ProfileField.MOBILE,
        kind=ProfileChangeKind.REFUSED,
        via=via,
        old=actor.mobile,
        new="",
        reason="wrong_password",
        at=now,
    )
    text = _("The password is wrong.")
    raise InvalidInput(text, fields={"password": [text]})


def profile_mobile_otp_send(
    *,
    actor: User,
    mobile: str,
    password: str,
    request: Any,
    via: str,
    client: str = "",
    now: datetime | None = None,
) -> OtpChallenge:
    """Step 1: with the account's password again, send an OTP to the NEW mobile (purpose
    `profile_mobile`, bound to the actor), within the OTP budget of that mobile and of
    the actor; nothing changes yet."""
    staff_check(actor=actor)
    now = now or timezone.now()
    _reauthenticated(actor=actor, password=password, request=request, via=via, now=now)
    new = _new_mobile(actor=actor, raw=mobile)
    try:
        challenge = otp_send(
            mobile=new,
            purpose=OtpPurpose.PROFILE_MOBILE,
            user=actor,
            language=actor.preferred_language,
            client=client,
            now=now,
        )
    except DomainError as exc:
        _refusal(actor=actor, mobile=new, exc=exc, via=via, now=now)
        raise
    profile_change_record(
        user=actor,
        actor=actor,
        field=ProfileField.MOBILE,
        kind=ProfileChangeKind.OTP_SENT,
        via=via,
        old=actor.mobile,
        new=new,
        at=now,
    )
    return challenge


def profile_mobile_change(
    *, actor: User, mobile: str, code: str, via: str, now: datetime | None = None
) -> User:
    """Step 2: the code sent to `mobile` by step 1 makes it the actor's mobile. A wrong,
    expired or used code, or one sent for another user, mobile or purpose, changes nothing
    (OtpRefused, 400; the fifth wrong one OtpLocked, 429) and is audited. The old mobile
    is told by SMS. Runs outside any caller's transaction (see `otp_verify`)."""
    staff_check(actor=actor)
    now = now or timezone.now()
    new = _new_mobile(actor=actor, raw=mobile)
    try:
        otp_verify(
            mobile=new, purpose=OtpPurpose.PROFILE_MOBILE, code=code or "", user=actor, now=now
        )
    except OtpRefused as exc:
        _refusal(actor=actor, mobile=new, exc=exc, via=via, now=now)
        raise
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        old = user.mobile
        user.mobile = new
        user.save(update_fields=["mobile"])
        profile_change_record(
            user=user,
            actor=actor,
            field=ProfileField.MOBILE,
            kind=ProfileChangeKind.CHANGED,
            via=via,
            old=old,
            new=new,
            at=now,
        )
        if old:
            with translation.override(user.preferred_language or "en"):
                body = _(
                    "Nivaran: the mobile number of your profile was changed to %(mobile)s. "
                    "If you did not do this, tell your administrator at once."
                ) % {"mobile": mobile_mask(new)}
            notice = Outgoing(MessageChannel.SMS, old, body, "profile_mobile_changed")
            messages_queue(messages=[notice], at=now)
    actor.mobile = new
    return user

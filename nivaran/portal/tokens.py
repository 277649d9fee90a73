"""Citizen API tokens: an OTP-proved mobile exchanged for a short-lived bearer token.

Only the SHA-256 of a token is stored (a token is 256 random bits, so a plain digest is
as good as a keyed one); the token itself is in the one answer that issued it. A token
opens only the Citizen API (`/api/v1/citizen/`) and acts as the citizen account of the
proved mobile (`services.citizen_user_for`), so it reaches exactly what the portal's
tracking OTP reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.core.keys import api_key_hash, api_key_new
from nivaran.otp.models import OtpPurpose
from nivaran.otp.services import otp_verify
from nivaran.portal.models import CitizenToken
from nivaran.portal.services import citizen_user_for

SCHEME = "Bearer"
# Citizen tokens start with this, so that a leaked one is recognised (by a person or a
# secret scanner) and never mistaken for a staff token.
PREFIX = "nvc_"


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once; only its hash is stored
    expires_at: datetime
    mobile: str


def citizen_token_issue(*, mobile: str, code: str, now: datetime | None = None) -> IssuedToken:
    """Check the OTP sent for the app (`otp_verify`: one use, five wrong tries kill it)
    and issue a token for the citizen account of the mobile."""
    now = now or timezone.now()
    otp_verify(mobile=mobile, purpose=OtpPurpose.APP, code=code, now=now)
    user = citizen_user_for(mobile=mobile)
    raw, digest = api_key_new()
    token = CitizenToken.objects.create(
        key_hash=digest,
        user=user,
        mobile=mobile,
        created_at=now,
        expires_at=now + timedelta(minutes=settings.NIVARAN_CITIZEN_TOKEN_MINUTES),
    )
    return IssuedToken(PREFIX + raw, token.expires_at, mobile)


def citizen_token_revoke(*, token: CitizenToken) -> None:
    """End a token before it expires (the citizen signs out)."""
    CitizenToken.objects.filter(pk=token.pk).delete()


def citizen_tokens_purge(*, now: datetime | None = None) -> int:
    """Delete expired tokens (they open nothing); returns how many were deleted."""
    return CitizenToken.objects.filter(expires_at__lte=now or timezone.now()).delete()[0]


def citizen_token_find(*, token: str, now: datetime | None = None) -> CitizenToken | None:
    """The live token row for a presented token, or None (unknown, expired, revoked)."""
    if not token.startswith(PREFIX):
        return None
    found = (
        CitizenToken.objects.select_related("user")
        .filter(key_hash=api_key_hash(token.removeprefix(PREFIX)))
        .first()
    )
    if found is None or found.expires_at <= (now or timezone.now()):
        return None
    return found


class CitizenTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`, for the Citizen API views only. The staff endpoints
    do not list it, so a citizen token opens none of them; a staff token (`Token <key>`,
    or its key sent as a bearer token) is not a citizen token and is refused here."""

    def authenticate(self, request: Request) -> tuple[User, CitizenToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != SCHEME.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Bearer <token>."))
        try:
            presented = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Unknown or expired token.")) from None
        token = citizen_token_find(token=presented)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown or expired token."))
        user = token.user
        # The account must still be the citizen of that mobile (an administrator may
        # have deactivated it, or changed it).
        if not user.is_active or user.role != Role.CITIZEN or user.mobile != token.mobile:
            raise exceptions.AuthenticationFailed(_("Unknown or expired token."))
        return user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes an unauthenticated request a 401 (with WWW-Authenticate), not a 403.
        return f'{SCHEME} realm="citizen"'


class CitizenTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "nivaran.portal.tokens.CitizenTokenAuthentication"
    name = "citizenToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A citizen token from POST /api/v1/citizen/token/ "
            "(after an OTP from POST /api/v1/citizen/otp/); it expires after "
            "CITIZEN_TOKEN_MINUTES (60) and opens only /api/v1/citizen/.",
        }

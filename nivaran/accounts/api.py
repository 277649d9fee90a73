from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from nivaran.accounts.throttle import SignInLocked, signin_locked_for
from nivaran.core.parsers import FormParser, JSONParser, MultiPartParser

_ERROR: dict[str, serializers.Field[Any, Any, Any, Any]] = {
    "code": serializers.CharField(),
    "detail": serializers.CharField(),
}


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token (header `Authorization: Token <t>`).

    After too many wrong passwords for the account, or from the client's address, the
    answer is 429 (`signin_locked`, with `Retry-After`) until the lock ends or a platform
    administrator lifts it; while locked even the right password is refused."""

    permission_classes = [AllowAny]
    # ObtainAuthToken names DRF's parsers itself; the project's, in the same order.
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(
                inline_serializer(
                    "TokenRefused", {**_ERROR, "fields": serializers.DictField(required=False)}
                ),
                description="Wrong credentials (`invalid`).",
            ),
            429: OpenApiResponse(
                inline_serializer("SignInLocked", _ERROR),
                description="Too many wrong passwords (`signin_locked`); see `Retry-After`.",
            ),
        },
    )
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            username = request.data.get("username") if hasattr(request.data, "get") else None
            wait = signin_locked_for(request=request, username=str(username or ""))
            if wait:
                raise SignInLocked(retry_after=wait) from None
            raise

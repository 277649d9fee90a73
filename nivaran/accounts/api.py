from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from nivaran.core.parsers import FormParser, JSONParser, MultiPartParser
from nivaran.grievances.api import ErrorSerializer


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token (header `Authorization: Token <t>`).

    A wrong username or password, or a missing one, is a 400.
    """

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
            400: ErrorSerializer,
        },
    )
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().post(request, *args, **kwargs)

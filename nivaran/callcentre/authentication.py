"""`X-Api-Key` authentication for the IVRS; used only by the IVRS call view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from nivaran.callcentre.models import IvrsSystem
from nivaran.callcentre.selectors import ivrs_system_by_key

HEADER = "X-Api-Key"


class IvrsKeyAuthentication(BaseAuthentication):
    """The IVRS system is `request.auth`; `request.user` stays anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, IvrsSystem] | None:
        key = request.headers.get(HEADER)
        if not key:
            return None
        system = ivrs_system_by_key(key=key)
        if system is None:
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if not system.is_active:
            raise exceptions.PermissionDenied(_("This IVRS system is not active."))
        return AnonymousUser(), system

    def authenticate_header(self, request: Request) -> str:
        return HEADER


class IsIvrsSystem(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, IvrsSystem)


class IvrsKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "nivaran.callcentre.authentication.IvrsKeyAuthentication"
    name = "ivrsApiKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": HEADER}

"""`X-Api-Key` authentication for partner systems; used only by the partner intake views."""

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

from nivaran.partners.models import Partner
from nivaran.partners.selectors import partner_by_key

HEADER = "X-Api-Key"


class PartnerKeyAuthentication(BaseAuthentication):
    """The partner is `request.auth`; `request.user` stays anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, Partner] | None:
        key = request.headers.get(HEADER)
        if not key:
            return None
        partner = partner_by_key(key=key)
        if partner is None:
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if not partner.is_active:
            raise exceptions.PermissionDenied(_("This partner is not active."))
        return AnonymousUser(), partner

    def authenticate_header(self, request: Request) -> str:
        return HEADER


class IsPartner(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, Partner)


class PartnerKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "nivaran.partners.authentication.PartnerKeyAuthentication"
    name = "partnerApiKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": HEADER}

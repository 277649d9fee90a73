"""`POST /api/v1/categories/suggest/`: suggested complaint types for a text (B3)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from nivaran.accounts.auth import Token
from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Kind
from nivaran.geo.models import Area
from nivaran.grievances.api import ErrorSerializer
from nivaran.portal.api import InRequestLanguage
from nivaran.portal.models import CitizenToken
from nivaran.portal.tokens import CitizenTokenAuthentication
from nivaran.suggestions.selectors import LIMIT, suggested_types

MIN_LENGTH = 3
MAX_LENGTH = 8000


class CategorySuggestInput(serializers.Serializer[Any]):
    description = serializers.CharField(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        help_text="The grievance's text, in Hindi, English or Hinglish.",
    )
    area = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Code of the grievance's area (checked; it does not change the ranking yet).",
    )
    kind = serializers.ChoiceField(
        choices=Kind.choices, required=False, allow_blank=True, help_text="Only types of this kind."
    )

    def validate_area(self, value: str) -> str:
        if value and not Area.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Unknown area."))
        return value


class CategorySuggestionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the request's language.")
    score = serializers.FloatField(
        min_value=0, max_value=1, help_text="The model's probability for the type."
    )


class CategorySuggestionsSerializer(serializers.Serializer[Any]):
    model_version = serializers.IntegerField(
        allow_null=True, help_text="The model that answered; null while none is trained."
    )
    suggestions = CategorySuggestionSerializer(many=True)


class StaffOrCitizenToken(BasePermission):
    """Signed-in staff (session or staff token), or a citizen with a Citizen API token."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not isinstance(user, User) or not user.is_active:
            return False
        if isinstance(request.auth, CitizenToken):
            return user.role == Role.CITIZEN
        return user.role not in {Role.CITIZEN, Role.SYSTEM, ""}


class SuggestThrottle(SimpleRateThrottle):
    """Per user (the model is cheap, but typing sends many requests): SUGGEST_RATE."""

    scope = "suggest"

    def get_rate(self) -> str:
        rate: str = settings.NIVARAN_SUGGEST_RATE
        return rate

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class CategorySuggestApi(InRequestLanguage):
    authentication_classes = [Token, SessionAuthentication, CitizenTokenAuthentication]
    permission_classes = [StaffOrCitizenToken]
    throttle_classes = [SuggestThrottle]

    @extend_schema(
        operation_id="categories_suggest",
        request=CategorySuggestInput,
        responses={
            200: CategorySuggestionsSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Invalid fields (`invalid`)."),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
            403: OpenApiResponse(ErrorSerializer, description="Neither staff nor a citizen token."),
            429: OpenApiResponse(ErrorSerializer, description="Too many requests (`throttled`)."),
        },
        description=f"Up to {LIMIT} open complaint types for a grievance's text, best first, "
        "from a classifier trained on the platform's categorised grievances (retrained "
        "daily; officers' type corrections count as verified labels). Names are in the "
        "request's language (Accept-Language: en or hi). Never an 'Others' type or a "
        "retired one. While no model is trained: `model_version` null and no suggestions. "
        "For staff (session or token) and citizens with a Citizen API token.",
    )
    def post(self, request: Request) -> Response:
        body = CategorySuggestInput(data=request.data)
        body.is_valid(raise_exception=True)
        found = suggested_types(
            text=body.validated_data["description"], kind=body.validated_data.get("kind") or None
        )
        return Response(CategorySuggestionsSerializer(found).data)

"""REST API v1 for WhatsApp shares (M3): `POST /api/v1/shares/whatsapp/` and the posts an
officer may share with."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.grievances.api import ErrorSerializer
from nivaran.shares import services

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _officer(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    if user.role not in POST_ROLES:
        raise PermissionDenied("Only officers holding a post share grievances.")
    return user


class ShareInput(serializers.Serializer[Any]):
    grievances = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=services.MAX_GRIEVANCES,
        help_text="Grievance numbers, each within the caller's jurisdiction.",
    )
    recipient = serializers.CharField(
        max_length=60,
        help_text="Code of the post whose holder receives the list: one of "
        "`GET /api/v1/shares/whatsapp/recipients/`.",
    )


class RecipientSerializer(serializers.Serializer[Any]):
    post = serializers.CharField(source="code")
    title = serializers.CharField()
    designation = serializers.CharField(source="designation.name")
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="holder.get_full_name")


class ShareSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="share.pk")
    at = serializers.DateTimeField(source="share.at")
    recipient = serializers.CharField(source="share.recipient_post.code")
    recipient_name = serializers.CharField(source="share.recipient.get_full_name")
    grievances = serializers.ListField(child=serializers.CharField(), source="share.numbers")
    message = serializers.CharField(source="share.body")
    click_to_chat = serializers.CharField(
        help_text="A wa.me link with the message filled in: the fallback when the "
        "WhatsApp gateway cannot deliver."
    )


class ShareWhatsappApi(APIView):
    @extend_schema(
        request=ShareInput,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: ShareSerializer, 200: ShareSerializer, **ERRORS},
        description="Share a list of grievances over WhatsApp with a subordinate or field "
        "officer (M3): one message through the WhatsApp gateway, and a `share_whatsapp` "
        "event on each grievance's history. All or none: a grievance the caller cannot "
        "see is a 404, one they may not share a 409. A retry with the same "
        "Idempotency-Key and body returns the first share (200).",
    )
    def post(self, request: Request) -> Response:
        actor = _officer(request)
        body = ShareInput(data=request.data)
        body.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        if key is not None and not 1 <= len(key) <= 100:
            raise InvalidInput(
                "Idempotency-Key must be 1 to 100 characters.",
                fields={"Idempotency-Key": ["1 to 100 characters."]},
            )
        result = services.share_whatsapp(
            actor=actor,
            numbers=body.validated_data["grievances"],
            recipient=body.validated_data["recipient"],
            link_base=services.site_url(request),
            idempotency_key=key,
        )
        return Response(
            ShareSerializer(result).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class ShareRecipientsApi(APIView):
    @extend_schema(
        responses={200: RecipientSerializer(many=True), 403: ErrorSerializer},
        description="The posts the caller may share grievances with: their department's "
        "posts within their area, held by an officer with a mobile number.",
    )
    def get(self, request: Request) -> Response:
        actor = _officer(request)
        posts = services.share_recipients(actor=actor)
        return Response(RecipientSerializer(posts, many=True).data)

"""Partner API v1: the partner's webhook and its delivery log (W4, B6)."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nivaran.core.api import Pagination, page_of
from nivaran.core.errors import InvalidInput
from nivaran.grievances.api import ErrorSerializer
from nivaran.notifications.models import Message, MessageStatus, WebhookEndpoint
from nivaran.partners import webhooks
from nivaran.partners.api import PartnerApi, _partner

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class WebhookInput(serializers.Serializer[Any]):
    url = serializers.CharField(
        max_length=webhooks.URL_MAX, help_text="Absolute http:// or https:// URL."
    )
    rotate_secret = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Issue a new secret (shown once in the answer); the old one stops at once.",
    )


class WebhookSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    secret = serializers.CharField(
        allow_null=True,
        help_text="The signing secret: only in the answer that issued it, else null.",
    )
    secret_set_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _webhook(endpoint: WebhookEndpoint, secret: str | None = None) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "secret": secret,
        "secret_set_at": endpoint.secret_set_at,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }


class WebhookApi(PartnerApi):
    @extend_schema(
        responses={200: WebhookSerializer, **ERRORS},
        operation_id="partner_webhook_retrieve",
        description="Your webhook (the secret is never shown again). 404 if none.",
    )
    def get(self, request: Request) -> Response:
        endpoint = webhooks.partner_webhook_get(partner=_partner(request))
        return Response(WebhookSerializer(_webhook(endpoint)).data)

    @extend_schema(
        request=WebhookInput,
        responses={201: WebhookSerializer, 200: WebhookSerializer, **ERRORS},
        operation_id="partner_webhook_update",
        description="Register your webhook (201, with its secret, shown once) or change its "
        "URL (200; the secret stays unless rotate_secret). Each change of status of a "
        "grievance from your records is then POSTed to it, signed.",
    )
    def put(self, request: Request) -> Response:
        body = WebhookInput(data=request.data)
        body.is_valid(raise_exception=True)
        result = webhooks.partner_webhook_set(
            partner=_partner(request),
            url=body.validated_data["url"],
            rotate_secret=body.validated_data["rotate_secret"],
        )
        return Response(
            WebhookSerializer(_webhook(result.endpoint, result.secret)).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=None,
        responses={204: None, **ERRORS},
        operation_id="partner_webhook_destroy",
        description="Stop pushing. Deliveries still queued fail as removed; the log stays.",
    )
    def delete(self, request: Request) -> Response:
        webhooks.partner_webhook_remove(partner=_partner(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# The delivery id in the X-Nivaran-Delivery header is "nivaran-<id>".
DELIVERY_PAYLOAD = inline_serializer(
    "WebhookPayload",
    {
        "id": serializers.CharField(),
        "event": serializers.CharField(),
        "grievance": serializers.CharField(),
        "external_id": serializers.CharField(),
        "action": serializers.CharField(),
        "previous_status": serializers.CharField(allow_null=True),
        "status": serializers.CharField(),
        "level": serializers.IntegerField(),
        "at": serializers.DateTimeField(),
    },
)


class DeliverySerializer(serializers.ModelSerializer[Message]):
    event = serializers.CharField(source="purpose")
    grievance_number = serializers.CharField(
        source="grievance.number", allow_null=True, default=None
    )
    status = serializers.CharField(help_text="queued (will be tried), sent or failed.")
    next_attempt_at = serializers.SerializerMethodField(
        help_text="When it is tried next; null once sent or failed."
    )
    payload = serializers.SerializerMethodField(help_text="The body as sent (JSON).")

    class Meta:
        model = Message
        fields = [
            "id",
            "event",
            "grievance_number",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "next_attempt_at",
            "created_at",
            "sent_at",
            "payload",
        ]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_attempt_at(self, obj: Message) -> str | None:
        if obj.status != MessageStatus.QUEUED:
            return None
        return serializers.DateTimeField().to_representation(obj.next_attempt_at)

    @extend_schema_field(DELIVERY_PAYLOAD)
    def get_payload(self, obj: Message) -> dict[str, Any]:
        data = json.loads(obj.body)
        assert isinstance(data, dict)
        return data


class WebhookDeliveriesApi(PartnerApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=MessageStatus.values),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: page_of("PaginatedWebhookDeliveryList", DeliverySerializer(many=True)),
            **ERRORS,
        },
        operation_id="partner_webhook_deliveries_list",
        description="Your webhook deliveries, newest first: attempts, the HTTP status of "
        "the last one, the next retry. `id` is the number in the X-Nivaran-Delivery header.",
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in MessageStatus.values:
            raise InvalidInput(
                _("Unknown status."), fields={"status": [", ".join(MessageStatus.values)]}
            )
        qs = webhooks.partner_webhook_deliveries(partner=_partner(request), status=wanted)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DeliverySerializer(page, many=True).data)

"""Inbound SMS API v1: a gateway relays a citizen's SMS reply (YES / NO to an ATR)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.grievances.api import ErrorSerializer
from nivaran.notifications.inbound import sms_gateway_by_key, sms_inbound_receive
from nivaran.notifications.models import SmsGateway

HEADER = "X-Api-Key"


class SmsGatewayKeyAuthentication(BaseAuthentication):
    """The SMS gateway is `request.auth`; `request.user` stays anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, SmsGateway] | None:
        key = request.headers.get(HEADER)
        if not key:
            return None
        gateway = sms_gateway_by_key(key=key)
        if gateway is None:
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if not gateway.is_active:
            raise exceptions.PermissionDenied(_("This SMS gateway is not active."))
        return AnonymousUser(), gateway

    def authenticate_header(self, request: Request) -> str:
        return HEADER


class IsSmsGateway(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, SmsGateway)


class SmsGatewayKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "nivaran.notifications.inbound_api.SmsGatewayKeyAuthentication"
    name = "smsGatewayApiKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": HEADER}


class InboundSmsInput(serializers.Serializer[Any]):
    id = serializers.CharField(
        max_length=100, help_text="The gateway's own id of the SMS; a re-sent id is a no-op."
    )
    # "from" is a Python keyword: the field is declared under another name (see below).
    text = serializers.CharField(max_length=1000, allow_blank=True, trim_whitespace=False)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.CharField(
            max_length=20, help_text="The sender's mobile; +91 and 0 prefixes are accepted."
        )
        return fields


class InboundSmsResultSerializer(serializers.Serializer[Any]):
    result = serializers.ChoiceField(choices=["accepted", "ignored"])
    reason = serializers.CharField(
        help_text="Why it was ignored: not_understood, reason_missing, unknown_grievance, "
        "not_awaiting, bad_sender; empty when accepted."
    )
    grievance = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True, help_text="The grievance's status now.")
    replay = serializers.BooleanField(help_text="This id was relayed before; nothing changed.")


class InboundSmsApi(APIView):
    authentication_classes = [SmsGatewayKeyAuthentication]
    permission_classes = [IsSmsGateway]

    @extend_schema(
        request=InboundSmsInput,
        responses={
            200: InboundSmsResultSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
        operation_id="sms_inbound_create",
        description="Relay an SMS a citizen sent: YES <number> or NO <number> <reason> "
        "(also हाँ / नहीं) answers the ATR SMS. Always 200 once the SMS is stored, accepted "
        "or ignored with a reason: a citizen's malformed text is not the gateway's to retry. "
        "The citizen is told by SMS what happened or how to reply.",
    )
    def post(self, request: Request) -> Response:
        gateway = request.auth
        assert isinstance(gateway, SmsGateway)
        data = InboundSmsInput(data=request.data)
        data.is_valid(raise_exception=True)
        received = sms_inbound_receive(
            gateway=gateway,
            message_id=data.validated_data["id"],
            sender=data.validated_data["from"],
            text=data.validated_data["text"],
        )
        sms = received.sms
        grievance = sms.grievance
        return Response(
            {
                "result": sms.result,
                "reason": sms.reason,
                "grievance": grievance.number if grievance else None,
                "status": grievance.status if grievance else None,
                "replay": received.replay,
            },
            status=status.HTTP_200_OK,
        )

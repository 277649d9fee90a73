"""IVRS API v1 (W2): the IVRS reports each call; out-of-hours calls queue a callback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.callcentre import services
from nivaran.callcentre.authentication import IsIvrsSystem, IvrsKeyAuthentication
from nivaran.callcentre.models import IvrsCall, IvrsSystem
from nivaran.core.phones import mobile_normalise
from nivaran.grievances.api import ErrorSerializer


class IvrsCallInput(serializers.Serializer[Any]):
    caller = serializers.CharField(
        max_length=20, help_text="The caller's mobile; +91 and 0 prefixes are accepted."
    )
    called_at = serializers.DateTimeField(help_text="ISO-8601 with a UTC offset.")
    recording_ref = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    call_id = serializers.CharField(
        max_length=100, help_text="The IVRS's own id of the call; a re-sent id is a no-op."
    )

    def validate_caller(self, value: str) -> str:
        mobile = mobile_normalise(value)
        if mobile is None:
            raise serializers.ValidationError(
                _("Give a 10-digit Indian mobile number starting with 6-9.")
            )
        return mobile

    def to_internal_value(self, data: Any) -> Any:
        raw = data.get("called_at") if isinstance(data, dict) else None
        if isinstance(raw, str) and not _has_offset(raw):
            raise serializers.ValidationError(
                {"called_at": [_("Give the time with its UTC offset, e.g. +05:30.")]}
            )
        return super().to_internal_value(data)


def _has_offset(raw: str) -> bool:
    try:
        return datetime.fromisoformat(raw).tzinfo is not None
    except ValueError:
        return True  # malformed: the field itself reports it


class IvrsCallResultSerializer(serializers.Serializer[Any]):
    queued = serializers.BooleanField()
    id = serializers.IntegerField(required=False, help_text="The callback's id, when queued.")
    missed_calls = serializers.IntegerField(required=False)
    reason = serializers.CharField(required=False)
    callback = inline_serializer(
        "IvrsCallCallback",
        {
            "id": serializers.IntegerField(),
            "next_attempt_at": serializers.DateTimeField(allow_null=True),
            "status": serializers.CharField(),
        },
        allow_null=True,
        help_text="The callback the call queued or joined, and when it is next tried "
        "(null within call-centre hours). A re-sent call_id shows the callback as it is now.",
    )


def _result(call: IvrsCall) -> tuple[int, dict[str, Any]]:
    if call.callback is None:
        return status.HTTP_200_OK, {
            "queued": False,
            "reason": "within call-centre hours",
            "callback": None,
        }
    code = status.HTTP_201_CREATED if call.result == IvrsCall.Result.QUEUED else status.HTTP_200_OK
    callback = call.callback
    return code, {
        "queued": True,
        "id": callback.pk,
        "missed_calls": callback.missed_calls,
        "callback": {
            "id": callback.pk,
            "next_attempt_at": callback.next_attempt_at,
            "status": callback.status,
        },
    }


class IvrsCallApi(APIView):
    authentication_classes = [IvrsKeyAuthentication]
    permission_classes = [IsIvrsSystem]

    @extend_schema(
        request=IvrsCallInput,
        responses={
            201: IvrsCallResultSerializer,
            200: IvrsCallResultSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
        operation_id="ivrs_calls_create",
        description="Report a call the IVRS took. Outside call-centre hours it queues a "
        "callback to the caller for the next opening (201), or joins the caller's pending "
        'callback (200, same id). Within hours it was a live call: 200 {"queued": false}. '
        "A call_id sent before returns the first result and changes nothing.",
    )
    def post(self, request: Request) -> Response:
        system = request.auth
        assert isinstance(system, IvrsSystem)
        data = IvrsCallInput(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.ivrs_call_receive(
            system=system,
            call_id=data.validated_data["call_id"],
            caller=data.validated_data["caller"],
            called_at=data.validated_data["called_at"],
            recording_ref=data.validated_data["recording_ref"],
        )
        code, body = _result(call)
        return Response(IvrsCallResultSerializer(body).data, status=code)

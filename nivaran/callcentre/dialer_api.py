"""The callback queue as JSON for a dialer (W2): the same services as the tele-callers' pages.

Two ways in. With an IVRS system's `X-Api-Key` the dialer sees and works only the
callbacks its own calls queued or joined, acting as the system's service user. With a
tele-caller's token it sees the whole queue, as on the pages, and acts as that
tele-caller (the CMO grievance cell may read). The IVRS call report
(`POST /api/v1/ivrs/calls/`) stays key-only.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.auth import Token
from nivaran.accounts.models import User
from nivaran.callcentre import selectors, services
from nivaran.callcentre.authentication import IvrsKeyAuthentication
from nivaran.callcentre.models import Callback, CallbackAttempt, IvrsSystem, Outcome
from nivaran.catalog.models import Kind
from nivaran.core.api import Pagination, page_of
from nivaran.core.errors import InvalidInput
from nivaran.grievances.api import ErrorSerializer

ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
}
# Outcomes the attempts endpoint takes; reached_registered goes through /register/.
ATTEMPT_OUTCOMES = [o for o in Outcome.values if o != Outcome.REACHED_REGISTERED]


class IsIvrsSystemOrSignedIn(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        if isinstance(request.auth, IvrsSystem):
            return True
        return bool(request.user and request.user.is_authenticated)


class DialerApi(APIView):
    authentication_classes = [IvrsKeyAuthentication, Token]
    permission_classes = [IsIvrsSystemOrSignedIn]


def _who(request: Request) -> tuple[User, IvrsSystem | None]:
    """The actor and, with a key, the IVRS system it acts for."""
    if isinstance(request.auth, IvrsSystem):
        return services.ivrs_system_user(system=request.auth), request.auth
    user = request.user
    assert isinstance(user, User)
    return user, None


class AttemptSerializer(serializers.ModelSerializer[CallbackAttempt]):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    grievance_number = serializers.CharField(
        source="grievance.number", allow_null=True, default=None
    )

    class Meta:
        model = CallbackAttempt
        fields = ["id", "at", "outcome", "notes", "next_attempt_at", "grievance_number"]


class CallbackSerializer(serializers.ModelSerializer[Callback]):
    status = serializers.CharField(help_text="pending, reached, unreachable or wrong_number.")
    grievance_number = serializers.CharField(
        source="grievance.number", allow_null=True, default=None
    )

    class Meta:
        model = Callback
        fields = [
            "id",
            "caller",
            "called_at",
            "last_called_at",
            "missed_calls",
            "recording_ref",
            "status",
            "attempts",
            "next_attempt_at",
            "closed_at",
            "grievance_number",
        ]


class CallbackDetailSerializer(CallbackSerializer):
    attempt_log = serializers.SerializerMethodField()

    class Meta(CallbackSerializer.Meta):
        fields = [*CallbackSerializer.Meta.fields, "attempt_log"]

    @extend_schema_field(AttemptSerializer(many=True))
    def get_attempt_log(self, obj: Callback) -> Any:
        return AttemptSerializer(selectors.callback_attempts(callback=obj), many=True).data


class AttemptInput(serializers.Serializer[Any]):
    attempt = serializers.IntegerField(
        min_value=1,
        help_text="This attempt's number: the callback's `attempts` plus one. A retry of the "
        "last attempt (same number and outcome) returns it and records nothing; any other "
        "number is a 409 stale_attempt.",
    )
    outcome = serializers.ChoiceField(choices=[(o, o) for o in ATTEMPT_OUTCOMES])
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    next_attempt_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When to try again after an unanswered call; moved into call-centre "
        "hours. Default: two working hours on.",
    )


class CallbackRegisterInput(serializers.Serializer[Any]):
    citizen = inline_serializer(
        "DialerRegisterCitizen",
        {
            "name": serializers.CharField(max_length=120),
            "mobile": serializers.CharField(max_length=10),
        },
    )
    category = serializers.CharField(max_length=40, help_text="Complaint type code.")
    area = serializers.CharField(max_length=40, help_text="Area code.")
    description = serializers.CharField(max_length=8000)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    emergency = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AttemptResultSerializer(serializers.Serializer[Any]):
    attempt = AttemptSerializer()
    callback = CallbackSerializer()


class RegisterResultSerializer(serializers.Serializer[Any]):
    created = serializers.BooleanField(
        help_text="False when the callback already had its grievance: nothing was recorded."
    )
    grievance = inline_serializer(
        "DialerGrievance",
        {
            "number": serializers.CharField(),
            "status": serializers.CharField(),
            "level": serializers.IntegerField(),
            "channel": serializers.CharField(),
        },
    )
    callback = CallbackSerializer()


class CallbackListApi(DialerApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("due", str, enum=list(selectors.DUE), description="Default now."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: page_of("PaginatedDialerCallbackList", CallbackSerializer(many=True)),
            **ERRORS,
        },
        operation_id="ivrs_callbacks_list",
        description="Pending callbacks: `due=now` those to ring now, oldest call first; "
        "`due=later` those waiting for their next attempt, soonest first. With an IVRS key, "
        "only the callbacks your calls queued or joined.",
    )
    def get(self, request: Request) -> Response:
        due = request.query_params.get("due") or "now"
        if due not in selectors.DUE:
            raise InvalidInput(_("Unknown due."), fields={"due": [", ".join(selectors.DUE)]})
        actor, system = _who(request)
        qs = selectors.callbacks_for_dialer(actor=actor, system=system, due=due, now=timezone.now())
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CallbackSerializer(page, many=True).data)


class CallbackDetailApi(DialerApi):
    @extend_schema(
        responses={200: CallbackDetailSerializer, **ERRORS},
        operation_id="ivrs_callbacks_retrieve",
        description="One callback with its attempts.",
    )
    def get(self, request: Request, callback_id: int) -> Response:
        actor, system = _who(request)
        item = selectors.callback_for_dialer(actor=actor, system=system, callback_id=callback_id)
        return Response(CallbackDetailSerializer(item).data)


def _callback(actor: User, system: IvrsSystem | None, callback_id: int) -> Callback:
    return selectors.callback_for_dialer(actor=actor, system=system, callback_id=callback_id)


class CallbackAttemptApi(DialerApi):
    @extend_schema(
        request=AttemptInput,
        responses={201: AttemptResultSerializer, 200: AttemptResultSerializer, **ERRORS},
        operation_id="ivrs_callbacks_attempts_create",
        description="Record one call to the caller (201). An unanswered call (no_answer, "
        "busy, switched_off) sets the next attempt on the call-centre calendar, and closes "
        "the callback as unreachable after the profile's callback_max_attempts; "
        "reached_no_grievance and wrong_number close it. A retry of the last attempt "
        "returns it (200). To register a grievance use /register/.",
    )
    def post(self, request: Request, callback_id: int) -> Response:
        body = AttemptInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor, system = _who(request)
        before = _callback(actor, system, callback_id).attempts
        attempt = services.callback_attempt_record(
            callback_id=callback_id,
            actor=actor,
            outcome=data["outcome"],
            notes=data["notes"],
            next_attempt_at=data["next_attempt_at"],
            system=system,
            number=data["attempt"],
        )
        callback = _callback(actor, system, callback_id)
        code = status.HTTP_201_CREATED if callback.attempts > before else status.HTTP_200_OK
        return Response(
            {
                "attempt": AttemptSerializer(attempt).data,
                "callback": CallbackSerializer(callback).data,
            },
            status=code,
        )


class CallbackRegisterApi(DialerApi):
    @extend_schema(
        request=CallbackRegisterInput,
        responses={201: RegisterResultSerializer, 200: RegisterResultSerializer, **ERRORS},
        operation_id="ivrs_callbacks_register_create",
        description="The caller was reached and lodged a grievance: it is registered "
        "(channel ivrs) and routed to L1, and the attempt reached_registered closes the "
        "callback, in one transaction (201). Registering the same callback again returns "
        "the first grievance and records nothing (200). A callback closed otherwise is 409.",
    )
    def post(self, request: Request, callback_id: int) -> Response:
        body = CallbackRegisterInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor, system = _who(request)
        callback, grievance, created = services.callback_register(
            callback_id=callback_id,
            actor=actor,
            registration=services.Registration(
                citizen_name=data["citizen"]["name"],
                mobile=data["citizen"]["mobile"],
                category_code=data["category"],
                area_code=data["area"],
                description=data["description"],
                emergency=data["emergency"],
                kind=data.get("kind"),
            ),
            notes=data["notes"],
            system=system,
        )
        return Response(
            {
                "created": created,
                "grievance": {
                    "number": grievance.number,
                    "status": grievance.status,
                    "level": grievance.level,
                    "channel": grievance.channel,
                },
                "callback": CallbackSerializer(callback).data,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

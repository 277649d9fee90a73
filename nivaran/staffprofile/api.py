"""The signed-in staff member's own profile (M4): `/api/v1/me/`.

GET and PATCH read and change the name and language; the mobile changes in two steps:
`POST /api/v1/me/mobile/otp/` sends an OTP to the new number, `POST /api/v1/me/mobile/`
with that number and the OTP makes it the profile's. Citizens are refused (403)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import ProfileChangeVia, User
from nivaran.accounts.services import profile_update, staff_check
from nivaran.core.clients import client_address
from nivaran.core.phones import mobile_mask
from nivaran.grievances.api import ErrorSerializer
from nivaran.otp.services import VALID_FOR
from nivaran.staffprofile.services import profile_mobile_change, profile_mobile_otp_send

LANGUAGES = [("en", "English"), ("hi", "Hindi")]


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    mobile = serializers.CharField(read_only=True, help_text="Empty when none is registered.")
    preferred_language = serializers.ChoiceField(choices=LANGUAGES, read_only=True)
    role = serializers.CharField(read_only=True)


class MeUpdateInput(serializers.Serializer[Any]):
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    preferred_language = serializers.ChoiceField(choices=LANGUAGES, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "mobile" in self.initial_data:
            raise serializers.ValidationError(
                {
                    "mobile": _(
                        "The mobile changes only with an OTP to the new number: "
                        "POST /api/v1/me/mobile/otp/, then POST /api/v1/me/mobile/."
                    )
                }
            )
        return attrs


class MobileOtpInput(serializers.Serializer[Any]):
    mobile = serializers.CharField(max_length=20, help_text="The NEW mobile number.")
    password = serializers.CharField(
        max_length=128,
        help_text="The account's password, asked again: a session alone does not move the "
        "officer's SMS to another phone. Wrong ones count against the sign-in lock.",
    )


class MobileOtpSentSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    mobile = serializers.CharField(help_text="The new number, masked (98xxxxxx10).")
    valid_minutes = serializers.IntegerField()


class MobileChangeInput(serializers.Serializer[Any]):
    mobile = serializers.CharField(max_length=20, help_text="The new number the OTP went to.")
    otp = serializers.CharField(max_length=12, help_text="The 6-digit OTP sent to it.")


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def _staff(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    staff_check(actor=user)
    return user


def _valid(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _me(user: User) -> dict[str, Any]:
    return dict(MeSerializer(user).data)


class MeApi(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        tags=["me"],
        responses={200: MeSerializer, 403: _error("Citizens have no staff profile.")},
        description="The signed-in staff member's profile.",
    )
    def get(self, request: Request) -> Response:
        return Response(_me(_staff(request)))

    @extend_schema(
        operation_id="me_update",
        tags=["me"],
        request=MeUpdateInput,
        responses={
            200: MeSerializer,
            400: _error("Invalid fields (`invalid`), `mobile` among them: it needs an OTP."),
            403: _error("Citizens have no staff profile."),
        },
        description="Change the name and language; every change is audited. The mobile is "
        "refused here (400, field `mobile`): it changes only with an OTP sent to the new "
        "number (POST /api/v1/me/mobile/otp/, then POST /api/v1/me/mobile/).",
    )
    def patch(self, request: Request) -> Response:
        actor = _staff(request)
        body = _valid(MeUpdateInput(data=request.data))
        user = profile_update(actor=actor, via=ProfileChangeVia.API, **body)
        return Response(_me(user))


class MeMobileOtpApi(APIView):
    @extend_schema(
        operation_id="me_mobile_otp_send",
        tags=["me"],
        request=MobileOtpInput,
        responses={
            202: MobileOtpSentSerializer,
            400: _error("Not a mobile number, the present one, or another staff member's."),
            403: _error("Citizens have no staff profile."),
            429: _error(
                "Too many OTPs for this mobile (`rate_limited`), by this user "
                "(`rate_limited_user`), from this address or the whole platform "
                "(`otp_busy`); or locked out after five wrong OTPs (`otp_locked`, with "
                "`Retry-After`)."
            ),
        },
        description="Step 1 of a mobile change: send an OTP by SMS to the NEW number. "
        "Nothing changes until step 2. At most 3 per 15 minutes per user (5 with other "
        "staff OTPs), and the number's own limits.",
    )
    def post(self, request: Request) -> Response:
        actor = _staff(request)
        body = _valid(MobileOtpInput(data=request.data))
        challenge = profile_mobile_otp_send(
            actor=actor,
            mobile=body["mobile"],
            password=body["password"],
            request=request,
            via=ProfileChangeVia.API,
            client=client_address(request),
        )
        masked = mobile_mask(challenge.mobile)
        answer = {
            "detail": _("We have sent an OTP to %(mobile)s.") % {"mobile": masked},
            "mobile": masked,
            "valid_minutes": int(VALID_FOR.total_seconds() // 60),
        }
        return Response(MobileOtpSentSerializer(answer).data, status=status.HTTP_202_ACCEPTED)


class MeMobileApi(APIView):
    @extend_schema(
        operation_id="me_mobile_change",
        tags=["me"],
        request=MobileChangeInput,
        responses={
            200: MeSerializer,
            400: _error(
                "Invalid fields (`invalid`); or the OTP is wrong (the `detail` says how many "
                "tries are left), expired, used, or was sent for another number or user "
                "(`otp_refused`). Nothing changes."
            ),
            403: _error("Citizens have no staff profile."),
            429: _error(
                "Five wrong OTPs (`otp_locked`, with `Retry-After`): no OTP is accepted or "
                "sent for a mobile change for 15 minutes, the right one included."
            ),
        },
        description="Step 2 of a mobile change: the OTP sent to the new number makes it "
        "the profile's mobile. The old number is told by SMS; every try is audited.",
    )
    def post(self, request: Request) -> Response:
        actor = _staff(request)
        body = _valid(MobileChangeInput(data=request.data))
        user = profile_mobile_change(
            actor=actor, mobile=body["mobile"], code=body["otp"], via=ProfileChangeVia.API
        )
        return Response(_me(user))

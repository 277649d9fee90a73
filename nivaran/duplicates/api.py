"""REST API v1 for duplicate candidates: thin views over the selectors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.core.clients import client_address
from nivaran.core.phones import mobile_mask
from nivaran.duplicates import selectors
from nivaran.duplicates.merge_otp import merge_otp_send
from nivaran.duplicates.scoring import THRESHOLD
from nivaran.grievances.api import ERRORS, CodeNameSerializer, ErrorSerializer

REASONS = (
    ("same_mobile", "The same mobile number"),
    ("name_match", "The same name, in either script or with a slip"),
    ("same_area", "The same area"),
    ("same_category", "The same complaint type"),
    ("text_similar", "A similar description, in any language"),
)


class CandidateSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(source="grievance.number")
    score = serializers.FloatField(min_value=0, max_value=1)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=REASONS))
    status = serializers.CharField(source="grievance.status")
    category = CodeNameSerializer(source="grievance.category")
    area = CodeNameSerializer(source="grievance.area")
    registered_at = serializers.DateTimeField(source="grievance.registered_at")


class CandidatesSerializer(serializers.Serializer[Any]):
    threshold = serializers.FloatField(help_text="The lowest score listed.")
    candidates = CandidateSerializer(many=True)


class DraftCitizenSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    mobile = serializers.RegexField(r"^[6-9]\d{9}$", max_length=10)


class DraftSerializer(serializers.Serializer[Any]):
    citizen = DraftCitizenSerializer()
    category = serializers.CharField(max_length=40, help_text="Complaint type code.")
    area = serializers.CharField(max_length=40, help_text="Area code.")
    description = serializers.CharField(max_length=8000)


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _answer(candidates: list[selectors.Candidate]) -> Response:
    return Response(CandidatesSerializer({"threshold": THRESHOLD, "candidates": candidates}).data)


class GrievanceDuplicatesApi(APIView):
    @extend_schema(
        responses={200: CandidatesSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        description="Likely duplicates of a grievance the caller may see, best first: open "
        "or recently finished grievances of the same complainant (mobile, or name in "
        "either script) with a similar complaint. Only grievances the caller could open "
        "themselves are listed. Not for citizens.",
    )
    def get(self, request: Request, number: str) -> Response:
        return _answer(
            selectors.duplicate_candidates_for_grievance(actor=_actor(request), number=number)
        )


class DuplicateCheckApi(APIView):
    @extend_schema(
        request=DraftSerializer,
        responses={200: CandidatesSerializer, **ERRORS},
        description="Likely duplicates of a grievance about to be registered (a draft), "
        "best first, among the grievances the caller may see. For tele-callers and the "
        "staff who register grievances.",
    )
    def post(self, request: Request) -> Response:
        body = DraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        draft = selectors.Draft(
            name=data["citizen"]["name"],
            mobile=data["citizen"]["mobile"],
            category_code=data["category"],
            area_code=data["area"],
            description=data["description"],
        )
        return _answer(selectors.duplicate_candidates_for_draft(actor=_actor(request), draft=draft))


class MergeOtpSerializer(serializers.Serializer[Any]):
    sent_to = serializers.CharField(help_text="The officer's own mobile, masked.")
    expires_at = serializers.DateTimeField()


class MergeOtpApi(APIView):
    @extend_schema(
        request=None,
        responses={202: MergeOtpSerializer, **ERRORS, 429: ErrorSerializer},
        description="Send the caller an OTP to their own registered mobile, to confirm a "
        "merge of this grievance (`POST .../actions/merge/` with `into` and `otp`). Only "
        "when the caller may merge it now; OTPs are limited per user and lock out after "
        "five wrong entries.",
    )
    def post(self, request: Request, number: str) -> Response:
        _ = request.data  # no body is needed; one sent must still be a JSON object
        challenge = merge_otp_send(
            actor=_actor(request), number=number, client=client_address(request)
        )
        return Response(
            MergeOtpSerializer(
                {"sent_to": mobile_mask(challenge.mobile), "expires_at": challenge.expires_at}
            ).data,
            status=status.HTTP_202_ACCEPTED,
        )

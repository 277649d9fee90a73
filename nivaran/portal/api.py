"""The Citizen API (`/api/v1/citizen/`, W2/X5): the citizen portal as JSON, for a state's
mobile app or a WhatsApp bot. Thin views over the portal's own services and selectors:
the same OTP and its limits, the same lodging, the same citizen-visible history, the
same feedback and reopening."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.core.api import Pagination
from nivaran.core.clients import client_address
from nivaran.core.errors import InvalidInput, NotFound
from nivaran.grievances.api import ErrorSerializer
from nivaran.grievances.models import Channel, FeedbackChannel, Grievance
from nivaran.otp.models import OtpPurpose
from nivaran.otp.services import VALID_FOR, otp_send
from nivaran.portal import selectors
from nivaran.portal.models import CitizenToken
from nivaran.portal.serializers import (
    CitizenAreaQuery,
    CitizenAreasSerializer,
    CitizenCategoryQuery,
    CitizenChoicesSerializer,
    CitizenFeedbackInput,
    CitizenGrievanceDetailSerializer,
    CitizenGrievanceSerializer,
    CitizenLodgeInput,
    CitizenLodgeMultipartInput,
    CitizenOtpInput,
    CitizenOtpSentSerializer,
    CitizenReopenInput,
    CitizenTokenInput,
    CitizenTokenSerializer,
)
from nivaran.portal.services import (
    Location,
    citizen_feedback_give,
    citizen_reopen,
    portal_grievance_lodge,
)
from nivaran.portal.tokens import (
    CitizenTokenAuthentication,
    citizen_token_issue,
    citizen_token_revoke,
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


UNAUTHENTICATED = _error("No citizen token, or an unknown, expired or revoked one.")
NOT_YOURS = _error("No grievance of this number belongs to the token's mobile (`not_found`).")
INVALID = _error("Invalid fields (`invalid`), with `fields` naming each.")
CONFLICT = _error("Not possible in the grievance's state (`transition_not_allowed`), with why.")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="A client's retry key (1-100 characters), kept in the proved mobile's "
    "namespace: a retry with the same key returns the grievance first lodged (200) "
    "and lodges nothing again.",
)


def _language() -> str:
    """The request's language (Accept-Language), as the portal's page language."""
    return "hi" if (get_language() or "en").startswith("hi") else "en"


class IsCitizenToken(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, CitizenToken) and isinstance(request.user, User)


class InRequestLanguage(APIView):
    """Texts in the language the app asks for (Accept-Language: en or hi). The API's paths
    carry no language prefix, so LocaleMiddleware alone would answer in English."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response


class CitizenApi(InRequestLanguage):
    """What every Citizen API view needs: a citizen token, and nothing else."""

    authentication_classes = [CitizenTokenAuthentication]
    permission_classes = [IsAuthenticated, IsCitizenToken]

    def citizen(self) -> tuple[User, str]:
        """The citizen account and the mobile the token proved."""
        token = self.request.auth
        assert isinstance(token, CitizenToken) and isinstance(self.request.user, User)
        return self.request.user, token.mobile

    def owned(self, number: str) -> Grievance:
        user, _mobile = self.citizen()
        grievance = selectors.citizen_grievance(user=user, number=number)
        if grievance is None:  # someone else's, or none: the same answer
            raise NotFound(_("No grievance of this number belongs to your mobile number."))
        return grievance

    def detail(self, grievance: Grievance) -> dict[str, Any]:
        view = selectors.citizen_view(grievance=grievance)
        return dict(CitizenGrievanceDetailSerializer(view).data)


# --- OTP and token ---------------------------------------------------------------


class OtpApi(InRequestLanguage):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="citizen_otp_send",
        tags=["citizen"],
        request=CitizenOtpInput,
        responses={
            202: CitizenOtpSentSerializer,
            400: INVALID,
            429: _error(
                "Too many OTPs for this mobile or from this address (`rate_limited`), "
                "or from the whole platform (`otp_busy`)."
            ),
        },
        auth=[],
        description="Send a one-time password by SMS to the mobile, to exchange at "
        "POST /api/v1/citizen/token/. Any mobile may ask (a new citizen lodges with it), "
        "so the answer says nothing of the mobile's grievances. Limited as on the portal: "
        "per mobile, per client address and for the whole platform, per 15 minutes.",
    )
    def post(self, request: Request) -> Response:
        body = CitizenOtpInput(data=request.data)
        body.is_valid(raise_exception=True)
        otp_send(
            mobile=body.validated_data["mobile"],
            purpose=OtpPurpose.APP,
            language=body.validated_data.get("language") or _language(),
            client=client_address(request),
        )
        minutes = int(VALID_FOR.total_seconds() // 60)
        answer = {
            "detail": _("We have sent an OTP to %(mobile)s.")
            % {"mobile": body.validated_data["mobile"]},
            "valid_minutes": minutes,
        }
        return Response(CitizenOtpSentSerializer(answer).data, status=status.HTTP_202_ACCEPTED)


class TokenApi(InRequestLanguage):
    authentication_classes = [CitizenTokenAuthentication]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Asking for a token needs none: a stale one sent along must not stand in the way.
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        if getattr(self.request, "method", None) == "POST":
            return [AllowAny()]
        return [IsAuthenticated(), IsCitizenToken()]

    @extend_schema(
        operation_id="citizen_token_create",
        tags=["citizen"],
        request=CitizenTokenInput,
        responses={
            201: CitizenTokenSerializer,
            400: _error(
                "Invalid fields (`invalid`), or the OTP is wrong, expired, used or killed by "
                "five wrong tries (`otp_refused`)."
            ),
        },
        auth=[],
        description="Exchange the OTP for a citizen token, sent as "
        "`Authorization: Bearer <token>`. It acts as the citizen of that mobile and "
        "expires after CITIZEN_TOKEN_MINUTES (60 by default); only its hash is stored.",
    )
    def post(self, request: Request) -> Response:
        body = CitizenTokenInput(data=request.data)
        body.is_valid(raise_exception=True)
        issued = citizen_token_issue(
            mobile=body.validated_data["mobile"], code=body.validated_data["code"]
        )
        return Response(CitizenTokenSerializer(issued).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="citizen_token_revoke",
        tags=["citizen"],
        request=None,
        responses={204: None, 401: UNAUTHENTICATED},
        description="End the token sent with this request (sign out).",
    )
    def delete(self, request: Request) -> Response:
        token = request.auth
        assert isinstance(token, CitizenToken)
        citizen_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- pickers ------------------------------------------------------------------------


class CategoriesApi(CitizenApi):
    @extend_schema(
        operation_id="citizen_categories",
        tags=["citizen"],
        parameters=[CitizenCategoryQuery],
        responses={200: CitizenChoicesSerializer, 400: INVALID, 401: UNAUTHENTICATED},
        description="The complaint types a citizen may choose, of one kind, by name in the "
        "request's language; `q` finds words in the English or Hindi name (the portal's "
        "picker).",
    )
    def get(self, request: Request) -> Response:
        query = CitizenCategoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        choices = selectors.categories_for_picker(
            kind=query.validated_data["kind"], q=query.validated_data["q"]
        )
        return Response(CitizenChoicesSerializer({"results": choices}).data)


class AreasApi(CitizenApi):
    @extend_schema(
        operation_id="citizen_areas",
        tags=["citizen"],
        parameters=[CitizenAreaQuery],
        responses={200: CitizenAreasSerializer, 400: INVALID, 401: UNAUTHENTICATED},
        description="The districts; with `district`, the district and the areas in it in "
        "tree order (the portal's area picker). An unknown district has none.",
    )
    def get(self, request: Request) -> Response:
        query = CitizenAreaQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        district = query.validated_data["district"]
        if district:
            areas = selectors.district_areas(district_code=district)
        else:
            areas = [
                selectors.AreaChoice(c.code, c.label, "district", 0) for c in selectors.districts()
            ]
        return Response(CitizenAreasSerializer({"results": areas}).data)


# --- grievances --------------------------------------------------------------------


class GrievancesApi(generics.ListAPIView[Grievance], CitizenApi):
    serializer_class = CitizenGrievanceSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Grievance]:
        user, _mobile = self.citizen()
        return selectors.citizen_grievances(user=user)

    @extend_schema(
        operation_id="citizen_grievances_list",
        tags=["citizen"],
        responses={200: CitizenGrievanceSerializer(many=True), 401: UNAUTHENTICATED},
        description="The grievances of the token's mobile, newest first, with the status "
        "in the citizen's words (in the Accept-Language: en or hi).",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="citizen_grievances_lodge",
        tags=["citizen"],
        request={
            "application/json": CitizenLodgeInput,
            "multipart/form-data": CitizenLodgeMultipartInput,
        },
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: CitizenGrievanceDetailSerializer,
            200: OpenApiResponse(
                CitizenGrievanceDetailSerializer,
                description="A retry with an Idempotency-Key already used by this mobile: "
                "the grievance first lodged with it.",
            ),
            400: INVALID,
            401: UNAUTHENTICATED,
        },
        description="Lodge a grievance for the token's mobile, as on the portal (channel "
        "`app`). JSON, or multipart with up to 3 `attachments` (JPG, PNG or PDF, 5 MB "
        "each). `linked_to`: a closed grievance of the same mobile this one follows up "
        "(when it can no longer be reopened).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _user, mobile = self.citizen()
        body = CitizenLodgeInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        key = request.headers.get("Idempotency-Key")
        if key is not None and not 1 <= len(key) <= 100:
            raise InvalidInput(
                _("Idempotency-Key must be 1 to 100 characters."),
                fields={"Idempotency-Key": [_("1 to 100 characters.")]},
            )
        location = (
            Location(data["latitude"], data["longitude"])
            if data.get("latitude") is not None
            else None
        )
        grievance, created = portal_grievance_lodge(
            mobile=mobile,
            citizen_name=data["name"],
            kind=data.get("kind", ""),
            category_code=data["category"],
            area_code=data["area"],
            description=data["description"],
            language=data.get("language") or _language(),
            location=location,
            files=request.FILES.getlist("attachments") if request.FILES else [],
            client_key=key,
            linked_to_number=data.get("linked_to") or None,
            channel=Channel.APP,
        )
        return Response(
            self.detail(self.owned(grievance.number or "")),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class GrievanceApi(CitizenApi):
    @extend_schema(
        operation_id="citizen_grievance_get",
        tags=["citizen"],
        responses={200: CitizenGrievanceDetailSerializer, 401: UNAUTHENTICATED, 404: NOT_YOURS},
        description="One grievance of the token's mobile: the status and the history a "
        "citizen sees (never officers' internal notes), the action taken report and "
        "whether it awaits the citizen's answer, and what the citizen may do now (`may`).",
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(self.detail(self.owned(number)))


class FeedbackApi(CitizenApi):
    @extend_schema(
        operation_id="citizen_grievance_feedback",
        tags=["citizen"],
        request=CitizenFeedbackInput,
        responses={
            200: CitizenGrievanceDetailSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            404: NOT_YOURS,
            409: CONFLICT,
        },
        description='Answer "are you satisfied?" about the action taken report (when '
        "`may.feedback`). Only satisfied closes; not satisfied needs a `reason` and goes "
        "back to the officer, or for clarification where the state's rules say so.",
    )
    def post(self, request: Request, number: str) -> Response:
        grievance = self.owned(number)
        body = CitizenFeedbackInput(data=request.data)
        body.is_valid(raise_exception=True)
        _user, mobile = self.citizen()
        citizen_feedback_give(
            grievance=grievance,
            mobile=mobile,
            satisfied=body.validated_data["satisfied"],
            reason=body.validated_data.get("reason", ""),
            channel=FeedbackChannel.APP,
        )
        return Response(self.detail(self.owned(number)))


class ReopenApi(CitizenApi):
    @extend_schema(
        operation_id="citizen_grievance_reopen",
        tags=["citizen"],
        request=CitizenReopenInput,
        responses={
            200: CitizenGrievanceDetailSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            404: NOT_YOURS,
            409: CONFLICT,
        },
        description="Reopen a closed grievance within the state's window (when "
        "`may.reopen`). After it the answer is 409: lodge a follow-up with `linked_to`.",
    )
    def post(self, request: Request, number: str) -> Response:
        grievance = self.owned(number)
        body = CitizenReopenInput(data=request.data)
        body.is_valid(raise_exception=True)
        _user, mobile = self.citizen()
        citizen_reopen(grievance=grievance, mobile=mobile, reason=body.validated_data["reason"])
        return Response(self.detail(self.owned(number)))

"""REST API v1 for field validation (W7, W8): visits, their reports, and coverage."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.core.api import Pagination
from nivaran.core.parsers import FormParser, JSONParser, MultiPartParser
from nivaran.grievances import fieldwork
from nivaran.grievances.api import ErrorSerializer
from nivaran.grievances.models import FieldVisit

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class FieldVisitSerializer(serializers.ModelSerializer[FieldVisit]):
    grievance = serializers.CharField(source="grievance.number")
    grievance_status = serializers.CharField(source="grievance.status")
    category = serializers.CharField(source="grievance.category.name")
    area = serializers.CharField(source="grievance.area.name")
    department = serializers.CharField(source="department.code")
    atr_summary = serializers.CharField(source="atr.summary", allow_null=True)
    atr_submitted_at = serializers.DateTimeField(source="atr.submitted_at", allow_null=True)
    picked_by = serializers.CharField(source="picked_by.username", allow_null=True)
    executive = serializers.CharField(source="executive.username", allow_null=True)

    class Meta:
        model = FieldVisit
        fields = [
            "id",
            "grievance",
            "grievance_status",
            "category",
            "area",
            "department",
            "atr_summary",
            "atr_submitted_at",
            "picked_at",
            "picked_how",
            "picked_by",
            "visited_at",
            "executive",
            "rating",
            "meets_standard",
            "remarks",
        ]


class VisitPickInput(serializers.Serializer[Any]):
    grievance = serializers.CharField(max_length=20, help_text="The grievance number.")


class _ListInput(serializers.Serializer[Any]):
    pending = serializers.BooleanField(required=False, allow_null=True, default=None)


class VisitRecordInput(serializers.Serializer[Any]):
    rating = serializers.IntegerField(
        min_value=1, max_value=5, help_text="Quality of the action taken, 1 (poor) to 5."
    )
    remarks = serializers.CharField(max_length=4000, help_text="What was found on the ground.")
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="JPG or PNG photos, at most 5."
    )


class VisitRecordResultSerializer(serializers.Serializer[Any]):
    visit = FieldVisitSerializer()
    standard = serializers.IntegerField()
    meets_standard = serializers.BooleanField()
    recalled = serializers.BooleanField()
    not_recalled_reason = serializers.CharField()


class FieldCoverageSerializer(serializers.Serializer[Any]):
    executive = serializers.CharField(source="executive.username")
    name = serializers.CharField(source="executive.get_full_name")
    mobile = serializers.CharField(source="executive.mobile")
    district = serializers.CharField(source="district.code")
    district_name = serializers.CharField(source="district.name")
    since = serializers.DateField(allow_null=True)


class FieldVisitListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "pending",
                bool,
                description="CMO grievance cell: only pending (true) or recorded (false) visits.",
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: FieldVisitSerializer(many=True),
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        description="A field validation executive: the pending visits in the districts they "
        "cover, oldest first. The CMO grievance cell: every visit.",
    )
    def get(self, request: Request) -> Response:
        filters = _ListInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = fieldwork.visits_visible_to(
            actor=_actor(request), pending=filters.validated_data.get("pending")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(FieldVisitSerializer(page, many=True).data)

    @extend_schema(
        request=VisitPickInput,
        responses={201: FieldVisitSerializer, 200: FieldVisitSerializer, **ERRORS},
        description="Pick a grievance with an ATR for a field visit (the CMO grievance cell, "
        "or an administrative secretary within their jurisdiction). A visit already pending "
        "for it is returned (200); 409 when it has no ATR to check.",
    )
    def post(self, request: Request) -> Response:
        body = VisitPickInput(data=request.data)
        body.is_valid(raise_exception=True)
        picked, created = fieldwork.field_visit_pick(
            number=body.validated_data["grievance"], actor=_actor(request)
        )
        # The pick has checked the picker's reach; a secretary who may pick does not see
        # the executives' queue, so the visit is read back as picked, not through it.
        visit = fieldwork.visit_picked(visit_id=picked.pk)
        return Response(
            FieldVisitSerializer(visit).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class FieldVisitRecordApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": VisitRecordInput},
        responses={200: VisitRecordResultSerializer, **ERRORS},
        description="Record a visit (a field validation executive covering its district; "
        "once). A rating below the profile's standard recalls the ATR to the HoD's level "
        "with the remarks as the reasons; `recalled` says whether it was.",
    )
    def post(self, request: Request, visit_id: int) -> Response:
        actor = _actor(request)
        data = request.data
        body = VisitRecordInput(
            data={
                "rating": data.get("rating"),
                "remarks": data.get("remarks"),
                "photos": request.FILES.getlist("photos") if request.FILES else [],
            }
        )
        body.is_valid(raise_exception=True)
        result = fieldwork.field_visit_record(
            visit_id=visit_id,
            actor=actor,
            rating=body.validated_data["rating"],
            remarks=body.validated_data["remarks"],
            photos=body.validated_data.get("photos", []),
        )
        visit = fieldwork.visit_get(actor=actor, visit_id=result.visit.pk)
        return Response(
            VisitRecordResultSerializer(
                {
                    "visit": visit,
                    "standard": fieldwork.field_standard(),
                    "meets_standard": result.meets_standard,
                    "recalled": result.recalled,
                    "not_recalled_reason": result.not_recalled_reason,
                }
            ).data
        )


class FieldCoverageApi(APIView):
    @extend_schema(
        responses={200: FieldCoverageSerializer(many=True), 403: ErrorSerializer},
        description="Who covers which district: the district administration sees the "
        "executives covering their districts, the CMO grievance cell all of them.",
    )
    def get(self, request: Request) -> Response:
        rows = fieldwork.coverage_visible_to(actor=_actor(request))
        return Response(FieldCoverageSerializer(rows, many=True).data)

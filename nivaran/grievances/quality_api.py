"""REST API v1 for the resolution-quality loop: reads only; every change is an action
(POST /grievances/{number}/actions/{action}/)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.core.api import Pagination
from nivaran.core.errors import PermissionDenied
from nivaran.grievances import quality, selectors
from nivaran.grievances.api import ErrorSerializer
from nivaran.grievances.models import ActionTakenReport, FeedbackCall, SpecialClose
from nivaran.profiles.loader import active_profile


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class AtrSerializer(serializers.ModelSerializer[ActionTakenReport]):
    grievance = serializers.CharField(source="grievance.number")
    submitted_by = serializers.CharField(source="submitted_by.username")
    post = serializers.CharField(source="post.title", allow_null=True, default=None)
    senior_post = serializers.CharField(source="senior_post.title", allow_null=True, default=None)
    documents = serializers.SerializerMethodField()

    class Meta:
        model = ActionTakenReport
        fields = [
            "id",
            "grievance",
            "submitted_at",
            "submitted_by",
            "post",
            "level",
            "senior_post",
            "summary",
            "resolution_type",
            "reason",
            "acknowledged_feedback",
            "outcome",
            "feedback_attempts",
            "next_call_at",
            "documents",
        ]

    def get_documents(self, obj: ActionTakenReport) -> list[dict[str, Any]]:
        return [
            {"id": d.pk, "name": d.original_name, "content_type": d.content_type, "size": d.size}
            for d in obj.documents.all()
        ]


class FeedbackSerializer(serializers.ModelSerializer[FeedbackCall]):
    grievance = serializers.CharField(source="grievance.number")
    taken_by = serializers.CharField(source="taken_by.username")

    class Meta:
        model = FeedbackCall
        fields = [
            "id",
            "grievance",
            "atr",
            "at",
            "taken_by",
            "channel",
            "outcome",
            "reason",
            "recording_ref",
            "comments",
        ]


class SpecialCloseSerializer(serializers.ModelSerializer[SpecialClose]):
    grievance = serializers.CharField(source="grievance.number")
    department = serializers.CharField(source="department.code")
    closed_by = serializers.CharField(source="closed_by.username")
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", allow_null=True, default=None
    )

    class Meta:
        model = SpecialClose
        fields = [
            "id",
            "grievance",
            "department",
            "level",
            "closed_at",
            "closed_by",
            "reason_code",
            "justification",
            "review",
            "reviewed_at",
            "reviewed_by",
            "review_note",
        ]


class QualityCountsSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Department code or officer's username.")
    name = serializers.CharField()
    atrs = serializers.IntegerField()
    conflicts = serializers.IntegerField()
    recalls = serializers.IntegerField()
    special_closes = serializers.IntegerField()
    special_closes_reverted = serializers.IntegerField()
    closures = serializers.IntegerField()
    special_close_share = serializers.FloatField()


class _FeedbackQueueInput(serializers.Serializer[Any]):
    all = serializers.BooleanField(required=False, allow_null=True, default=None)


class FeedbackQueueApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "all", bool, description="Include ATRs whose next call is later (default: due now)"
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: AtrSerializer(many=True),
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        description="The feedback desk's queue: ATRs awaiting the citizen's word, next call first.",
    )
    def get(self, request: Request) -> Response:
        filters = _FeedbackQueueInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        show_all = bool(filters.validated_data.get("all"))
        qs = quality.feedback_queue(
            actor=_actor(request), now=timezone.now(), due_only=not show_all
        ).prefetch_related("documents")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AtrSerializer(page, many=True).data)


class GrievanceAtrsApi(APIView):
    @extend_schema(
        responses={200: AtrSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request, number: str) -> Response:
        grievance = selectors.grievance_get_for_staff(actor=_actor(request), number=number)
        return Response(AtrSerializer(quality.atrs_of(grievance=grievance), many=True).data)


class GrievanceFeedbackApi(APIView):
    @extend_schema(
        responses={200: FeedbackSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer},
        description="Every feedback on the grievance. An ATR must list all their ids in "
        "`acknowledged_feedback` (H5).",
    )
    def get(self, request: Request, number: str) -> Response:
        grievance = selectors.grievance_get_for_staff(actor=_actor(request), number=number)
        return Response(
            FeedbackSerializer(quality.feedback_of(grievance=grievance), many=True).data
        )


class SpecialCloseQueueApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={
            200: SpecialCloseSerializer(many=True),
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        description="Special closes awaiting review by the profile's reviewer (U3); decide "
        "with the action `review_special_close`.",
    )
    def get(self, request: Request) -> Response:
        qs = quality.special_close_queue(actor=_actor(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(SpecialCloseSerializer(page, many=True).data)


COUNT_READERS = frozenset(
    {Role.CMO_GRIEVANCE_CELL, Role.DATA_ANALYST, Role.PLATFORM_ADMIN, Role.SYSTEM}
)


def _may_read_counts(actor: User) -> None:
    if actor.role not in COUNT_READERS and actor.role != active_profile().special_close_reviewer:
        raise PermissionDenied("Your role does not read quality counts.")


class QualityCountsApi(APIView):
    by = "department"

    @extend_schema(
        parameters=[
            OpenApiParameter("department", str, description="Department code (officers only)"),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="ISO date-time, inclusive"
            ),
            OpenApiParameter(
                "until", OpenApiTypes.DATETIME, description="ISO date-time, exclusive"
            ),
        ],
        responses={
            200: QualityCountsSerializer(many=True),
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
        description="Conflicts, recalls and special closes (with their share of closures), "
        "per department or per officer. Statewide staff read everything; the "
        "special-close reviewer, if an officer, what their posts cover.",
    )
    def get(self, request: Request) -> Response:
        actor = _actor(request)
        _may_read_counts(actor)
        window = _Window(data=request.query_params)
        window.is_valid(raise_exception=True)
        since, until = window.validated_data.get("since"), window.validated_data.get("until")
        # A reviewer who is an officer reads what their posts cover.
        scope = quality.quality_scope(actor=actor)
        if self.by == "department":
            rows = quality.quality_counts_by_department(within=scope, since=since, until=until)
        else:
            rows = quality.quality_counts_by_officer(
                department_code=window.validated_data.get("department") or None,
                within=scope,
                since=since,
                until=until,
            )
        return Response(QualityCountsSerializer(rows, many=True).data)


class _Window(serializers.Serializer[Any]):
    department = serializers.CharField(required=False, allow_blank=True)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

"""REST API v1 for Right to Service (docs/rts.md): the catalogue of notified services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.core.api import Pagination
from nivaran.grievances.api import ErrorSerializer
from nivaran.org.models import Department
from nivaran.rts import selectors
from nivaran.rts.models import Stage

# The error answers every list here documents (a page past the last is a 404).
LIST_ERRORS = {
    400: ErrorSerializer,
    404: OpenApiResponse(ErrorSerializer, description="No such page."),
}


def _page(
    view: APIView, request: Request, qs: Any, serializer: type[serializers.Serializer[Any]]
) -> Response:
    """One page of `qs`, each row as `serializer` renders it."""
    paginator = Pagination()  # the views name it too, for the schema
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class RtsCodeNameSerializer(serializers.Serializer[Any]):
    """A department or a designation, named in both languages."""

    code = serializers.CharField()
    name = serializers.CharField()
    name_hi = serializers.CharField()


class RtsServiceRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_hi = serializers.CharField()
    time_limit_days = serializers.IntegerField()


class NotifiedServiceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_hi = serializers.CharField()
    department = RtsCodeNameSerializer()
    time_limit_days = serializers.IntegerField(
        help_text="Days within which the service is to be given, as notified under the Act."
    )
    designated_officer = RtsCodeNameSerializer(
        help_text="The designation of the officer who gives the service; the post is the "
        "one of that designation in the department whose area covers the grievance's."
    )
    first_appellate = RtsCodeNameSerializer()
    first_appeal_days = serializers.IntegerField()
    second_appellate = RtsCodeNameSerializer()
    second_appeal_days = serializers.IntegerField()


class _Filters(serializers.Serializer[Any]):
    # Blank means no filter, as on the other lists.
    department = serializers.CharField(required=False, allow_blank=True, max_length=20)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate_department(self, value: str) -> str:
        if value and not Department.objects.filter(code=value).exists():
            raise serializers.ValidationError(
                _("There is no department %(code)s.") % {"code": value}
            )
        return value


class NotifiedServiceListApi(APIView):
    pagination_class = Pagination  # the schema shows the page from it

    @extend_schema(
        parameters=[
            OpenApiParameter("department", str, description="Department code"),
            OpenApiParameter("q", str, description="In the name (English or Hindi) or code"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: NotifiedServiceSerializer(many=True), **LIST_ERRORS},
        description="The notified services of the state's Right to Service act (H1), by "
        "code: what a grievance about a deficiency in a service may be linked to. Empty "
        "where the state's profile does not turn Right to Service on. Any signed-in user; "
        "an unknown department is a 400.",
    )
    def get(self, request: Request) -> Response:
        filters = _Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.notified_services(
            department=filters.validated_data.get("department"),
            q=filters.validated_data.get("q"),
        )
        return _page(self, request, qs, NotifiedServiceSerializer)


class RtsCaseSerializer(serializers.Serializer[Any]):
    grievance = serializers.CharField(source="grievance.number", help_text="Its number.")
    grievance_status = serializers.CharField(source="grievance.status")
    service = RtsServiceRefSerializer()
    stage = serializers.ChoiceField(choices=Stage.choices)
    nodal_post = serializers.CharField(
        source="nodal_post.title",
        allow_null=True,
        help_text="The department's nodal officer's post, whose queue the case is in; null "
        "where the department has no nodal officer appointed.",
    )
    received_at = serializers.DateTimeField(help_text="When the complaint was received.")
    call_due_at = serializers.DateTimeField(
        help_text="The citizen is to be called by then (H3: within 30 days of the receipt)."
    )
    opened_at = serializers.DateTimeField()


class _CaseFilters(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    mine = serializers.BooleanField(required=False, default=False)


class RtsCaseListApi(APIView):
    pagination_class = Pagination  # the schema shows the page from it

    @extend_schema(
        parameters=[
            OpenApiParameter("stage", str, enum=Stage.values),
            OpenApiParameter(
                "mine", bool, description="Only the cases in the queue of a post I hold"
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: RtsCaseSerializer(many=True), **LIST_ERRORS},
        description="Auto Appeal System cases (H1, H2) of the grievances the caller may "
        "see, the earliest call deadline first: a grievance registered about a notified "
        "service is one at once, in its department's nodal officer's queue (`mine=true` "
        "as that officer).",
    )
    def get(self, request: Request) -> Response:
        filters = _CaseFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        qs = selectors.rts_cases(
            actor=user,
            stage=filters.validated_data.get("stage"),
            mine=filters.validated_data["mine"],
        )
        return _page(self, request, qs, RtsCaseSerializer)

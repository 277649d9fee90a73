from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.catalog.models import Category, Kind
from nivaran.catalog.selectors import categories_for_intake
from nivaran.core.api import Pagination
from nivaran.grievances.api import ErrorSerializer
from nivaran.grievances.deadlines import category_deadlines
from nivaran.profiles.loader import active_profile

Deadlines = inline_serializer(
    "Deadlines",
    {
        "unit": serializers.ChoiceField(choices=["working_days", "working_hours", "clock_hours"]),
        "l1": serializers.IntegerField(),
        "l2": serializers.IntegerField(),
        "l3": serializers.IntegerField(),
        "l4": serializers.IntegerField(),
    },
)


class CategorySerializer(serializers.ModelSerializer[Category]):
    department = serializers.CharField(source="department.code")
    parent = serializers.CharField(source="parent.code", allow_null=True)  # type: ignore[assignment]
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "name_hi",
            "department",
            "parent",
            "kind",
            "is_others",
            "deadlines",
        ]

    @extend_schema_field(Deadlines)
    def get_deadlines(self, obj: Category) -> dict[str, Any]:
        d = category_deadlines(obj, active_profile())
        return {"unit": d.unit, **{f"l{n}": d.for_level(n) for n in range(1, 5)}}


class _CategoryFilters(serializers.Serializer[Any]):
    department = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, allow_blank=True)


class CategoryListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("department", str, description="Department code"),
            OpenApiParameter("kind", str, enum=Kind.values),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: CategorySerializer(many=True),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        description="Complaint types open for intake, with their deadline per level. "
        "An unknown `kind` is a 400; a page past the last, a 404.",
    )
    def get(self, request: Request) -> Response:
        filters = _CategoryFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = categories_for_intake(
            department=filters.validated_data.get("department") or None,
            kind=filters.validated_data.get("kind") or None,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CategorySerializer(page, many=True).data)

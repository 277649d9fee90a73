from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.core.api import Pagination
from nivaran.geo.models import Area, AreaType
from nivaran.grievances.api import ErrorSerializer


class AreaSerializer(serializers.ModelSerializer[Area]):
    parent = serializers.CharField(source="parent.code", allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Area
        fields = ["code", "name", "name_hi", "type", "parent", "latitude", "longitude"]
        extra_kwargs = {
            "latitude": {"help_text": "The area's point (WGS84), e.g. a district's headquarters."},
            "longitude": {"help_text": "The area's point (WGS84)."},
        }


class _AreaFilters(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=AreaType.choices, required=False, allow_blank=True)
    parent = serializers.CharField(required=False, allow_blank=True)  # type: ignore[assignment]


class AreaListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("type", str, enum=AreaType.values),
            OpenApiParameter("parent", str, description="Parent area code"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: AreaSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
        description="Areas, top down. An unknown `type` is a 400; a page past the last, a 404.",
    )
    def get(self, request: Request) -> Response:
        filters = _AreaFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = Area.objects.select_related("parent").order_by("path")
        if kind := filters.validated_data.get("type"):
            qs = qs.filter(type=kind)
        if parent := filters.validated_data.get("parent"):
            qs = qs.filter(parent__code=parent)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AreaSerializer(page, many=True).data)

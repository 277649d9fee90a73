from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.core.api import Pagination
from nivaran.geo.models import Area, AreaType


class AreaSerializer(serializers.ModelSerializer[Area]):
    parent = serializers.CharField(source="parent.code", allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Area
        fields = ["code", "name", "name_hi", "type", "parent", "latitude", "longitude"]
        extra_kwargs = {
            "latitude": {"help_text": "The area's point (WGS84), e.g. a district's headquarters."},
            "longitude": {"help_text": "The area's point (WGS84)."},
        }


class AreaListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("type", str, enum=AreaType.values),
            OpenApiParameter("parent", str, description="Parent area code"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: AreaSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        qs = Area.objects.select_related("parent").order_by("path")
        if kind := request.query_params.get("type"):
            qs = qs.filter(type=kind)
        if parent := request.query_params.get("parent"):
            qs = qs.filter(parent__code=parent)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AreaSerializer(page, many=True).data)

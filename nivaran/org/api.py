"""The directory (W4): departments for every signed-in caller; posts, their level mappings
and, for staff, their holders. Read-only; master data changes in the admin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.core.api import Pagination
from nivaran.grievances.api import ErrorSerializer, OfficerSerializer
from nivaran.org.models import Department, LevelMapping, Post
from nivaran.org.selectors import (
    PostFilters,
    departments_directory,
    directory_shows_holders,
    posts_directory,
)


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = ["code", "name", "name_hi"]


class DesignationSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_hi = serializers.CharField()
    rank = serializers.IntegerField(help_text="Larger is more senior.")


class PostAreaSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()


class LevelServedSerializer(serializers.ModelSerializer[LevelMapping]):
    department = serializers.CharField(source="department.code")
    area = serializers.CharField(
        source="area.code",
        allow_null=True,
        default=None,
        help_text="The area whose grievances the post takes at this level; null: the state.",
    )
    category = serializers.CharField(
        source="category.code",
        allow_null=True,
        default=None,
        help_text="Only for this complaint type (and those below it); null: every type.",
    )

    class Meta:
        model = LevelMapping
        fields = ["level", "department", "area", "category"]


class PostSerializer(serializers.ModelSerializer[Post]):
    designation = DesignationSerializer()
    department = serializers.CharField(
        source="department.code",
        allow_null=True,
        default=None,
        help_text="null: every department in the area (a district magistrate).",
    )
    area = PostAreaSerializer()
    levels = LevelServedSerializer(source="level_mappings", many=True)
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "code",
            "title",
            "title_hi",
            "designation",
            "department",
            "area",
            "is_head_of_department",
            "levels",
            "holder",
        ]

    @extend_schema_field(OfficerSerializer(allow_null=True))
    def get_holder(self, obj: Post) -> dict[str, Any] | None:
        # Never a mobile: the username and the name, and only to staff.
        if obj.holder is None or not self.context.get("show_holders"):
            return None
        return dict(OfficerSerializer(obj.holder).data)


class _PostFilterInput(serializers.Serializer[Any]):
    # Blank means no filter, as on the other lists.
    department = serializers.CharField(required=False, allow_blank=True)
    area = serializers.CharField(required=False, allow_blank=True)
    level = serializers.IntegerField(min_value=1, max_value=4, required=False)
    vacant = serializers.BooleanField(required=False, allow_null=True, default=None)


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class DepartmentListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={200: DepartmentSerializer(many=True), 404: ErrorSerializer},
        description="Active departments, by code. Any signed-in caller, citizens included.",
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(departments_directory(), request, view=self)
        return paginator.get_paginated_response(DepartmentSerializer(page, many=True).data)


class PostListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("department", str, description="Department code"),
            OpenApiParameter("area", str, description="Area code (includes sub-areas)"),
            OpenApiParameter("level", int, enum=[1, 2, 3, 4], description="Mapped at level"),
            OpenApiParameter("vacant", bool, description="true: no holder; false: held"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: PostSerializer(many=True),
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        description="Posts by code, with the levels each serves for which department, area "
        "and complaint type, and the holder (username and name; never a mobile). Staff "
        "only: a citizen gets 403.",
    )
    def get(self, request: Request) -> Response:
        actor = _actor(request)
        filters = _PostFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        qs = posts_directory(
            actor=actor,
            filters=PostFilters(
                department=data.get("department") or None,
                area=data.get("area") or None,
                level=data.get("level"),
                vacant=data.get("vacant"),
            ),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        shown = directory_shows_holders(actor=actor)
        serializer = PostSerializer(page, many=True, context={"show_holders": shown})
        return paginator.get_paginated_response(serializer.data)

"""REST API v1 for exports (X6): `/api/v1/exports/`, a job resource with its progress."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.core.api import Pagination
from nivaran.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from nivaran.exports import selectors, services
from nivaran.exports.kinds import KIND_CODES, GrievanceExportFilters
from nivaran.exports.kinds_review import SystemicExportFilters
from nivaran.exports.models import ExportFormat, ExportJob, ExportStatus
from nivaran.grievances.api import ErrorSerializer

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="ExportFilters",
        serializers=[GrievanceExportFilters, SystemicExportFilters],
        resource_type_field_name=None,
    )
)
class ExportFiltersField(serializers.JSONField):
    """The filters of the kind asked for: the grievance list's or the systemic issues'
    (the other lists take none: an empty object), checked by the service against the
    kind named."""


class ExportInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=KIND_CODES, help_text="The list to export; see docs/exports.md."
    )
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    filters = ExportFiltersField(
        required=False,
        help_text="The list's filters (for `grievances`: those of GET /api/v1/grievances/ "
        "except `q` and the sync cursor; for `systemic_issues`: `status`, `kind`, "
        "`department`, `district` and `since` of GET /api/v1/analytics/systemic-issues/; "
        "the other lists take none). Unknown filters and codes are a 400.",
    )

    def to_internal_value(self, data: Any) -> Any:
        # The filters are the kind's: checked by the service against the kind named, so
        # only their shape (an object) is checked here.
        if isinstance(data, dict) and "filters" in data:
            data = {**data}
            filters = data.pop("filters")
            value = super().to_internal_value(data)
            if filters is not None and not isinstance(filters, dict):
                raise serializers.ValidationError({"filters": ["Must be an object."]})
            value["filters"] = filters or {}
            return value
        return super().to_internal_value(data)


class ExportJobSerializer(serializers.ModelSerializer[ExportJob]):
    download_url = serializers.SerializerMethodField(
        help_text="Where the file downloads, once `status` is `done`; else null."
    )
    kind = serializers.CharField(help_text="The list exported (a `kind` of the request).")
    filters = serializers.DictField(help_text="The filters as validated.")
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text="Per cent of the rows written; 100 when done."
    )
    rows_done = serializers.IntegerField(min_value=0, help_text="Rows written so far.")
    rows_total = serializers.IntegerField(
        min_value=0, allow_null=True, help_text="Rows to write; null until counted."
    )
    error = serializers.CharField(help_text="Why it failed; blank otherwise.")

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "format",
            "filters",
            "status",
            "progress",
            "rows_done",
            "rows_total",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]

    def get_download_url(self, obj: ExportJob) -> str | None:
        if obj.status != ExportStatus.DONE:
            return None
        path = reverse("api:export-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer}


class ExportListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={200: ExportJobSerializer(many=True), 404: ErrorSerializer},
        description="The caller's own exports, newest first (expired ones are deleted).",
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.exports_of(actor=_actor(request)), request, view=self
        )
        return paginator.get_paginated_response(
            ExportJobSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        request=ExportInput,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            202: ExportJobSerializer,
            200: OpenApiResponse(
                ExportJobSerializer, description="A retry with the same Idempotency-Key."
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description="`too_many_exports`: as many exports queued or running as one "
                "user may have (EXPORTS_MAX_ACTIVE); `Retry-After` says when to ask again.",
            ),
            **ERRORS,
        },
        description="Ask for an export of a list the caller may see, as CSV or Excel; it "
        "runs in the background (202). Poll the job for `progress`; `download_url` appears "
        "when it is `done`. Citizens' names and mobiles are masked unless the caller's role "
        "contacts citizens (docs/exports.md). A retry with the same Idempotency-Key and "
        "body returns the first job (200); the same key with another body is a 409.",
    )
    def post(self, request: Request) -> Response:
        body = ExportInput(data=request.data)
        body.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        if key is not None and not 1 <= len(key) <= 100:
            raise InvalidInput(
                "Idempotency-Key must be 1 to 100 characters.",
                fields={"Idempotency-Key": ["1 to 100 characters."]},
            )
        data = body.validated_data
        asked = services.export_ask(
            actor=_actor(request),
            kind=data["kind"],
            format=data["format"],
            filters=data.get("filters") or {},
            idempotency_key=key,
        )
        return Response(
            ExportJobSerializer(asked.job, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED if asked.created else status.HTTP_200_OK,
        )


class ExportDetailApi(APIView):
    @extend_schema(
        responses={200: ExportJobSerializer, 404: ErrorSerializer},
        description="One of the caller's exports; another user's is a 404.",
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = selectors.export_get(actor=_actor(request), job_id=job_id)
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class ExportDownloadApi(APIView):
    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
            404: ErrorSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="`export_not_ready` (queued or running) or `export_failed`.",
            ),
        },
        description="The finished file of one of the caller's exports.",
    )
    def get(self, request: Request, job_id: int) -> FileResponse:
        job = selectors.export_get(actor=_actor(request), job_id=job_id)
        if job.status == ExportStatus.FAILED:
            raise TransitionNotAllowed(f"The export failed: {job.error}", code="export_failed")
        if job.status != ExportStatus.DONE or not job.file:
            raise TransitionNotAllowed(
                f"The export is {job.status} ({job.progress}%); download it when it is done.",
                code="export_not_ready",
            )
        try:
            fh = default_storage.open(job.file, "rb")
        except FileNotFoundError:
            raise NotFound(f"The file of export {job.pk} is gone.", code="export_gone") from None
        created = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
        response = FileResponse(
            fh,
            as_attachment=True,
            filename=f"{job.kind}-{created}.{job.format}",
            content_type=CONTENT_TYPES[ExportFormat(job.format)],
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

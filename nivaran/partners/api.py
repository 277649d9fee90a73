"""Partner API v1 (W4): partners send records with their key; analysts validate the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.core.api import Pagination, page_of
from nivaran.core.errors import InvalidInput
from nivaran.grievances.api import ErrorSerializer
from nivaran.partners import selectors, services
from nivaran.partners.authentication import IsPartner, PartnerKeyAuthentication
from nivaran.partners.inputs import CORRECTABLE, BatchInput, RecordInput
from nivaran.partners.models import Partner, PartnerRecord, RecordStatus

RESULT_STATUSES = ["queued", "invalid", "duplicate"]


def _one_of(values: list[str]) -> dict[str, str]:
    # A pattern, not an enum: a second enum on a field named "status" makes
    # drf-spectacular's enum naming collide with the grievance's Status.
    return {"type": "string", "pattern": f"^({'|'.join(values)})$"}


@extend_schema_field(_one_of(RecordStatus.values))
class RecordStatusField(serializers.CharField):
    """A record's status: pending, accepted or rejected."""


@extend_schema_field(_one_of(RESULT_STATUSES))
class ResultStatusField(serializers.CharField):
    """What became of one sent record: queued, invalid or duplicate."""


PARTNER_ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    409: ErrorSerializer,
}
STAFF_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="A retry with the same key and body returns the first response; "
    "the same key with another body is a 409 (idempotency_key_reuse).",
)


class BaseRecordSerializer(serializers.ModelSerializer[PartnerRecord]):
    status = RecordStatusField()
    grievance_number = serializers.CharField(
        source="grievance.number", allow_null=True, default=None
    )

    class Meta:
        model = PartnerRecord
        fields = [
            "id",
            "external_id",
            "status",
            "reason",
            "grievance_number",
            "citizen_name",
            "mobile",
            "category_code",
            "area_code",
            "description",
            "kind",
            "emergency",
            "called_at",
            "created_at",
            "decided_at",
        ]


class RecordSerializer(BaseRecordSerializer):
    """A record as its partner reads it, with its grievance's progress."""

    grievance_status = serializers.CharField(
        source="grievance.status", allow_null=True, default=None
    )
    grievance_level = serializers.IntegerField(
        source="grievance.level", allow_null=True, default=None
    )
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text="The latest of its receipt, its decision and its grievance's last change.",
    )

    class Meta(BaseRecordSerializer.Meta):
        fields = [
            *BaseRecordSerializer.Meta.fields,
            "grievance_status",
            "grievance_level",
            "updated_at",
        ]


class QueueRecordSerializer(BaseRecordSerializer):
    partner = inline_serializer(
        "QueuePartner",
        {
            "code": serializers.CharField(),
            "name": serializers.CharField(),
            "source_flag": serializers.CharField(),
        },
    )

    class Meta(RecordSerializer.Meta):
        fields = [*BaseRecordSerializer.Meta.fields, "partner", "payload", "corrected_fields"]


class RecordResultSerializer(serializers.Serializer[Any]):
    external_id = serializers.CharField(allow_null=True)
    status = ResultStatusField()
    id = serializers.IntegerField(required=False)
    errors = serializers.DictField(child=serializers.ListField(), required=False)  # type: ignore[assignment]


class BatchResultSerializer(serializers.Serializer[Any]):
    results = RecordResultSerializer(many=True)
    queued = serializers.IntegerField()
    invalid = serializers.IntegerField()
    duplicate = serializers.IntegerField()


def _partner(request: Request) -> Partner:
    partner = request.auth
    assert isinstance(partner, Partner)
    return partner


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _idempotent(request: Request, partner: Partner, produce: services.Produce) -> Response:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        code, body = produce()
        return Response(body, status=code)
    if not 1 <= len(key) <= 100:
        raise InvalidInput(
            _("Idempotency-Key must be 1 to 100 characters."),
            fields={"Idempotency-Key": [_("1 to 100 characters.")]},
        )
    stored = services.idempotent_request_run(
        partner=partner,
        key=key,
        fingerprint=services.request_hash(
            method=request.method or "", path=request.path, data=request.data
        ),
        produce=produce,
    )
    response = Response(stored.body, status=stored.status)
    if stored.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


class PartnerApi(APIView):
    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartner]


class _RecordFilters(serializers.Serializer[Any]):
    external_id = serializers.CharField(max_length=64, required=False)
    updated_since = serializers.DateTimeField(required=False)

    def validate_updated_since(self, value: datetime) -> datetime:
        raw = str(self.initial_data.get("updated_since", ""))
        try:
            aware = datetime.fromisoformat(raw).tzinfo is not None
        except ValueError:
            aware = True  # the field itself parsed it
        if not aware:
            raise serializers.ValidationError(_("Give the time with its UTC offset, e.g. +05:30."))
        return value


class RecordListApi(PartnerApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=RecordStatus.values),
            OpenApiParameter("external_id", str, description="Only the record with this id."),
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description="ISO-8601 with offset: records updated at or after it, oldest "
                "change first (then by id), for an incremental sync.",
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            200: page_of("PaginatedPartnerRecordList", RecordSerializer(many=True)),
            **PARTNER_ERRORS,
            404: ErrorSerializer,
        },
        operation_id="partner_records_list",
        description="Your records, newest first: status, rejection reason, grievance number "
        "and its status. With updated_since, oldest change first.",
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in RecordStatus.values:
            raise InvalidInput(
                _("Unknown status."), fields={"status": [", ".join(RecordStatus.values)]}
            )
        filters = _RecordFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.partner_records(
            partner=_partner(request),
            status=wanted,
            external_id=filters.validated_data.get("external_id"),
            updated_since=filters.validated_data.get("updated_since"),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RecordSerializer(page, many=True).data)

    @extend_schema(
        request=RecordInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: RecordResultSerializer, 200: RecordResultSerializer, **PARTNER_ERRORS},
        description="Send one record to the validation queue (201). A record whose "
        "external_id you sent before is a duplicate (200); a malformed one is a 400 with "
        "field errors and nothing is stored.",
    )
    def post(self, request: Request) -> Response:
        partner = _partner(request)
        key = request.headers.get("Idempotency-Key") or ""

        def produce() -> tuple[int, Any]:
            [result] = services.partner_records_submit(
                partner=partner, records=[request.data], idempotency_key=key
            )
            if result.status == "invalid":
                raise InvalidInput(_("The record has invalid fields."), fields=result.errors)
            code = status.HTTP_201_CREATED if result.status == "queued" else status.HTTP_200_OK
            return code, result.as_dict()

        return _idempotent(request, partner, produce)


class RecordBatchApi(PartnerApi):
    @extend_schema(
        request=inline_serializer("PartnerBatchInput", {"records": RecordInput(many=True)}),
        parameters=[IDEMPOTENCY_KEY],
        responses={200: BatchResultSerializer, **PARTNER_ERRORS},
        description="Send up to 500 records. Each is checked on its own: valid ones are "
        "queued, malformed ones come back with their field errors and are not stored, "
        "re-sent ones are duplicates.",
    )
    def post(self, request: Request) -> Response:
        partner = _partner(request)
        body = BatchInput(data=request.data)
        body.is_valid(raise_exception=True)
        records = body.validated_data["records"]
        key = request.headers.get("Idempotency-Key") or ""

        def produce() -> tuple[int, Any]:
            results = services.partner_records_submit(
                partner=partner, records=records, idempotency_key=key
            )
            counts = {s: sum(r.status == s for r in results) for s in RESULT_STATUSES}
            return status.HTTP_200_OK, {"results": [r.as_dict() for r in results], **counts}

        return _idempotent(request, partner, produce)


class RecordDetailApi(PartnerApi):
    @extend_schema(responses={200: RecordSerializer, 401: ErrorSerializer, 404: ErrorSerializer})
    def get(self, request: Request, record_id: int) -> Response:
        record = selectors.partner_record_get(partner=_partner(request), record_id=record_id)
        return Response(RecordSerializer(record).data)


class QueueApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={
            200: page_of("PaginatedPartnerQueueList", QueueRecordSerializer(many=True)),
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        description="Partner records waiting for validation, oldest first "
        "(data analysts, CMO grievance cell).",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.partner_queue(actor=_actor(request))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(QueueRecordSerializer(page, many=True).data)


class _AcceptInput(serializers.Serializer[Any]):
    corrections = serializers.DictField(
        required=False,
        default=dict,
        help_text="Fields to correct before accepting: " + ", ".join(CORRECTABLE),
    )


class _RejectInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)


class QueueAcceptApi(APIView):
    @extend_schema(
        request=_AcceptInput,
        responses={200: QueueRecordSerializer, **STAFF_ERRORS, 409: ErrorSerializer},
        description="Accept a pending record, with corrections if any: it is registered "
        "as a grievance (channel partner, the partner's source flag) and routed to L1.",
    )
    def post(self, request: Request, record_id: int) -> Response:
        body = _AcceptInput(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.partner_record_accept(
            record_id=record_id,
            actor=_actor(request),
            corrections=body.validated_data["corrections"],
        )
        return Response(QueueRecordSerializer(record).data)


class QueueRejectApi(APIView):
    @extend_schema(
        request=_RejectInput,
        responses={200: QueueRecordSerializer, **STAFF_ERRORS, 409: ErrorSerializer},
        description="Reject a pending record; the partner reads the reason back.",
    )
    def post(self, request: Request, record_id: int) -> Response:
        body = _RejectInput(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.partner_record_reject(
            record_id=record_id, actor=_actor(request), reason=body.validated_data["reason"]
        )
        return Response(QueueRecordSerializer(record).data)


class PartnerGrievanceSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    external_id = serializers.CharField()
    record_id = serializers.IntegerField()
    status = serializers.CharField(help_text="The grievance's status (see the workflow).")
    level = serializers.IntegerField()
    category = serializers.CharField(help_text="Complaint type code.")
    area = serializers.CharField(help_text="Area code.")
    registered_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class PartnerGrievanceApi(PartnerApi):
    @extend_schema(
        responses={200: PartnerGrievanceSerializer, 401: ErrorSerializer, 404: ErrorSerializer},
        operation_id="partner_grievances_retrieve",
        description="The status of a grievance registered from one of your records. "
        "Any other number is a 404.",
    )
    def get(self, request: Request, number: str) -> Response:
        grievance, record = selectors.partner_grievance_get(
            partner=_partner(request), number=number
        )
        return Response(
            PartnerGrievanceSerializer(
                {
                    "number": grievance.number,
                    "external_id": record.external_id,
                    "record_id": record.pk,
                    "status": grievance.status,
                    "level": grievance.level,
                    "category": grievance.category.code,
                    "area": grievance.area.code,
                    "registered_at": grievance.registered_at,
                    "updated_at": grievance.updated_at,
                    "due_at": grievance.due_at,
                    "closed_at": grievance.closed_at,
                }
            ).data
        )

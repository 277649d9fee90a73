"""REST API v1 for grievances: thin views over the workflow and the selectors."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import ISO_8601, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, STATEWIDE_ROLES, Role
from nivaran.catalog.models import Category, Kind
from nivaran.core.api import Pagination, page_of
from nivaran.core.db_router import replica_reads
from nivaran.core.errors import InvalidInput
from nivaran.grievances import selectors
from nivaran.grievances.models import Channel, Grievance, Status
from nivaran.grievances.workflow import (
    BY_ACTION,
    WAITING,
    allowed_actions,
    grievance_act,
    grievance_register,
    intake_key,
)
from nivaran.org.models import Department
from nivaran.org.selectors import user_jurisdictions
from nivaran.rts.services import case_opener

DEFAULT_CHANNEL: dict[str, str] = {
    Role.CITIZEN: Channel.WEB,
    Role.TELE_CALLER: Channel.CALL_CENTRE,
}


class ErrorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()
    # Declared fields leave the class body (DRF's metaclass), so this name is safe.
    fields = serializers.DictField(required=False)  # type: ignore[assignment]


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


SYNC_PARAMETERS = [
    OpenApiParameter("channel", str, enum=Channel.values, description="The channel it came in by"),
    OpenApiParameter(
        "registered_after",
        OpenApiTypes.DATETIME,
        description="Registered at or after this instant (ISO 8601; no offset: Asia/Kolkata)",
    ),
    OpenApiParameter(
        "registered_before",
        OpenApiTypes.DATETIME,
        description="Registered before this instant (ISO 8601): with registered_after, a "
        "half-open window, so adjacent windows neither overlap nor leave a gap",
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="Incremental sync: changed at or after this instant. Orders by "
        "(updated_at, number) ascending and holds back changes younger than the settle "
        "time (SYNC_SETTLE_SECONDS, default 300). See docs/api.md for the pattern.",
    ),
    OpenApiParameter(
        "after",
        str,
        description="Sync cursor, with updated_since: the number of the last grievance "
        "received; only rows after it in (updated_at, number) order are listed",
    ),
]


class CodeNameSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class OfficerSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


# The rows are written out by hand (`represent`): DRF's generic walk of the declarations
# (six nested serializers, a get_attribute per field) was half the CPU of a list page. The
# declarations stay, for the schema (drf-spectacular reads them) and as the reference:
# tests/test_list_serializer.py renders every variant both ways and compares the JSON.
Instant = Callable[[datetime | None], str | None]


def _instant_format() -> Instant:
    """How a page renders instants, as DRF's DateTimeField does: under the project's
    settings, ISO 8601 in the current time zone (UTC as Z), with the setting and the zone
    looked up once, not per value; under any other, or for a naive value, by the field."""
    field = serializers.DateTimeField()
    iso = settings.USE_TZ and str(api_settings.DATETIME_FORMAT).lower() == ISO_8601
    tz = timezone.get_current_timezone()

    def instant(value: datetime | None) -> str | None:
        if value is None:
            return None
        if not iso or value.tzinfo is None:
            return field.to_representation(value)
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return instant


def _code_name(obj: Category | Department) -> dict[str, Any]:
    return {"code": str(obj.code), "name": str(obj.name)}


def _officer(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"username": str(user.username), "name": str(user.get_full_name())}


class GrievanceListSerializer(serializers.ListSerializer[Grievance]):
    """A page of grievances: one `now` for its rows' `overdue`, one look-up of the zone."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        iterable = data.all() if isinstance(data, models.manager.BaseManager) else data
        child = self.child
        assert isinstance(child, GrievanceSerializer)
        now, instant = timezone.now(), _instant_format()
        return [child.represent(g, now=now, instant=instant) for g in iterable]


class GrievanceSerializer(serializers.ModelSerializer[Grievance]):
    citizen = inline_serializer(
        "GrievanceCitizen", {"name": serializers.CharField(), "mobile": serializers.CharField()}
    )
    category = CodeNameSerializer()
    department = CodeNameSerializer()
    area = inline_serializer(
        "GrievanceArea",
        {
            "code": serializers.CharField(),
            "name": serializers.CharField(),
            "type": serializers.CharField(),
        },
    )
    assigned_to = OfficerSerializer(allow_null=True)
    assigned_post = serializers.CharField(source="assigned_post.title", allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Grievance
        fields = [
            "number",
            "status",
            "level",
            "kind",
            "channel",
            "source",
            "emergency",
            "category",
            "department",
            "area",
            "citizen",
            "description",
            "language",
            "assigned_to",
            "assigned_post",
            "due_at",
            "overdue",
            "is_overdue",
            "registered_at",
            "updated_at",
            "closed_at",
        ]
        list_serializer_class = GrievanceListSerializer

    def get_overdue(self, obj: Grievance, now: datetime | None = None) -> bool:
        return obj.is_overdue or bool(
            obj.status in WAITING and obj.due_at and obj.due_at < (now or timezone.now())
        )

    def to_representation(self, instance: Grievance) -> dict[str, Any]:
        return self.represent(instance, now=timezone.now(), instant=_instant_format())

    def represent(self, g: Grievance, *, now: datetime, instant: Instant) -> dict[str, Any]:
        """`Meta.fields` in their order, each as its declared field renders it (a string
        field: `str`; a nullable relation or instant: None when unset)."""
        area, citizen, post = g.area, g.citizen, g.assigned_post
        return {
            "number": g.number,
            "status": str(g.status),
            "level": int(g.level),
            "kind": str(g.kind),
            "channel": str(g.channel),
            "source": str(g.source),
            "emergency": bool(g.emergency),
            "category": _code_name(g.category),
            "department": _code_name(g.department),
            "area": {"code": str(area.code), "name": str(area.name), "type": str(area.type)},
            "citizen": {"name": str(citizen.name), "mobile": str(citizen.mobile)},
            "description": str(g.description),
            "language": str(g.language),
            "assigned_to": _officer(g.assigned_to),
            "assigned_post": None if post is None else str(post.title),
            "due_at": instant(g.due_at),
            "overdue": self.get_overdue(g, now),
            "is_overdue": bool(g.is_overdue),
            "registered_at": instant(g.registered_at),
            "updated_at": instant(g.updated_at),
            "closed_at": instant(g.closed_at),
        }


class GrievanceDetailSerializer(GrievanceSerializer):
    allowed_actions = serializers.SerializerMethodField()
    linked_to = serializers.CharField(
        source="linked_to.number",
        allow_null=True,
        default=None,
        help_text="The earlier grievance this one follows up (lodged after its reopen window).",
    )
    merged_into = serializers.SerializerMethodField(
        help_text="Status merged: the grievance it was merged into (M5); else null."
    )

    class Meta(GrievanceSerializer.Meta):
        fields = [*GrievanceSerializer.Meta.fields, "linked_to", "merged_into", "allowed_actions"]

    def represent(self, g: Grievance, *, now: datetime, instant: Instant) -> dict[str, Any]:
        data = super().represent(g, now=now, instant=instant)
        linked = g.linked_to  # read here as the generic way reads it (not joined)
        data["linked_to"] = None if linked is None else linked.number
        data["merged_into"] = self.get_merged_into(g)
        data["allowed_actions"] = self.get_allowed_actions(g)
        return data

    def get_merged_into(self, obj: Grievance) -> str | None:
        if obj.merged_into_id is None:  # read only for the few merged ones
            return None
        return (
            Grievance.objects.filter(pk=obj.merged_into_id).values_list("number", flat=True).first()
        )

    def get_allowed_actions(self, obj: Grievance) -> list[str]:
        return allowed_actions(
            actor=self.context["actor"],
            grievance=obj,
            jurisdictions=self.context.get("jurisdictions"),
        )


class RegisterInput(serializers.Serializer[Any]):
    citizen = inline_serializer(
        "RegisterCitizen",
        {
            "name": serializers.CharField(max_length=120),
            "mobile": serializers.CharField(max_length=10),
        },
    )
    category = serializers.CharField(max_length=40, help_text="Complaint type code.")
    area = serializers.CharField(max_length=40, help_text="Area code.")
    description = serializers.CharField(max_length=8000)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    emergency = serializers.BooleanField(default=False)
    # Blank is the default, so a client may send it (a generated client sends defaults).
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=80, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(choices=[("hi", "hi"), ("en", "en")], required=False)
    notified_service = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="A deficiency in this notified service (its code, GET /api/v1/rts/services/"
        "): the grievance goes to the Auto Appeal System at once, in the department's nodal "
        "officer's queue (GET /api/v1/rts/cases/).",
    )


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class GrievanceListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Status.values),
            OpenApiParameter("level", int, enum=[1, 2, 3, 4]),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("department", str, description="Department code"),
            OpenApiParameter("area", str, description="Area code (includes sub-areas)"),
            OpenApiParameter("mine", bool, description="Only those assigned to me"),
            OpenApiParameter("emergency", bool),
            OpenApiParameter(
                "q",
                str,
                description="A grievance number or a citizen's mobile. A query string is "
                "written to access logs: search by mobile with POST /api/v1/grievances/search/.",
            ),
            *SYNC_PARAMETERS,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: GrievanceSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
        description="Grievances the caller may see, newest first. An unknown filter value "
        "is a 400; a page past the last, a 404.",
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        return _grievance_page(self, request, _FilterInput(data=request.query_params))

    @extend_schema(
        request=RegisterInput,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: GrievanceDetailSerializer, 200: GrievanceDetailSerializer, **ERRORS},
        description="Register a grievance; it is routed to its L1 officer with a deadline. "
        "A retry with the same Idempotency-Key and the same body returns the first result "
        "(200); the same key with another body is a 409 (idempotency_key_reuse).",
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        body = RegisterInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        key = request.headers.get("Idempotency-Key")
        if key is not None and not 1 <= len(key) <= 100:
            raise InvalidInput(
                "Idempotency-Key must be 1 to 100 characters.",
                fields={"Idempotency-Key": ["1 to 100 characters."]},
            )
        extensions = []
        if data["notified_service"]:
            extensions.append(
                case_opener(code=data["notified_service"], category_code=data["category"])
            )
        grievance, created = grievance_register(
            actor=actor,
            citizen_name=data["citizen"]["name"],
            mobile=data["citizen"]["mobile"],
            category_code=data["category"],
            area_code=data["area"],
            description=data["description"],
            kind=data.get("kind"),
            channel=data.get("channel") or DEFAULT_CHANNEL.get(actor.role, Channel.CALL_CENTRE),
            emergency=data["emergency"],
            source=data["source"],
            language=data.get("language"),
            intake_key=intake_key(door="api", sender=actor.pk, client_key=key) if key else None,
            intake_hash=_body_hash(data) if key else "",
            extensions=extensions,
        )
        if not (created and actor.role in STATEWIDE_ROLES):
            # A replay, or a registrar whose reach is not the whole state: read it back
            # through what they may see. Otherwise the write holds everything the answer
            # shows, with its related rows (a read-back joins eight tables, and on
            # PostgreSQL plans for longer than it runs).
            grievance = selectors.grievance_get(actor=actor, number=grievance.number or "")
        return Response(
            GrievanceDetailSerializer(grievance, context={"actor": actor}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# A "+05:30" offset sent without URL-encoding arrives as " 05:30".
_OFFSET_UNENCODED = re.compile(r" (\d{2}:?\d{2})$")


class _Instant(serializers.DateTimeField):
    """An ISO 8601 date-time, also with its "+" offset left unencoded in a query string;
    without an offset it is Asia/Kolkata time."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            value = _OFFSET_UNENCODED.sub(r"+\1", value.strip())
        return super().to_internal_value(value)


def _body_hash(data: Any) -> str:
    """What a registration asked for, as a digest stored with its Idempotency-Key: the
    validated body, so an omitted field and its default ask for the same."""
    # A field added to the body later is left out while at its default, so that a retry
    # of a registration made before it existed still matches its stored digest.
    data = {k: v for k, v in data.items() if not (k == "notified_service" and not v)}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


class _FilterInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    level = serializers.IntegerField(min_value=1, max_value=4, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    department = serializers.CharField(required=False)
    area = serializers.CharField(required=False)
    mine = serializers.BooleanField(required=False, default=False)
    emergency = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    registered_after = _Instant(required=False)
    registered_before = _Instant(required=False)
    updated_since = _Instant(required=False)
    after = serializers.CharField(required=False, max_length=40)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        after, before = attrs.get("registered_after"), attrs.get("registered_before")
        if after and before and after >= before:
            raise serializers.ValidationError(
                {"registered_before": ["Must be later than registered_after."]}
            )
        if "after" in attrs:
            if not attrs.get("updated_since"):
                raise serializers.ValidationError(
                    {"after": ["A cursor: give it with updated_since (see the sync pattern)."]}
                )
            number = attrs["after"].strip().upper()
            pk = Grievance.objects.filter(number=number).values_list("pk", flat=True).first()
            if pk is None:
                raise serializers.ValidationError({"after": [f"No grievance {number}."]})
            attrs["after_id"] = pk
        return attrs


class GrievanceSearchInput(_FilterInput):
    """The list's filters, in a request body: what is searched stays out of URLs."""

    q = serializers.CharField(
        required=False, help_text="A grievance number (any case) or a citizen's exact mobile."
    )


def _grievance_page(view: APIView, request: Request, filters: _FilterInput) -> Response:
    """One page of the grievances the caller may see, filtered by `filters` (unvalidated)."""
    filters.is_valid(raise_exception=True)
    data = filters.validated_data
    qs = selectors.grievance_list(
        actor=_actor(request),
        filters=selectors.GrievanceFilters(
            status=data.get("status"),
            level=data.get("level"),
            overdue=data.get("overdue"),
            department=data.get("department"),
            area=data.get("area"),
            assigned_to_me=bool(data.get("mine")),
            emergency=data.get("emergency"),
            q=data.get("q"),
            channel=data.get("channel"),
            registered_after=data.get("registered_after"),
            registered_before=data.get("registered_before"),
            updated_since=data.get("updated_since"),
            after_id=data.get("after_id"),
        ),
    )
    paginator = Pagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(GrievanceSerializer(page, many=True).data)


class GrievanceSearchApi(APIView):
    @extend_schema(
        request=GrievanceSearchInput,
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={
            200: page_of("PaginatedGrievanceSearchList", GrievanceSerializer(many=True)),
            400: ErrorSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such page."),
        },
        description="The same list as GET /api/v1/grievances/, with the filters (above all "
        "`q`, a mobile) in the JSON body instead of the URL, so that they are not written "
        "to access logs. `page` and `page_size` stay in the query string; the `next` and "
        "`previous` links are to be POSTed again with the same body.",
    )
    @replica_reads
    def post(self, request: Request) -> Response:
        return _grievance_page(self, request, GrievanceSearchInput(data=request.data))


class GrievanceDetailApi(APIView):
    @extend_schema(
        responses={200: GrievanceDetailSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request, number: str) -> Response:
        actor = _actor(request)
        # Read once: who may see it, and what they may do with it.
        jurisdictions = user_jurisdictions(user=actor) if actor.role in POST_ROLES else []
        grievance = selectors.grievance_get(actor=actor, number=number, jurisdictions=jurisdictions)
        context = {"actor": actor, "jurisdictions": jurisdictions}
        return Response(GrievanceDetailSerializer(grievance, context=context).data)


# --- workflow actions --------------------------------------------------------------
# Each action's body is its transition's `inputs` serializer. The schema shows it twice:
# on one path per action (a typed method per action in a generated client), and as the
# union of them all on the generic path, where the `action` parameter says which applies.

ACTIONS: tuple[str, ...] = tuple(
    a for a, t in BY_ACTION.items() if t.reach != "system" and t.offered
)
Inputs = type[serializers.Serializer[Any]]


def _file_fields(inputs: Inputs) -> list[str]:
    """The fields of `inputs` that take uploaded files (sent only as multipart)."""
    return [
        name
        for name, f in inputs._declared_fields.items()
        if isinstance(f, serializers.FileField)
        or (isinstance(f, serializers.ListField) and isinstance(f.child, serializers.FileField))
    ]


@functools.cache
def _bodies(inputs: Inputs) -> dict[str, Inputs]:
    """The documented bodies of one inputs serializer, by content type: JSON, without the
    files; and multipart, with them, where it takes files. The view validates with the
    serializer itself; these are its schema only (made once per class: two actions may
    share one, as `reject` and `reopen` share `ReasonInput`)."""
    name = inputs.__name__
    files = _file_fields(inputs)
    if not files:
        return {"application/json": inputs}
    as_json = extend_schema_serializer(exclude_fields=files, component_name=name)(
        type(f"{name}Json", (inputs,), {"__doc__": inputs.__doc__})
    )
    multipart_name = name.removesuffix("Input") + "MultipartInput"
    as_multipart = extend_schema_serializer(component_name=multipart_name)(
        type(multipart_name, (inputs,), {"__doc__": inputs.__doc__})
    )
    return {"application/json": as_json, "multipart/form-data": as_multipart}


def _any_of(content_type: str, component: str) -> PolymorphicProxySerializer:
    """The union of every action's body as `content_type` (multipart: an action without
    files takes its JSON fields as form fields). An anyOf in the schema (see
    `core.schema.unions_any_of`): several actions have no required field, so one body
    may fit more than one."""

    def bodies() -> list[Inputs]:
        each = (_bodies(BY_ACTION[a].inputs) for a in ACTIONS)
        found = (b.get(content_type) or b["application/json"] for b in each)
        return list(dict.fromkeys(found))

    return PolymorphicProxySerializer(
        component_name=component, serializers=bodies, resource_type_field_name=None
    )


ACTION_RESPONSES = {200: GrievanceDetailSerializer, **ERRORS}


class GrievanceActionApi(APIView):
    @extend_schema(
        request={
            "application/json": _any_of("application/json", "ActionInput"),
            "multipart/form-data": _any_of("multipart/form-data", "ActionMultipartInput"),
        },
        responses=ACTION_RESPONSES,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ACTIONS))],
        description="Take a workflow action, named by `action`; the body is that action's "
        "input (one of the `ActionInput` alternatives, or each action's own path below, "
        "`/api/v1/grievances/{number}/actions/<action>/`). Fields per action: "
        + "; ".join(f"`{a}`: " + ", ".join(BY_ACTION[a].inputs().fields) for a in ACTIONS),
    )
    def post(self, request: Request, number: str, action: str) -> Response:
        actor = _actor(request)
        data = request.data  # a body that is not an object is a 400 before anything else
        if action in BY_ACTION and not BY_ACTION[action].offered:
            # Taken by its own service only (the WhatsApp share's record on each grievance).
            return Response(
                {"code": "unknown_action", "detail": f"There is no action {action!r}."},
                status=status.HTTP_404_NOT_FOUND,
            )
        target = Grievance.objects.filter(number=number).values_list("pk", flat=True).first()
        if target is None:
            return Response(
                {"code": "not_found", "detail": f"No grievance {number}."},
                status=status.HTTP_404_NOT_FOUND,
            )
        grievance_act(grievance_id=target, actor=actor, action=action, data=data)
        grievance = (
            Grievance.objects.select_related("citizen", "assigned_to", "assigned_post")
            .with_master_data()
            .get(pk=target)
        )
        return Response(GrievanceDetailSerializer(grievance, context={"actor": actor}).data)


def action_view(action: str) -> type[GrievanceActionApi]:
    """The view of `/grievances/{number}/actions/<action>/`: the generic view with the
    action fixed by the URL (its `action` keyword), documented with that action's body."""
    t = BY_ACTION[action]

    def post(self: GrievanceActionApi, request: Request, number: str, action: str) -> Response:
        return GrievanceActionApi.post(self, request, number, action)

    schema = extend_schema(
        operation_id=f"grievances_actions_{action}",
        request=_bodies(t.inputs),
        responses=ACTION_RESPONSES,
        description=f"Take the action `{action}` (the same as "
        f"`POST /api/v1/grievances/{{number}}/actions/{{action}}/` with `action` = "
        f"`{action}`). {t.description}",
    )
    name = "".join(part.title() for part in action.split("_")) + "ActionApi"
    return type(name, (GrievanceActionApi,), {"post": schema(post)})


class EventSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    actor = serializers.CharField(
        source="actor_username", help_text="The actor's username when they acted."
    )
    actor_name = serializers.CharField(help_text="The actor's full name when they acted.")
    actor_role = serializers.CharField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    level = serializers.IntegerField()
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()
    data = serializers.DictField()  # type: ignore[assignment]


class GrievanceHistoryApi(APIView):
    @extend_schema(
        responses={200: EventSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request, number: str) -> Response:
        grievance = selectors.grievance_get_for_staff(actor=_actor(request), number=number)
        # A grievance's history is short and read whole, so it is not paginated.
        events = selectors.grievance_history(grievance=grievance)
        return Response(EventSerializer(events, many=True).data)

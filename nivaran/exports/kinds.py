"""The lists that can be exported, as a registry: each kind names its filters (a DRF
serializer, so the API documents and validates them), who may export it, its columns and
its rows.

A kind's `source(actor=, filters=)` returns a `values_list()` queryset already scoped to
what `actor` may see now, and a function turning one of its tuples into the row's cells;
the task streams the queryset with `.iterator()`, so a kind never loads all its rows.
To add a list: write a `ExportKind` and `register()` it here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from rest_framework import serializers

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Kind
from nivaran.exports.pii import mobile_masked, name_masked, sees_citizen_contact
from nivaran.geo.models import Area
from nivaran.grievances import selectors
from nivaran.grievances.models import Channel, Status
from nivaran.grievances.workflow import WAITING
from nivaran.org.models import Department

Cell = str | int | float | date | datetime | None
Row = Callable[[tuple[Any, ...]], Sequence[Cell]]


@dataclass(frozen=True)
class Source:
    rows: QuerySet[Any]  # a values_list() queryset, ordered, scoped to the actor
    row: Row  # one tuple of `rows` -> the cells under `columns()`
    # Called with each chunk of tuples before their rows are made: one lookup per chunk
    # (e.g. which sample grievances the owner may open) instead of one per row.
    before_chunk: Callable[[list[tuple[Any, ...]]], None] | None = None


@dataclass(frozen=True)
class ExportKind:
    code: str
    title: Promise
    filters: type[serializers.Serializer[Any]]
    may_export: Callable[[User], bool]
    columns: Callable[[], list[str]]  # translated in the owner's language at run time
    source: Callable[..., Source]  # (actor=, filters=validated data) -> Source


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    KINDS[kind.code] = kind
    return kind


def may_export(user: object, code: str) -> bool:
    """Whether `user` may export the list `code`: a page shows its Export control then."""
    kind = KINDS.get(code)
    return (
        kind is not None
        and isinstance(user, User)
        and user.is_authenticated
        and kind.may_export(user)
    )


# --- grievances: the list grievances.selectors.grievance_list gives the owner -------------


class GrievanceExportFilters(serializers.Serializer[Any]):
    """The filters of `GET /api/v1/grievances/` a list export takes (no search by `q`, no
    sync cursor). Codes must exist; an unknown filter is refused, not ignored."""

    status = serializers.ChoiceField(choices=Status.choices, required=False)
    level = serializers.IntegerField(min_value=1, max_value=4, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    department = serializers.CharField(max_length=40, required=False, help_text="Department code")
    area = serializers.CharField(
        max_length=40, required=False, help_text="Area code (includes sub-areas)"
    )
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only those assigned to my posts"
    )
    emergency = serializers.BooleanField(required=False, allow_null=True, default=None)
    active_only = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only those waiting on an officer (active or in conflict), as the "
        "inbox's first tabs show them",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    registered_after = serializers.DateTimeField(required=False)
    registered_before = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        if isinstance(self.initial_data, dict):
            for name in sorted(set(self.initial_data) - set(self.fields)):
                errors[str(name)[:60]] = ["Unknown filter."]
        code = attrs.get("department")
        if code and not Department.objects.filter(code=code).exists():
            errors["department"] = [f"No department {code}."]
        code = attrs.get("area")
        if code and not Area.objects.filter(code=code).exists():
            errors["area"] = [f"No area {code}."]
        after, before = attrs.get("registered_after"), attrs.get("registered_before")
        if after and before and after >= before:
            errors["registered_before"] = ["Must be later than registered_after."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


GRIEVANCE_FIELDS = (
    "number",
    "registered_at",
    "status",
    "level",
    "kind",
    "channel",
    "emergency",
    "department__name",
    "department__name_hi",
    "category__code",
    "category__name",
    "category__name_hi",
    "area__name",
    "area__name_hi",
    "citizen__name",
    "citizen__mobile",
    "assigned_post__title",
    "assigned_post__title_hi",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "due_at",
    "is_overdue",
    "closed_at",
)


def _grievance_columns() -> list[str]:
    return [
        _("Number"),
        _("Registered at"),
        _("Status"),
        _("Level"),
        _("Kind"),
        _("Channel"),
        _("Emergency"),
        _("Department"),
        _("Complaint type code"),
        _("Complaint type"),
        _("Area"),
        _("Citizen"),
        _("Mobile"),
        _("Assigned post"),
        _("Officer"),
        _("Due at"),
        _("Overdue"),
        _("Closed at"),
    ]


LABELLED = (Status, Kind, Channel)


def _grievance_source(*, actor: User, filters: dict[str, Any]) -> Source:
    now = timezone.now()
    found = selectors.grievance_list(
        actor=actor,
        filters=selectors.GrievanceFilters(
            status=filters.get("status"),
            level=filters.get("level"),
            overdue=filters.get("overdue"),
            department=filters.get("department"),
            area=filters.get("area"),
            assigned_to_me=bool(filters.get("mine")),
            emergency=filters.get("emergency"),
            active_only=bool(filters.get("active_only")),
            channel=filters.get("channel"),
            registered_after=filters.get("registered_after"),
            registered_before=filters.get("registered_before"),
        ),
        now=now,
    )
    contact = sees_citizen_contact(actor)
    hindi = get_language() == "hi"
    yes, no = _("Yes"), _("No")
    # Labels translated once per export, not once per row.
    statuses, kinds, channels = ({v: str(label) for v, label in c.choices} for c in LABELLED)

    def local(name: str, name_hi: str | None) -> str:
        return name_hi if hindi and name_hi else name

    def row(v: tuple[Any, ...]) -> list[Cell]:
        (number, registered, status, level, kind, channel, emergency, dept, dept_hi) = v[:9]
        (cat_code, cat, cat_hi, area, area_hi, citizen, mobile, post, post_hi) = v[9:18]
        (first, last, due, flagged, closed) = v[18:]
        overdue = flagged or (status in WAITING and due is not None and due < now)
        return [
            number,
            registered,
            statuses.get(status, status),
            level,
            kinds.get(kind, kind),
            channels.get(channel, channel),
            yes if emergency else no,
            local(dept, dept_hi),
            cat_code,
            local(cat, cat_hi),
            local(area, area_hi),
            citizen if contact else name_masked(citizen),
            mobile if contact else mobile_masked(mobile),
            local(post, post_hi) if post else "",
            f"{first} {last}".strip() if first or last else "",
            due,
            yes if overdue else no,
            closed,
        ]

    return Source(rows=found.values_list(*GRIEVANCE_FIELDS), row=row)


def _staff(user: User) -> bool:
    return user.is_active and user.role not in {Role.CITIZEN, Role.SYSTEM}


GRIEVANCES = register(
    ExportKind(
        code="grievances",
        title=gettext_lazy("Grievances"),
        filters=GrievanceExportFilters,
        may_export=_staff,
        columns=_grievance_columns,
        source=_grievance_source,
    )
)

# More lists (X6), registered by importing them.
from nivaran.exports import kinds_more, kinds_review  # noqa: E402, F401

# The kinds' codes, as the API's choice of `kind` (and its enum in the schema).
KIND_CODES = sorted(KINDS)

"""Reads of grievances, always scoped to what the acting user may see."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, STATEWIDE_ROLES, Role
from nivaran.core.errors import NotFound, PermissionDenied
from nivaran.core.paging import capped_count
from nivaran.core.partitions import Month
from nivaran.geo.models import Area
from nivaran.grievances.models import Grievance, GrievanceEvent, GrievanceQuerySet, Status
from nivaran.grievances.workflow import WAITING
from nivaran.org.models import Post
from nivaran.org.selectors import (
    Jurisdiction,
    field_paths,
    jurisdiction_q,
    user_jurisdictions,
)

# What no longer waits on anyone: the figures' "pending" is everything else.
FINISHED = (Status.CLOSED, Status.REJECTED, Status.SPECIAL_CLOSED, Status.MERGED)


def grievances_visible_to(
    *, actor: User, jurisdictions: list[Jurisdiction] | None = None
) -> GrievanceQuerySet:
    """`jurisdictions`: the actor's, when the caller has read them already."""
    qs = Grievance.objects.all()
    if not actor.is_active:
        return qs.none()
    if actor.role in STATEWIDE_ROLES:
        return qs
    if actor.role in POST_ROLES:
        if jurisdictions is None:
            jurisdictions = user_jurisdictions(user=actor)
        return qs.filter(jurisdiction_q(jurisdictions))
    if actor.role == Role.FIELD_VALIDATION_EXECUTIVE:
        covered = Q()
        for path in field_paths(actor):
            covered |= Q(area_path__startswith=path)
        return qs.filter(covered) if covered else qs.none()
    if actor.role == Role.CITIZEN:
        # As the workflow's owner reach: by their account, or by the mobile they proved
        # for a record not yet linked to an account.
        mine = Q(citizen__user=actor)
        if actor.mobile:
            mine |= Q(citizen__user__isnull=True, citizen__mobile=actor.mobile)
        return qs.filter(mine)
    return qs.none()


@dataclass(frozen=True)
class GrievanceFilters:
    status: str | None = None
    level: int | None = None
    overdue: bool | None = None
    department: str | None = None
    area: str | None = None
    assigned_to_me: bool = False
    emergency: bool | None = None
    active_only: bool = False  # still with the department: active, or a conflict
    q: str | None = None
    channel: str | None = None
    registered_after: datetime | None = None  # registered_at >= this
    registered_before: datetime | None = None  # registered_at < this
    # Incremental sync: changed at or after this instant, in (updated_at, id) order,
    # and when `after_id` is given, only rows past (updated_since, after_id) in it.
    updated_since: datetime | None = None
    after_id: int | None = None


def overdue_q(now: datetime) -> Q:
    """Past its deadline and still with the department (or flagged at the last level)."""
    return Q(status__in=WAITING) & (Q(due_at__lte=now) | Q(is_overdue=True))


def grievance_list(
    *, actor: User, filters: GrievanceFilters, now: datetime | None = None
) -> GrievanceQuerySet:
    now = now or timezone.now()
    if filters.assigned_to_me:
        # What waits on the posts I hold: theirs by definition, so no jurisdiction filter;
        # constant post ids (not a join) let the planner walk grv_inbox_active by deadline.
        qs = Grievance.objects.filter(assigned_post_id__in=_my_post_ids(actor))
    else:
        qs = grievances_visible_to(actor=actor)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.overdue is True:
        qs = qs.filter(overdue_q(now))
    elif filters.overdue is False:
        qs = qs.exclude(overdue_q(now))
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.area:
        area = Area.objects.filter(code=filters.area).only("path").first()
        qs = qs.filter(area_path__startswith=area.path) if area else qs.none()
    if filters.emergency is not None:
        qs = qs.filter(emergency=filters.emergency)
    if filters.active_only:
        qs = qs.filter(status__in=WAITING)
    if filters.q:
        qs = qs.filter(Q(number=filters.q.strip().upper()) | Q(citizen__mobile=filters.q.strip()))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.registered_after:
        qs = qs.filter(registered_at__gte=filters.registered_after)
    if filters.registered_before:
        qs = qs.filter(registered_at__lt=filters.registered_before)
    order = ("due_at", "id")
    if filters.updated_since:
        since = filters.updated_since
        settled = now - timedelta(seconds=settings.NIVARAN_SYNC_SETTLE_SECONDS)
        past = Q(updated_at__gte=since)
        if filters.after_id is not None:
            past = Q(updated_at__gt=since) | Q(updated_at=since, id__gt=filters.after_id)
        qs = qs.filter(past, updated_at__lte=settled)
        order = ("updated_at", "id")
    return (
        qs.select_related("citizen", "assigned_to", "assigned_post")
        .with_master_data()
        .order_by(*order)
    )


def _my_post_ids(actor: User) -> list[int]:
    """By the post, not the person: a grievance follows the post when its holder changes."""
    if not actor.is_active:
        return []
    return list(Post.objects.filter(holder=actor).values_list("id", flat=True))


def grievance_get(
    *, actor: User, number: str, jurisdictions: list[Jurisdiction] | None = None
) -> Grievance:
    grievance = (
        grievances_visible_to(actor=actor, jurisdictions=jurisdictions)
        .select_related("citizen", "assigned_to", "assigned_post")
        .with_master_data()
        .filter(number=number)
        .first()
    )
    if grievance is None:
        # A citizen learns nothing of grievances not theirs, not even that they exist:
        # numbers run in sequence, so a 403 would let anyone count the state's grievances.
        if actor.role != Role.CITIZEN and Grievance.objects.filter(number=number).exists():
            raise PermissionDenied(f"Grievance {number} is outside your role or jurisdiction.")
        raise NotFound(f"No grievance {number}.")
    return grievance


def grievance_get_for_staff(*, actor: User, number: str) -> Grievance:
    """As `grievance_get`, for the reads that show the office's own record (officers' notes,
    feedback agents' comments): a citizen reads their grievance through the citizen API."""
    grievance = grievance_get(actor=actor, number=number)
    if actor.role == Role.CITIZEN:
        raise PermissionDenied(
            "A citizen reads the history of their grievance at "
            f"/api/v1/citizen/grievances/{number}/."
        )
    return grievance


def grievance_history(*, grievance: Grievance) -> QuerySet[GrievanceEvent]:
    """The grievance's events in order. No event is older than the registration, so on
    PostgreSQL only the months since it are read (the history is partitioned by month,
    core/partitions.py): the planner opens those months' partitions, not every month
    kept (measured with 40 months: planning 2 ms instead of 10 ms)."""
    return (
        grievance.events.filter(at__gte=Month.of(grievance.registered_at).start())
        .select_related("assigned_to")
        .order_by("at", "id")
    )


def inbox_counts(*, actor: User, now: datetime | None = None) -> dict[str, tuple[int, bool]]:
    """The inbox's tabs: how many, and whether more than the count cap (core.paging)."""
    now = now or timezone.now()
    mine = Grievance.objects.filter(assigned_post_id__in=_my_post_ids(actor), status__in=WAITING)
    emergencies = grievances_visible_to(actor=actor).filter(emergency=True, status__in=WAITING)
    return {
        "mine": capped_count(mine),
        "overdue": capped_count(mine.filter(overdue_q(now))),
        "emergency": capped_count(emergencies),
        "all": capped_count(grievances_visible_to(actor=actor)),
    }


ROUTING_ACTIONS = ("transfer", "mark_out_of_jurisdiction")


def routing_counts(
    *, by: str, since: datetime | None = None, until: datetime | None = None
) -> list[dict[str, int]]:
    """Transfers and out-of-jurisdiction marks (M2), per department they left (`by` =
    "department") or per officer who made them ("officer"), for analytics and rankings.

    Each row: `key` (department or user id) and a count per action. Not scoped: the
    analytics layer decides who sees which rows.
    """
    key = KT("data__from_department") if by == "department" else F("actor_id")
    events = GrievanceEvent.objects.filter(action__in=ROUTING_ACTIONS)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    rows: dict[int, dict[str, int]] = {}
    for value, action, count in (
        events.annotate(key=key)
        .values_list("key", "action")
        .annotate(n=Count("id"))
        .order_by("key", "action")
    ):
        row = rows.setdefault(int(value), {"key": int(value), **dict.fromkeys(ROUTING_ACTIONS, 0)})
        row[action] = count
    return list(rows.values())


# --- reads for the analytics rollups (not scoped: the analytics layer decides who sees
# which figures, and shows only aggregates) ----------------------------------------------

ROLLUP_EVENT_FIELDS = (
    "grievance__department_id",
    "grievance__area_id",
    "grievance__category_id",
    "grievance__channel",
    "action",
    "from_status",
    "to_status",
    "level",
    "at",
    "due_at",
    "assigned_to_id",
    "data",
    "grievance_id",
)
# Actions after which a grievance counts for another department or type: the days of all
# its earlier events are recomputed too (their figures follow the grievance's current
# department and type).
REATTRIBUTING = ("transfer", "mark_out_of_jurisdiction", "change_type", "recategorise")


def events_for_rollup(*, since: datetime, until: datetime) -> Iterator[tuple[Any, ...]]:
    """The history events of [since, until) with their grievance's department, area,
    type and channel, as tuples in `ROLLUP_EVENT_FIELDS` order, streamed."""
    return (
        GrievanceEvent.objects.filter(at__gte=since, at__lt=until)
        .order_by()
        .values_list(*ROLLUP_EVENT_FIELDS)
        .iterator(chunk_size=5000)
    )


def event_days_since(*, event_id: int, tz: Any) -> tuple[int, list[Any]]:
    """(the highest event id, the local days of the events after `event_id`): which days
    a rollup must recompute. Walks the primary key only."""
    events = GrievanceEvent.objects.filter(id__gt=event_id)
    top = events.aggregate(m=Max("id"))["m"]
    if top is None:
        return event_id, []
    days = set(
        events.annotate(day=TruncDate("at", tzinfo=tz))
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    )
    moved = events.filter(action__in=REATTRIBUTING).values("grievance_id")
    days |= set(
        GrievanceEvent.objects.filter(grievance_id__in=moved)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    )
    return int(top), sorted(days)


def atr_submissions(*, grievance_ids: Iterable[int]) -> Iterator[tuple[Any, ...]]:
    """The `submit_atr` events of these grievances as (grievance id, at, due_at, level),
    in time order: when a closure after the citizen's feedback was reported, and the
    deadline in force then."""
    return (
        GrievanceEvent.objects.filter(grievance_id__in=list(grievance_ids), action="submit_atr")
        .order_by("grievance_id", "at", "id")
        .values_list("grievance_id", "at", "due_at", "level")
        .iterator(chunk_size=5000)
    )


def pending_for_rollup(*, at: datetime) -> Iterator[tuple[Any, ...]]:
    """Every grievance not yet finished at `at`, grouped by department, area, level,
    officer, status, overdue and age bucket (in days since registration), counted:
    tuples (department_id, area_id, level, officer_id, status, overdue, bucket, count).
    Buckets: 0 (up to 7 days), 1 (8-15), 2 (16-30), 3 (31-50), 4 (over 50)."""
    day = timedelta(days=1)
    bucket = Case(
        When(registered_at__gt=at - 7 * day, then=Value(0)),
        When(registered_at__gt=at - 15 * day, then=Value(1)),
        When(registered_at__gt=at - 30 * day, then=Value(2)),
        When(registered_at__gt=at - 50 * day, then=Value(3)),
        default=Value(4),
    )
    overdue = Case(
        When(Q(status__in=WAITING) & Q(due_at__lt=at), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        Grievance.objects.exclude(status__in=FINISHED)
        .annotate(bucket=bucket, late=overdue)
        .order_by()
        .values_list(
            "department_id", "area_id", "level", "assigned_to_id", "status", "late", "bucket"
        )
        .annotate(n=Count("id"))
        .iterator(chunk_size=5000)
    )


def events_for_replay() -> Iterator[tuple[Any, ...]]:
    """Every history event as (grievance id, department id, area id, registered at, at,
    to_status, level, assigned_to id, due_at), in each grievance's order, streamed: the
    analytics rebuild replays them to know what was pending at the end of each past day."""
    return (
        GrievanceEvent.objects.order_by("grievance_id", "at", "id")
        .values_list(
            "grievance_id",
            "grievance__department_id",
            "grievance__area_id",
            "grievance__registered_at",
            "at",
            "to_status",
            "level",
            "assigned_to_id",
            "due_at",
        )
        .iterator(chunk_size=5000)
    )


def pending_matching(
    *,
    department_id: int,
    area_path: str | None = None,
    category_id: int | None = None,
    level: int | None = None,
    registered_before: datetime | None = None,
    overdue_at: datetime | None = None,
) -> QuerySet[Grievance]:
    """The department's grievances not yet finished that match a drive's filter."""
    qs = Grievance.objects.filter(department_id=department_id).exclude(status__in=FINISHED)
    if area_path:
        qs = qs.filter(area_path__startswith=area_path)
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    if level is not None:
        qs = qs.filter(level=level)
    if registered_before is not None:
        qs = qs.filter(registered_at__lt=registered_before)
    if overdue_at is not None:
        qs = qs.filter(status__in=WAITING, due_at__lt=overdue_at)
    return qs.order_by("id")


def unfinished_among(ids: QuerySet[Any]) -> QuerySet[Grievance]:
    """Which of these grievances (a queryset of ids) are not yet finished."""
    return Grievance.objects.filter(pk__in=ids).exclude(status__in=FINISHED)


def grievance_texts_for_training(*, limit: int) -> Iterator[tuple[str, int, bool]]:
    """System-level read for the category suggester's training (B3), not scoped to a
    user and never shown to one: the newest `limit` grievances under an open, selectable
    complaint type other than "Others", as (description, category id, verified), where
    verified means an officer corrected the type (a `change_type` event). Streamed."""
    retyped = GrievanceEvent.objects.filter(grievance=OuterRef("pk"), action="change_type")
    return (
        Grievance.objects.filter(
            category__is_active=True, category__selectable=True, category__is_others=False
        )
        .annotate(verified=Exists(retyped))
        .order_by("-registered_at", "-id")
        .values_list("description", "category_id", "verified")[:limit]
        .iterator(chunk_size=2000)
    )

"""Reads of the Open311 door. GeoReport GET calls are public (no api_key), so they
read only grievances that came in through Open311 and expose only what a public
issue tracker shows: never the citizen, the officer or the internal notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from nivaran.catalog.models import Category
from nivaran.catalog.selectors import categories_for_intake
from nivaran.core.errors import InvalidInput, NotFound
from nivaran.geo.models import Area, AreaType
from nivaran.grievances.models import Channel, Grievance, Status

WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
CLOSED = frozenset({Status.CLOSED, Status.REJECTED, Status.SPECIAL_CLOSED, Status.MERGED})


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED else "open"


def open311_services() -> QuerySet[Category]:
    return categories_for_intake()


def open311_service(*, service_code: str) -> Category:
    category = open311_services().filter(code=service_code).first()
    if category is None:
        raise NotFound(f"No service with service_code {service_code!r}.")
    return category


def open311_areas() -> QuerySet[Area]:
    """The values of attribute[area_code]: districts and everything below them."""
    return Area.objects.exclude(type=AreaType.STATE).only("code", "name", "path")


def _requests() -> QuerySet[Grievance]:
    return Grievance.objects.filter(channel=Channel.OPEN311).select_related(
        "category", "department", "area", "open311_request"
    )


@dataclass(frozen=True)
class RequestFilters:
    service_request_ids: Sequence[str] = field(default_factory=tuple)
    service_codes: Sequence[str] = field(default_factory=tuple)
    start: datetime | None = None
    end: datetime | None = None
    statuses: Sequence[str] = field(default_factory=tuple)


def open311_requests(*, filters: RequestFilters, now: datetime | None = None) -> list[Grievance]:
    """Newest first, at most MAX_RESULTS. service_request_id overrides every other filter
    (as the spec says); otherwise the window is at most 90 days, by default the last 90."""
    qs = _requests()
    if filters.service_request_ids:
        qs = qs.filter(number__in=[i.strip().upper() for i in filters.service_request_ids])
        return list(qs.order_by("-registered_at", "-id")[:MAX_RESULTS])
    start, end = filters.start, filters.end
    if start is None and end is None:
        end = now or timezone.now()
    if start is None:
        assert end is not None
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise InvalidInput("end_date is before start_date.", fields={"end_date": ["Too early."]})
    if end - start > WINDOW:
        raise InvalidInput(
            "start_date and end_date may not span more than 90 days.",
            fields={"start_date": ["The range is longer than 90 days."]},
        )
    qs = qs.filter(registered_at__gte=start, registered_at__lte=end)
    if filters.service_codes:
        qs = qs.filter(category__code__in=filters.service_codes)
    statuses = set(filters.statuses)
    unknown = statuses - {"open", "closed"}
    if unknown:
        raise InvalidInput(
            "status takes open or closed.", fields={"status": [f"Unknown: {sorted(unknown)}."]}
        )
    if statuses == {"closed"}:
        qs = qs.filter(status__in=CLOSED)
    elif statuses == {"open"}:
        qs = qs.exclude(status__in=CLOSED)
    return list(qs.order_by("-registered_at", "-id")[:MAX_RESULTS])


def open311_request(*, service_request_id: str) -> Grievance:
    grievance = _requests().filter(number=service_request_id.strip().upper()).first()
    if grievance is None:
        raise NotFound(f"No Open311 service request {service_request_id!r}.")
    return grievance


def open311_request_by_token(*, token: str) -> Grievance:
    grievance = _requests().filter(open311_request__token=token).first()
    if grievance is None:
        raise NotFound(f"No service request for token {token!r}.")
    return grievance

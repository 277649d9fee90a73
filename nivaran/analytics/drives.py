"""Drives (U6): a department declares a campaign over its pending grievances (chosen by
a filter) with a target date, and follows its burn-down day by day.

Who declares and sees: the department's head, secretary and nodal officer for their
departments, and the CMO grievance cell (and the platform administrator) for any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.analytics.models import Drive, DriveDay, DriveMember
from nivaran.analytics.packs import PACK_ROLES, department_wide_posts
from nivaran.analytics.rollups import local_day
from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied
from nivaran.geo.models import Area
from nivaran.grievances.selectors import pending_matching, unfinished_among
from nivaran.org.models import Department

MAX_MEMBERS = 50_000
MAX_DRIVE_DAYS = 366
DECLARERS_STATEWIDE = frozenset({Role.CMO_GRIEVANCE_CELL, Role.PLATFORM_ADMIN})


def drive_departments(*, actor: User) -> QuerySet[Department]:
    """The departments whose drives the actor declares and follows."""
    departments = Department.objects.filter(is_active=True).order_by("code")
    if not actor.is_active:
        return departments.none()
    if actor.role in DECLARERS_STATEWIDE:
        return departments
    if actor.role in PACK_ROLES:
        return departments.filter(pk__in=department_wide_posts(actor).values("department"))
    return departments.none()


def drives_visible_to(*, actor: User) -> QuerySet[Drive]:
    return Drive.objects.filter(department__in=drive_departments(actor=actor)).select_related(
        "department", "declared_by"
    )


def drive_get(*, actor: User, drive_id: int) -> Drive:
    if not drive_departments(actor=actor).exists():
        raise PermissionDenied(
            _(
                "Drives are for the departments' heads, secretaries, nodal officers and the "
                "CMO grievance cell."
            )
        )
    drive = drives_visible_to(actor=actor).filter(pk=drive_id).first()
    if drive is None:
        raise NotFound(_("There is no such drive within your reach."))
    return drive


@dataclass(frozen=True)
class DriveFilter:
    district: str | None = None  # an area code: that area and everything under it
    category: str | None = None
    level: int | None = None
    older_than_days: int | None = None
    overdue_only: bool = False


def _resolve(department: Department, f: DriveFilter, now: datetime) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    kwargs: dict[str, Any] = {"department_id": department.pk}
    if f.district:
        area = Area.objects.filter(code=f.district).first()
        if area is None:
            errors["district"] = [_("No area has this code.")]
        else:
            kwargs["area_path"] = area.path
    if f.category:
        category = Category.objects.filter(code=f.category, department=department).first()
        if category is None:
            errors["category"] = [_("No complaint type of this department has this code.")]
        else:
            kwargs["category_id"] = category.pk
    if f.level is not None:
        if not 1 <= f.level <= 4:
            errors["level"] = [_("A level from 1 to 4.")]
        kwargs["level"] = f.level
    if f.older_than_days is not None:
        if not 0 <= f.older_than_days <= 3650:
            errors["older_than_days"] = [_("From 0 to 3650 days.")]
        else:
            kwargs["registered_before"] = now - timedelta(days=f.older_than_days)
    if f.overdue_only:
        kwargs["overdue_at"] = now
    if errors:
        raise InvalidInput(_("The drive's filter is not valid."), fields=errors)
    return kwargs


def drive_declare(
    *,
    actor: User,
    department: str,
    name: str,
    target_date: date,
    filters: DriveFilter,
    now: datetime | None = None,
) -> Drive:
    now = now or timezone.now()
    dept = drive_departments(actor=actor).filter(code=department).first()
    if dept is None:
        if not drive_departments(actor=actor).exists():
            raise PermissionDenied(_("You may not declare drives."))
        raise InvalidInput(
            _("Not a department you declare drives for."),
            fields={"department": [_("Choose one of your departments.")]},
        )
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise InvalidInput(
            _("Give the drive a name."), fields={"name": [_("1 to 200 characters.")]}
        )
    if target_date <= local_day(now):
        raise InvalidInput(
            _("The target date must be after today."), fields={"target_date": [_("After today.")]}
        )
    if target_date > local_day(now) + timedelta(days=MAX_DRIVE_DAYS):
        raise InvalidInput(
            _("A drive lasts at most a year."),
            fields={"target_date": [_("Within a year from today.")]},
        )
    matching = pending_matching(**_resolve(dept, filters, now))
    ids = list(matching.values_list("id", flat=True)[: MAX_MEMBERS + 1])
    if not ids:
        raise InvalidInput(
            _("No pending grievance matches this filter."),
            fields={"filters": [_("Nothing matches.")]},
        )
    if len(ids) > MAX_MEMBERS:
        raise InvalidInput(
            _("A drive holds at most %(count)s grievances: narrow the filter.")
            % {"count": MAX_MEMBERS},
            fields={"filters": [_("More than %(count)s match.") % {"count": MAX_MEMBERS}]},
        )
    with transaction.atomic():
        drive = Drive.objects.create(
            department=dept,
            name=name,
            target_date=target_date,
            filters={k: v for k, v in filters.__dict__.items() if v not in (None, False)},
            declared_by=actor,
            declared_at=now,
            total=len(ids),
        )
        DriveMember.objects.bulk_create(
            [DriveMember(drive=drive, grievance_id=i) for i in ids], batch_size=5000
        )
        DriveDay.objects.create(drive=drive, day=local_day(now), remaining=len(ids))
    return drive


def drives_track(*, now: datetime | None = None) -> int:
    """Record today's remaining count of every drive not yet past its target by a week."""
    now = now or timezone.now()
    today = local_day(now)
    tracked = 0
    for drive in Drive.objects.filter(target_date__gte=today - timedelta(days=7)):
        remaining = unfinished_among(drive.members.values("grievance_id")).count()
        DriveDay.objects.update_or_create(drive=drive, day=today, defaults={"remaining": remaining})
        tracked += 1
    return tracked


@dataclass
class BurnDown:
    days: list[tuple[date, int | None, float]]  # day, remaining (None: not recorded), ideal
    remaining: int
    cleared: int
    on_track: bool | None


def drive_burn_down(drive: Drive, *, now: datetime | None = None) -> BurnDown:
    """Each day from the declaration to the target (or today, if later): the remaining
    count as recorded, and the straight line from the total down to zero at the target."""
    today = local_day(now or timezone.now())
    start = local_day(drive.declared_at)
    recorded = dict(drive.days.values_list("day", "remaining"))
    span = max((drive.target_date - start).days, 1)
    last = max(drive.target_date, min(today, drive.target_date + timedelta(days=7)))
    days: list[tuple[date, int | None, float]] = []
    day = start
    while day <= last:
        ideal = max(drive.total * (1 - (day - start).days / span), 0.0)
        days.append((day, recorded.get(day) if day <= today else None, round(ideal, 1)))
        day += timedelta(days=1)
    latest = max((d for d in recorded if d <= today), default=None)
    remaining = recorded[latest] if latest is not None else drive.total
    ideal_now = next((i for d, _r, i in days if d == latest), None)
    return BurnDown(
        days=days,
        remaining=remaining,
        cleared=drive.total - remaining,
        on_track=None if ideal_now is None else remaining <= ideal_now,
    )

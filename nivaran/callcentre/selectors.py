"""Reads of the call centre, scoped to the acting user's role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.callcentre.models import (
    Callback,
    CallbackAttempt,
    CallbackStatus,
    IvrsCall,
    IvrsSystem,
)
from nivaran.catalog.models import Category
from nivaran.core.errors import NotFound, PermissionDenied
from nivaran.core.keys import api_key_hash as key_hash
from nivaran.geo.models import Area
from nivaran.grievances.models import Grievance, Status
from nivaran.grievances.selectors import grievances_visible_to
from nivaran.profiles.loader import active_profile

CONSOLE_ROLES = frozenset({Role.TELE_CALLER, Role.CMO_GRIEVANCE_CELL, Role.PLATFORM_ADMIN})
QUEUE_VIEWERS = frozenset({Role.TELE_CALLER, Role.CMO_GRIEVANCE_CELL})
DUPLICATE_WINDOW = timedelta(days=30)
HISTORY_LIMIT = 20


def console_access_check(*, actor: User) -> None:
    if actor.role not in CONSOLE_ROLES:
        raise PermissionDenied(_("The call-centre console is for tele-callers."))


def queue_access_check(*, actor: User) -> None:
    if actor.role not in QUEUE_VIEWERS:
        raise PermissionDenied(_("The callback queue is for tele-callers and the CMO cell."))


def ivrs_system_by_key(*, key: str) -> IvrsSystem | None:
    return IvrsSystem.objects.filter(key_hash=key_hash(key)).first()


@dataclass(frozen=True)
class CallCentreHours:
    open: bool
    next_opening: datetime


def call_centre_hours(*, at: datetime) -> CallCentreHours:
    calendar = active_profile().call_centre
    return CallCentreHours(calendar.is_open(at), calendar.next_opening(at))


def callbacks_due(*, actor: User, now: datetime) -> QuerySet[Callback]:
    """Pending callbacks whose next attempt is due, oldest call first."""
    queue_access_check(actor=actor)
    return Callback.objects.filter(
        status=CallbackStatus.PENDING, next_attempt_at__lte=now
    ).order_by("called_at", "pk")


def callbacks_pending_later(*, actor: User, now: datetime) -> int:
    queue_access_check(actor=actor)
    return Callback.objects.filter(status=CallbackStatus.PENDING, next_attempt_at__gt=now).count()


def callback_get(*, actor: User, callback_id: int) -> Callback:
    queue_access_check(actor=actor)
    callback = Callback.objects.select_related("grievance").filter(pk=callback_id).first()
    if callback is None:
        raise NotFound(_("No callback %(id)s.") % {"id": callback_id})
    return callback


def callbacks_of(*, system: IvrsSystem) -> QuerySet[Callback]:
    """The callbacks an IVRS system may see and work: those its own calls queued or joined."""
    return Callback.objects.filter(
        Exists(IvrsCall.objects.filter(system=system, callback=OuterRef("pk")))
    )


DUE = ("now", "later")


def callbacks_for_dialer(
    *, actor: User | None, system: IvrsSystem | None, due: str, now: datetime
) -> QuerySet[Callback]:
    """Pending callbacks for a dialer: due now (oldest call first) or later (soonest first).
    With an IVRS key only the system's own; with a token the queue a tele-caller sees."""
    if system is not None:
        qs = callbacks_of(system=system)
    else:
        assert actor is not None
        queue_access_check(actor=actor)
        qs = Callback.objects.all()
    qs = qs.filter(status=CallbackStatus.PENDING).select_related("grievance")
    if due == "now":
        return qs.filter(next_attempt_at__lte=now).order_by("called_at", "pk")
    return qs.filter(next_attempt_at__gt=now).order_by("next_attempt_at", "pk")


def callback_for_dialer(
    *, actor: User | None, system: IvrsSystem | None, callback_id: int
) -> Callback:
    if system is None:
        assert actor is not None
        return callback_get(actor=actor, callback_id=callback_id)
    callback = (
        callbacks_of(system=system).select_related("grievance").filter(pk=callback_id).first()
    )
    if callback is None:
        raise NotFound(_("No callback %(id)s.") % {"id": callback_id})
    return callback


def callback_attempts(*, callback: Callback) -> QuerySet[CallbackAttempt]:
    return callback.attempt_log.select_related("agent", "grievance").order_by("at", "pk")


@dataclass(frozen=True)
class CallerHistory:
    earlier: list[Grievance]
    duplicates: list[Grievance]


def caller_history(
    *, actor: User, mobile: str, now: datetime, category_code: str | None = None
) -> CallerHistory:
    """The caller's earlier grievances, newest first, and the likely duplicates: open
    ones of the same mobile (and category, when chosen) registered in the last 30 days."""
    console_access_check(actor=actor)
    qs = (
        grievances_visible_to(actor=actor)
        .filter(citizen__mobile=mobile)
        .select_related("category")
        .order_by("-registered_at", "-pk")
    )
    earlier = list(qs[:HISTORY_LIMIT])
    if category_code and not Category.objects.filter(code=category_code).exists():
        category_code = None  # half-typed in the picker: not a choice yet
    duplicates = [
        g
        for g in earlier
        if g.status != Status.CLOSED
        and g.registered_at >= now - DUPLICATE_WINDOW
        and (not category_code or g.category.code == category_code)
    ]
    return CallerHistory(earlier, duplicates)


def categories_selectable() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True, selectable=True).order_by("code")


SUB_DISTRICT_TYPES = ("block", "tehsil", "city")


def districts_with_blocks() -> list[tuple[Area, list[Area]]]:
    """Each district with its blocks, tehsils and cities, for the area picker."""
    districts = list(Area.objects.filter(type="district").order_by("name", "code"))
    below = Area.objects.filter(type__in=SUB_DISTRICT_TYPES).order_by("name", "code")
    inside: dict[str, list[Area]] = {d.path: [] for d in districts}
    for area in below:
        for path, areas in inside.items():
            if area.path.startswith(path):
                areas.append(area)
                break
    return [(d, inside[d.path]) for d in districts]

"""Reads of the Right to Service catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from nivaran.accounts.models import User
from nivaran.grievances.selectors import grievances_visible_to
from nivaran.profiles.loader import active_profile
from nivaran.rts.models import NotifiedService, RtsCase


def rts_enabled() -> bool:
    """Whether the state's profile turns Right to Service on."""
    return bool(active_profile().right_to_service.get("enabled"))


def notified_services(
    *, department: str | None = None, q: str | None = None, active_only: bool = True
) -> QuerySet[NotifiedService]:
    """The catalogue, by code: of one department (its code), matching `q` in either
    language's name or the code. The catalogue is public: every signed-in user reads it.
    None where the active profile does not turn Right to Service on."""
    if not rts_enabled():
        return NotifiedService.objects.none()
    qs = NotifiedService.objects.select_related(
        "department", "designated_officer", "first_appellate", "second_appellate"
    ).order_by("code")
    if active_only:
        qs = qs.filter(is_active=True)
    if department:
        qs = qs.filter(department__code=department)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_hi__icontains=q) | Q(code__icontains=q))
    return qs


def rts_cases(*, actor: User, stage: str | None = None, mine: bool = False) -> QuerySet[RtsCase]:
    """The AAS cases of the grievances the actor may see (as every read is scoped), the
    earliest call deadline first; `mine`: those in the queue of a post the actor holds."""
    if not rts_enabled():
        return RtsCase.objects.none()
    visible = grievances_visible_to(actor=actor).values("pk")
    qs = RtsCase.objects.filter(grievance__in=visible).select_related(
        "grievance", "service", "nodal_post"
    )
    if stage:
        qs = qs.filter(stage=stage)
    if mine:
        qs = qs.filter(nodal_post__holder=actor)
    return qs.order_by("call_due_at", "id")

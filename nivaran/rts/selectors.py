"""Reads of the Right to Service catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from nivaran.profiles.loader import active_profile
from nivaran.rts.models import NotifiedService


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

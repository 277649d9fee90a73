from __future__ import annotations

from django.db.models import QuerySet

from nivaran.accounts.models import ProfileChange, User


def profile_changes_of(*, actor: User, limit: int = 20) -> QuerySet[ProfileChange]:
    """The acting user's own profile audit, newest first (a user reads only their own)."""
    return (
        ProfileChange.objects.filter(user=actor)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )

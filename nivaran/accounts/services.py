from __future__ import annotations

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role

SYSTEM_USERNAME = "system"


def system_user() -> User:
    """The actor of everything the platform does by itself (SLA sweep, auto-routing)."""
    user, _ = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": Role.SYSTEM, "is_active": False, "first_name": "Nivaran"},
    )
    return user

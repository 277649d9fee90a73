from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import (
    ProfileChange,
    ProfileChangeKind,
    ProfileChangeVia,
    ProfileField,
    User,
)
from nivaran.accounts.roles import Role
from nivaran.core.errors import InvalidInput, PermissionDenied

SYSTEM_USERNAME = "system"
LANGUAGES = ("en", "hi")


def system_user() -> User:
    """The actor of everything the platform does by itself (SLA sweep, auto-routing)."""
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": Role.SYSTEM, "is_active": False, "first_name": "Nivaran"},
    )
    return user


def staff_check(*, actor: User) -> None:
    """Only signed-in staff have a staff profile: not citizens, not the system actor."""
    if not actor.is_active or actor.role in {Role.CITIZEN, Role.SYSTEM, ""}:
        raise PermissionDenied(_("Only staff have a profile here."))


def profile_change_record(
    *,
    user: User,
    actor: User,
    field: str,
    kind: str,
    via: str,
    old: str = "",
    new: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> ProfileChange:
    """Append one row to the profile audit (a change, an OTP sent, a refusal, a lockout)."""
    return ProfileChange.objects.create(
        user=user,
        actor=actor,
        field=field,
        kind=kind,
        via=via,
        old=old[:300],
        new=new[:300],
        reason=reason[:40],
        at=at or timezone.now(),
    )


def profile_changes_record_all(
    *, before: User, after: User, actor: User, via: str, at: datetime | None = None
) -> list[ProfileChange]:
    """Audit every profile field that differs between two states of one user (the admin's
    save: it changes the row itself, this records what it changed)."""
    at = at or timezone.now()
    pairs = [
        (ProfileField.NAME, before.get_full_name(), after.get_full_name()),
        (ProfileField.MOBILE, before.mobile, after.mobile),
        (ProfileField.LANGUAGE, before.preferred_language, after.preferred_language),
    ]
    return [
        profile_change_record(
            user=after,
            actor=actor,
            field=field,
            kind=ProfileChangeKind.CHANGED,
            via=via,
            old=old,
            new=new,
            at=at,
        )
        for field, old, new in pairs
        if old != new
    ]


def profile_update(
    *,
    actor: User,
    first_name: str | None = None,
    last_name: str | None = None,
    preferred_language: str | None = None,
    via: str = ProfileChangeVia.PAGE,
    at: datetime | None = None,
) -> User:
    """Change the acting staff member's own name and language (None: unchanged), audited.
    The mobile is not changed here: it needs an OTP to the new number
    (nivaran.staffprofile.services)."""
    staff_check(actor=actor)
    if preferred_language is not None and preferred_language not in LANGUAGES:
        raise InvalidInput(
            _("Choose English or Hindi."),
            fields={"preferred_language": [_("Choose English or Hindi.")]},
        )
    names = {"first_name": first_name, "last_name": last_name}
    for name, value in names.items():
        if value is not None and len(" ".join(value.split())) > 150:
            raise InvalidInput(_("This is too long."), fields={name: [_("This is too long.")]})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        before = User(
            first_name=user.first_name,
            last_name=user.last_name,
            mobile=user.mobile,
            preferred_language=user.preferred_language,
        )
        if first_name is not None:
            user.first_name = " ".join(first_name.split())
        if last_name is not None:
            user.last_name = " ".join(last_name.split())
        if preferred_language is not None:
            user.preferred_language = preferred_language
        if (first_name is not None or last_name is not None) and not user.get_full_name():
            raise InvalidInput(_("Give your name."), fields={"first_name": [_("Give your name.")]})
        user.save(update_fields=["first_name", "last_name", "preferred_language"])
        profile_changes_record_all(before=before, after=user, actor=actor, via=via, at=at)
    return user

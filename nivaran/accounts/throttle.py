"""Limits on wrong passwords, per account and per client address, on a shared cache.

Every password sign-in (the token endpoint, the officer pages, the Django admin) goes
through `accounts.auth.Backend`, which asks here first: while an account or an address
is locked, no password is checked, not even the right one. The counters live in the
default cache: Redis in production (`CACHE_URL`), so every web process sees the same.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from nivaran.core.clients import client_address
from nivaran.core.errors import DomainError

PREFIX = "nivaran:signin"


class SignInLocked(DomainError):
    code = "signin_locked"
    http_status = 429

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(locked_message())
        self.retry_after = retry_after


def locked_message() -> str:
    return _(
        "Too many failed sign-in attempts. Sign-in is locked for up to %(minutes)s minutes; "
        "a platform administrator can unlock it sooner."
    ) % {"minutes": settings.NIVARAN_SIGNIN_LOCK_MINUTES}


def _window() -> int:
    return int(settings.NIVARAN_SIGNIN_LOCK_MINUTES) * 60


def _account_key(username: str) -> str:
    return f"{PREFIX}:user:{hashlib.sha256(username.casefold().encode()).hexdigest()}"


def _address_key(address: str) -> str:
    return f"{PREFIX}:addr:{address}"


def _keys(request: Any, username: str) -> list[tuple[str, int]]:
    return [
        (_account_key(username), settings.NIVARAN_SIGNIN_MAX_FAILURES),
        (_address_key(client_address(request)), settings.NIVARAN_SIGNIN_MAX_FAILURES_PER_ADDRESS),
    ]


def signin_locked_for(*, request: Any, username: str) -> int:
    """Seconds until this account and address may try a password again; 0: now."""
    keys = _keys(request, username)
    found = cache.get_many([k for k, _limit in keys] + [f"{k}:since" for k, _limit in keys])
    wait = 0
    for key, limit in keys:
        if int(found.get(key) or 0) >= limit:
            since = float(found.get(f"{key}:since") or time.time())
            wait = max(wait, math.ceil(since + _window() - time.time()), 1)
    return wait


def signin_failed(*, request: Any, username: str) -> None:
    """Count a wrong password against the account and the address. A window starts at the
    first failure and ends `SIGNIN_LOCK_MINUTES` later, locked or not."""
    for key, _limit in _keys(request, username):
        if cache.add(key, 1, timeout=_window()):
            cache.set(f"{key}:since", time.time(), timeout=_window())
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=_window())
            cache.set(f"{key}:since", time.time(), timeout=_window())


def signin_succeeded(*, request: Any, username: str) -> None:
    """The right password: the account's count starts again (the address's does not)."""
    key = _account_key(username)
    cache.delete_many([key, f"{key}:since"])


def signin_unlock(*, username: str = "", address: str = "") -> None:
    """Lift the lock (and forget the failures) of an account and/or a client address."""
    keys = []
    if username:
        keys.append(_account_key(username))
    if address:
        keys.append(_address_key(address))
    cache.delete_many([*keys, *(f"{k}:since" for k in keys)])

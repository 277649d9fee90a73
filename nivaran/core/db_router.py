"""Reads that may be served by the read replica, and everything else on the primary.

With `DATABASE_REPLICA_URL` set (docs/deployment.md), settings add a `replica` alias, this
router and `ReplicaPinMiddleware`. Without it nothing here is installed and every query
goes to `default`, as before.

What goes to the replica is chosen, not every read: only code run inside
`reading_from_replica()` — in practice the views marked with `@replica_reads`, the lists,
the dashboard and the analytics pages, where a figure a second old is as good as a fresh
one. Everything else reads the primary: a grievance's page, a workflow action's checks,
sign-in, anything inside `transaction.atomic()` (even in a marked view) and every write.

Read-your-writes: after a request that may have written (any unsafe method), the
middleware records the primary's WAL position (`pg_current_wal_lsn()`) in a signed cookie
and, for a signed-in user, in the cache. A marked view serves that actor from the replica
only once the replica has replayed that position (`pg_last_wal_replay_lsn()`); until then,
from the primary. A position, not a time window: a window is a guess at the lag, and a lag
spike (a long query on the replica holding back replay, a vacuum, a restart) outlasts any
guess, when the officer's closed grievance would reappear in their inbox. The check is one
query on the replica, made only for an actor with a pending write, and the pin is dropped
at the first request that finds it replayed — usually the next one.

A replica that cannot be reached is skipped for `NIVARAN_REPLICA_RETRY_SECONDS`: a marked
view whose replica query fails on a connection error runs again on the primary (it only
reads, so running it twice is safe).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from rest_framework.request import Request

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "nivaran_primary_lsn"
PIN_SALT = "nivaran.core.db_router.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Always read on the primary, whatever the context: a session ended, a token revoked or an
# OTP used a moment ago must count at once.
PRIMARY_ONLY_APPS = frozenset({"sessions", "authtoken", "otp"})

_replica_reads: ContextVar[bool] = ContextVar("nivaran_replica_reads", default=False)
# Per process: until when the replica is skipped after it failed to answer.
_replica_down_until = 0.0

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and bool(settings.NIVARAN_REPLICA_READS)


def replica_available() -> bool:
    return replica_configured() and time.monotonic() >= _replica_down_until


def mark_replica_down(exc: BaseException) -> None:
    global _replica_down_until
    _replica_down_until = time.monotonic() + settings.NIVARAN_REPLICA_RETRY_SECONDS
    logger.warning("Read replica unavailable, reading from the primary: %s", exc)
    connections[REPLICA].close()


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads of the block may go to the replica (when one is configured and answering)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """`replica` for reads inside `reading_from_replica()`, outside any transaction on the
    primary; `default` for everything else. Both aliases hold the same data, so relations
    between their objects are allowed; migrations run on the primary only."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if (
            _replica_reads.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_available()
        ):
            return REPLICA
        # Explicitly the primary: an object read from the replica must not carry its
        # related reads there outside the block.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # select_for_update() and get_or_create() read "for write": they come here too.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


# --- read-your-writes ---------------------------------------------------------------


def _django_request(request: HttpRequest | Request) -> HttpRequest:
    return request._request if isinstance(request, Request) else request


def _user_key(request: HttpRequest | Request) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return f"nivaran:primary-lsn:{user.pk}"


def pinned_lsn(request: HttpRequest | Request) -> str | None:
    """The primary's WAL position at the actor's last write, while it is pending."""
    try:
        lsn = _django_request(request).get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT)
    except BadSignature:
        lsn = None
    key = _user_key(request)
    cached = cache.get(key) if key is not None else None
    pending = [p for p in (lsn, cached) if isinstance(p, str)]
    return max(pending, key=_lsn_number) if pending else None


def _lsn_number(lsn: str) -> int:
    """A WAL position `X/Y` (hexadecimal halves) as one comparable number."""
    high, _, low = lsn.partition("/")
    try:
        return (int(high, 16) << 32) + int(low, 16)
    except ValueError:
        return 0


def replica_has_replayed(lsn: str) -> bool:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [lsn])
        row = cursor.fetchone()
    return bool(row and row[0])


def _may_read_replica(request: HttpRequest | Request) -> bool:
    if not replica_available():
        return False
    lsn = pinned_lsn(request)
    if lsn is None:
        return True
    try:
        replayed = replica_has_replayed(lsn)
    except (OperationalError, InterfaceError) as exc:
        mark_replica_down(exc)
        return False
    if replayed:
        _django_request(request)._nivaran_unpin = True  # type: ignore[attr-defined]
    return replayed


def _request_in(args: tuple[Any, ...]) -> HttpRequest | Request | None:
    for arg in args[:2]:  # (request, ...) for a function, (self, request, ...) for a method
        if isinstance(arg, HttpRequest | Request):
            return arg
    return None


def replica_reads(view: Callable[P, R]) -> Callable[P, R]:
    """Mark a view (a function view, or an APIView's handler method) as served from the
    replica: a list, a count or a figure that may be a moment old for anyone but the
    actor who just wrote. The view must only read: it is run again on the primary when
    the replica fails on a connection error."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        request = _request_in(args)
        if request is None or not replica_configured():
            return view(*args, **kwargs)
        # A read sent as POST (a search with the filters in the body) does not pin.
        _django_request(request)._nivaran_reads_only = True  # type: ignore[attr-defined]
        if not _may_read_replica(request):
            return view(*args, **kwargs)
        try:
            with reading_from_replica():
                return view(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if _replica_answers():
                raise
            mark_replica_down(exc)
            return view(*args, **kwargs)

    return wrapper


def _replica_answers() -> bool:
    replica = connections[REPLICA]
    try:
        replica.close_if_unusable_or_obsolete()
        replica.ensure_connection()
        return replica.is_usable()
    except (OperationalError, InterfaceError):
        return False


def primary_lsn() -> str | None:
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql":
        return None
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        row = cursor.fetchone()
    return str(row[0]) if row else None


class ReplicaPinMiddleware:
    """After a request that may have written, pin its actor to the primary until the
    replica has replayed the write (see the module's docstring); drop the pin once it has."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not replica_configured():
            return response
        seconds: int = settings.NIVARAN_REPLICA_PIN_SECONDS
        key = _user_key(request)
        if request.method not in SAFE_METHODS and not getattr(
            request, "_nivaran_reads_only", False
        ):
            lsn = primary_lsn()
            if lsn is not None:
                response.set_signed_cookie(
                    PIN_COOKIE,
                    lsn,
                    salt=PIN_SALT,
                    max_age=seconds,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
                if key is not None:  # API clients that keep no cookies
                    cache.set(key, lsn, timeout=seconds)
        elif getattr(request, "_nivaran_unpin", False):
            if PIN_COOKIE in request.COOKIES:
                response.delete_cookie(PIN_COOKIE, samesite="Lax")
            if key is not None:
                cache.delete(key)
        return response

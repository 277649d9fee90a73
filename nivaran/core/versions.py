"""Versions of master data in the shared cache (Django's cache framework: Redis in
production, local memory in development and tests), for copies kept per process.

A process that keeps a copy of rarely written master data (the holidays of the business
calendar, a department's category tree) keys it on a version held in the shared cache, so
one cheap cache read per use replaces a database query, and a write anywhere makes every
process read afresh. A write bumps the version when it is made and again when its
transaction commits: a reader that loaded in between (seeing the rows as they were before
the commit) keeps them under a version nobody asks for any more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

HOLIDAYS = "core:holidays-version"  # every save and delete of a Holiday bumps it (core.apps)


def version(key: str) -> str:
    """The current version of `key`; a fresh one if the cache has none (first use, or
    evicted), so a copy made before an eviction is never used again. With the cache
    unreachable, a fresh one on every call: nothing kept is used, everything is read
    from the database, and the request still succeeds."""
    try:
        current = cache.get(key)
        if current is None:
            cache.add(key, uuid4().hex, timeout=None)
            current = cache.get(key)
    except Exception:  # the cache's client raises its own errors (Redis: ConnectionError)
        log.warning("cache unreachable: %s read from the database", key)
        current = None
    return str(current or uuid4().hex)


def changed(key: str) -> None:
    """The data versioned by `key` is being written. A cache that cannot be reached does
    not stop the write: `version` then reads nothing from the copies either."""

    def bump() -> None:
        try:
            cache.set(key, uuid4().hex, timeout=None)
        except Exception:
            log.warning("cache unreachable: %s not bumped", key)

    bump()
    transaction.on_commit(bump, robust=True)


def track(model: type[models.Model], key: str) -> None:
    """Bump `key` on every save and delete of a `model` row (an app's `ready`). A
    `QuerySet.update` sends no signal: master data written that way calls `changed`."""

    def bump(sender: Any, **kwargs: Any) -> None:
        changed(key)

    uid = f"versions:{key}:{model._meta.label}"
    post_save.connect(bump, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(bump, sender=model, dispatch_uid=uid + ":delete", weak=False)


def _may_keep() -> bool:
    # Inside a transaction the rows read may be its own, not yet committed (or later rolled
    # back): use them, but keep no copy of them.
    return not transaction.get_connection().in_atomic_block


class ProcessCopy(Generic[T]):
    """One process's copy of what `load` reads, read again when the version of `key` moves."""

    def __init__(self, key: str, load: Callable[[], T]) -> None:
        self.key = key
        self._load = load
        self._held: tuple[str, T] | None = None

    def get(self) -> T:
        current = version(self.key)
        held = self._held
        if held is not None and held[0] == current:
            return held[1]
        value = self._load()
        if _may_keep():
            self._held = (current, value)
        return value


class KeyedCopy(Generic[K, T]):
    """One process's copy of rows read one key at a time (a complaint type by its code),
    all forgotten when the version of `key` moves; at most `limit` keys are kept."""

    def __init__(self, key: str, load: Callable[[K], T], *, limit: int = 20_000) -> None:
        self.key = key
        self._load = load
        self._limit = limit
        self._version = ""
        self._values: dict[K, T] = {}

    def _current(self) -> dict[K, T]:
        current = version(self.key)
        if current != self._version:
            self._values, self._version = {}, current
        return self._values

    def get(self, item: K) -> T:
        values = self._current()
        if item in values:
            return values[item]
        value = self._load(item)
        if _may_keep() and len(values) < self._limit:
            values[item] = value
        return value

    def get_many(self, items: Iterable[K], load_many: Callable[[set[K]], dict[K, T]]) -> dict[K, T]:
        """The values of `items` that exist, those not kept read with one `load_many`."""
        values = self._current()
        wanted = set(items)
        missing = {item for item in wanted if item not in values}
        found = load_many(missing) if missing else {}
        if found and _may_keep() and len(values) + len(found) <= self._limit:
            values.update(found)
        return {
            item: values[item] if item in values else found[item]
            for item in wanted
            if item in values or item in found
        }

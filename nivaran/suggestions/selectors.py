"""Suggested complaint types for a text (B3), from the serving model.

A suggestion costs one indexed query for the serving version, the model's transform and
`predict_proba` on one text (a millisecond or two), and one query for the proposed types.
The unpickled model is kept per process, keyed by version: a new version is loaded once,
by the first request that sees it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.utils.translation import get_language
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]

from nivaran.catalog.models import Category
from nivaran.catalog.selectors import categories_suggestible
from nivaran.suggestions.models import ModelRejected, SuggestionModel
from nivaran.suggestions.training import loads, ranked

log = logging.getLogger(__name__)

LIMIT = 5
# Labels read from the model before the retired and other-kind types are dropped.
_CANDIDATES = 25

_lock = threading.Lock()
# Keyed by (version, sha256): a version number alone could come back after a rollback.
_cache: dict[tuple[int, str], Pipeline] = {}
_rejected: set[tuple[int, str]] = set()


@dataclass(frozen=True)
class Suggestion:
    category: Category
    score: float

    @property
    def code(self) -> str:
        return self.category.code

    @property
    def name(self) -> str:
        hindi = (get_language() or "en").startswith("hi") and self.category.name_hi
        return hindi or self.category.name


@dataclass(frozen=True)
class Suggestions:
    model_version: int | None
    suggestions: list[Suggestion]


def serving_cache_clear() -> None:
    """Forget the loaded model (tests; a process that must re-read and re-check it)."""
    with _lock:
        _cache.clear()
        _rejected.clear()


def serving_version() -> tuple[int, str] | None:
    """The newest active model's version and digest: one indexed query, no bytes read.
    A model that failed its check is passed over for the one before it."""
    for key in (
        SuggestionModel.objects.filter(is_active=True)
        .order_by("-version")
        .values_list("version", "sha256")[: len(_rejected) + 1]
    ):
        if key not in _rejected:
            return key
    return None


def _model(key: tuple[int, str]) -> Pipeline | None:
    model = _cache.get(key)
    if model is not None:
        return model
    with _lock:
        if key in _cache:
            return _cache[key]
        row = SuggestionModel.objects.filter(version=key[0], sha256=key[1]).first()
        if row is None:
            return None
        try:
            model = loads(row.checked_blob())
        except ModelRejected:
            log.error("suggestion model v%s fails its digest: not served", key[0])
            _rejected.add(key)
            return None
        _cache.clear()  # one model per process: the older one is not served again
        _cache[key] = model
        return model


def suggested_types(
    *,
    text: str,
    limit: int = LIMIT,
    kind: str | None = None,
    exclude: Category | None = None,
) -> Suggestions:
    """Up to `limit` open complaint types for the text, best first, with the model's
    probability as the score; none when no model is trained yet (or the text is empty).
    `kind`: only types of that kind; `exclude`: a type not to propose (the current one)."""
    model = None
    version = 0
    for _attempt in range(3):  # a model refused by its check gives way to the one before
        key = serving_version()
        if key is None:
            return Suggestions(None, [])
        model, version = _model(key), key[0]
        if model is not None or key not in _rejected:
            break
    if model is None:
        return Suggestions(None, [])
    if not text.strip():
        return Suggestions(version, [])
    top = ranked(model, text)[:_CANDIDATES]
    ids = [label for label, _score in top]
    open_types = {c.pk: c for c in categories_suggestible(ids=ids, kind=kind)}
    if exclude is not None:
        open_types.pop(exclude.pk, None)
    chosen = [
        Suggestion(open_types[label], round(score, 4))
        for label, score in top
        if label in open_types
    ]
    return Suggestions(version, chosen[:limit])

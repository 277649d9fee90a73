"""Training the category suggester (B3): the only writer of `SuggestionModel`."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nivaran.catalog.selectors import categories_suggestible
from nivaran.grievances.selectors import grievance_texts_for_training
from nivaran.suggestions.models import SuggestionModel, model_signature
from nivaran.suggestions.training import TypeText, dumps, fit, held_out, samples

log = logging.getLogger(__name__)


class NothingToTrain(Exception):
    """Fewer than two complaint types are open: there is nothing to choose between."""


def suggestible_types() -> list[TypeText]:
    return [
        TypeText(
            c.pk,
            c.name,
            c.name_hi,
            c.parent.name if c.parent else "",
            c.parent.name_hi if c.parent else "",
        )
        for c in categories_suggestible()
    ]


def suggestion_model_train(
    *, max_rows: int | None = None, evaluate: bool = False, now: datetime | None = None
) -> SuggestionModel:
    """Train on the newest `max_rows` categorised grievances (settings
    NIVARAN_SUGGEST_MAX_ROWS) and every suggestible type's names, and record the model
    as the new serving version. `evaluate`: also compute held-out figures, split by text."""
    started = time.monotonic()
    limit = max_rows or settings.NIVARAN_SUGGEST_MAX_ROWS
    types = suggestible_types()
    if len({t.label for t in types}) < 2:
        raise NothingToTrain("fewer than two complaint types to suggest")
    rows = list(grievance_texts_for_training(limit=limit))
    training = samples(rows, types)
    model = fit(training)
    figures = None
    if evaluate:
        try:
            figures = held_out([(text, label) for text, label, _v in rows], types)
        except ValueError as exc:  # fewer texts than folds
            log.warning("no held-out figures: %s", exc)
    blob = dumps(model)
    with transaction.atomic():
        record = SuggestionModel.objects.create(
            trained_at=now or timezone.now(),
            rows=len(rows),
            verified_rows=sum(1 for _t, _l, verified in rows if verified),
            samples=len(training),
            types=len(model.classes_),
            held_out_texts=figures.texts if figures else None,
            held_out_top1=figures.top1 if figures else None,
            held_out_top3=figures.top3 if figures else None,
            sha256=hashlib.sha256(blob).hexdigest(),
            signature=model_signature(blob),
            blob=blob,
            seconds=round(time.monotonic() - started, 3),
        )
        # Older versions keep their record; only the newest few keep their bytes.
        keep = settings.NIVARAN_SUGGEST_KEEP_MODELS
        stale = SuggestionModel.objects.order_by("-version").values_list("version", flat=True)
        old = list(stale[keep:])
        if old:
            SuggestionModel.objects.filter(version__in=old).update(is_active=False, blob=b"")
    log.info(
        "suggestion model v%s: %s rows, %s types, %.1f s",
        record.version,
        record.rows,
        record.types,
        record.seconds,
    )
    return record

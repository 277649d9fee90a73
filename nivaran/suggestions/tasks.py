from __future__ import annotations

from celery import shared_task

from nivaran.suggestions.services import NothingToTrain, suggestion_model_train


@shared_task(name="nivaran.suggestions.tasks.suggestions_retrain")
def suggestions_retrain() -> dict[str, int | None]:
    """Retrain the category suggester on the grievances as they are now (daily by beat,
    SUGGEST_RETRAIN_SECONDS); type changes since the last run are its new labels."""
    try:
        record = suggestion_model_train()
    except NothingToTrain:
        return {"version": None, "rows": 0}
    return {"version": record.version, "rows": record.rows}

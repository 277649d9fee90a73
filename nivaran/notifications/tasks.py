from __future__ import annotations

from celery import shared_task

from nivaran.notifications.services import outbox_deliver, outbox_purge


@shared_task(name="nivaran.notifications.tasks.deliver_outbox")
def deliver_outbox() -> dict[str, int]:
    totals = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        counts = outbox_deliver()
        for key, value in counts.items():
            totals[key] += value
        if sum(counts.values()) < 200:
            return totals


@shared_task(name="nivaran.notifications.tasks.purge_outbox")
def purge_outbox() -> int:
    """Delete messages settled more than OUTBOX_RETENTION_DAYS ago (scheduled daily)."""
    return outbox_purge()

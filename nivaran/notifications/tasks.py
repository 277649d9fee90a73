from __future__ import annotations

from celery import shared_task

from nivaran.notifications.services import outbox_deliver


@shared_task(name="nivaran.notifications.tasks.deliver_outbox")
def deliver_outbox() -> dict[str, int]:
    totals = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        counts = outbox_deliver()
        for key, value in counts.items():
            totals[key] += value
        if sum(counts.values()) < 200:
            return totals

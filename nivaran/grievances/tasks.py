from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from nivaran.accounts.services import system_user
from nivaran.grievances.workflow import grievances_sweep


@shared_task(name="nivaran.grievances.tasks.sla_sweep")
def sla_sweep() -> dict[str, int]:
    """Beat's tick. With SLA_SWEEP_PARTS = N > 1 it starts N `sla_sweep_part` tasks at the
    same instant on the sweep queue, so that N workers sweep at once: SKIP LOCKED divides
    the due rows among them as they go (no shards to balance; a part that finds every
    row taken simply ends). With 1 it sweeps itself."""
    at = timezone.now()
    parts = settings.NIVARAN_SWEEP_PARTS
    if parts > 1:
        for _ in range(parts):
            sla_sweep_part.delay(at.isoformat())
        return {"parts": parts}
    return _sweep(at)


@shared_task(name="nivaran.grievances.tasks.sla_sweep_part")
def sla_sweep_part(at: str) -> dict[str, int]:
    """One of the parallel sweeps a tick started, at the tick's instant."""
    return _sweep(datetime.fromisoformat(at))


def _sweep(at: datetime) -> dict[str, int]:
    result = grievances_sweep(at=at, actor=system_user())
    return {"escalated": result.escalated, "flagged_overdue": result.flagged_overdue}

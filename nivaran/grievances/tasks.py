from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from nivaran.accounts.services import system_user
from nivaran.grievances.workflow import grievances_sweep


@shared_task(name="nivaran.grievances.tasks.sla_sweep")
def sla_sweep() -> dict[str, int]:
    result = grievances_sweep(at=timezone.now(), actor=system_user())
    return {"escalated": result.escalated, "flagged_overdue": result.flagged_overdue}

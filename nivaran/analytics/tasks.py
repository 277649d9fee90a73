from __future__ import annotations

from celery import shared_task

from nivaran.analytics.dispatch import weekly_dispatch
from nivaran.analytics.drives import drives_track
from nivaran.analytics.rollups import rollups_refresh


@shared_task(name="nivaran.analytics.tasks.analytics_refresh")
def analytics_refresh() -> dict[str, int]:
    result = rollups_refresh()
    drives = drives_track()
    return {
        "days": len(result.days),
        "events": result.events,
        "snapshot": result.snapshot_rows,
        "drives": drives,
    }


@shared_task(name="nivaran.analytics.tasks.analytics_weekly_dispatch")
def analytics_weekly_dispatch() -> dict[str, int]:
    """Monday morning: each department's and district's week, by SMS (sent once)."""
    return {"sent": weekly_dispatch()}

from __future__ import annotations

from celery import shared_task

from nivaran.core.partitions import ensure_partitions as _ensure_partitions


@shared_task(name="nivaran.core.tasks.ensure_partitions")
def ensure_partitions() -> dict[str, list[str]]:
    """Keep the months ahead of the partitioned tables made (scheduled daily)."""
    return _ensure_partitions()

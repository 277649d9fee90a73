from __future__ import annotations

from celery import shared_task

from nivaran.exports.services import export_run_job, exports_purge


@shared_task(name="nivaran.exports.tasks.export_run")
def export_run(job_id: int) -> str | None:
    """Write the export `job_id` (queued by `export_ask`); its status says how it went."""
    job = export_run_job(job_id=job_id)
    return job.status if job else None


@shared_task(name="nivaran.exports.tasks.purge_exports")
def purge_exports() -> dict[str, int]:
    """Delete expired exports and their files (scheduled hourly)."""
    return exports_purge()

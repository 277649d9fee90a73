"""Export jobs (X6): a list the user may see, written to a CSV or Excel file in the
background, with its progress, kept until it expires."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel")


ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ExportJob(models.Model):
    """One export asked for by its owner. The file is written by the task
    `nivaran.exports.tasks.export_run`, which re-reads the owner's role and reach when it
    runs; only the owner ever reads the job or its file."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("list"), max_length=40)  # a key of exports.kinds.KINDS
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    # The kind's filters as validated (JSON), validated again when the job runs.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    # The storage name of the finished file (fresh and unguessable); blank until done.
    file = models.CharField(_("file"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    # A retried POST with the same Idempotency-Key finds this row (per owner).
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    request_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="export_idempotency_key",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_max"),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_by_owner"),
            models.Index(fields=["status", "created_at"], name="export_by_status"),
            models.Index(fields=["expires_at"], name="export_expiry"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.kind}, {self.format}, {self.status})"

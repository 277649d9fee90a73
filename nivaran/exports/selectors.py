"""Reads of export jobs: only ever the owner's own."""

from __future__ import annotations

from django.db.models import QuerySet

from nivaran.accounts.models import User
from nivaran.core.errors import NotFound
from nivaran.exports.models import ExportJob


def exports_of(*, actor: User) -> QuerySet[ExportJob]:
    """The actor's own jobs, newest first (nobody else's, whatever their role)."""
    if not actor.is_active:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(owner=actor).order_by("-created_at", "-id")


def export_get(*, actor: User, job_id: int) -> ExportJob:
    """The actor's job; another user's is "not found", as if it did not exist."""
    job = exports_of(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"No export {job_id}.")
    return job

"""Writes of export jobs: asking for one, running it, and purging expired ones."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.core.errors import DomainError, InvalidInput, PermissionDenied, TransitionNotAllowed
from nivaran.core.files import storage_name
from nivaran.exports.kinds import KINDS, ExportKind, Source
from nivaran.exports.models import ACTIVE, ExportFormat, ExportJob, ExportStatus
from nivaran.exports.writers import writer_for

log = logging.getLogger(__name__)


class ExportsBusy(DomainError):
    """The owner has as many exports queued or running as one user may."""

    code = "too_many_exports"
    http_status = 429
    retry_after = 10


@dataclass(frozen=True)
class Asked:
    job: ExportJob
    created: bool  # False: a retry with the same Idempotency-Key found the first job


def kind_for(*, actor: User, kind: str) -> ExportKind:
    found = KINDS.get(kind)
    if found is None:
        raise InvalidInput(
            _("There is no list %(kind)s to export.") % {"kind": kind[:40]},
            fields={"kind": [f"One of: {', '.join(sorted(KINDS))}."]},
        )
    if not found.may_export(actor):
        raise PermissionDenied(_("Your role may not export this list."))
    return found


def filters_valid(*, kind: ExportKind, filters: Any) -> dict[str, Any]:
    """The kind's filters validated, as JSON-ready values (what the job stores)."""
    checked = kind.filters(data=filters if filters is not None else {})
    if not checked.is_valid():
        raise InvalidInput(
            _("The filters are not valid."), fields={"filters": dict(checked.errors)}
        )
    stored: dict[str, Any] = json.loads(json.dumps(checked.data, cls=DjangoJSONEncoder))
    return stored


def _request_hash(kind: str, fmt: str, filters: dict[str, Any]) -> str:
    text = json.dumps([kind, fmt, filters], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def export_ask(
    *,
    actor: User,
    kind: str,
    format: str,  # the API's own word
    filters: Any = None,
    idempotency_key: str | None = None,
    enqueue: Callable[[int], None] | None = None,
) -> Asked:
    """Queue an export of `kind` as `format` with `filters` for `actor`; the task is sent
    when the transaction commits. At most EXPORTS_MAX_ACTIVE per user queued or running."""
    found = kind_for(actor=actor, kind=kind)
    if format not in ExportFormat.values:
        raise InvalidInput(_("Choose CSV or Excel."), fields={"format": ["One of: csv, xlsx."]})
    stored = filters_valid(kind=found, filters=filters)
    digest = _request_hash(kind, format, stored)
    now = timezone.now()
    with transaction.atomic():
        # One user's requests one at a time, so two concurrent ones cannot both pass the
        # limit (a no-op on SQLite, whose IMMEDIATE transactions are serialised anyway).
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if idempotency_key is not None:
            earlier = ExportJob.objects.filter(owner=actor, idempotency_key=idempotency_key).first()
            if earlier is not None:
                return Asked(_replayed(earlier, digest), created=False)
        active = ExportJob.objects.filter(owner=actor, status__in=ACTIVE).count()
        if active >= settings.NIVARAN_EXPORTS_MAX_ACTIVE:
            raise ExportsBusy(
                _(
                    "You have %(count)s exports queued or running; wait for one to finish "
                    "before asking for another."
                )
                % {"count": active}
            )
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(
                    owner=actor,
                    kind=kind,
                    format=format,
                    filters=stored,
                    created_at=now,
                    expires_at=now + timedelta(hours=settings.NIVARAN_EXPORTS_KEEP_HOURS),
                    idempotency_key=idempotency_key,
                    request_hash=digest,
                )
        except IntegrityError:  # the same key, committed by a concurrent request
            earlier = ExportJob.objects.get(owner=actor, idempotency_key=idempotency_key)
            return Asked(_replayed(earlier, digest), created=False)
        send = enqueue or _enqueue
        transaction.on_commit(lambda: send(job.pk))
    return Asked(job, created=True)


def _replayed(job: ExportJob, digest: str) -> ExportJob:
    if job.request_hash != digest:
        raise TransitionNotAllowed(
            _("This Idempotency-Key was used with a different request."),
            code="idempotency_key_reuse",
        )
    return job


def _enqueue(job_id: int) -> None:
    from nivaran.exports.tasks import export_run

    export_run.delay(job_id)


# --- running a job ----------------------------------------------------------------


def _write(job_id: int, **fields: Any) -> None:
    """Store the job's progress or outcome. SQLite answers "locked" when its busy timeout
    runs out (and at once for the shared in-memory test database): ask again, briefly."""
    for attempt in range(50):
        try:
            ExportJob.objects.filter(pk=job_id).update(**fields)
            return
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 49:
                raise
            time.sleep(0.05)


def export_run_job(*, job_id: int) -> ExportJob | None:
    """Run a queued job: claim it, re-read its owner's role and reach, stream the rows
    into a temporary file, then store the file under a fresh name. Any error marks the
    job failed with a reason and leaves no file. A job already claimed is left alone."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, progress=0, rows_done=0
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    path = ""
    try:
        owner = job.owner  # as the user is now: role, posts, active flag
        with translation.override(owner.preferred_language or settings.LANGUAGE_CODE):
            if not owner.is_active:
                raise PermissionDenied(_("The account that asked for this export is inactive."))
            kind = kind_for(actor=owner, kind=job.kind)
            filters = kind.filters(data=job.filters)
            if not filters.is_valid():
                raise InvalidInput(_("The filters are no longer valid."))
            source = kind.source(actor=owner, filters=filters.validated_data)
            total = source.rows.count()
            _write(job.pk, rows_total=total)
            fd, path = tempfile.mkstemp(prefix="nivaran-export-", suffix=f".{job.format}")
            os.close(fd)
            done = _stream(job, kind, source, total, path)
            name = storage_name(f".{job.format}", folder="exports")
            with open(path, "rb") as fh:
                stored = default_storage.save(name, File(fh))
    except Exception as exc:  # every failure ends the job, with a reason
        if isinstance(exc, DomainError):
            reason = exc.detail
        else:
            log.exception("export %s failed", job.pk)
            reason = _("The export could not be completed. Please try again.")
        _write(
            job.pk,
            status=ExportStatus.FAILED,
            error=reason,
            file="",
            finished_at=timezone.now(),
        )
    else:
        finished = timezone.now()
        _write(
            job.pk,
            status=ExportStatus.DONE,
            progress=100,
            rows_done=done,
            rows_total=done,
            file=stored,
            finished_at=finished,
            expires_at=finished + timedelta(hours=settings.NIVARAN_EXPORTS_KEEP_HOURS),
        )
    finally:
        if path:
            os.unlink(path)
    job.refresh_from_db()
    return job


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _stream(job: ExportJob, kind: ExportKind, source: Source, total: int, path: str) -> int:
    """Write every row to `path`, a chunk at a time, noting progress after each chunk."""
    size = settings.NIVARAN_EXPORTS_CHUNK_ROWS
    done = 0
    with writer_for(job.format, path, title=str(kind.title), header=kind.columns()) as writer:
        for chunk in _chunks(source.rows.iterator(chunk_size=size), size):
            if source.before_chunk is not None:
                source.before_chunk(chunk)
            for values in chunk:
                writer.row(source.row(values))
            done += len(chunk)
            # 99 at most until the file is stored: rows registered since the count may
            # make `done` pass `total`.
            progress = min(99, done * 100 // total) if total else 99
            _write(job.pk, rows_done=done, progress=progress)
    return done


# --- purging ----------------------------------------------------------------------


def exports_purge(*, now: Any = None) -> dict[str, int]:
    """Delete expired jobs and their files; fail jobs that ran past EXPORTS_RUN_MINUTES
    (their worker died); send again the task of jobs queued for over five minutes (a lost
    task: a second delivery finds the job claimed and does nothing)."""
    now = now or timezone.now()
    expired = list(ExportJob.objects.filter(expires_at__lte=now).values_list("pk", "file"))
    for _pk, name in expired:
        if name:
            default_storage.delete(name)
    ExportJob.objects.filter(pk__in=[pk for pk, _name in expired]).delete()
    stale = ExportJob.objects.filter(
        status=ExportStatus.RUNNING,
        started_at__lte=now - timedelta(minutes=settings.NIVARAN_EXPORTS_RUN_MINUTES),
    ).update(
        status=ExportStatus.FAILED,
        error=_("The export stopped before it finished. Please ask for it again."),
        finished_at=now,
    )
    lost = list(
        ExportJob.objects.filter(
            status=ExportStatus.QUEUED, created_at__lte=now - timedelta(minutes=5)
        ).values_list("pk", flat=True)
    )
    for pk in lost:
        _enqueue(pk)
    return {"deleted": len(expired), "failed": stale, "requeued": len(lost)}

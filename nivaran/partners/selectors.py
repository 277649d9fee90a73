"""Reads of the partner app: a partner sees only its own records; validators see the queue."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.core.errors import NotFound, PermissionDenied
from nivaran.core.keys import api_key_hash as key_hash
from nivaran.grievances.models import Grievance
from nivaran.partners.models import Partner, PartnerRecord, RecordStatus
from nivaran.partners.services import VALIDATORS


def partner_by_key(*, key: str) -> Partner | None:
    return Partner.objects.filter(key_hash=key_hash(key)).first()


def partner_records(
    *,
    partner: Partner,
    status: str | None = None,
    external_id: str | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[PartnerRecord]:
    """The partner's records, newest first. Each carries `updated_at`: the latest of its
    receipt, its decision and its grievance's last change. With `updated_since` only those
    updated at or after it, oldest change first (then by id): an incremental sync asks again
    from the last `updated_at` it saw and sees that record once more."""
    qs = (
        PartnerRecord.objects.filter(partner=partner)
        .select_related("grievance")
        .annotate(
            updated_at=Greatest(
                F("created_at"),
                Coalesce(F("decided_at"), F("created_at")),
                Coalesce(F("grievance__updated_at"), F("created_at")),
            )
        )
    )
    if status:
        qs = qs.filter(status=status)
    if external_id is not None:
        qs = qs.filter(external_id=external_id)
    if updated_since is not None:
        return qs.filter(updated_at__gte=updated_since).order_by("updated_at", "pk")
    return qs.order_by("-created_at", "-pk")


def partner_grievance_get(*, partner: Partner, number: str) -> tuple[Grievance, PartnerRecord]:
    """A grievance registered from one of the partner's records; another's is not found."""
    record = (
        PartnerRecord.objects.filter(partner=partner, grievance__number=number.strip().upper())
        .select_related("grievance__category", "grievance__area")
        .first()
    )
    if record is None or record.grievance is None:
        raise NotFound(_("No grievance %(number)s from your records.") % {"number": number})
    return record.grievance, record


def partner_record_get(*, partner: Partner, record_id: int) -> PartnerRecord:
    record = partner_records(partner=partner).filter(pk=record_id).first()
    if record is None:
        raise NotFound(_("No record %(id)s of yours.") % {"id": record_id})
    return record


def partner_queue(*, actor: User) -> QuerySet[PartnerRecord]:
    """Pending records, oldest first."""
    if actor.role not in VALIDATORS:
        raise PermissionDenied(_("Only data analysts and the CMO grievance cell validate records."))
    return (
        PartnerRecord.objects.filter(status=RecordStatus.PENDING)
        .select_related("partner")
        .order_by("created_at", "pk")
    )

"""Reads of the partner app: a partner sees only its own records; validators see the queue."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.core.errors import NotFound, PermissionDenied
from nivaran.core.keys import api_key_hash as key_hash
from nivaran.partners.models import Partner, PartnerRecord, RecordStatus
from nivaran.partners.services import VALIDATORS


def partner_by_key(*, key: str) -> Partner | None:
    return Partner.objects.filter(key_hash=key_hash(key)).first()


def partner_records(*, partner: Partner, status: str | None = None) -> QuerySet[PartnerRecord]:
    qs = PartnerRecord.objects.filter(partner=partner).select_related("grievance")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


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

"""Writes of the partner app: keys, intake into the validation queue, analysts' decisions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from nivaran.core.keys import api_key_hash as key_hash
from nivaran.core.keys import api_key_new
from nivaran.geo.models import Area
from nivaran.grievances.models import Channel
from nivaran.grievances.workflow import grievance_register, intake_key
from nivaran.notifications.webhooks import Subscriber
from nivaran.partners.inputs import CORRECTABLE, RecordInput
from nivaran.partners.models import IdempotentRequest, Partner, PartnerRecord, RecordStatus
from nivaran.partners.webhooks import partner_webhook_endpoint

VALIDATORS = frozenset({Role.DATA_ANALYST, Role.CMO_GRIEVANCE_CELL})
Produce = Callable[[], tuple[int, Any]]


def partner_key_issue(*, code: str, name: str = "", source_flag: str = "") -> tuple[Partner, str]:
    """Create the partner or give it a new key (the old one stops working).

    Returns the partner and the raw key, which is shown once and never stored."""
    key, _hash = api_key_new()
    with transaction.atomic():
        partner = Partner.objects.select_for_update().filter(code=code).first()
        if partner is None:
            if not name or not source_flag:
                raise InvalidInput(
                    _("A new partner needs a name and a source flag."),
                    fields={"name": [_("Required.")], "source_flag": [_("Required.")]},
                )
            partner = Partner.objects.create(
                code=code, name=name, source_flag=source_flag, key_hash=key_hash(key)
            )
            return partner, key
        partner.key_hash = key_hash(key)
        partner.is_active = True
        partner.name = name or partner.name
        partner.source_flag = source_flag or partner.source_flag
        partner.save(update_fields=["key_hash", "is_active", "name", "source_flag"])
    return partner, key


# --- Intake -------------------------------------------------------------------------------


@dataclass
class _Masters:
    """Categories and areas named by a batch, fetched once."""

    categories: dict[str, Category] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)

    @classmethod
    def for_codes(cls, *, categories: Iterable[str], areas: Iterable[str]) -> _Masters:
        return cls(
            categories={
                c.code: c
                for c in Category.objects.filter(
                    code__in=set(categories), is_active=True, selectable=True
                )
            },
            areas={a.code: a for a in Area.objects.filter(code__in=set(areas))},
        )


def _codes(records: Sequence[Mapping[str, Any]], name: str) -> list[str]:
    return [str(r.get(name)) for r in records if isinstance(r, Mapping) and r.get(name)]


def record_clean(
    *, data: Any, masters: _Masters | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate one record as intake does. Returns (clean fields, field errors)."""
    if not isinstance(data, Mapping):
        return {}, {"non_field_errors": [_("Each record must be a JSON object.")]}
    masters = masters or _Masters.for_codes(
        categories=_codes([data], "category"), areas=_codes([data], "area")
    )
    shape = RecordInput(data=data)
    valid = shape.is_valid()
    errors: dict[str, list[str]] = {
        name: [str(e) for e in errs] for name, errs in shape.errors.items()
    }
    clean: dict[str, Any] = dict(shape.validated_data) if valid else {}
    code = data.get("category")
    if "category" not in errors:
        category = masters.categories.get(str(code))
        if category is None:
            errors["category"] = [_("No open complaint type with code %(code)r.") % {"code": code}]
        elif (kind := data.get("kind")) and "kind" not in errors and kind != category.kind:
            errors["kind"] = [
                _("Category %(code)s takes kind %(kind)r.") % {"code": code, "kind": category.kind}
            ]
    if "area" not in errors and str(data.get("area")) not in masters.areas:
        errors["area"] = [_("No area with code %(code)r.") % {"code": data.get("area")}]
    return clean, errors


@dataclass(frozen=True)
class RecordResult:
    external_id: str | None
    status: str  # queued | invalid | duplicate
    id: int | None = None
    errors: dict[str, list[str]] | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"external_id": self.external_id, "status": self.status}
        if self.id is not None:
            out["id"] = self.id
        if self.errors:
            out["errors"] = self.errors
        return out


def partner_records_submit(
    *, partner: Partner, records: Sequence[Mapping[str, Any]], idempotency_key: str = ""
) -> list[RecordResult]:
    """Put each valid record in the validation queue, each in its own savepoint.

    A malformed record is reported with its field errors and nothing of it is stored;
    a record whose external_id the partner already sent is a duplicate."""
    masters = _Masters.for_codes(
        categories=_codes(records, "category"), areas=_codes(records, "area")
    )
    results = []
    for data in records:
        external_id = data.get("external_id") if isinstance(data, Mapping) else None
        external_id = str(external_id) if external_id not in (None, "") else None
        if external_id is not None and (
            existing := PartnerRecord.objects.filter(partner=partner, external_id=external_id)
            .values_list("pk", flat=True)
            .first()
        ):
            results.append(RecordResult(external_id, "duplicate", id=existing))
            continue
        clean, errors = record_clean(data=data, masters=masters)
        if errors:
            results.append(RecordResult(external_id, "invalid", errors=errors))
            continue
        try:
            with transaction.atomic():
                record = PartnerRecord.objects.create(
                    partner=partner,
                    payload=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
                    idempotency_key=idempotency_key,
                    **_record_fields(clean),
                )
        except IntegrityError:
            # A concurrent request stored the same external_id first.
            existing = (
                PartnerRecord.objects.filter(partner=partner, external_id=external_id)
                .values_list("pk", flat=True)
                .first()
            )
            if existing is None:
                raise
            results.append(RecordResult(external_id, "duplicate", id=existing))
            continue
        results.append(RecordResult(external_id, "queued", id=record.pk))
    return results


def _record_fields(clean: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "external_id": clean["external_id"],
        "citizen_name": clean["citizen_name"].strip(),
        "mobile": clean["mobile"],
        "category_code": clean["category"],
        "area_code": clean["area"],
        "description": clean["description"],
        "kind": clean.get("kind") or "",
        "emergency": clean.get("emergency", False),
        "called_at": clean.get("called_at"),
    }


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any
    replayed: bool


def request_hash(*, method: str, path: str, data: Any) -> str:
    text = json.dumps(
        [method, path, data], sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder
    )
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent_request_run(
    *,
    partner: Partner,
    key: str,
    fingerprint: str,
    produce: Produce,
) -> StoredResponse:
    """Run `produce` once per (partner, key); every retry gets the first status and body.

    The key is claimed by inserting its row in the same transaction as the work, so a
    concurrent retry blocks on the unique index (PostgreSQL) or on the write lock (SQLite
    IMMEDIATE) until the first commits, then reads the stored response. If the work
    fails, the claim rolls back with it and a retry runs afresh."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotentRequest.objects.create(
                    partner=partner, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            stored = IdempotentRequest.objects.select_for_update().get(partner=partner, key=key)
            if stored.request_hash != fingerprint:
                raise TransitionNotAllowed(
                    _("This Idempotency-Key was used with a different request."),
                    code="idempotency_key_reuse",
                ) from None
            if stored.response_status is None:  # pragma: no cover - claim and work commit together
                raise TransitionNotAllowed(
                    _("The first request with this Idempotency-Key is still running."),
                    code="idempotency_key_in_progress",
                ) from None
            return StoredResponse(stored.response_status, json.loads(stored.response_body), True)
        status, body = produce()
        claim.response_status = status
        claim.response_body = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
        claim.save(update_fields=["response_status", "response_body"])
    return StoredResponse(status, json.loads(claim.response_body), False)


# --- The analysts' decisions -------------------------------------------------------------


def _check_validator(actor: User) -> None:
    if actor.role not in VALIDATORS:
        raise PermissionDenied(_("Only data analysts and the CMO grievance cell validate records."))


def _locked_pending(record_id: int) -> PartnerRecord:
    record = (
        PartnerRecord.objects.select_for_update()
        .select_related("partner")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise NotFound(_("No partner record %(id)s.") % {"id": record_id})
    if record.status != RecordStatus.PENDING:
        raise TransitionNotAllowed(
            _("The record is already %(status)s.") % {"status": record.get_status_display()}
        )
    return record


def _as_input(record: PartnerRecord) -> dict[str, Any]:
    return {
        "external_id": record.external_id,
        "citizen_name": record.citizen_name,
        "mobile": record.mobile,
        "category": record.category_code,
        "area": record.area_code,
        "description": record.description,
        "kind": record.kind,
        "emergency": record.emergency,
        "called_at": record.called_at.isoformat() if record.called_at else None,
    }


def partner_record_accept(
    *,
    record_id: int,
    actor: User,
    corrections: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> PartnerRecord:
    """Accept a pending record, with the analyst's corrections if any: it is registered as
    a grievance (channel partner, the partner's source flag) in the same transaction."""
    _check_validator(actor)
    corrections = dict(corrections or {})
    unknown = sorted(set(corrections) - set(CORRECTABLE))
    if unknown:
        raise InvalidInput(
            _("Some corrections name fields that cannot be corrected."),
            fields={"corrections": {name: [_("Not a correctable field.")] for name in unknown}},
        )
    at = at or timezone.now()
    with transaction.atomic():
        record = _locked_pending(record_id)
        before = _as_input(record)
        clean, errors = record_clean(data={**before, **corrections})
        if errors:
            raise InvalidInput(
                _("The corrected record has invalid fields."), fields={"corrections": errors}
            )
        fields = _record_fields(clean)
        changed = {
            name: {"from": before[name], "to": corrections[name]}
            for name in corrections
            if corrections[name] != before[name]
        }
        partner = record.partner
        endpoint = partner_webhook_endpoint(partner=partner)
        grievance, _created = grievance_register(
            actor=actor,
            citizen_name=fields["citizen_name"],
            mobile=fields["mobile"],
            category_code=fields["category_code"],
            area_code=fields["area_code"],
            description=fields["description"],
            kind=fields["kind"] or None,
            emergency=fields["emergency"],
            channel=Channel.PARTNER,
            source=partner.source_flag,
            intake_key=intake_key(door="partner", sender=partner.pk, client_key=record.external_id),
            at=fields["called_at"] or at,
            subscribers=[Subscriber(endpoint.pk, reference=record.external_id)],
        )
        for name, value in fields.items():
            setattr(record, name, value)
        record.status = RecordStatus.ACCEPTED
        record.corrected_fields = json.loads(json.dumps(changed, cls=DjangoJSONEncoder))
        record.decided_by = actor
        record.decided_at = at
        record.grievance = grievance
        record.save()
    return record


def partner_record_reject(
    *, record_id: int, actor: User, reason: str, at: datetime | None = None
) -> PartnerRecord:
    """Reject a pending record; the partner reads the reason back."""
    _check_validator(actor)
    if not reason.strip():
        raise InvalidInput(_("Give the reason for rejecting."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        record = _locked_pending(record_id)
        record.status = RecordStatus.REJECTED
        record.reason = reason.strip()
        record.decided_by = actor
        record.decided_at = at or timezone.now()
        record.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return record

"""Writes of the duplicate index: in the registration's own transaction, set-based in bulk."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from nivaran.duplicates.models import DuplicateFingerprint, DuplicateKey
from nivaran.duplicates.normalise import name_form, text_terms
from nivaran.duplicates.scoring import keys_of
from nivaran.grievances.models import Citizen, Grievance

BATCH = 2000


def _rows(
    grievance: Grievance, name: str, mobile: str
) -> tuple[DuplicateFingerprint, list[DuplicateKey]]:
    fingerprint = DuplicateFingerprint(
        grievance_id=grievance.pk,
        mobile=mobile,
        name=name_form(name)[:200],
        terms=" ".join(sorted(text_terms(grievance.description))),
    )
    keys = [
        DuplicateKey(grievance_id=grievance.pk, key=key[:200])
        for key in keys_of(
            mobile=mobile,
            name=name,
            area_path=grievance.area_path,
            area_id=grievance.area_id,
            category_id=grievance.category_id,
            at=grievance.registered_at,
        )
    ]
    return fingerprint, keys


def duplicates_index(*, grievance: Grievance, citizen: Citizen) -> None:
    """Index a grievance just registered: two inserts, in the caller's transaction."""
    fingerprint, keys = _rows(grievance, citizen.name, citizen.mobile)
    fingerprint.save(force_insert=True)
    DuplicateKey.objects.bulk_create(keys)


def duplicates_index_bulk(*, grievances: Sequence[Grievance]) -> int:
    """Index many grievances in a few statements (bulk registration, the rebuild): one
    read of their citizens per batch and batched inserts. Returns how many."""
    citizen_ids = sorted({g.citizen_id for g in grievances})
    people: dict[int, tuple[str, str]] = {}
    for start in range(0, len(citizen_ids), 5000):
        people.update(
            (pk, (name, mobile))
            for pk, name, mobile in Citizen.objects.filter(
                pk__in=citizen_ids[start : start + 5000]
            ).values_list("pk", "name", "mobile")
        )
    fingerprints: list[DuplicateFingerprint] = []
    keys: list[DuplicateKey] = []
    for grievance in grievances:
        name, mobile = people[grievance.citizen_id]
        fingerprint, its_keys = _rows(grievance, name, mobile)
        fingerprints.append(fingerprint)
        keys += its_keys
    with transaction.atomic():
        DuplicateFingerprint.objects.bulk_create(fingerprints, batch_size=BATCH)
        DuplicateKey.objects.bulk_create(keys, batch_size=BATCH)
    return len(fingerprints)


def duplicates_reindex(*, grievance_ids: Sequence[int]) -> int:
    """Index these grievances again from their stored rows (the rebuild command)."""
    with transaction.atomic():
        DuplicateKey.objects.filter(grievance_id__in=grievance_ids).delete()
        DuplicateFingerprint.objects.filter(grievance_id__in=grievance_ids).delete()
        grievances = list(
            Grievance.objects.filter(pk__in=grievance_ids).only(
                "pk",
                "citizen_id",
                "description",
                "area_path",
                "area_id",
                "category_id",
                "registered_at",
            )
        )
        return duplicates_index_bulk(grievances=grievances)


def duplicates_prune(*, grievance_ids: Sequence[int]) -> int:
    """Drop these grievances from the index (finished long ago: never candidates again)."""
    with transaction.atomic():
        DuplicateKey.objects.filter(grievance_id__in=grievance_ids).delete()
        deleted, _ = DuplicateFingerprint.objects.filter(grievance_id__in=grievance_ids).delete()
    return deleted

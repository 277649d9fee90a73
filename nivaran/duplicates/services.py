"""Writes of the duplicate index: in the registration's own transaction, set-based in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from django.db import transaction

from nivaran.core.rows import insert_rows
from nivaran.duplicates.models import DuplicateFingerprint, DuplicateKey
from nivaran.duplicates.normalise import name_form, text_terms
from nivaran.duplicates.scoring import keys_of
from nivaran.grievances.models import Citizen, Grievance


class Indexable(Protocol):
    """What the index reads of a grievance: a Grievance, or the bulk registration's row."""

    @property
    def pk(self) -> Any: ...
    @property
    def citizen_id(self) -> Any: ...
    @property
    def description(self) -> str: ...
    @property
    def area_path(self) -> str: ...
    @property
    def area_id(self) -> Any: ...
    @property
    def category_id(self) -> Any: ...
    @property
    def registered_at(self) -> datetime: ...


def _values(grievance: Indexable, name: str, mobile: str) -> tuple[tuple[Any, ...], list[str]]:
    """The fingerprint's row (grievance, mobile, name, terms) and the blocking keys."""
    fingerprint = (
        grievance.pk,
        mobile,
        name_form(name)[:200],
        " ".join(sorted(text_terms(grievance.description))),
    )
    keys = [
        key[:200]
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
    (pk, mobile, name, terms), keys = _values(grievance, citizen.name, citizen.mobile)
    DuplicateFingerprint(grievance_id=pk, mobile=mobile, name=name, terms=terms).save(
        force_insert=True
    )
    DuplicateKey.objects.bulk_create([DuplicateKey(grievance_id=pk, key=key) for key in keys])


def duplicates_index_bulk(*, grievances: Sequence[Indexable]) -> int:
    """Index many grievances in a few statements (bulk registration, the rebuild): one
    read of their citizens per 5,000 and the rows as tuples (COPY on PostgreSQL, one
    executemany on SQLite). Returns how many."""
    citizen_ids = sorted({g.citizen_id for g in grievances})
    people: dict[int, tuple[str, str]] = {}
    for start in range(0, len(citizen_ids), 5000):
        people.update(
            (pk, (name, mobile))
            for pk, name, mobile in Citizen.objects.filter(
                pk__in=citizen_ids[start : start + 5000]
            ).values_list("pk", "name", "mobile")
        )
    fingerprints: list[tuple[Any, ...]] = []
    keys: list[tuple[Any, ...]] = []
    for grievance in grievances:
        name, mobile = people[grievance.citizen_id]
        fingerprint, its_keys = _values(grievance, name, mobile)
        fingerprints.append(fingerprint)
        keys += [(grievance.pk, key) for key in its_keys]
    with transaction.atomic():
        insert_rows(DuplicateFingerprint, ("grievance", "mobile", "name", "terms"), fingerprints)
        insert_rows(DuplicateKey, ("grievance", "key"), keys)
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

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from nivaran.duplicates.models import DuplicateFingerprint, DuplicateKey
from nivaran.grievances.models import Grievance, Status
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("duplicates_reindex", *args, "--batch", "2", stdout=out)
    return out.getvalue()


def test_reindex_fills_what_is_missing_and_prunes_the_long_finished(world: World):
    gs = [world.register(mobile=f"98000000{i:02d}") for i in range(5)]
    DuplicateKey.objects.all().delete()
    DuplicateFingerprint.objects.all().delete()
    Grievance.objects.filter(pk=gs[0].pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=60)
    )
    assert "indexed 4" in run()
    assert DuplicateFingerprint.objects.count() == 4
    assert DuplicateKey.objects.filter(grievance=gs[0]).count() == 0
    assert "indexed 0" in run()
    assert "indexed 4" in run("--all")
    assert DuplicateKey.objects.count() == 12
    call_command("duplicates_reindex", "--all", stdout=StringIO())
    Grievance.objects.filter(pk=gs[1].pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=60)
    )
    assert "pruned 1" in run("--prune")
    assert not DuplicateFingerprint.objects.filter(grievance=gs[1]).exists()


def test_bulk_registration_indexes_every_row(world: World):
    call_command("generate_grievances", "--count", "50", "--seed", "3", stdout=StringIO())
    assert DuplicateFingerprint.objects.count() == Grievance.objects.count()
    assert DuplicateKey.objects.count() >= 3 * Grievance.objects.count()

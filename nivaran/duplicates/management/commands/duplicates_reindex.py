"""(Re)build the duplicate index for existing grievances, in batches of ids."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from nivaran.duplicates.models import DuplicateFingerprint
from nivaran.duplicates.selectors import candidates_eligible_q
from nivaran.duplicates.services import duplicates_prune, duplicates_reindex
from nivaran.grievances.models import Grievance


class Command(BaseCommand):
    help = (
        "Index the grievances that can be duplicate candidates (open, or finished in the "
        "last 30 days): those missing from the index, or all of them with --all; "
        "--prune drops grievances finished longer ago."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--all", action="store_true", help="Index the indexed ones again")
        parser.add_argument("--prune", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        eligible = Grievance.objects.filter(candidates_eligible_q(now))
        if not options["all"]:
            eligible = eligible.exclude(pk__in=DuplicateFingerprint.objects.values("grievance_id"))
        done = self._batches(eligible, options["batch"], duplicates_reindex)
        self.stdout.write(f"indexed {done}")
        if options["prune"]:
            stale = Grievance.objects.exclude(candidates_eligible_q(now)).filter(
                pk__in=DuplicateFingerprint.objects.values("grievance_id")
            )
            self.stdout.write(f"pruned {self._batches(stale, options['batch'], duplicates_prune)}")

    def _batches(self, qs: Any, size: int, step: Any) -> int:
        done, after = 0, 0
        while True:
            ids = list(qs.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                return done
            done += step(grievance_ids=ids)
            after = ids[-1]

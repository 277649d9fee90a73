from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nivaran.analytics.drives import drives_track
from nivaran.analytics.rollups import rollups_rebuild, rollups_refresh


class Command(BaseCommand):
    help = (
        "Bring the analytics rollups up to date (the days with new history and today's "
        "pending snapshot); --rebuild recomputes every day from the history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Recompute every day.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = rollups_rebuild() if options["rebuild"] else rollups_refresh()
        drives = drives_track()
        self.stdout.write(
            f"{len(result.days)} days recomputed from {result.events} history events; "
            f"{result.snapshot_rows} pending snapshot rows; {drives} drives tracked."
        )

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from nivaran.grievances.diagram import replace_block


class Command(BaseCommand):
    help = "Regenerate the workflow diagram and table in docs/workflow.md from the code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the docs are stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "workflow.md"
        current = path.read_text(encoding="utf-8")
        fresh = replace_block(current)
        if options["check"]:
            if fresh != current:
                raise SystemExit("docs/workflow.md is stale: run the workflow_diagram command")
            return
        path.write_text(fresh, encoding="utf-8")
        self.stdout.write(f"wrote {path}")

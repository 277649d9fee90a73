"""Train the category suggester now (the daily task does the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.suggestions.services import NothingToTrain, suggestion_model_train


class Command(BaseCommand):
    help = "Train the category suggester on the categorised grievances; record a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-rows", type=int, help="Newest grievances to read")
        parser.add_argument(
            "--evaluate", action="store_true", help="Also record held-out figures (split by text)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            record = suggestion_model_train(
                max_rows=options["max_rows"], evaluate=options["evaluate"]
            )
        except NothingToTrain as exc:
            raise CommandError(str(exc)) from exc
        line = (
            f"suggestion model v{record.version}: {record.rows} grievances "
            f"({record.verified_rows} with a corrected type), {record.types} types, "
            f"{record.seconds:.1f} s"
        )
        if record.held_out_top1 is not None:
            line += (
                f"; held out {record.held_out_texts} texts: top-1 {record.held_out_top1:.3f}, "
                f"top-3 {record.held_out_top3:.3f}"
            )
        self.stdout.write(line)

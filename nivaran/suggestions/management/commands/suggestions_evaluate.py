"""Held-out accuracy of the category suggester on a profile's demo texts (docs/suggestions.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nivaran.profiles.loader import available_profiles, load_profile
from nivaran.suggestions.evaluation import profile_evaluate


class Command(BaseCommand):
    help = "Top-1 and top-3 accuracy on a profile's demo texts, split by source text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", required=True, choices=available_profiles())
        parser.add_argument("--folds", type=int, default=3)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        figures = profile_evaluate(
            load_profile(options["profile"]), folds=options["folds"], seed=options["seed"]
        )
        self.stdout.write(
            f"{options['profile']}: {figures.texts} held-out texts, {figures.folds} folds "
            f"by text; top-1 {figures.top1:.3f}, top-3 {figures.top3:.3f}, "
            f"department of the top-1 {figures.department_top1 or 0:.3f}"
        )

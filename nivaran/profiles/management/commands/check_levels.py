from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nivaran.org.checks import level_mapping_problems
from nivaran.profiles.loader import active_profile


class Command(BaseCommand):
    help = "Report level mappings that break the rules, gaps (no L1..L4) and vacant posts."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = level_mapping_problems(profile=active_profile())
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the level mapping")
        self.stdout.write("level mapping: no problems")

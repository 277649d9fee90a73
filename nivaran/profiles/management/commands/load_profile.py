from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.profiles.loader import ProfileError, available_profiles, load_profile
from nivaran.profiles.services import profile_apply


class Command(BaseCommand):
    help = "Load (or update) a state profile's master data: geography, holidays, organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", required=True, choices=available_profiles())
        parser.add_argument(
            "--force", action="store_true", help="Load although NIVARAN_PROFILE names another."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["profile"] != settings.NIVARAN_PROFILE and not options["force"]:
            raise CommandError(
                f"NIVARAN_PROFILE is {settings.NIVARAN_PROFILE!r}: loading "
                f"{options['profile']!r} master data would run it under another state's rules"
            )
        try:
            report = profile_apply(load_profile(options["profile"]))
        except ProfileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{options['profile']}: {report.areas} areas, {report.holidays} holidays, "
            f"{report.departments} departments, {report.categories} categories, "
            f"{report.posts} posts, {report.level_mappings} level mappings"
        )
        for problem in report.problems:
            self.stderr.write(f"problem: {problem}")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.accounts.models import User
from nivaran.analytics.rollups import rollups_rebuild
from nivaran.profiles.demo import demo_grievances, demo_users
from nivaran.profiles.loader import ProfileError, available_profiles, load_profile
from nivaran.profiles.services import profile_apply
from nivaran.suggestions.services import NothingToTrain, suggestion_model_train


class Command(BaseCommand):
    help = "Load a profile with its demo logins and grievances (demo mode only); skips if loaded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", required=True, choices=available_profiles())
        parser.add_argument("--grievances", type=int, default=300)
        parser.add_argument("--force", action="store_true", help="Load even if already loaded.")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(is_demo=True).exists() and not options["force"]:
            self.stdout.write("demo data already loaded")
            return
        try:
            profile = load_profile(options["profile"])
            report = profile_apply(profile)
            for problem in report.problems:
                self.stderr.write(f"problem: {problem}")
            users = demo_users(profile)
            self.stdout.write(
                f"loaded {report.areas} areas, {report.departments} departments, "
                f"{report.categories} categories, {report.posts} posts, {users.users} users"
            )
            count = demo_grievances(profile, count=options["grievances"])
        except ProfileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created {count} demo grievances")
        # The analytics read rollups, which the worker refreshes; the demo starts with them.
        rebuilt = rollups_rebuild()
        self.stdout.write(f"analytics: {len(rebuilt.days)} days of figures")
        try:  # so that the demo suggests complaint types out of the box
            model = suggestion_model_train()
        except NothingToTrain as exc:
            self.stderr.write(f"no suggestion model: {exc}")
        else:
            self.stdout.write(
                f"trained suggestion model v{model.version} on {model.rows} grievances "
                f"in {model.seconds:.1f} s"
            )

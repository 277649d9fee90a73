from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nivaran.accounts.services import system_user
from nivaran.grievances.workflow import grievances_sweep


class Command(BaseCommand):
    help = "Escalate every grievance whose deadline has passed (L1->L4, then overdue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at",
            help="ISO-8601 instant to sweep as of (default: now), e.g. 2026-12-01T18:00+05:30",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        at = timezone.now()
        if options["at"]:
            try:
                at = datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError(f"--at must be ISO-8601: {exc}") from exc
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        result = grievances_sweep(at=at, actor=system_user())
        self.stdout.write(
            f"sweep at {at.isoformat()}: escalated {result.escalated}, "
            f"flagged overdue {result.flagged_overdue}"
        )

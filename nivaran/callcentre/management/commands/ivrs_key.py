from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.callcentre.services import ivrs_key_issue
from nivaran.core.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Create an IVRS system or rotate its API key (the old key stops working). "
        "The raw key is printed once, as the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The IVRS system's name, e.g. ivrs-1905")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            system, key = ivrs_key_issue(name=options["name"])
        except InvalidInput as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"IVRS system {system.name}")
        self.stdout.write(key)

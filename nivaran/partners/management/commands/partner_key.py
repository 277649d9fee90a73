from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.core.errors import InvalidInput
from nivaran.partners.services import partner_key_issue


class Command(BaseCommand):
    help = (
        "Create a partner or rotate its API key (the old key stops working). "
        "The raw key is printed once, as the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The partner's code, e.g. ssm-call-centre")
        parser.add_argument("--name", default="", help="Required when creating")
        parser.add_argument(
            "--source-flag", default="", help='Required when creating, e.g. "SSM Call Centre Data"'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partner, key = partner_key_issue(
                code=options["code"], name=options["name"], source_flag=options["source_flag"]
            )
        except InvalidInput as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"partner {partner.code}: {partner.name} ({partner.source_flag})")
        self.stdout.write(key)

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.core.errors import InvalidInput
from nivaran.notifications.inbound import sms_gateway_key_issue


class Command(BaseCommand):
    help = (
        "Create an inbound SMS gateway or rotate its API key (the old key stops working). "
        "The raw key is printed once, as the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The SMS gateway's name, e.g. sms-gateway-1")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            gateway, key = sms_gateway_key_issue(name=options["name"])
        except InvalidInput as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"SMS gateway {gateway.name}")
        self.stdout.write(key)

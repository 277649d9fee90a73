from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.core.errors import DomainError
from nivaran.open311.services import open311_client_issue_key


class Command(BaseCommand):
    help = (
        "Issue an Open311 API key for a client app (creates the client, or rotates its key). "
        "The key is printed once, as the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The client app's name, e.g. 'Haryana 311 app'")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued = open311_client_issue_key(name=options["name"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        client = issued.client
        if issued.rotated:
            self.stdout.write(
                f"Rotated the key of Open311 client {client.name!r}: the old key no longer works."
            )
        else:
            self.stdout.write(
                f"Created Open311 client {client.name!r} (acts as user {client.user.username})."
            )
        self.stdout.write("Store this key now; it is not kept and cannot be shown again:")
        self.stdout.write(issued.raw_key)

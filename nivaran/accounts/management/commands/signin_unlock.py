from __future__ import annotations

import ipaddress
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.accounts.throttle import signin_unlock


class Command(BaseCommand):
    help = (
        "Lift a sign-in lock after too many wrong passwords: of an account (--user), of a "
        "client address (--address, as the server sees it; an IPv6 address stands for its "
        "/64), or both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="", help="Username")
        parser.add_argument("--address", default="", help="Client IP address")

    def handle(self, *args: Any, **options: Any) -> None:
        username, address = options["user"].strip(), options["address"].strip()
        if not username and not address:
            raise CommandError("Give --user, --address or both.")
        if address:
            try:
                parsed = ipaddress.ip_address(address)
            except ValueError as error:
                raise CommandError(f"{address!r} is not an IP address.") from error
            if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
                address = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
            else:
                address = str(parsed)
        signin_unlock(username=username, address=address)
        self.stdout.write(
            "Unlocked "
            + " and ".join(
                filter(None, [username and f"user {username}", address and f"address {address}"])
            )
        )

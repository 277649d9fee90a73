from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from nivaran.accounts.models import User
from nivaran.profiles.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the URL and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, **options: Any) -> None:
        url = f"http://127.0.0.1:{options['port']}"
        self.stdout.write(f"\nNivaran ({settings.NIVARAN_PROFILE}) is at {url}/")
        self.stdout.write(f"  API docs: {url}/api/v1/docs/   admin: {url}/admin/")
        if settings.DEMO_MODE:
            self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
            names = [
                "telecaller",
                "analyst",
                "feedback",
                "fieldexec",
                "officer_l1",
                "officer_l2",
                "hod",
                "secretary",
                "nodal",
                "district",
                "cmo",
                "admin",
                "citizen",
            ]
            for user in User.objects.filter(username__in=names, is_demo=True).order_by("id"):
                self.stdout.write(f"    {user.username:<12} {user.get_role_display()}")
        self.stdout.write(
            f"  Messages sent by the local gateways: {settings.NIVARAN_OUTBOX_FILE}\n"
        )

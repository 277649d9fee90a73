from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nivaran.profiles.loader import active_profile
from nivaran.rts.importing import COLUMNS, import_notified_services, read_catalogue
from nivaran.rts.selectors import rts_enabled


class Command(BaseCommand):
    help = (
        "Import the Right to Service catalogue of notified services from a CSV file "
        f"(columns: {', '.join(COLUMNS)}); all rows or none (docs/rts.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not rts_enabled():
            raise CommandError(
                _("The profile %(profile)s does not turn Right to Service on.")
                % {"profile": active_profile().code}
            )
        try:
            text = read_catalogue(path)
        except OSError as exc:
            why = {"file": path, "why": exc.strerror or exc}
            raise CommandError(_("Cannot read %(file)s: %(why)s") % why) from None
        except UnicodeDecodeError:
            raise CommandError(_("%(file)s is not UTF-8 text.") % {"file": path}) from None
        report = import_notified_services(text)
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(_("%(n)s errors: nothing was imported.") % {"n": len(report.errors)})
        self.stdout.write(
            _("%(created)s services created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from nivaran.core.partitions import ensure_partitions, partitioned_tables


class Command(BaseCommand):
    help = _(
        "Create the monthly partitions ahead of the history and outbox tables "
        "(PostgreSQL), and a month for any rows that fell into the DEFAULT partition."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        tables = partitioned_tables()
        if not tables:
            self.stdout.write(_("No partitioned tables on this database."))
            return
        created = ensure_partitions()
        for table in sorted(tables):
            made = created.get(table, [])
            self.stdout.write(
                _("%(table)s: %(count)d partitions created %(names)s")
                % {"table": table, "count": len(made), "names": " ".join(made)}
            )

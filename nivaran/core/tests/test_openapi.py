from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection


def test_the_schema_validates_and_the_committed_copy_is_current(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fresh))
    if connection.vendor != "sqlite":
        # Integer bounds follow the database backend; the committed copy is made on the
        # embedded default (`make schema`), so it is compared on that backend only.
        return
    committed = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
    assert committed.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        "docs/openapi.yaml is stale: run `make schema`"
    )

"""PostgreSQL settings of the grievance table that its migrations set."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="table storage parameters: PostgreSQL"
)


def test_the_grievance_table_is_analysed_after_two_percent_of_its_rows_change(db):
    # A sweep moves many due rows at once; the lists' plans need the new counts soon.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'grievances_grievance'")
        options = set(cursor.fetchone()[0] or [])
    assert {
        "autovacuum_analyze_scale_factor=0.02",
        "autovacuum_analyze_threshold=1000",
    } <= options

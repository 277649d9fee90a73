from django.db import migrations

# PostgreSQL: the grievance table's statistics refreshed after 2 % of its rows change, not
# the default 10 %. One SLA sweep can move a tenth of the open grievances from "due" to
# the next level in a minute; until autovacuum re-analyses the table, the lists plan with
# the old counts of due rows (measured at 1,000,000: the officer's overdue list 53 ms at
# p95 before the ANALYZE, 30 ms after; bench/README.md).

SET = (
    "ALTER TABLE grievances_grievance SET "
    "(autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000)"
)
RESET = (
    "ALTER TABLE grievances_grievance RESET "
    "(autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SET)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESET)


class Migration(migrations.Migration):
    dependencies = [("grievances", "0014_partition_history")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]

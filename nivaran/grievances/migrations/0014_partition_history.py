from django.db import migrations

from nivaran.core.partitions import partition_by_month, unpartition

# PostgreSQL: the history by month (nivaran/core/partitions.py). At national volume the
# history is the largest table by far (docs/scaling.md); a month per partition keeps its
# indexes a month's size and lets a month be archived whole.


def forward(apps, schema_editor):
    partition_by_month(schema_editor.connection.alias, [("grievances_grievanceevent", "at")])


def backward(apps, schema_editor):
    unpartition(schema_editor.connection.alias, ["grievances_grievanceevent"])


class Migration(migrations.Migration):
    dependencies = [("grievances", "0013_fewer_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]

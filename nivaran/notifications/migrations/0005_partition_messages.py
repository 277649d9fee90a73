from django.db import migrations

from nivaran.core.partitions import partition_by_month, unpartition

# PostgreSQL: the outbox by month of queueing (nivaran/core/partitions.py): every SMS,
# WhatsApp message and webhook delivery is a row, several per grievance.


def forward(apps, schema_editor):
    partition_by_month(schema_editor.connection.alias, [("notifications_message", "created_at")])


def backward(apps, schema_editor):
    unpartition(schema_editor.connection.alias, ["notifications_message"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_webhooks")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]

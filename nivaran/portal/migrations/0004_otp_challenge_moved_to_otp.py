"""OtpChallenge now belongs to nivaran.otp (otp 0001); its table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_citizen_token"),
        ("otp", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OtpChallenge")],
            database_operations=[],
        ),
    ]

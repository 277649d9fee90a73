"""The unique constraint of one citizen row per mobile and name, once 0005 has merged the
rows of one person (in its own migration: PostgreSQL alters no table with the merge's
deferred checks pending in the same transaction). The constraint's index, which leads
with the mobile, serves the lookups by mobile that the mobile's own index served."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("grievances", "0005_citizen_per_person_and_event_attribution")]

    operations = [
        migrations.AddConstraint(
            model_name="citizen",
            constraint=models.UniqueConstraint(
                fields=("mobile", "name_key"), name="citizen_one_per_person"
            ),
        ),
        migrations.AlterField(
            model_name="citizen",
            name="mobile",
            field=models.CharField(
                max_length=10,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[6-9]\\d{9}$", "Enter a 10-digit Indian mobile number starting with 6-9."
                    )
                ],
                verbose_name="mobile",
            ),
        ),
    ]

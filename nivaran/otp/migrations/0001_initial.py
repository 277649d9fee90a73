"""OtpChallenge moves from the portal into this app without moving its table.

State only: the table `portal_otpchallenge` was created by portal 0001-0003 and stays;
portal 0004 removes the model from the portal's state."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("portal", "0003_citizen_token"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OtpChallenge",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "mobile",
                            models.CharField(
                                max_length=10,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[6-9]\\d{9}$",
                                        "Enter a 10-digit Indian mobile number starting with 6-9.",
                                    )
                                ],
                                verbose_name="mobile",
                            ),
                        ),
                        (
                            "purpose",
                            models.CharField(
                                choices=[
                                    ("lodge", "Lodge a grievance"),
                                    ("track", "Track a grievance"),
                                    ("app", "Sign in to the citizen app"),
                                ],
                                max_length=10,
                                verbose_name="purpose",
                            ),
                        ),
                        ("code_hash", models.CharField(max_length=64)),
                        ("created_at", models.DateTimeField(verbose_name="created at")),
                        ("expires_at", models.DateTimeField(verbose_name="expires at")),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(default=0, verbose_name="wrong tries"),
                        ),
                        (
                            "used_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="used at"),
                        ),
                        (
                            "client",
                            models.CharField(
                                blank=True, default="", max_length=64, verbose_name="client address"
                            ),
                        ),
                        ("delivered", models.BooleanField(default=True, verbose_name="SMS sent")),
                    ],
                    options={
                        "verbose_name": "OTP challenge",
                        "verbose_name_plural": "OTP challenges",
                        "db_table": "portal_otpchallenge",
                        "indexes": [
                            models.Index(fields=["mobile", "created_at"], name="otp_mobile_recent"),
                            models.Index(fields=["client", "created_at"], name="otp_client_recent"),
                            models.Index(fields=["created_at"], name="otp_recent"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

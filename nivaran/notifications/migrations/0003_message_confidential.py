from typing import Any

from django.db import migrations, models

REDACTED_BODY = "[removed after delivery]"


def redact_sent_otps(apps: Any, schema_editor: Any) -> None:
    """OTP messages queued before this release: mark them confidential and remove the code
    from those already sent or failed."""
    Message = apps.get_model("notifications", "Message")
    Message.objects.filter(purpose="otp").update(confidential=True)
    Message.objects.filter(purpose="otp", status__in=["sent", "failed"]).update(body=REDACTED_BODY)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_inbound_sms"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="confidential",
            field=models.BooleanField(default=False, verbose_name="confidential"),
        ),
        migrations.RunPython(redact_sent_otps, migrations.RunPython.noop),
    ]

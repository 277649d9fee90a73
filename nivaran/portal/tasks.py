from __future__ import annotations

from celery import shared_task

from nivaran.otp.services import otp_challenges_purge
from nivaran.portal.tokens import citizen_tokens_purge


@shared_task(name="nivaran.portal.tasks.purge_otp_challenges")
def purge_otp_challenges() -> int:
    """Delete OTP challenges older than a day (scheduled hourly)."""
    return otp_challenges_purge()


@shared_task(name="nivaran.portal.tasks.purge_citizen_tokens")
def purge_citizen_tokens() -> int:
    """Delete expired citizen tokens (scheduled hourly)."""
    return citizen_tokens_purge()

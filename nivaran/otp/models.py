"""One-time passwords sent by SMS, for citizens (portal, Citizen API) and staff (profile
mobile change, confirming a merge). One table, one implementation: nivaran.otp.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.models import mobile_validator


class OtpPurpose(models.TextChoices):
    LODGE = "lodge", _("Lodge a grievance")
    TRACK = "track", _("Track a grievance")
    APP = "app", _("Sign in to the citizen app")
    # Staff: sent to the NEW mobile of a profile change; to the officer's own for a merge.
    PROFILE_MOBILE = "profile_mobile", _("Change the mobile of a staff profile")
    MERGE = "merge", _("Confirm a merge of duplicate grievances")


# Purposes that belong to a signed-in staff user: sent, counted, verified and locked per user.
STAFF_PURPOSES = frozenset({OtpPurpose.PROFILE_MOBILE, OtpPurpose.MERGE})


class OtpChallenge(models.Model):
    """One OTP sent to a mobile. Only a keyed hash of the code is kept.

    The table is the portal's (`portal_otpchallenge`): the model moved here from
    nivaran.portal without moving its rows (migrations otp 0001 and portal 0004)."""

    mobile = models.CharField(_("mobile"), max_length=10, validators=[mobile_validator])
    purpose = models.CharField(_("purpose"), max_length=20, choices=OtpPurpose.choices)
    # The staff user the challenge is bound to (STAFF_PURPOSES); null for citizens, who
    # are known only by the mobile.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    # When the last wrong try was made: a staff user's lockout runs from the fifth.
    last_wrong_at = models.DateTimeField(_("last wrong try at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # The address the request came from (core.clients.client_address), for its limit.
    client = models.CharField(_("client address"), max_length=64, blank=True, default="")
    # False: no SMS was sent (the track page's answer to an unknown number and mobile).
    delivered = models.BooleanField(_("SMS sent"), default=True)

    class Meta:
        db_table = "portal_otpchallenge"
        verbose_name = _("OTP challenge")
        verbose_name_plural = _("OTP challenges")
        indexes = [
            models.Index(fields=["mobile", "created_at"], name="otp_mobile_recent"),
            models.Index(fields=["client", "created_at"], name="otp_client_recent"),
            models.Index(fields=["created_at"], name="otp_recent"),
            models.Index(fields=["user", "created_at"], name="otp_user_recent"),
        ]

    def __str__(self) -> str:
        return f"OTP {self.purpose} for {self.mobile} at {self.created_at:%Y-%m-%d %H:%M}"

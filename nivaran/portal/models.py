"""The citizen portal's own rows: a grievance's location and attachments, citizen tokens.

OTP challenges live in nivaran.otp (citizens and staff share them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.models import mobile_validator


class GrievanceLocation(models.Model):
    """Where the citizen says the problem is (typed, or from the phone's location)."""

    grievance = models.OneToOneField(
        "grievances.Grievance", on_delete=models.CASCADE, related_name="portal_location"
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("grievance location")
        verbose_name_plural = _("grievance locations")

    def __str__(self) -> str:
        return f"{self.latitude},{self.longitude}"


class Attachment(models.Model):
    """A photo or document the citizen attached when lodging."""

    grievance = models.ForeignKey(
        "grievances.Grievance", on_delete=models.CASCADE, related_name="portal_attachments"
    )
    file = models.FileField(_("file"), max_length=300)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file.name or ""


class CitizenToken(models.Model):
    """A short-lived API token of a citizen, got by an OTP (the Citizen API). Only the
    SHA-256 of the token is kept; the token itself is shown once, in the answer."""

    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="citizen_tokens"
    )
    # The mobile the OTP proved; the token opens only what this mobile owns.
    mobile = models.CharField(_("mobile"), max_length=10, validators=[mobile_validator])
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("citizen token")
        verbose_name_plural = _("citizen tokens")
        indexes = [models.Index(fields=["expires_at"], name="citizen_token_expiry")]

    def __str__(self) -> str:
        return f"Citizen token until {self.expires_at:%Y-%m-%d %H:%M}"

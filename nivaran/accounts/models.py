from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.roles import Role
from nivaran.core.models import AppendOnly
from nivaran.core.phones import mobile_mask

mobile_validator = RegexValidator(
    r"^[6-9]\d{9}$", _("Enter a 10-digit Indian mobile number starting with 6-9.")
)


class User(AbstractUser):
    """Anyone who signs in: staff, officers and (later) citizens with accounts."""

    role = models.CharField(_("role"), max_length=40, choices=Role.choices, db_index=True)
    mobile = models.CharField(_("mobile"), max_length=10, blank=True, validators=[mobile_validator])
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        default="en",
        choices=[("en", "English"), ("hi", "हिन्दी")],
    )
    # Scope of area-bound staff without a post (e.g. field validation executives).
    area = models.ForeignKey(
        "geo.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Demo logins share a published password: they sign in only while demo mode is on.
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


class ProfileField(models.TextChoices):
    NAME = "name", _("Name")
    MOBILE = "mobile", _("Mobile")
    LANGUAGE = "language", _("Language")


class ProfileChangeKind(models.TextChoices):
    CHANGED = "changed", _("Changed")
    OTP_SENT = "otp_sent", _("OTP sent to the new mobile")
    REFUSED = "refused", _("Refused")
    LOCKED = "locked", _("Locked out")


class ProfileChangeVia(models.TextChoices):
    PAGE = "page", _("Profile page")
    API = "api", _("API")
    ADMIN = "admin", _("Django admin")


class ProfileChange(AppendOnly):
    """One change of a user's profile, or one refused try at changing the mobile: who,
    when, through what, the value before and after. Append-only, like grievance history.
    A mobile is stored whole (it is the user's own record) and shown masked."""

    rows = "profile changes"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="profile_changes")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    field = models.CharField(_("field"), max_length=10, choices=ProfileField.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=ProfileChangeKind.choices)
    via = models.CharField(_("through"), max_length=10, choices=ProfileChangeVia.choices)
    old = models.CharField(_("old value"), max_length=300, blank=True)
    new = models.CharField(_("new value"), max_length=300, blank=True)
    # Why a try was refused (the error's code), e.g. `otp_refused`, `otp_locked`.
    reason = models.CharField(_("reason"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")
        indexes = [models.Index(fields=["user", "at"], name="profile_change_user")]

    def __str__(self) -> str:
        return f"{self.field} {self.kind} at {self.at:%Y-%m-%d %H:%M}"

    def shown(self, value: str) -> str:
        """A value as pages and the admin show it: a mobile masked (`98xxxxxx10`)."""
        return mobile_mask(value) if self.field == ProfileField.MOBILE and value else value

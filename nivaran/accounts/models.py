from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.roles import Role

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

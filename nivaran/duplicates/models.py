"""The duplicate index (B2): kept at registration, read instead of scanning grievances.

`DuplicateFingerprint` holds one grievance's script-neutral forms, computed once when it
is registered, so that scoring a candidate needs no transliteration. `DuplicateKey` holds
its blocking keys: a new grievance's candidates are the grievances sharing a key with it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyKind(models.TextChoices):
    MOBILE = "m", _("Same mobile")
    NAME = "n", _("Same name in the district")
    PLACE = "p", _("Same area and category in the month")


class DuplicateFingerprint(models.Model):
    grievance = models.OneToOneField(
        "grievances.Grievance",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="duplicate_fingerprint",
    )
    mobile = models.CharField(max_length=10)
    name = models.CharField(max_length=200)  # normalise.name_form
    terms = models.TextField()  # normalise.text_terms, space-separated, sorted

    class Meta:
        verbose_name = _("duplicate fingerprint")

    def __str__(self) -> str:
        return f"{self.grievance_id}: {self.name}"


class DuplicateKey(models.Model):
    """One blocking key of a grievance; `key` starts with its `KeyKind` letter."""

    grievance = models.ForeignKey(
        "grievances.Grievance", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("duplicate key")
        indexes = [models.Index(fields=["key", "grievance"], name="dup_key")]
        constraints = [
            models.UniqueConstraint(fields=["grievance", "key"], name="dup_key_once"),
        ]

    def __str__(self) -> str:
        return self.key

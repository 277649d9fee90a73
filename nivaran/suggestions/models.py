from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def model_signature(blob: bytes) -> str:
    """HMAC-SHA256 of a serialised model under SECRET_KEY: only this platform signs one."""
    return hmac.new(settings.SECRET_KEY.encode(), blob, hashlib.sha256).hexdigest()


class ModelRejected(Exception):
    """A stored model whose bytes do not match their digest or signature."""


class SuggestionModel(models.Model):
    """One trained category suggester (B3). The newest active row serves; older rows stay
    as the record of what was trained when, on how much, and how well it did."""

    version = models.BigAutoField(primary_key=True)
    trained_at = models.DateTimeField(_("trained at"))
    rows = models.PositiveIntegerField(_("grievances used"))
    verified_rows = models.PositiveIntegerField(_("of them with a corrected type"), default=0)
    samples = models.PositiveIntegerField(_("training samples"))
    types = models.PositiveIntegerField(_("complaint types"))
    # Held-out figures (split by text), when training was asked to compute them.
    held_out_texts = models.PositiveIntegerField(null=True, blank=True)
    held_out_top1 = models.FloatField(null=True, blank=True)
    held_out_top3 = models.FloatField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    # A database row that could be swapped would otherwise run code when unpickled: the
    # bytes must carry this platform's signature too.
    signature = models.CharField(max_length=64)
    blob = models.BinaryField(_("serialised model"))
    is_active = models.BooleanField(_("active"), default=True)
    seconds = models.FloatField(_("training time (s)"), default=0)

    class Meta:
        verbose_name = _("suggestion model")
        verbose_name_plural = _("suggestion models")
        indexes = [models.Index(fields=["is_active", "version"], name="sugg_serving")]

    def __str__(self) -> str:
        return f"v{self.version} ({self.trained_at:%Y-%m-%d %H:%M})"

    def checked_blob(self) -> bytes:
        blob = bytes(self.blob)
        if hashlib.sha256(blob).hexdigest() != self.sha256 or not hmac.compare_digest(
            model_signature(blob), self.signature
        ):
            raise ModelRejected(f"suggestion model v{self.version} fails its digest")
        return blob

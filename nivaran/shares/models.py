"""A list of grievances an officer shared over WhatsApp with a subordinate (M3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Share(models.Model):
    """One share: who sent which grievances to whom, and the message as it went.

    Each grievance's history also records it (`share_whatsapp`, through the workflow's
    door); this row is the share as a whole, and what a retried request finds again.
    """

    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient_post = models.ForeignKey("org.Post", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The number it went to, as it was then (the holder may change their mobile later).
    mobile = models.CharField(max_length=10)
    numbers = models.JSONField(_("grievance numbers"), default=list)
    body = models.TextField(_("message"))
    # A retried request with the same Idempotency-Key finds this row (per actor).
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    request_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("WhatsApp share")
        verbose_name_plural = _("WhatsApp shares")
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="share_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["actor", "-at"], name="share_by_actor")]

    def __str__(self) -> str:
        return f"share {self.pk} to {self.recipient_post_id}"

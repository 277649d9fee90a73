"""Partner systems (call centres) that send records, and the analysts' validation queue (W4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nivaran.catalog.models import Kind


class Partner(models.Model):
    """A system allowed to send records through the partner API with its key."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    source_flag = models.CharField(
        _("source flag"),
        max_length=80,
        help_text=_("Tag carried by every grievance this partner brings in."),
    )
    # sha256 hex digest of the API key; the key itself is never stored.
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Where the status of the grievances it sent is pushed; made on first need, kept
    # (with its delivery log) when the partner removes its URL.
    webhook = models.OneToOneField(
        "notifications.WebhookEndpoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner",
        verbose_name=_("webhook"),
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("Pending validation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PartnerRecord(models.Model):
    """One record received from a partner, waiting for (or past) an analyst's decision."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="records", verbose_name=_("partner")
    )
    external_id = models.CharField(_("partner's id"), max_length=64)
    payload = models.JSONField(_("payload as received"))
    citizen_name = models.CharField(_("citizen's name"), max_length=120)
    mobile = models.CharField(_("mobile"), max_length=10)
    category_code = models.CharField(_("category code"), max_length=40)
    area_code = models.CharField(_("area code"), max_length=40)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    emergency = models.BooleanField(_("emergency"), default=False)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    corrected_fields = models.JSONField(_("corrected fields"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    grievance = models.ForeignKey(
        "grievances.Grievance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grievance"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner record")
        verbose_name_plural = _("partner records")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"], name="partner_record_external_id_unique"
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="partner_record_queue"),
            models.Index(fields=["partner", "status", "created_at"], name="partner_record_own"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.external_id} ({self.status})"


class IdempotentRequest(models.Model):
    """The first response to a request sent with an Idempotency-Key, replayed on retries."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    # JSON text, kept as sent so that a replay is byte-for-byte the first response.
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "key"], name="partner_idempotency_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.key}"

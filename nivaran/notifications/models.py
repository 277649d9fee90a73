from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WEBHOOK = "webhook", _("Webhook")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# What a confidential message's body becomes once it is sent or has failed.
REDACTED_BODY = "[removed after delivery]"


class WebhookEndpoint(models.Model):
    """Where a subscriber (a partner) receives grievance events, and the secret that signs
    them. The row outlives a removed URL, so the delivery log and the subscriptions stay."""

    url = models.URLField(_("URL"), max_length=500, blank=True)  # blank: none registered
    # Kept as given: each delivery is signed with it. Shown to the subscriber only once.
    secret = models.CharField(_("secret"), max_length=64, blank=True)
    secret_set_at = models.DateTimeField(_("secret issued at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url or f"webhook {self.pk} (none)"


class WebhookSubscription(models.Model):
    """Each change of status of `grievance` is pushed to `endpoint`, naming it by `reference`
    (the subscriber's own id of it, e.g. a partner's external_id)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="subscriptions"
    )
    grievance = models.ForeignKey(
        "grievances.Grievance", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    reference = models.CharField(_("reference"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "grievance"], name="notifications_one_subscription"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id}:{self.grievance_id}"


class Message(models.Model):
    """An outgoing message, queued in the same transaction as the change causing it."""

    channel = models.CharField(max_length=20, choices=MessageChannel.choices)
    to = models.CharField(_("to"), max_length=15)
    body = models.TextField(_("body"))
    # The body holds a secret (a one-time password): it is replaced by REDACTED_BODY once
    # the message is settled (sent or failed), and never shown in the admin.
    confidential = models.BooleanField(_("confidential"), default=False)
    purpose = models.CharField(_("purpose"), max_length=40)
    grievance = models.ForeignKey(
        "grievances.Grievance",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    provider_ref = models.CharField(max_length=120, blank=True)
    # Webhooks (channel webhook): the endpoint, and the HTTP status of the last attempt.
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="msg_due"),
            models.Index(fields=["endpoint", "-created_at"], name="msg_webhook_log"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.purpose}"


class SmsGateway(models.Model):
    """An SMS gateway allowed to relay the citizens' replies with its API key."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    # sha256 hex digest of the API key; the key itself is never stored.
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS gateway")
        verbose_name_plural = _("SMS gateways")

    def __str__(self) -> str:
        return self.name


class InboundResult(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    IGNORED = "ignored", _("Ignored")


class InboundSms(models.Model):
    """One SMS a citizen sent, as its gateway relayed it; the gateway's message id makes a
    re-sent relay a no-op."""

    gateway = models.ForeignKey(
        SmsGateway, on_delete=models.PROTECT, related_name="inbound", verbose_name=_("gateway")
    )
    gateway_message_id = models.CharField(_("gateway message id"), max_length=100)
    sender = models.CharField(_("sender"), max_length=20)
    text = models.TextField(_("text"))
    received_at = models.DateTimeField(_("received at"))
    result = models.CharField(_("result"), max_length=10, choices=InboundResult.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    grievance = models.ForeignKey(
        "grievances.Grievance",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_sms",
    )

    class Meta:
        verbose_name = _("inbound SMS")
        verbose_name_plural = _("inbound SMS")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_message_id"], name="notifications_unique_inbound_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway_id}:{self.gateway_message_id}"

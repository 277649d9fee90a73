"""The call centre's own records (W1, W2): IVRS systems, missed calls and the callback queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IvrsSystem(models.Model):
    """An IVRS allowed to report after-hours calls with its API key."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    # sha256 hex digest of the API key; the key itself is never stored.
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The actor of what the system does on the callback queue (attempts, registrations):
    # role "system", cannot sign in. Made with the key, or on first use for older rows.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ivrs_system",
        verbose_name=_("service user"),
    )

    class Meta:
        verbose_name = _("IVRS system")
        verbose_name_plural = _("IVRS systems")

    def __str__(self) -> str:
        return self.name


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    REACHED = "reached", _("Reached")
    UNREACHABLE = "unreachable", _("Closed as unreachable")
    WRONG_NUMBER = "wrong_number", _("Closed: wrong number")


class Outcome(models.TextChoices):
    REACHED_REGISTERED = "reached_registered", _("Reached: grievance registered")
    REACHED_NO_GRIEVANCE = "reached_no_grievance", _("Reached: no grievance")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    SWITCHED_OFF = "switched_off", _("Switched off / not reachable")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


UNREACHABLE_OUTCOMES = frozenset({Outcome.NO_ANSWER, Outcome.BUSY, Outcome.SWITCHED_OFF})
REACHED_OUTCOMES = frozenset({Outcome.REACHED_REGISTERED, Outcome.REACHED_NO_GRIEVANCE})


class Callback(models.Model):
    """A caller to ring back: one per caller while pending, however many calls they missed."""

    caller = models.CharField(_("caller's mobile"), max_length=10)
    called_at = models.DateTimeField(_("first call at"))
    last_called_at = models.DateTimeField(_("last call at"))
    recording_ref = models.CharField(_("recording reference"), max_length=200, blank=True)
    missed_calls = models.PositiveIntegerField(_("missed calls"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CallbackStatus.choices,
        default=CallbackStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    grievance = models.ForeignKey(
        "grievances.Grievance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grievance"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        constraints = [
            models.UniqueConstraint(
                fields=["caller"],
                condition=Q(status="pending"),
                name="callcentre_one_pending_callback_per_caller",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.caller} ({self.status})"


class IvrsCall(models.Model):
    """One call as the IVRS reported it; its call_id makes a re-sent report a no-op."""

    class Result(models.TextChoices):
        LIVE = "live", _("Within call-centre hours")
        QUEUED = "queued", _("Queued for a callback")
        ATTACHED = "attached", _("Added to a pending callback")

    system = models.ForeignKey(
        IvrsSystem, on_delete=models.PROTECT, related_name="calls", verbose_name=_("IVRS system")
    )
    call_id = models.CharField(_("IVRS call id"), max_length=100)
    caller = models.CharField(_("caller's mobile"), max_length=10)
    called_at = models.DateTimeField(_("called at"))
    recording_ref = models.CharField(_("recording reference"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    callback = models.ForeignKey(
        Callback,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("callback"),
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("IVRS call")
        verbose_name_plural = _("IVRS calls")
        constraints = [
            models.UniqueConstraint(fields=["system", "call_id"], name="callcentre_unique_call_id")
        ]

    def __str__(self) -> str:
        return f"{self.system_id}:{self.call_id}"


class CallbackAttempt(models.Model):
    callback = models.ForeignKey(
        Callback, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("callback")
    )
    at = models.DateTimeField(_("at"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    grievance = models.ForeignKey(
        "grievances.Grievance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grievance"),
    )

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.callback_id} {self.outcome} at {self.at:%Y-%m-%d %H:%M}"

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.models import mobile_validator
from nivaran.catalog.models import Kind


class Channel(models.TextChoices):
    WEB = "web", _("Citizen portal")
    CALL_CENTRE = "call_centre", _("Call centre")
    PARTNER = "partner", _("Partner system")
    IVRS = "ivrs", _("IVRS callback")
    OPEN311 = "open311", _("Open311 app")
    WALK_IN = "walk_in", _("Walk-in / letter")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ATR_SUBMITTED = "atr_submitted", _("ATR submitted")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    SPECIAL_CLOSED = "special_closed", _("Special closed")


class Citizen(models.Model):
    name = models.CharField(_("name"), max_length=120)
    mobile = models.CharField(
        _("mobile"), max_length=10, validators=[mobile_validator], db_index=True
    )
    language = models.CharField(_("language"), max_length=5, default="hi")
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen",
    )

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return f"{self.name} ({self.mobile})"


class Grievance(models.Model):
    """A grievance, suggestion or scheme enquiry.

    `status`, `level`, the assignment and the deadline change only through
    nivaran.grievances.workflow; a test keeps it so.
    """

    # Null until the row has its id (the number is derived from it); unique once set.
    number = models.CharField(_("number"), max_length=20, unique=True, null=True)  # noqa: DJ001
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="grievances")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    source = models.CharField(_("source flag"), max_length=80, blank=True)
    emergency = models.BooleanField(_("emergency"), default=False)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    # Copy of area.path: "inside this jurisdiction" is one indexed prefix match.
    area_path = models.CharField(max_length=400)
    description = models.TextField(_("description"))
    language = models.CharField(_("language"), max_length=5, default="hi")

    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    assigned_post = models.ForeignKey(
        "org.Post", null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due at"), null=True)
    is_overdue = models.BooleanField(_("overdue at the last level"), default=False)

    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))
    closed_at = models.DateTimeField(_("closed at"), null=True)
    # Idempotency of intake: a retried request with the same key finds this row.
    intake_key = models.CharField(max_length=120, null=True, unique=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        indexes = [
            models.Index(fields=["assigned_post", "status", "due_at"], name="grv_inbox"),
            # An officer's queue: what still waits on the post, by deadline.
            models.Index(
                fields=["assigned_post", "due_at", "id"],
                condition=Q(status__in=["open", "in_progress", "reopened"]),
                name="grv_inbox_active",
            ),
            models.Index(fields=["status", "due_at"], name="grv_sweep"),
            models.Index(fields=["department", "status", "level"], name="grv_dept"),
            models.Index(
                fields=["area_path"], name="grv_area_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["-registered_at"], name="grv_recent"),
            models.Index(fields=["is_overdue", "status"], name="grv_overdue"),
        ]

    def __str__(self) -> str:
        return self.number or f"grievance {self.pk}"


class GrievanceEvent(models.Model):
    """One line of a grievance's append-only history."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=40)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history event")
        verbose_name_plural = _("history events")
        indexes = [models.Index(fields=["grievance", "at"], name="grv_event_timeline")]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("history events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("history events are append-only")

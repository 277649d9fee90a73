"""Systemic issues (U4, B4): what the detector found, and the acknowledgements with their
policy notes. Grievances are only read to find these; none is changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nivaran.core.models import AppendOnly


class IssueKind(models.TextChoices):
    SPIKE = "spike", _("Spike")
    PERSISTENT = "persistent", _("Persistently elevated")
    WIDESPREAD = "widespread", _("Elevated in many districts")
    CLUSTER = "cluster", _("Similar complaints across districts")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class SystemicIssue(models.Model):
    """One finding of the detector: a complaint type in a district (or the whole state) in
    a week, with its evidence; a cluster of similar texts of one type across districts.
    Written by `services.systemic_detect`, one row per (kind, type, district, topic, week):
    a re-run of the same week updates it."""

    kind = models.CharField(_("kind"), max_length=20, choices=IssueKind.choices)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    # Null for a statewide finding; `district_key` is its path or "" (part of the key).
    district = models.ForeignKey(
        "geo.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district_key = models.CharField(max_length=400, blank=True, default="")
    # A cluster's key among its type's issues of the week: its top terms, sorted ("" else).
    topic = models.CharField(_("topic"), max_length=200, blank=True, default="")
    # The district's path, or the state's for a statewide finding: scoped like a grievance.
    area_path = models.CharField(max_length=400)
    week = models.DateField(_("week"), help_text=_("The Monday of the week tested."))
    count = models.PositiveIntegerField(_("count"))
    baseline = models.FloatField(_("baseline"))
    variance = models.FloatField(_("variance"))
    p_value = models.FloatField(_("p-value"))
    score = models.FloatField(_("score"))
    method = models.CharField(_("method"), max_length=40)
    # Weeks and counts shown as evidence, the districts of a widespread finding, parameters.
    evidence = models.JSONField(_("evidence"), default=dict)
    sample_numbers = models.JSONField(_("sample grievances"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    policy_note = models.TextField(_("policy note"), blank=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["-week", "p_value", "id"]
        verbose_name = _("systemic issue")
        verbose_name_plural = _("systemic issues")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "category", "district_key", "topic", "week"],
                name="systemic_issue_once_topic",
            )
        ]
        indexes = [
            models.Index(fields=["status", "-week"], name="systemic_status_week"),
            models.Index(fields=["department", "area_path"], name="systemic_dept_area"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.category_id} {self.district_key or 'state'} {self.week}"


class Acknowledgement(AppendOnly):
    """Who acknowledged a systemic issue, when, with which policy note. Append-only."""

    rows = "acknowledgements of systemic issues"

    issue = models.ForeignKey(
        SystemicIssue, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(_("by (username)"), max_length=150)
    actor_role = models.CharField(_("by (role)"), max_length=40)
    policy_note = models.TextField(_("policy note"))

    class Meta:
        ordering = ["issue", "at", "id"]
        verbose_name = _("acknowledgement of a systemic issue")
        verbose_name_plural = _("acknowledgements of systemic issues")

    def __str__(self) -> str:
        return f"{self.issue_id} acknowledged by {self.actor_username}"

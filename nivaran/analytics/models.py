"""Rollups: the figures the rankings, packs and dashboards read, never the grievances.

`DailyFigure` holds what happened on a day (flows: registered, disposed, satisfied...),
one row per day x department x district x type x channel x officer with any activity.
`PendingSnapshot` holds what was still pending at the end of a day (stocks), per
department x district x level x officer. Both are recomputed a day at a time from that
day's history (`rollups.py`), so a refresh costs a day's volume, never the history's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The flows counted per day, in the order the code and the docs list them.
FLOWS = (
    "registered",
    "disposed",
    "disposed_in_time",
    "closed",
    "rejected",
    "special_closed",
    "special_close_reverted",
    "feedback_answered",
    "satisfied",
    "reopened",
    "conflicts",
    "recalled",
    "escalated",
    "transferred_out",
)
# The stocks counted per snapshot.
STOCKS = (
    "pending",
    "waiting",
    "overdue",
    "awaiting_feedback",
    "age_0_7",
    "age_8_15",
    "age_16_30",
    "age_31_50",
    "age_over_50",
)


class DailyFigure(models.Model):
    day = models.DateField()
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="+")
    # The district the grievance's area lies in; null for an area above the districts.
    district = models.ForeignKey("geo.Area", null=True, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("catalog.Category", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    # The officer the flow counts for: the holder after the action, or for an
    # escalation the officer it was taken from.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    registered = models.PositiveIntegerField(default=0)
    disposed = models.PositiveIntegerField(default=0)
    disposed_in_time = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    special_closed = models.PositiveIntegerField(default=0)
    special_close_reverted = models.PositiveIntegerField(default=0)
    feedback_answered = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    recalled = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    transferred_out = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [
            models.Index(fields=["day", "department"], name="an_daily_day"),
            models.Index(fields=["department", "day"], name="an_daily_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.day} department {self.department_id}"


class PendingSnapshot(models.Model):
    day = models.DateField()
    # When it was taken: the end of `day`, or the last refresh for today.
    taken_at = models.DateTimeField()
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("geo.Area", null=True, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    pending = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)  # on an officer: active or conflict
    overdue = models.PositiveIntegerField(default=0)  # waiting, past its deadline
    awaiting_feedback = models.PositiveIntegerField(default=0)
    age_0_7 = models.PositiveIntegerField(default=0)
    age_8_15 = models.PositiveIntegerField(default=0)
    age_16_30 = models.PositiveIntegerField(default=0)
    age_31_50 = models.PositiveIntegerField(default=0)
    age_over_50 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("pending snapshot")
        verbose_name_plural = _("pending snapshots")
        indexes = [models.Index(fields=["day", "department"], name="an_pending_day")]

    def __str__(self) -> str:
        return f"pending on {self.day}, department {self.department_id}"


class RollupState(models.Model):
    """One row: the last history event the rollups have seen."""

    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"rollups up to event {self.last_event_id}"


class Drive(models.Model):
    """A department's campaign (U6) to clear a set of pending grievances by a target date.

    The set is fixed when the drive is declared (the grievances the filter matched then),
    so its burn-down shows that set shrinking, not new arrivals.
    """

    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    target_date = models.DateField(_("target date"))
    # What the filter was, as the declaring officer chose it (codes, not ids).
    filters = models.JSONField(default=dict, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField()
    total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("drive")
        verbose_name_plural = _("drives")
        ordering = ["-declared_at", "-id"]

    def __str__(self) -> str:
        return self.name


class DriveMember(models.Model):
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="members")
    grievance = models.ForeignKey(
        "grievances.Grievance", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["drive", "grievance"], name="an_drive_member_once")
        ]

    def __str__(self) -> str:
        return f"drive {self.drive_id}: grievance {self.grievance_id}"


class DriveDay(models.Model):
    """How many of the drive's grievances were still pending at the end of a day (the
    refresh updates today's row, so the last one of a day stays)."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    remaining = models.PositiveIntegerField()

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["drive", "day"], name="an_drive_day_once")]

    def __str__(self) -> str:
        return f"drive {self.drive_id} on {self.day}: {self.remaining}"


class WeeklyDispatch(models.Model):
    """A weekly pack's headline sent to its department or district: once per week."""

    kind = models.CharField(max_length=20)
    code = models.CharField(max_length=40)
    week_start = models.DateField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code", "week_start"], name="an_weekly_dispatch_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}, week of {self.week_start}"

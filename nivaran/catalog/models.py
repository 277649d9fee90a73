from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from nivaran.core.models import AppendOnly


class Kind(models.TextChoices):
    GRIEVANCE = "grievance", _("Grievance")
    SUGGESTION = "suggestion", _("Suggestion")
    ENQUIRY = "enquiry", _("Scheme enquiry")


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days")
    WORKING_HOURS = "working_hours", _("Working hours")
    CLOCK_HOURS = "clock_hours", _("Clock hours")


class Category(models.Model):
    """A node of a department's category tree; selectable nodes are complaint types.

    A complaint type carries a deadline per level; an empty one takes the
    profile's default for that level.
    """

    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="categories"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_hi = models.CharField(_("name (Hindi)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GRIEVANCE)
    selectable = models.BooleanField(
        _("complaint type"), default=True, help_text=_("Grievances can be filed under it.")
    )
    is_others = models.BooleanField(_("'Others' type"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    deadline_unit = models.CharField(
        _("deadline unit"), max_length=20, choices=DeadlineUnit.choices, blank=True
    )
    deadline_l1 = models.PositiveIntegerField(_("L1 deadline"), null=True, blank=True)
    deadline_l2 = models.PositiveIntegerField(_("L2 deadline"), null=True, blank=True)
    deadline_l3 = models.PositiveIntegerField(_("L3 deadline"), null=True, blank=True)
    deadline_l4 = models.PositiveIntegerField(_("L4 deadline"), null=True, blank=True)

    class Meta:
        ordering = ["department__code", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.department_id != self.department_id:
            raise ValidationError({"parent": _("A category's parent must be of its department.")})
        if self.is_others and not self.selectable:
            raise ValidationError({"is_others": _("An 'Others' type must be selectable.")})
        values = [self.deadline_l1, self.deadline_l2, self.deadline_l3, self.deadline_l4]
        given = [v is not None for v in values]
        if any(given) and not (all(given) and self.deadline_unit):
            raise ValidationError(
                _("Give a deadline unit and all four level deadlines, or none of them.")
            )
        if self.deadline_unit and not any(given):
            raise ValidationError({"deadline_unit": _("A unit needs the four deadlines.")})
        if any(v == 0 for v in values):
            raise ValidationError(_("A deadline must be at least 1."))


class CategoryOperation(models.TextChoices):
    CREATE = "create", _("Created")
    RENAME = "rename", _("Renamed")
    DEADLINES = "deadlines", _("Deadlines changed")
    SPLIT = "split", _("Split up")
    MERGE = "merge", _("Merged")
    RETIRE = "retire", _("Retired")


class CategoryChange(AppendOnly):
    """One change of a department's category tree made in the pages (H8): who, when,
    which operation on which category, what it was and what it became, and why.
    Append-only.

    `old` and `new` keep codes, names and deadlines as they were; an empty dict means the
    category did not exist before (`old`). A split or merge also names the grievances it
    moved (`new["moved"]`: grievance number -> new type), each moved through the workflow's
    `recategorise`, so the grievance's own history has the move too.
    """

    rows = "category changes"

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(_("by (username)"), max_length=150)
    actor_role = models.CharField(_("by (role)"), max_length=40)
    operation = models.CharField(_("operation"), max_length=20, choices=CategoryOperation.choices)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="category_changes"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="changes")
    old = models.JSONField(_("before"), default=dict, blank=True)
    new = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("category change")
        verbose_name_plural = _("category changes")
        indexes = [models.Index(fields=["department", "-at"], name="catchange_dept_at")]

    def __str__(self) -> str:
        return f"{self.operation} by {self.actor_username} at {self.at:%Y-%m-%d %H:%M}"

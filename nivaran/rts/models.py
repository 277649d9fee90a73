"""The notified services of a Right to Service act (H1): master data, one row a service.

A service names its officers by designation (the Tehsildar, the SDM), not by post: the
designated officer of a grievance's service is the post of that designation in the
service's department whose area covers the grievance's (`selectors`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from nivaran.org.models import Designation

SERVICE_CODE = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{0,29}$",
    _("A code is up to 30 capital letters, digits and hyphens."),
)
DAYS = [MinValueValidator(1), MaxValueValidator(365)]


def authority_problems(
    designated: Designation, first: Designation, second: Designation
) -> dict[str, str]:
    """Each appellate authority must outrank the officer below it (a larger designation
    rank): the catalogue's rule, for the import and the admin alike."""
    problems = {}
    if first.rank <= designated.rank:
        problems["first_appellate"] = gettext("must be senior to the designated officer")
    if second.rank <= first.rank:
        problems["second_appellate"] = gettext("must be senior to the first appellate authority")
    return problems


class NotifiedService(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[SERVICE_CODE])
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="notified_services"
    )
    name = models.CharField(_("name"), max_length=300)
    name_hi = models.CharField(_("name (Hindi)"), max_length=300, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (days)"),
        validators=DAYS,
        help_text=_("Within which the service is to be given, as notified under the Act."),
    )
    designated_officer = models.ForeignKey(
        "org.Designation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("designated officer"),
    )
    first_appellate = models.ForeignKey(
        "org.Designation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first appellate authority"),
    )
    first_appeal_days = models.PositiveSmallIntegerField(
        _("first appeal time limit (days)"), validators=DAYS
    )
    second_appellate = models.ForeignKey(
        "org.Designation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second appellate authority"),
    )
    second_appeal_days = models.PositiveSmallIntegerField(
        _("second appeal time limit (days)"), validators=DAYS
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("notified service")
        verbose_name_plural = _("notified services")

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def clean(self) -> None:
        if self.designated_officer_id and self.first_appellate_id and self.second_appellate_id:
            problems = authority_problems(
                self.designated_officer, self.first_appellate, self.second_appellate
            )
            if problems:
                raise ValidationError(problems)


class Stage(models.TextChoices):
    NODAL = "nodal", _("With the nodal officer")
    DESIGNATED = "designated", _("With the designated officer")


class RtsCase(models.Model):
    """A grievance about a deficiency in a notified service, in the Auto Appeal System
    (H1, H2): opened in the grievance's registration transaction, first in the nodal
    officer's queue. The grievance's own state stays the workflow's."""

    grievance = models.OneToOneField(
        "grievances.Grievance", on_delete=models.PROTECT, related_name="rts_case"
    )
    service = models.ForeignKey(NotifiedService, on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    # The department's nodal officer's post when the case opened (None: none appointed).
    nodal_post = models.ForeignKey(
        "org.Post", null=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("complaint received at"))
    # H3: the designated officer is to call the citizen within 30 days of the receipt.
    call_due_at = models.DateTimeField(_("citizen call due by"))
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("AAS case")
        verbose_name_plural = _("AAS cases")
        indexes = [
            models.Index(fields=["nodal_post", "stage", "call_due_at"], name="rts_case_nodal"),
            models.Index(fields=["stage", "call_due_at"], name="rts_case_due"),
        ]

    def __str__(self) -> str:
        return f"AAS {self.grievance_id}: {self.service_id}"

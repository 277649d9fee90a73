from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nivaran.core.models import AppendOnly


class Department(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=160)
    name_hi = models.CharField(_("name (Hindi)"), max_length=160, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Designation(models.Model):
    """A cadre designation with a rank: a larger rank is more senior."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_hi = models.CharField(_("name (Hindi)"), max_length=120, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Larger is more senior."))

    class Meta:
        ordering = ["-rank", "name"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_hi = models.CharField(_("name (Hindi)"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="offices"
    )
    area = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="offices")

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A sanctioned post; its holder acts within the post's jurisdiction.

    Jurisdiction is department x area: the department (all departments when
    empty, as for a District Magistrate) inside the area's subtree.
    """

    code = models.CharField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_hi = models.CharField(_("title (Hindi)"), max_length=200, blank=True)
    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="posts")
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    area = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="posts")
    is_head_of_department = models.BooleanField(_("head of department"), default=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["department", "area"])]

    def __str__(self) -> str:
        return self.title


class LevelMapping(models.Model):
    """Which post is L1..L4 for a department, optionally narrowed to an area and category.

    The most specific row wins: a category match over none, then the nearest
    enclosing area over a farther one (an empty area means the whole state).
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="levels")
    area = models.ForeignKey(
        "geo.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="level_mappings")

    class Meta:
        verbose_name = _("level mapping")
        verbose_name_plural = _("level mappings")
        # One post per department x area x category x level, an empty area or category
        # counting as a value of its own (portable: no NULLS NOT DISTINCT needed).
        constraints = [
            models.UniqueConstraint(
                fields=["department", "level"],
                condition=Q(area__isnull=True, category__isnull=True),
                name="level_mapping_unique_state",
            ),
            models.UniqueConstraint(
                fields=["department", "area", "level"],
                condition=Q(area__isnull=False, category__isnull=True),
                name="level_mapping_unique_area",
            ),
            models.UniqueConstraint(
                fields=["department", "category", "level"],
                condition=Q(area__isnull=True, category__isnull=False),
                name="level_mapping_unique_category",
            ),
            models.UniqueConstraint(
                fields=["department", "area", "category", "level"],
                condition=Q(area__isnull=False, category__isnull=False),
                name="level_mapping_unique_area_category",
            ),
        ]

    def __str__(self) -> str:
        return f"L{self.level} {self.department.code}: {self.post}"

    def clean(self) -> None:
        from nivaran.org.checks import mapping_errors, raise_if
        from nivaran.profiles.loader import active_profile

        if self.post_id and self.department_id:
            raise_if(mapping_errors(self, hod_level=active_profile().hod_level))


class NodalScope(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    DISTRICT = "district", _("District")
    OFFICE = "office", _("Office")  # a Commissioner of Police's or a Superintendent's (W10)


class NodalAppointment(models.Model):
    """A nodal officer for a department (W9), a district or a CP's or SP's office (W10)."""

    scope = models.CharField(_("scope"), max_length=20, choices=NodalScope.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="nodal_officers"
    )
    district = models.ForeignKey(
        "geo.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="nodal_officers"
    )
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.CASCADE, related_name="nodal_officers"
    )
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="nodal_appointments")
    appointed_at = models.DateTimeField(_("appointed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("nodal officer appointment")
        verbose_name_plural = _("nodal officer appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(scope="department"),
                name="nodal_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["district"], condition=Q(scope="district"), name="nodal_one_per_district"
            ),
            models.UniqueConstraint(
                fields=["office"], condition=Q(scope="office"), name="nodal_one_per_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} nodal: {self.post}"

    def clean(self) -> None:
        from nivaran.org.checks import nodal_errors, raise_if
        from nivaran.profiles.loader import active_profile

        if self.post_id:
            raise_if(nodal_errors(self, profile=active_profile()))


class FieldCoverage(models.Model):
    """A field validation executive assigned to a district (W7, W8).

    The district administration sees who covers them; the executive sees the
    visits picked in the districts they cover.
    """

    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="field_coverage",
        limit_choices_to={"role": "field_validation_executive"},
    )
    district = models.ForeignKey(
        "geo.Area", on_delete=models.PROTECT, related_name="field_coverage"
    )
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("field validation coverage")
        verbose_name_plural = _("field validation coverage")
        constraints = [
            models.UniqueConstraint(fields=["executive", "district"], name="coverage_once")
        ]

    def __str__(self) -> str:
        return f"{self.executive} covers {self.district}"


class OrgChangeKind(models.TextChoices):
    LEVEL_MAPPING = "level_mapping", _("Level mapping")
    NODAL_APPOINTMENT = "nodal_appointment", _("Nodal appointment")


class OrgChange(AppendOnly):
    """One change of the level mapping (U2) or of a nodal appointment (W9, W10) made in the
    officers' pages: who, when, what it was and what it became. Append-only.

    `old` and `new` keep codes and names as they were (a post may be renamed or removed
    later); an empty dict means the row did not exist before (`old`) or after (`new`).
    """

    rows = "organisation changes"

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(_("by (username)"), max_length=150)
    actor_role = models.CharField(_("by (role)"), max_length=40)
    kind = models.CharField(_("kind"), max_length=30, choices=OrgChangeKind.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old = models.JSONField(_("before"), default=dict, blank=True)
    new = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("organisation change")
        verbose_name_plural = _("organisation changes")
        indexes = [models.Index(fields=["department", "-at"], name="orgchange_dept_at")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_username} at {self.at:%Y-%m-%d %H:%M}"

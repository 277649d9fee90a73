from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaType(models.TextChoices):
    STATE = "state", _("State")
    DISTRICT = "district", _("District")
    BLOCK = "block", _("Block")
    TEHSIL = "tehsil", _("Tehsil")
    CITY = "city", _("City")
    GRAM_PANCHAYAT = "gram_panchayat", _("Gram panchayat")
    WARD = "ward", _("Ward")


# Which type may sit under which: the geography is a strict tree.
ALLOWED_PARENTS: dict[str, set[str]] = {
    AreaType.STATE: set(),
    AreaType.DISTRICT: {AreaType.STATE},
    AreaType.BLOCK: {AreaType.DISTRICT},
    AreaType.TEHSIL: {AreaType.DISTRICT},
    AreaType.CITY: {AreaType.DISTRICT},
    AreaType.GRAM_PANCHAYAT: {AreaType.BLOCK, AreaType.TEHSIL},
    AreaType.WARD: {AreaType.CITY, AreaType.BLOCK, AreaType.TEHSIL},
}


class Area(models.Model):
    """A node of the state's geography: state > district > block/tehsil > GP/ward."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_hi = models.CharField(_("name (Hindi)"), max_length=120, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=AreaType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("HR/HR-AMB/HR-AMB-B01/"), so that "inside this
    # area" is one indexed prefix match rather than a recursive walk.
    path = models.CharField(max_length=400, editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="area_path_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_type_display()})"

    def save(self, *args: object, **kwargs: object) -> None:
        # The path is derived data; keep it in step with code and parent.
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        allowed = ALLOWED_PARENTS.get(self.type, set())
        parent_type = self.parent.type if self.parent else None
        if (parent_type is None and allowed) or (parent_type and parent_type not in allowed):
            raise ValidationError(
                {
                    "parent": _("A %(type)s cannot sit under %(parent)s.")
                    % {"type": self.get_type_display(), "parent": parent_type or _("nothing")}
                }
            )

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)

from __future__ import annotations

from collections.abc import Collection
from typing import Any

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
    # Where the area is, for routing a report that carries only coordinates (B6): a
    # point (a district's headquarters, a block's office) and, where the profile has
    # it, a boundary: one ring of [latitude, longitude] vertices (WGS84), not closed.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    boundary = models.JSONField(_("boundary"), null=True, blank=True)

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

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        super().clean_fields(exclude=exclude)
        errors = place_errors(
            latitude=self.latitude, longitude=self.longitude, boundary=self.boundary
        )
        if errors:
            raise ValidationError(errors)

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)


def place_errors(
    *, latitude: float | None, longitude: float | None, boundary: Any
) -> dict[str, list[str]]:
    """What is wrong with an area's point and boundary (WGS84 degrees), by field."""
    errors: dict[str, list[str]] = {}
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [str(_("Give latitude and longitude together."))]
    if latitude is not None and not -90 <= latitude <= 90:
        errors["latitude"] = [str(_("A latitude lies between -90 and 90."))]
    if longitude is not None and not -180 <= longitude <= 180:
        errors["longitude"] = [str(_("A longitude lies between -180 and 180."))]
    if boundary is not None and not _is_ring(boundary):
        errors["boundary"] = [
            str(_("A boundary is a list of at least 3 [latitude, longitude] pairs."))
        ]
    return errors


def _is_ring(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 3
        and all(
            isinstance(v, list | tuple)
            and len(v) == 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in v)
            and -90 <= v[0] <= 90
            and -180 <= v[1] <= 180
            for v in value
        )
    )

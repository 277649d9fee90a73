from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    """A public holiday of the business calendar (master data, loaded from the profile)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_hi = models.CharField(_("name (Hindi)"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class AppendOnly(models.Model):
    """A record that is written once and never changed or deleted through the ORM (a
    grievance's history, the profile and organisation audits). `rows` names them in the
    error, e.g. "history events"."""

    rows = "records"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError(f"{self.rows} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{self.rows} are append-only")

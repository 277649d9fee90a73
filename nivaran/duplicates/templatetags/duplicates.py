"""The reasons of a duplicate candidate, in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

REASON_LABELS = {
    "same_mobile": _("Same mobile"),
    "name_match": _("Same name"),
    "same_area": _("Same area"),
    "same_category": _("Same complaint type"),
    "text_similar": _("Similar description"),
}


@register.filter
def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))

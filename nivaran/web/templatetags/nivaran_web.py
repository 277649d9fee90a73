"""Filters of the officer pages: names in the page's language, labels, badges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone
from django.utils.translation import get_language

from nivaran.grievances.models import Grievance
from nivaran.grievances.workflow import ACTIVE
from nivaran.profiles.loader import active_profile
from nivaran.web import labels
from nivaran.web.forms import special_close_reason_name

register = template.Library()


@register.filter
def local_name(obj: Any) -> str:
    """`name_hi` (or `title_hi`) on a Hindi page when it is filled in, else the name."""
    if obj is None:
        return ""
    for attr in ("name", "title"):
        if hasattr(obj, attr):
            hindi = getattr(obj, f"{attr}_hi", "")
            return str(hindi if hindi and get_language() == "hi" else getattr(obj, attr))
    return str(obj)


@register.filter
def is_overdue(grievance: Grievance, now: datetime | None = None) -> bool:
    """Past its deadline while still with the department, or flagged at the last level."""
    now = now or timezone.now()
    return grievance.is_overdue or bool(
        grievance.status in ACTIVE and grievance.due_at and grievance.due_at < now
    )


@register.filter
def status_label(status: str) -> str:
    return labels.status_label(status)


@register.filter
def status_colour(status: str) -> str:
    return labels.STATUS_COLOURS.get(status, "secondary")


@register.filter
def role_label(role: str) -> str:
    return labels.role_label(role)


@register.filter
def event_label(action: str) -> str:
    return labels.event_label(action)


@register.filter
def action_help(action: str) -> str:
    return labels.action_help(action)


@register.filter
def close_ground(code: str) -> str:
    """A special-close ground's name in the page's language."""
    return special_close_reason_name(code)


@register.filter
def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


@register.simple_tag
def special_close_reviewer() -> str:
    """The role that reviews special closes under the active profile."""
    return active_profile().special_close_reviewer


@register.filter
def person(user: Any) -> str:
    """A user's full name, or the username when it has none."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


@register.simple_tag(takes_context=True)
def unprefixed_path(context: template.Context) -> str:
    """This page's path without its language prefix: what the language switcher posts.

    Django's set_language resolves `next` in the default language (unprefixed
    URLs are always English here), so a /hi/ path would not translate back.
    """
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), settings.LANGUAGE_CODE)

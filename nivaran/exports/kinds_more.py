"""More exportable lists (X6): the feedback desk's queue and the special-close review queue.

Each is scoped exactly as its page: the rows come from the same selector
(`grievances.quality.feedback_queue`, `quality.special_close_queue`), and the citizen's
name and mobile are masked by `exports.pii` for the roles that do not contact citizens.
Imported by `nivaran.exports.kinds`, which registers them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from rest_framework import serializers

from nivaran.accounts.models import User
from nivaran.exports.kinds import Cell, ExportKind, Source, register
from nivaran.exports.pii import mobile_masked, name_masked, sees_citizen_contact
from nivaran.grievances import quality
from nivaran.profiles.loader import active_profile


class NoFilters(serializers.Serializer[Any]):
    """These lists take no filters: an empty object; any key is refused, not ignored."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict) and self.initial_data:
            raise serializers.ValidationError(
                {str(name)[:60]: ["Unknown filter."] for name in sorted(self.initial_data)}
            )
        return attrs


def local_name(hindi: bool, name: str | None, name_hi: str | None) -> str:
    """A name in the export's language: the Hindi one where there is one."""
    return (name_hi if hindi and name_hi else name) or ""


# --- feedback_queue: the ATRs the feedback desk calls now (/feedback/) -------------------

FEEDBACK_FIELDS = (
    "grievance__number",
    "submitted_at",
    "next_call_at",
    "feedback_attempts",
    "department__name",
    "department__name_hi",
    "grievance__category__name",
    "grievance__category__name_hi",
    "grievance__area__name",
    "grievance__area__name_hi",
    "grievance__citizen__name",
    "grievance__citizen__mobile",
)


def _feedback_columns() -> list[str]:
    return [
        _("Number"),
        _("ATR submitted at"),
        _("Next call at"),
        _("Feedback attempts"),
        _("Department"),
        _("Complaint type"),
        _("Area"),
        _("Citizen"),
        _("Mobile"),
    ]


def _feedback_source(*, actor: User, filters: dict[str, Any]) -> Source:
    found = quality.feedback_queue(actor=actor, now=timezone.now())
    contact = sees_citizen_contact(actor)
    hindi = get_language() == "hi"

    def row(v: tuple[Any, ...]) -> list[Cell]:
        (number, submitted, next_call, attempts, dept, dept_hi, cat, cat_hi) = v[:8]
        (area, area_hi, citizen, mobile) = v[8:]
        return [
            number,
            submitted,
            next_call,
            attempts,
            local_name(hindi, dept, dept_hi),
            local_name(hindi, cat, cat_hi),
            local_name(hindi, area, area_hi),
            citizen if contact else name_masked(citizen),
            mobile if contact else mobile_masked(mobile),
        ]

    return Source(rows=found.values_list(*FEEDBACK_FIELDS), row=row)


def _feedback_desk(user: User) -> bool:
    return user.is_active and user.role in quality.FEEDBACK_DESK


FEEDBACK_QUEUE = register(
    ExportKind(
        code="feedback_queue",
        title=gettext_lazy("Feedback queue"),
        filters=NoFilters,
        may_export=_feedback_desk,
        columns=_feedback_columns,
        source=_feedback_source,
    )
)


# --- special_closes: special closes awaiting the reviewer (/reviews/special-closes/) -----

SPECIAL_FIELDS = (
    "grievance__number",
    "closed_at",
    "level",
    "reason_code",
    "justification",
    "department__name",
    "department__name_hi",
    "grievance__category__name",
    "grievance__category__name_hi",
    "grievance__area__name",
    "grievance__area__name_hi",
    "closed_by__first_name",
    "closed_by__last_name",
)


def _special_columns() -> list[str]:
    return [
        _("Number"),
        _("Closed at"),
        _("Level"),
        _("Ground"),
        _("Justification"),
        _("Department"),
        _("Complaint type"),
        _("Area"),
        _("Closed by"),
    ]


def _special_source(*, actor: User, filters: dict[str, Any]) -> Source:
    found = quality.special_close_queue(actor=actor)
    hindi = get_language() == "hi"

    def row(v: tuple[Any, ...]) -> list[Cell]:
        (number, closed, level, ground, why, dept, dept_hi, cat, cat_hi) = v[:9]
        (area, area_hi, first, last) = v[9:]
        return [
            number,
            closed,
            level,
            ground,
            why,
            local_name(hindi, dept, dept_hi),
            local_name(hindi, cat, cat_hi),
            local_name(hindi, area, area_hi),
            f"{first} {last}".strip(),
        ]

    return Source(rows=found.values_list(*SPECIAL_FIELDS), row=row)


def _reviewer(user: User) -> bool:
    return user.is_active and user.role == active_profile().special_close_reviewer


SPECIAL_CLOSES = register(
    ExportKind(
        code="special_closes",
        title=gettext_lazy("Special closes awaiting review"),
        filters=NoFilters,
        may_export=_reviewer,
        columns=_special_columns,
        source=_special_source,
    )
)

"""Texts of the messages the workflow queues, each in its recipient's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.grievances.models import Grievance
from nivaran.notifications.models import MessageChannel
from nivaran.notifications.services import Outgoing
from nivaran.profiles.loader import active_profile


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else "-"


def to_citizen(grievance: Grievance, purpose: str, **extra: str) -> Outgoing:
    profile = active_profile()
    with translation.override(grievance.citizen.language or profile.default_language):
        helpline = profile.helpline_hi if translation.get_language() == "hi" else profile.helpline
        texts = {
            "registered": _(
                "Your grievance %(number)s is registered with %(helpline)s. "
                "Keep this number to track it."
            ),
            "atr": _(
                "Action taken on grievance %(number)s: %(summary)s. "
                "You will be called for your feedback, or reply YES %(number)s if satisfied, "
                "NO %(number)s and your reason if not."
            ),
            "interim": _(
                "Grievance %(number)s: %(message)s. Expected to be resolved by %(expected)s."
            ),
            "closed": _("Grievance %(number)s is closed with your consent. Thank you."),
            "closed_unreachable": _(
                "We could not reach you about grievance %(number)s, so it is closed. "
                "If it is not resolved, you may reopen it within %(days)s days."
            ),
            "rejected": _("Grievance %(number)s could not be taken up: %(reason)s"),
            "transferred": _(
                "Grievance %(number)s is sent to the %(department)s department, "
                "which deals with it."
            ),
            "merged": _(
                "Grievance %(number)s is the same complaint as grievance %(into)s, so the two "
                "are joined: follow %(into)s from now on."
            ),
            "absorbed": _(
                "Grievance %(number)s now also covers grievance %(other)s, the same complaint; "
                "it keeps the earlier deadline."
            ),
            "rerouting": _(
                "Grievance %(number)s is being sent to the department that deals with it. "
                "You will be told which."
            ),
        }
        body = texts[purpose] % {"number": grievance.number, "helpline": helpline or "", **extra}
    return Outgoing(
        MessageChannel.SMS, grievance.citizen.mobile, body, f"citizen_{purpose}", grievance.pk
    )


def to_officer(officer: User | None, grievance: Grievance, purpose: str) -> list[Outgoing]:
    if officer is None or not officer.mobile:
        return []
    with translation.override(officer.preferred_language or "en"):
        texts = {
            "assigned": _("New grievance %(number)s assigned to you at L%(level)s, due %(due)s."),
            "reopened": _(
                "Grievance %(number)s is reopened: the citizen is not satisfied. Due %(due)s."
            ),
            "escalated": _("Grievance %(number)s escalated to you at L%(level)s, due %(due)s."),
            "reopened_on_review": _(
                "Grievance %(number)s is reopened on review and is with you again. Due %(due)s."
            ),
            "overdue": _("Grievance %(number)s is overdue at L%(level)s. Act on it today."),
            "atr_for_senior": _(
                "An ATR was submitted on grievance %(number)s at L%(level)s; see it in your inbox."
            ),
            "conflict": _(
                "Grievance %(number)s is in conflict: the citizen disputes the ATR. "
                "Record your clarification by %(due)s."
            ),
            "conflict_clarified": _(
                "Grievance %(number)s is back with you after the secretary's clarification. "
                "Due %(due)s."
            ),
            "transferred": _(
                "Grievance %(number)s was transferred to your department; it is with you at "
                "L%(level)s, due %(due)s."
            ),
            "recalled": _(
                "The ATR on grievance %(number)s was recalled after field validation; "
                "it is with you at L%(level)s, due %(due)s."
            ),
        }
        body = texts[purpose] % {
            "number": grievance.number,
            "level": grievance.level,
            "due": _when(grievance.due_at),
        }
    return [Outgoing(MessageChannel.SMS, officer.mobile, body, f"officer_{purpose}", grievance.pk)]


def emergency_alert(officer: User | None, grievance: Grievance) -> list[Outgoing]:
    """W6: an emergency goes to the department's nodal officer at once, by SMS and WhatsApp."""
    if officer is None or not officer.mobile:
        return []
    with translation.override(officer.preferred_language or "en"):
        body = _(
            "EMERGENCY grievance %(number)s (%(category)s, %(area)s), due %(due)s, "
            "assigned to %(assignee)s. Please ensure redress in time."
        ) % {
            "number": grievance.number,
            "category": grievance.category.name,
            "area": grievance.area.name,
            "due": _when(grievance.due_at),
            "assignee": grievance.assigned_to.get_full_name() if grievance.assigned_to else "-",
        }
    return [
        Outgoing(channel, officer.mobile, body, "nodal_emergency", grievance.pk)
        for channel in (MessageChannel.SMS, MessageChannel.WHATSAPP)
    ]


def digest_to_officer(
    officer: User, *, purpose: str, level: int, numbers: Sequence[str], due: datetime | None
) -> Outgoing:
    """One SMS for many grievances: what a sweep sends each officer it hands work to."""
    shown = ", ".join(numbers[:5]) + ("…" if len(numbers) > 5 else "")
    with translation.override(officer.preferred_language or "en"):
        if purpose == "escalated":
            body = _(
                "%(count)s grievance(s) escalated to you at L%(level)s, due %(due)s: %(numbers)s"
            ) % {"count": len(numbers), "level": level, "due": _when(due), "numbers": shown}
        else:
            body = _("%(count)s grievance(s) overdue at L%(level)s: %(numbers)s") % {
                "count": len(numbers),
                "level": level,
                "numbers": shown,
            }
    return Outgoing(MessageChannel.SMS, officer.mobile, body, f"officer_{purpose}_digest")

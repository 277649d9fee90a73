"""The citizen's SMS reply to an action taken report: "YES <number>" or "NO <number> <reason>".

The ATR SMS asks for this reply (nivaran.grievances.notify, "atr"). The gateway relays it
(nivaran.notifications.inbound); here it is read, checked against the sender's mobile and
taken through the workflow door as the citizen's own feedback, channel "sms". Whatever
happens, the citizen gets a short SMS in their language saying so, or how to reply.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from nivaran.core.errors import DomainError
from nivaran.grievances.models import FeedbackChannel, Grievance, Status
from nivaran.grievances.workflow.intake import detect_language
from nivaran.notifications.models import MessageChannel
from nivaran.notifications.services import Outgoing
from nivaran.portal.services import citizen_feedback_give
from nivaran.profiles.loader import active_profile

YES = frozenset({"YES", "Y", "हाँ", "हां"})
NO = frozenset({"NO", "N", "नहीं", "नही"})
NUMBER = re.compile(r"^[A-Z0-9]{4,20}$")
PUNCTUATION = ".,;:!?।\"'"


@dataclass(frozen=True)
class Reply:
    satisfied: bool
    number: str
    reason: str


@dataclass(frozen=True)
class Handled:
    """What became of one SMS: accepted, or ignored with a reason code."""

    accepted: bool
    reason: str = ""
    grievance: Grievance | None = None
    answer: Outgoing | None = None


def sms_reply_parse(text: str) -> Reply | None:
    """The reply in the SMS, or None when it is not one. Case and spacing do not matter;
    Hindi हाँ / हां and नहीं are read as YES and NO. A NO without a reason has reason ""."""
    words = unicodedata.normalize("NFC", text).split()
    if len(words) < 2:
        return None
    word = words[0].strip(PUNCTUATION).upper()
    if word in YES:
        satisfied = True
    elif word in NO:
        satisfied = False
    else:
        return None
    number = words[1].strip(PUNCTUATION + "#").upper()
    if not NUMBER.match(number):
        return None
    reason = " ".join(words[2:]).strip() if not satisfied else ""
    return Reply(satisfied, number, reason[:2000])


def _language(grievance: Grievance | None, text: str) -> str:
    if grievance is not None and grievance.citizen.language:
        return grievance.citizen.language
    if detect_language(text) == "hi":
        return "hi"
    return active_profile().default_language or "hi"


def _answer(
    mobile: str, language: str, purpose: str, grievance: Grievance | None, number: str = ""
) -> Outgoing:
    with translation.override(language):
        texts = {
            "not_understood": _(
                "We could not read your reply. Send YES and the grievance number if you are "
                "satisfied, or NO, the grievance number and your reason if not."
            ),
            "reason_missing": _(
                "Please tell us why: send NO %(number)s followed by your reason, "
                "e.g. NO %(number)s the road is still broken."
            ),
            "unknown_grievance": _(
                "We found no grievance %(number)s lodged with this mobile number. "
                "Check the number in our SMS and reply again."
            ),
            "not_awaiting": _(
                "Grievance %(number)s is not waiting for your feedback now, "
                "so your reply was not recorded."
            ),
            "conflict": _(
                "Your reply on grievance %(number)s is recorded. As you are not satisfied, "
                "it has gone to the administrative secretary for clarification."
            ),
            "reopened": _(
                "Your reply on grievance %(number)s is recorded. As you are not satisfied, "
                "it is reopened and is with the officer again."
            ),
        }
        body = texts[purpose] % {"number": number}
    return Outgoing(
        MessageChannel.SMS,
        mobile,
        body,
        f"sms_reply_{purpose}",
        grievance.pk if grievance else None,
    )


def sms_reply_handle(*, mobile: str, text: str) -> Handled:
    """Take a citizen's SMS reply. The caller stores the outcome and queues the answer."""
    reply = sms_reply_parse(text)
    if reply is None:
        return Handled(
            False,
            "not_understood",
            answer=_answer(mobile, _language(None, text), "not_understood", None),
        )
    grievance = (
        Grievance.objects.select_related("citizen")
        .filter(number=reply.number, citizen__mobile=mobile)
        .first()
    )
    if grievance is None:  # unknown, or someone else's: the same answer either way
        language = _language(None, text)
        answer = _answer(mobile, language, "unknown_grievance", None, reply.number)
        return Handled(False, "unknown_grievance", answer=answer)
    language = _language(grievance, text)
    if not reply.satisfied and not reply.reason:
        answer = _answer(mobile, language, "reason_missing", grievance, str(grievance.number))
        return Handled(False, "reason_missing", grievance, answer)
    if grievance.status != Status.ATR_SUBMITTED:
        answer = _answer(mobile, language, "not_awaiting", grievance, str(grievance.number))
        return Handled(False, "not_awaiting", grievance, answer)
    try:
        grievance = citizen_feedback_give(
            grievance=grievance,
            mobile=mobile,
            satisfied=reply.satisfied,
            reason=reply.reason,
            channel=FeedbackChannel.SMS,
        )
    except DomainError:
        answer = _answer(mobile, language, "not_awaiting", grievance, str(grievance.number))
        return Handled(False, "not_awaiting", grievance, answer)
    if grievance.status in {Status.CONFLICT, Status.REOPENED}:
        answer = _answer(mobile, language, str(grievance.status), grievance, str(grievance.number))
        return Handled(True, grievance=grievance, answer=answer)
    # Satisfied: the workflow has already queued the "closed with your consent" SMS.
    return Handled(True, grievance=grievance)

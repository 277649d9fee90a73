"""Words the officer pages use for workflow actions, history events and statuses."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.roles import Role
from nivaran.grievances.models import Status

# What a button says: the action the officer takes.
ACTION_LABELS: dict[str, Promise] = {
    "interim_reply": _("Send interim reply"),
    "submit_atr": _("Submit ATR"),
    "record_feedback": _("Record feedback"),
    "clarify_conflict": _("Clarify the conflict"),
    "reject": _("Reject"),
    "special_close": _("Special close"),
    "review_special_close": _("Review the special close"),
    "recall": _("Recall the ATR"),
    "reopen": _("Reopen"),
    "change_type": _("Change the complaint type"),
    "transfer": _("Transfer to another department"),
    "mark_out_of_jurisdiction": _("Mark out of jurisdiction"),
    "merge": _("Merge into another grievance"),
}

# One line under the button: what the action does.
ACTION_HELP: dict[str, Promise] = {
    "interim_reply": _("Tell the citizen what is being done and by when."),
    "submit_atr": _("Action Taken Report: the department has acted on the grievance."),
    "record_feedback": _("The citizen's word on the ATR; only satisfaction closes it."),
    "clarify_conflict": _(
        "The department says resolved, the citizen says not: clarify and send it back."
    ),
    "reject": _("Not a grievance this platform can take up."),
    "special_close": _("Close outside the normal way, with a ground and a written reason."),
    "review_special_close": _("Confirm the special close, or revert it to its level."),
    "recall": _("The ATR falls short of the standard: back to the head of department."),
    "reopen": _("Undo a rejection or special close; it goes back to its level."),
    "change_type": _(
        "Lodged under the wrong type: correct it within the allowed days; the deadline follows."
    ),
    "transfer": _("It belongs to another department: its L1 officer gets it with a new deadline."),
    "mark_out_of_jurisdiction": _(
        "Escalated to you but another department's: send it there, or to the CMO cell."
    ),
    "merge": _(
        "The same complainant's same complaint lodged twice: join it to the other one, "
        "confirmed with an OTP to your mobile."
    ),
}

# What a line of the history says happened.
EVENT_LABELS: dict[str, Promise] = {
    "register": _("Registered"),
    "interim_reply": _("Interim reply sent"),
    "submit_atr": _("ATR submitted"),
    "record_feedback": _("Feedback recorded"),
    "clarify_conflict": _("Conflict clarified"),
    "reject": _("Rejected"),
    "special_close": _("Special closed"),
    "review_special_close": _("Special close reviewed"),
    "recall": _("ATR recalled"),
    "reopen": _("Reopened"),
    "escalate": _("Escalated"),
    "flag_overdue": _("Flagged overdue"),
    "change_type": _("Complaint type changed"),
    "recategorise": _("Moved to another complaint type of the department"),
    "transfer": _("Transferred"),
    "mark_out_of_jurisdiction": _("Marked out of jurisdiction"),
    "share_whatsapp": _("Shared on WhatsApp"),
    "merge": _("Merged into another grievance"),
    "absorb_duplicate": _("A duplicate was merged into this grievance"),
}

# Bootstrap colour of each status badge.
STATUS_COLOURS: dict[str, str] = {
    Status.OPEN: "primary",
    Status.IN_PROGRESS: "info",
    Status.ATR_SUBMITTED: "warning",
    Status.CONFLICT: "danger",
    Status.REOPENED: "danger",
    Status.CLOSED: "success",
    Status.REJECTED: "secondary",
    Status.SPECIAL_CLOSED: "dark",
    Status.OUT_OF_JURISDICTION: "secondary",
    Status.MERGED: "secondary",
}


def _humanise(code: str) -> str:
    return code.replace("_", " ").capitalize()


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, _humanise(action)))


def action_help(action: str) -> str:
    return str(ACTION_HELP.get(action, ""))


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, _humanise(action)))


def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role

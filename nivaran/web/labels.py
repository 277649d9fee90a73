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
    "reject": _("Reject"),
    "special_close": _("Special close"),
    "reopen": _("Reopen"),
}

# One line under the button: what the action does.
ACTION_HELP: dict[str, Promise] = {
    "interim_reply": _("Tell the citizen what is being done and by when."),
    "submit_atr": _("Action Taken Report: the department has acted on the grievance."),
    "record_feedback": _("The citizen's word on the ATR; only satisfaction closes it."),
    "reject": _("Not a grievance this platform can take up."),
    "special_close": _("Close outside the normal way, with a written reason."),
    "reopen": _("Undo a rejection or special close; it goes back to its level."),
}

# What a line of the history says happened.
EVENT_LABELS: dict[str, Promise] = {
    "register": _("Registered"),
    "interim_reply": _("Interim reply sent"),
    "submit_atr": _("ATR submitted"),
    "record_feedback": _("Feedback recorded"),
    "reject": _("Rejected"),
    "special_close": _("Special closed"),
    "reopen": _("Reopened"),
    "escalate": _("Escalated"),
    "flag_overdue": _("Flagged overdue"),
}

# Bootstrap colour of each status badge.
STATUS_COLOURS: dict[str, str] = {
    Status.OPEN: "primary",
    Status.IN_PROGRESS: "info",
    Status.ATR_SUBMITTED: "warning",
    Status.REOPENED: "danger",
    Status.CLOSED: "success",
    Status.REJECTED: "secondary",
    Status.SPECIAL_CLOSED: "dark",
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

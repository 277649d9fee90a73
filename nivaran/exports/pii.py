"""Who sees a citizen's name and mobile in an export, and the masked forms for the rest.

The pages show a citizen's name and mobile on one grievance at a time (the grievance page,
the feedback call, the field visit, the call-centre console). An export is a file of
thousands of them that leaves the platform, so it carries them in full only for the roles
that contact citizens one by one in their work; see docs/exports.md.
"""

from __future__ import annotations

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role

BULLET = "•"
# The roles whose work is to call or visit the citizen of each grievance on their list.
SEES_CITIZEN_CONTACT = frozenset(
    {
        Role.OFFICER,  # the L1-L3 officer resolving it calls the citizen (tel: on the page)
        Role.TELE_CALLER,  # call-centre callbacks
        Role.FEEDBACK_AGENT,  # the feedback call on each ATR
        Role.FIELD_VALIDATION_EXECUTIVE,  # the field visit
    }
)


def sees_citizen_contact(user: User) -> bool:
    return user.is_active and user.role in SEES_CITIZEN_CONTACT


def mobile_masked(mobile: str) -> str:
    """'9812345210' -> '98•••••210': the first two and last three digits, enough to tell
    two callers apart on a list, not enough to call."""
    if len(mobile) <= 5:
        return BULLET * len(mobile)
    return f"{mobile[:2]}{BULLET * (len(mobile) - 5)}{mobile[-3:]}"


def name_masked(name: str) -> str:
    """'Ramesh Kumar' -> 'R••• K•••': each word's first letter, its length hidden."""
    return " ".join(f"{word[0]}{BULLET * 3}" for word in name.split())

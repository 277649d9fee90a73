"""The OTP an officer asks for before merging a duplicate (M5): sent to their own mobile,
only when they may merge that grievance now."""

from __future__ import annotations

from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.core.errors import TransitionNotAllowed
from nivaran.grievances.selectors import grievance_get
from nivaran.grievances.workflow import allowed_actions
from nivaran.otp.models import OtpChallenge, OtpPurpose
from nivaran.otp.services import otp_send_to_self


def merge_otp_send(*, actor: User, number: str, client: str = "") -> OtpChallenge:
    grievance = grievance_get(actor=actor, number=number)  # 404 outside the actor's reach
    if "merge" not in allowed_actions(actor=actor, grievance=grievance):
        raise TransitionNotAllowed(
            _("You cannot merge grievance %(number)s now.") % {"number": number}
        )
    # Bound to this grievance: it confirms a merge of this one and no other.
    return otp_send_to_self(
        actor=actor, purpose=OtpPurpose.MERGE, client=client, context=grievance.number or ""
    )

"""M5: merge a duplicate into the grievance of the same complainant and complaint,
confirmed by an OTP to the officer's own mobile.

The duplicate ends as `merged`, linked to the survivor; the survivor keeps the earlier of
the two deadlines and records the merge in its own history. The pair must be what M5
allows: the same complainant (the same mobile, or the same name in either script or
with a typing slip) and the same complaint (its text), as the duplicate detector judges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.core.errors import InvalidInput, TransitionNotAllowed
from nivaran.duplicates.scoring import grievances_match
from nivaran.grievances import notify
from nivaran.grievances.models import Grievance, GrievanceEvent, Status
from nivaran.grievances.workflow.base import ACTIVE, Change, Context
from nivaran.otp.models import OtpPurpose
from nivaran.otp.services import otp_verify_self

# What a merge may join into: a grievance still with the department.
SURVIVORS = ACTIVE | {Status.ATR_SUBMITTED}


def prepare_merge(actor: User, grievance: Grievance, data: Mapping[str, Any]) -> dict[str, Any]:
    """The officer's OTP, checked (and used up) before the door's transaction, so that a
    wrong one counts towards the lockout even though the merge is refused. The OTP was
    asked for this grievance: one asked for another does not confirm this merge."""
    code = data.get("otp") if isinstance(data, Mapping) else None
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput(
            _("Confirm the merge with the OTP sent to your mobile."),
            fields={"otp": [_("This field is required.")]},
        )
    challenge = otp_verify_self(
        actor=actor, purpose=OtpPurpose.MERGE, code=code.strip(), context=grievance.number or ""
    )
    return {"otp": challenge.pk}


def guard_merge(ctx: Context) -> str | None:
    """the profile allows merging"""
    if not ctx.profile.rules.get("merge_duplicates", True):
        return _("Grievances are not merged in this state")
    return None


def _survivor(ctx: Context) -> Grievance:
    from nivaran.grievances.workflow.door import actor_reaches  # the door imports this table

    g = ctx.grievance
    number = ctx.data["into"].strip()
    # Reach first, on a plain read: no lock is taken on a grievance out of the actor's reach.
    seen = Grievance.objects.filter(number=number).first()
    if seen is None or not actor_reaches(ctx.actor, seen, "jurisdiction"):
        raise InvalidInput(
            _("No grievance %(number)s within your reach.") % {"number": number},
            fields={"into": [_("Not a grievance you can act on.")]},
        )
    try:
        survivor = (
            Grievance.objects.select_for_update(
                nowait=connection.features.has_select_for_update_nowait
            )
            .select_related("citizen", "category")
            .filter(number=number)
            .first()
        )
    except DatabaseError:
        raise TransitionNotAllowed(
            _("Grievance %(number)s is being changed right now; try again.") % {"number": number}
        ) from None
    if survivor is None or not actor_reaches(ctx.actor, survivor, "jurisdiction"):
        raise InvalidInput(
            _("No grievance %(number)s within your reach.") % {"number": number},
            fields={"into": [_("Not a grievance you can act on.")]},
        )
    if survivor.pk == g.pk:
        raise InvalidInput(
            _("A grievance cannot be merged into itself."),
            fields={"into": [_("Name the other grievance.")]},
        )
    if survivor.status not in SURVIVORS:
        raise TransitionNotAllowed(
            _("Grievance %(number)s is %(status)s; merge only into one still being dealt with.")
            % {"number": survivor.number, "status": survivor.get_status_display()}
        )
    if survivor.level < g.level:
        raise TransitionNotAllowed(
            _(
                "Grievance %(number)s is at L%(its)s and this one at L%(ours)s: merge "
                "%(number)s into this one instead, so that neither goes back down a level."
            )
            % {"number": survivor.number, "its": survivor.level, "ours": g.level}
        )
    if survivor.department_id != g.department_id:
        raise TransitionNotAllowed(
            _(
                "Grievance %(number)s is with another department; transfer one of them "
                "first, so that one department answers for both."
            )
            % {"number": survivor.number}
        )
    return survivor


def merge(ctx: Context) -> Change:
    """Join a duplicate into the same complainant's same complaint (M5), confirmed by
    the officer's OTP; the survivor keeps the earlier deadline, both citizens are told."""
    g = ctx.grievance
    if not ctx.proofs.get("otp"):  # the door runs prepare_merge first; nothing else sets it
        raise InvalidInput(_("Confirm the merge with the OTP sent to your mobile."))
    survivor = _survivor(ctx)
    found = grievances_match(g, survivor)
    same_person = {"same_mobile", "name_match"} & set(found.reasons)
    if not same_person or "text_similar" not in found.reasons:
        raise TransitionNotAllowed(
            _(
                "Grievances %(a)s and %(b)s are not the same complainant's same complaint "
                "(found: %(reasons)s); only such grievances are merged."
            )
            % {"a": g.number, "b": survivor.number, "reasons": ", ".join(found.reasons) or "-"}
        )
    earlier = g.due_at is not None and (survivor.due_at is None or g.due_at < survivor.due_at)

    def join(g: Grievance) -> dict[str, Any]:
        Grievance.objects.filter(pk=g.pk).update(merged_into=survivor)
        kept = {"due_at": g.due_at, "is_overdue": False} if earlier else {}
        Grievance.objects.filter(pk=survivor.pk).update(updated_at=ctx.at, **kept)
        GrievanceEvent.objects.create(
            grievance=survivor,
            at=ctx.at,
            **GrievanceEvent.by(ctx.actor),
            action="absorb_duplicate",
            from_status=survivor.status,
            to_status=survivor.status,
            level=survivor.level,
            assigned_to_id=survivor.assigned_to_id,
            due_at=g.due_at if earlier else survivor.due_at,
            note=ctx.data.get("reason", ""),
            data={"merged": g.number, "deadline_from_merged": earlier},
        )
        return {}

    messages = [notify.to_citizen(g, "merged", into=survivor.number or "")]
    if survivor.citizen.mobile != g.citizen.mobile:
        messages.append(notify.to_citizen(survivor, "absorbed", other=g.number or ""))
    return Change(
        closed_at=ctx.at,
        note=ctx.data.get("reason", ""),
        data={
            "into": survivor.number,
            "score": found.score,
            "reasons": list(found.reasons),
            "otp": ctx.proofs["otp"],
            "deadline_kept": "merged" if earlier else "survivor",
        },
        messages=messages,
        writes=[join],
    )

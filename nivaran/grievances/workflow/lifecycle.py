"""The core lifecycle: interim reply, ATR, reject, reopen, and the sweep's escalation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from nivaran.accounts.roles import Role
from nivaran.core.errors import InvalidInput
from nivaran.core.files import CheckedFile, storage_name
from nivaran.grievances import notify
from nivaran.grievances.models import (
    ActionTakenReport,
    AtrDocument,
    FeedbackCall,
    FieldVisit,
    Grievance,
    Status,
)
from nivaran.grievances.workflow.base import TOP_LEVEL, Change, Context, assignment
from nivaran.grievances.workflow.quality_loop import pending_special_close, pick_for_visit
from nivaran.profiles.loader import Profile


def interim_reply(ctx: Context) -> Change:
    """Tell the citizen what is being done and by when."""
    expected = ctx.data.get("expected_by")
    message = ctx.data["message"]
    return Change(
        note=message,
        data={"expected_by": expected.isoformat() if expected else None},
        messages=[
            notify.to_citizen(
                ctx.grievance,
                "interim",
                message=message[:100].rstrip(". "),
                expected=expected.strftime("%d-%m-%Y") if expected else "-",
            )
        ],
    )


def guard_feedback_seen(ctx: Context) -> str | None:
    """H5: every earlier feedback on the grievance acknowledged by the officer"""
    earlier = set(FeedbackCall.objects.filter(grievance=ctx.grievance).values_list("id", flat=True))
    missing = earlier - set(ctx.data.get("acknowledged_feedback", []))
    if missing:
        raise InvalidInput(
            _("Read and acknowledge the citizen's earlier feedback before submitting the ATR."),
            fields={
                "acknowledged_feedback": [
                    _("Not acknowledged: feedback %(ids)s.")
                    % {"ids": ", ".join(str(i) for i in sorted(missing))}
                ]
            },
        )
    return None


def submit_atr(ctx: Context) -> Change:
    """Action Taken Report; to the feedback desk and the officer's senior (H6)."""
    g = ctx.grievance
    summary = ctx.data["summary"]
    senior = None
    if g.level < TOP_LEVEL:
        senior = ctx.resolver.post_for(
            department_id=g.department_id,
            area_path=g.area_path,
            category_id=g.category_id,
            level=g.level + 1,
        )
    acknowledged = sorted(set(ctx.data.get("acknowledged_feedback", [])))
    documents: list[CheckedFile] = ctx.data.get("documents", [])

    def write_atr(g: Grievance) -> dict[str, Any]:
        atr = ActionTakenReport.objects.create(
            grievance=g,
            submitted_at=ctx.at,
            submitted_by=ctx.actor,
            post=g.assigned_post,
            department_id=g.department_id,
            level=g.level,
            senior_post=senior,
            summary=summary,
            resolution_type=ctx.data["resolution_type"],
            reason=ctx.data.get("reason", ""),
            acknowledged_feedback=acknowledged,
            next_call_at=ctx.at,  # H6: straight into the feedback desk's queue
        )
        for checked in documents:
            doc = AtrDocument(
                atr=atr,
                original_name=(checked.upload.name or "")[:200],
                content_type=checked.content_type,
                size=checked.size,
            )
            doc.file.save(storage_name(checked.extension, "atr"), checked.upload, save=False)
            ctx.stored_files.append(doc.file.name or "")
            doc.save()
        # A visit still pending was to check the last claim: it checks this one now.
        FieldVisit.objects.filter(grievance=g, visited_at__isnull=True).update(atr=atr)
        pick_for_visit(ctx, atr.pk, "atr")(g)
        return {"atr": atr.pk}

    messages = [notify.to_citizen(g, "atr", summary=summary[:120].rstrip(". "))]
    if senior is not None:
        messages += notify.to_officer(senior.holder, g, "atr_for_senior")
    return Change(
        note=summary,
        data={
            "resolution_type": ctx.data["resolution_type"],
            "reason": ctx.data.get("reason", ""),
            "documents": len(documents),
            "acknowledged_feedback": acknowledged,
        },
        messages=messages,
        writes=[write_atr],
    )


def reject(ctx: Context) -> Change:
    """Not a grievance this platform can take up."""
    reason = ctx.data["reason"]
    return Change(
        closed_at=ctx.at,
        note=reason,
        messages=[notify.to_citizen(ctx.grievance, "rejected", reason=reason[:120])],
    )


def reopen_until(grievance: Grievance, profile: Profile) -> datetime | None:
    """The end of the profile's window to reopen a closed grievance (None: no closure)."""
    if grievance.closed_at is None:
        return None
    return grievance.closed_at + timedelta(days=int(profile.rules.get("reopen_window_days", 0)))


def guard_reopen(ctx: Context) -> str | None:
    """closed: within the profile's window; rejected or special-closed: the CMO cell only"""
    g = ctx.grievance
    if g.status in {Status.REJECTED, Status.SPECIAL_CLOSED}:
        if ctx.actor.role != Role.CMO_GRIEVANCE_CELL:
            return _(
                "Only the CMO grievance cell may reopen a rejected or special-closed grievance"
            )
        if g.status == Status.SPECIAL_CLOSED and pending_special_close(g):
            return _("This special close awaits review; review it instead")
        return None
    until = reopen_until(g, ctx.profile)
    if until is None or ctx.at > until:
        days = int(ctx.profile.rules.get("reopen_window_days", 0))
        return _(
            "The %(days)s-day window to reopen has passed; lodge a new grievance linked to this one"
        ) % {"days": days}
    return None


def reopen(ctx: Context) -> Change:
    """The citizen reopens within the window; back at its level."""
    post, due = assignment(ctx, ctx.grievance.level)
    return Change(post=post, due_at=due, closed_at=None, note=ctx.data["reason"])


def escalate(ctx: Context) -> Change:
    """The deadline passed: up one level (X1)."""
    level = ctx.grievance.level + 1
    post, due = assignment(ctx, level)
    return Change(
        level=level,
        post=post,
        due_at=due,
        note=f"Deadline at L{level - 1} passed; escalated to L{level}.",
        # Where it came from: no officer may send it back there (M2).
        data={
            "from_post": ctx.grievance.assigned_post_id,
            "from_officer": ctx.grievance.assigned_to_id,
        },
    )


def flag_overdue(ctx: Context) -> Change:
    """The deadline passed at L4: flag it overdue."""
    g = ctx.grievance
    return Change(
        is_overdue=True,
        note="Deadline passed at the last level",
        messages=notify.to_officer(g.assigned_to, g, "overdue"),
    )


def guard_below_top(ctx: Context) -> str | None:
    """below L4"""
    return "Already at the last level" if ctx.grievance.level >= TOP_LEVEL else None


def guard_overdue(ctx: Context) -> str | None:
    """at L4, deadline passed, not yet flagged"""
    g = ctx.grievance
    if g.level < TOP_LEVEL or g.is_overdue:
        return "Only a grievance at the last level, not yet flagged, can be flagged overdue"
    if g.due_at is None or g.due_at > ctx.at:
        return "The deadline has not passed"
    return None


def guard_due(ctx: Context) -> str | None:
    """deadline passed, below L4"""
    due = ctx.grievance.due_at
    if due is None or due > ctx.at:
        return "The deadline has not passed"
    return guard_below_top(ctx)

"""The resolution-quality loop: the citizen's feedback, conflicts, special closes, recalls."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.roles import STATEWIDE_ROLES, Role
from nivaran.core.errors import InvalidInput
from nivaran.grievances import notify
from nivaran.grievances.deadlines import deadlines_for, due_at
from nivaran.grievances.models import (
    ActionTakenReport,
    AtrOutcome,
    FeedbackCall,
    FeedbackChannel,
    FeedbackOutcome,
    FieldVisit,
    Grievance,
    ReviewOutcome,
    SpecialClose,
    VisitPick,
)
from nivaran.grievances.workflow.base import TOP_LEVEL, Change, Context, Write, assignment
from nivaran.org.models import Post

FEEDBACK_RETRY_HOURS = 4  # working hours of the call centre between unreachable attempts
UNREACHABLE_REASON = "citizen_not_traceable"


def _open_atr(g: Grievance, *, lock: bool = False) -> ActionTakenReport | None:
    """The ATR still waiting for the citizen's word (one at most: ATR_SUBMITTED is not a
    source of submit_atr)."""
    qs = ActionTakenReport.objects.filter(grievance=g, outcome=AtrOutcome.AWAITING)
    if lock:
        qs = qs.select_for_update()
    return qs.order_by("-submitted_at", "-id").first()


def _last_atr(g: Grievance) -> ActionTakenReport | None:
    return ActionTakenReport.objects.filter(grievance=g).order_by("-submitted_at", "-id").first()


def pending_special_close(g: Grievance) -> SpecialClose | None:
    return (
        SpecialClose.objects.filter(grievance=g, review=ReviewOutcome.PENDING)
        .order_by("-closed_at", "-id")
        .first()
    )


def sampled(key: str, percent: int) -> bool:
    """A stable pick of `percent` in 100 keys: the same ATR is always in or out of the
    sample, so a pick can be explained afterwards."""
    if percent <= 0:
        return False
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100 < percent


def pick_for_visit(ctx: Context, atr_id: int, what: str) -> Write:
    """W7: a profile-set sample of ATRs and closures is picked for a field visit."""

    def pick(g: Grievance) -> None:
        percent = int(ctx.profile.rules.get("field_validation_sample_percent", 0))
        if not sampled(f"{g.number}:{what}:{atr_id}", percent):
            return
        if FieldVisit.objects.filter(grievance=g, visited_at__isnull=True).exists():
            return
        FieldVisit.objects.create(
            grievance=g,
            atr_id=atr_id,
            department_id=g.department_id,
            area_path=g.area_path,
            picked_at=ctx.at,
            picked_how=VisitPick.SAMPLE,
        )

    return pick


def _secretary_post(ctx: Context) -> Post | None:
    """The department's administrative secretary over the grievance's area (H7);
    failing one, whoever holds its L4 post."""
    g = ctx.grievance
    posts = Post.objects.filter(
        department_id=g.department_id, holder__role=Role.ADMINISTRATIVE_SECRETARY
    ).select_related("area", "holder")
    covering = [p for p in posts if g.area_path.startswith(p.area.path)]
    if covering:  # the nearest one: a district secretary before a state one
        return max(covering, key=lambda p: (len(p.area.path), -p.pk))
    return ctx.resolver.post_for(
        department_id=g.department_id,
        area_path=g.area_path,
        category_id=g.category_id,
        level=TOP_LEVEL,
    )


def guard_atr_awaiting(ctx: Context) -> str | None:
    """an ATR awaits the citizen's word (the one named, if any); not reachable: call due"""
    atr = _open_atr(ctx.grievance)
    if atr is None:
        return _("No ATR is waiting for feedback")
    named = ctx.data.get("atr")
    if named is not None and named != atr.pk:
        return _("ATR %(named)s is no longer waiting for feedback; ATR %(open)s is") % {
            "named": named,
            "open": atr.pk,
        }
    if (
        ctx.data.get("outcome") == FeedbackOutcome.UNREACHABLE
        and atr.next_call_at is not None
        and atr.next_call_at > ctx.at
    ):
        # A second "not reachable" before the next call is due is a double submission,
        # not an attempt: it would use up the citizen's attempts at once.
        return _("The next call to this citizen is due at %(when)s") % {
            "when": timezone.localtime(atr.next_call_at).strftime("%d-%m-%Y %H:%M")
        }
    return None


def record_feedback(ctx: Context) -> Change:
    """The citizen's word on the ATR; only satisfaction closes (U1). Disputed under the
    clarification rule: conflict (H7)."""
    g = ctx.grievance
    atr = _open_atr(g, lock=True)
    assert atr is not None  # the guard has checked
    outcome = ctx.data["outcome"]
    if ctx.actor.role == Role.CITIZEN:  # in their own words: the tracking page or an SMS reply
        channel = ctx.data.get("channel") or FeedbackChannel.PORTAL
        if channel == FeedbackChannel.CALL:
            channel = FeedbackChannel.PORTAL
    else:  # staff record what the citizen said on a call (or an SMS gateway relays it)
        channel = ctx.data.get("channel") or FeedbackChannel.CALL
    reason = ctx.data.get("reason", "")
    call = {
        "outcome": outcome,
        "channel": channel,
        "reason": reason,
        "recording_ref": ctx.data.get("recording_ref", ""),
        "comments": ctx.data.get("comments", ""),
    }
    atr_update: dict[str, Any] = {"next_call_at": None}
    change = Change(note=reason or call["comments"], data={"atr": atr.pk, **call})

    if outcome == FeedbackOutcome.SATISFIED:
        atr_update["outcome"] = AtrOutcome.SATISFIED
        change.outcome = "satisfied"
        change.closed_at = ctx.at
        change.messages = [notify.to_citizen(g, "closed")]
        change.writes.append(pick_for_visit(ctx, atr.pk, "closure"))
    elif outcome == FeedbackOutcome.NOT_SATISFIED:
        if ctx.profile.rules.get("conflict_needs_clarification"):
            # H7: the department says resolved, the citizen says not: a conflict.
            # Unmapped (no secretary, no L4 post): it stays with the ATR's officer, whose
            # inbox shows the conflict, until the mapping is mended (check_levels says so).
            secretary = _secretary_post(ctx)
            deadlines = deadlines_for(
                category=g.category, emergency=g.emergency, profile=ctx.profile
            )
            atr_update["outcome"] = AtrOutcome.CONFLICT
            change.outcome = "conflict"
            change.post = secretary if secretary is not None else g.assigned_post
            change.due_at = due_at(
                deadlines=deadlines, level=TOP_LEVEL, start=ctx.at, calendar=ctx.calendar
            )
        else:
            atr_update["outcome"] = AtrOutcome.NOT_SATISFIED
            change.outcome = "not_satisfied"
            change.post, change.due_at = assignment(ctx, g.level)
    else:
        attempts = atr.feedback_attempts + 1
        atr_update["feedback_attempts"] = attempts
        change.data["attempt"] = attempts
        limit = int(ctx.profile.rules.get("feedback_max_attempts", 3))
        if attempts < limit:
            change.outcome = "unreachable"
            atr_update["next_call_at"] = ctx.profile.call_centre.next_opening(
                ctx.profile.call_centre.add_working_hours(ctx.at, FEEDBACK_RETRY_HOURS)
            )
            change.note = change.note or f"Not reachable (attempt {attempts} of {limit})."
        else:
            atr_update["outcome"] = AtrOutcome.UNREACHABLE
            rule = ctx.profile.rules.get("feedback_unreachable", "close")
            change.closed_at = ctx.at
            change.note = change.note or f"Not reachable after {attempts} attempts."
            if rule == "special_close":
                change.outcome = "unreachable_special_close"
                change.data["reason_code"] = UNREACHABLE_REASON
                change.writes.append(write_special_close(ctx, UNREACHABLE_REASON, change.note))
            else:
                change.outcome = "unreachable_closed"
                change.messages = [
                    notify.to_citizen(
                        g,
                        "closed_unreachable",
                        days=str(ctx.profile.rules.get("reopen_window_days", 0)),
                    )
                ]

    def write_call(g: Grievance) -> dict[str, Any]:
        feedback = FeedbackCall.objects.create(
            grievance=g, atr=atr, at=ctx.at, taken_by=ctx.actor, **call
        )
        ActionTakenReport.objects.filter(pk=atr.pk).update(**atr_update)
        return {"feedback": feedback.pk}

    change.writes.insert(0, write_call)
    return change


def clarify_conflict(ctx: Context) -> Change:
    """The administrative secretary clarifies; back to the designated officer."""
    g = ctx.grievance
    atr = _last_atr(g)
    level = ctx.data.get("send_to_level") or (atr.level if atr else g.level)
    post, due = assignment(ctx, level)
    return Change(
        level=level,
        post=post,
        due_at=due,
        note=ctx.data["clarification"],
        data={"clarification": ctx.data["clarification"], "atr": atr.pk if atr else None},
    )


def write_special_close(ctx: Context, code: str, justification: str) -> Write:
    def write(g: Grievance) -> None:
        SpecialClose.objects.create(
            grievance=g,
            closed_at=ctx.at,
            closed_by=ctx.actor,
            department_id=g.department_id,
            level=g.level,
            reason_code=code,
            justification=justification,
        )

    return write


def special_close(ctx: Context) -> Change:
    """Close outside the normal way, with a ground and a justification (U3)."""
    code, reason = ctx.data["reason_code"], ctx.data["reason"]
    return Change(
        closed_at=ctx.at,
        note=reason,
        data={"reason_code": code},
        writes=[write_special_close(ctx, code, reason)],
    )


def guard_special_close(ctx: Context) -> str | None:
    """actor's level on the grievance is one the profile lets special-close; known reason"""
    g = ctx.grievance
    codes = {r.code for r in ctx.profile.special_close_reasons}
    code = ctx.data.get("reason_code")
    if code and code not in codes:
        raise InvalidInput(
            _("Unknown special-close ground %(code)s.") % {"code": code},
            fields={
                "reason_code": [_("Use one of: %(codes)s") % {"codes": ", ".join(sorted(codes))}]
            },
        )
    if ctx.actor.role in STATEWIDE_ROLES:
        return None
    level = ctx.resolver.level_of(
        user=ctx.actor,
        department_id=g.department_id,
        area_path=g.area_path,
        category_id=g.category_id,
    )
    allowed = sorted(ctx.profile.special_close_levels)
    if level not in ctx.profile.special_close_levels:
        return _("Only officers at levels %(levels)s may special-close this grievance") % {
            "levels": ", ".join(f"L{n}" for n in allowed)
        }
    return None


def guard_review(ctx: Context) -> str | None:
    """the profile's reviewer; a special close awaiting review"""
    reviewer = ctx.profile.special_close_reviewer
    if ctx.actor.role != reviewer:
        return _("Special closes are reviewed by the %(role)s in this state") % {
            "role": Role(reviewer).label
        }
    if pending_special_close(ctx.grievance) is None:
        return _("This special close has already been reviewed")
    return None


def review_special_close(ctx: Context) -> Change:
    """The profile's reviewer confirms a special close or reverts it to its level."""
    g = ctx.grievance
    pending = pending_special_close(g)
    assert pending is not None  # the guard has checked
    decision, note = ctx.data["decision"], ctx.data.get("note", "")
    review = ReviewOutcome.CONFIRMED if decision == "confirm" else ReviewOutcome.REVERTED

    def write(g: Grievance) -> None:
        SpecialClose.objects.filter(pk=pending.pk).update(
            review=review, reviewed_at=ctx.at, reviewed_by=ctx.actor, review_note=note
        )

    change = Change(
        outcome="confirmed" if decision == "confirm" else "reverted",
        note=note,
        data={"decision": decision, "special_close": pending.pk, "level": pending.level},
        writes=[write],
    )
    if decision == "revert":
        change.level = pending.level
        change.post, change.due_at = assignment(ctx, pending.level)
        change.closed_at = None
    return change


def guard_recall(ctx: Context) -> str | None:
    """an ATR on it that is not yet recalled; a visit's finding only on the ATR it checked"""
    atr = _last_atr(ctx.grievance)
    if atr is None or atr.outcome == AtrOutcome.RECALLED:
        return _("There is no ATR to recall")
    visit_id = ctx.data.get("visit")
    if visit_id is not None:
        visit = FieldVisit.objects.filter(pk=visit_id, grievance=ctx.grievance).first()
        if visit is None:
            raise InvalidInput(
                _("No such field visit on this grievance."),
                fields={"visit": [_("Not a visit to this grievance.")]},
            )
        if visit.atr_id != atr.pk:
            return _("The visit checked an earlier ATR; the department has reported again since")
    return None


def recall(ctx: Context) -> Change:
    """An ATR below the standard goes back to the HoD's level (W7)."""
    g = ctx.grievance
    atr = _last_atr(g)
    assert atr is not None  # the guard has checked
    level = ctx.profile.hod_level
    post, due = assignment(ctx, level)

    def write(g: Grievance) -> None:
        ActionTakenReport.objects.filter(pk=atr.pk).update(
            outcome=AtrOutcome.RECALLED, next_call_at=None
        )

    return Change(
        level=level,
        post=post,
        due_at=due,
        closed_at=None,
        note=ctx.data["reasons"],
        data={"atr": atr.pk, "visit": ctx.data.get("visit"), "atr_level": atr.level},
        writes=[write],
    )

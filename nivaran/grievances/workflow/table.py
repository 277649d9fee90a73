"""The grievance lifecycle as a table: state, action, next state, roles, reach, guard."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, STATEWIDE_ROLES, Role
from nivaran.core.calendar import BusinessCalendar
from nivaran.core.errors import InvalidInput
from nivaran.core.files import CheckedFile, storage_name
from nivaran.grievances import inputs, notify
from nivaran.grievances.deadlines import deadlines_for, due_at
from nivaran.grievances.models import (
    ActionTakenReport,
    AtrDocument,
    AtrOutcome,
    FeedbackCall,
    FeedbackChannel,
    FeedbackOutcome,
    FieldVisit,
    Grievance,
    ReviewOutcome,
    SpecialClose,
    Status,
    VisitPick,
)
from nivaran.notifications.services import Outgoing
from nivaran.org.models import Post
from nivaran.org.selectors import LevelResolver
from nivaran.profiles.loader import Profile

ACTIVE = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.REOPENED})
# What waits on an officer: the active states, and a conflict waiting on the secretary.
WAITING = ACTIVE | {Status.CONFLICT}
TOP_LEVEL = 4


class Reach:
    """How an actor must relate to the grievance to take an action."""

    JURISDICTION = "jurisdiction"  # a post of theirs covers its department x area
    STATEWIDE = "statewide"  # staff whose role spans the state
    SYSTEM = "system"  # the platform itself (SLA sweep)
    OWNER = "owner"  # the citizen whose grievance it is (and statewide staff for them)


@dataclass
class Context:
    grievance: Grievance
    actor: User
    data: dict[str, Any]
    at: datetime
    profile: Profile
    calendar: BusinessCalendar
    _resolver: LevelResolver | None = None
    # Files a write stored; removed again if the transaction does not commit.
    stored_files: list[str] = field(default_factory=list)

    @property
    def resolver(self) -> LevelResolver:
        if self._resolver is None:
            self._resolver = LevelResolver(department_id=self.grievance.department_id)
        return self._resolver


KEEP: Any = object()
Write = Callable[[Grievance], dict[str, Any] | None]


@dataclass
class Change:
    outcome: str = "done"
    level: int | None = None
    post: Any = KEEP  # Post | None
    due_at: Any = KEEP  # datetime | None
    is_overdue: bool | None = None
    closed_at: Any = KEEP
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    messages: list[Outgoing] = field(default_factory=list)
    # Rows written beside the grievance in the same transaction; what they return is
    # added to the history event's data.
    writes: list[Write] = field(default_factory=list)


Handler = Callable[[Context], Change]
Guard = Callable[[Context], str | None]  # a reason when the action may not be taken


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    targets: Mapping[str, str | None]  # outcome -> next status (None: unchanged)
    roles: frozenset[str]
    reach: str
    handler: Handler
    inputs: type[serializers.Serializer[Any]]
    guard: Guard | None = None
    description: str = ""


# --- helpers used by handlers -------------------------------------------------


def _assignment(ctx: Context, level: int) -> tuple[Post | None, datetime]:
    g = ctx.grievance
    post = ctx.resolver.post_for(
        department_id=g.department_id,
        area_path=g.area_path,
        category_id=g.category_id,
        level=level,
    )
    deadlines = deadlines_for(category=g.category, emergency=g.emergency, profile=ctx.profile)
    return post, due_at(deadlines=deadlines, level=level, start=ctx.at, calendar=ctx.calendar)


# --- handlers -------------------------------------------------------------------


def _open_atr(g: Grievance, *, lock: bool = False) -> ActionTakenReport | None:
    """The ATR still waiting for the citizen's word (one at most: ATR_SUBMITTED is not a
    source of submit_atr)."""
    qs = ActionTakenReport.objects.filter(grievance=g, outcome=AtrOutcome.AWAITING)
    if lock:
        qs = qs.select_for_update()
    return qs.order_by("-submitted_at", "-id").first()


def _last_atr(g: Grievance) -> ActionTakenReport | None:
    return ActionTakenReport.objects.filter(grievance=g).order_by("-submitted_at", "-id").first()


def _pending_special_close(g: Grievance) -> SpecialClose | None:
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


def _pick_for_visit(ctx: Context, atr_id: int, what: str) -> Write:
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


def _interim_reply(ctx: Context) -> Change:
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


def _guard_feedback_seen(ctx: Context) -> str | None:
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


def _submit_atr(ctx: Context) -> Change:
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
        _pick_for_visit(ctx, atr.pk, "atr")(g)
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


def _guard_atr_awaiting(ctx: Context) -> str | None:
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


def _record_feedback(ctx: Context) -> Change:
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
        change.writes.append(_pick_for_visit(ctx, atr.pk, "closure"))
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
            change.post, change.due_at = _assignment(ctx, g.level)
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
                change.writes.append(_write_special_close(ctx, UNREACHABLE_REASON, change.note))
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


def _clarify_conflict(ctx: Context) -> Change:
    g = ctx.grievance
    atr = _last_atr(g)
    level = ctx.data.get("send_to_level") or (atr.level if atr else g.level)
    post, due = _assignment(ctx, level)
    return Change(
        level=level,
        post=post,
        due_at=due,
        note=ctx.data["clarification"],
        data={"clarification": ctx.data["clarification"], "atr": atr.pk if atr else None},
    )


def _reject(ctx: Context) -> Change:
    reason = ctx.data["reason"]
    return Change(
        closed_at=ctx.at,
        note=reason,
        messages=[notify.to_citizen(ctx.grievance, "rejected", reason=reason[:120])],
    )


def _write_special_close(ctx: Context, code: str, justification: str) -> Write:
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


def _special_close(ctx: Context) -> Change:
    code, reason = ctx.data["reason_code"], ctx.data["reason"]
    return Change(
        closed_at=ctx.at,
        note=reason,
        data={"reason_code": code},
        writes=[_write_special_close(ctx, code, reason)],
    )


def _guard_review(ctx: Context) -> str | None:
    """the profile's reviewer; a special close awaiting review"""
    reviewer = ctx.profile.special_close_reviewer
    if ctx.actor.role != reviewer:
        return _("Special closes are reviewed by the %(role)s in this state") % {
            "role": Role(reviewer).label
        }
    if _pending_special_close(ctx.grievance) is None:
        return _("This special close has already been reviewed")
    return None


def _review_special_close(ctx: Context) -> Change:
    g = ctx.grievance
    pending = _pending_special_close(g)
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
        change.post, change.due_at = _assignment(ctx, pending.level)
        change.closed_at = None
    return change


def _guard_recall(ctx: Context) -> str | None:
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


def _recall(ctx: Context) -> Change:
    g = ctx.grievance
    atr = _last_atr(g)
    assert atr is not None  # the guard has checked
    level = ctx.profile.hod_level
    post, due = _assignment(ctx, level)

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


def reopen_until(grievance: Grievance, profile: Profile) -> datetime | None:
    """The end of the profile's window to reopen a closed grievance (None: no closure)."""
    if grievance.closed_at is None:
        return None
    return grievance.closed_at + timedelta(days=int(profile.rules.get("reopen_window_days", 0)))


def _guard_reopen(ctx: Context) -> str | None:
    """closed: within the profile's window; rejected or special-closed: the CMO cell only"""
    g = ctx.grievance
    if g.status in {Status.REJECTED, Status.SPECIAL_CLOSED}:
        if ctx.actor.role != Role.CMO_GRIEVANCE_CELL:
            return _(
                "Only the CMO grievance cell may reopen a rejected or special-closed grievance"
            )
        if g.status == Status.SPECIAL_CLOSED and _pending_special_close(g):
            return _("This special close awaits review; review it instead")
        return None
    until = reopen_until(g, ctx.profile)
    if until is None or ctx.at > until:
        days = int(ctx.profile.rules.get("reopen_window_days", 0))
        return _(
            "The %(days)s-day window to reopen has passed; lodge a new grievance linked to this one"
        ) % {"days": days}
    return None


def _reopen(ctx: Context) -> Change:
    post, due = _assignment(ctx, ctx.grievance.level)
    return Change(post=post, due_at=due, closed_at=None, note=ctx.data["reason"])


def _escalate(ctx: Context) -> Change:
    level = ctx.grievance.level + 1
    post, due = _assignment(ctx, level)
    return Change(
        level=level,
        post=post,
        due_at=due,
        note=f"Deadline at L{level - 1} passed; escalated to L{level}.",
    )


def _flag_overdue(ctx: Context) -> Change:
    return Change(is_overdue=True, note="Deadline passed at the last level")


# --- guards ---------------------------------------------------------------------


def _guard_special_close(ctx: Context) -> str | None:
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


def _guard_below_top(ctx: Context) -> str | None:
    """below L4"""
    return "Already at the last level" if ctx.grievance.level >= TOP_LEVEL else None


def _guard_overdue(ctx: Context) -> str | None:
    """at L4, deadline passed, not yet flagged"""
    g = ctx.grievance
    if g.level < TOP_LEVEL or g.is_overdue:
        return "Only a grievance at the last level, not yet flagged, can be flagged overdue"
    if g.due_at is None or g.due_at > ctx.at:
        return "The deadline has not passed"
    return None


def _guard_due(ctx: Context) -> str | None:
    """deadline passed, below L4"""
    due = ctx.grievance.due_at
    if due is None or due > ctx.at:
        return "The deadline has not passed"
    return _guard_below_top(ctx)


FEEDBACK_RETRY_HOURS = 4  # working hours of the call centre between unreachable attempts
UNREACHABLE_REASON = "citizen_not_traceable"

OFFICERS = frozenset(POST_ROLES)
FEEDBACK_TAKERS = frozenset({Role.FEEDBACK_AGENT, Role.CMO_GRIEVANCE_CELL, Role.CITIZEN})
CLOSED_STATES = frozenset({Status.CLOSED, Status.REJECTED, Status.SPECIAL_CLOSED})
SYSTEM = frozenset({Role.SYSTEM})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "interim_reply",
        ACTIVE,
        {"done": Status.IN_PROGRESS},
        OFFICERS,
        Reach.JURISDICTION,
        _interim_reply,
        inputs.InterimReplyInput,
        description="Tell the citizen what is being done and by when.",
    ),
    Transition(
        "submit_atr",
        ACTIVE,
        {"done": Status.ATR_SUBMITTED},
        OFFICERS,
        Reach.JURISDICTION,
        _submit_atr,
        inputs.SubmitAtrInput,
        guard=_guard_feedback_seen,
        description="Action Taken Report; to the feedback desk and the officer's senior (H6).",
    ),
    Transition(
        "record_feedback",
        frozenset({Status.ATR_SUBMITTED}),
        {
            "satisfied": Status.CLOSED,
            "not_satisfied": Status.REOPENED,
            "conflict": Status.CONFLICT,
            "unreachable": None,
            "unreachable_closed": Status.CLOSED,
            "unreachable_special_close": Status.SPECIAL_CLOSED,
        },
        FEEDBACK_TAKERS,
        Reach.OWNER,
        _record_feedback,
        inputs.RecordFeedbackInput,
        guard=_guard_atr_awaiting,
        description="The citizen's word on the ATR; only satisfaction closes (U1). "
        "Disputed under the clarification rule: conflict (H7).",
    ),
    Transition(
        "clarify_conflict",
        frozenset({Status.CONFLICT}),
        {"done": Status.REOPENED},
        frozenset({Role.ADMINISTRATIVE_SECRETARY}),
        Reach.JURISDICTION,
        _clarify_conflict,
        inputs.ClarifyConflictInput,
        description="The administrative secretary clarifies; back to the designated officer.",
    ),
    Transition(
        "reject",
        ACTIVE,
        {"done": Status.REJECTED},
        OFFICERS,
        Reach.JURISDICTION,
        _reject,
        inputs.ReasonInput,
        description="Not a grievance this platform can take up.",
    ),
    Transition(
        "special_close",
        ACTIVE,
        {"done": Status.SPECIAL_CLOSED},
        OFFICERS | {Role.CMO_GRIEVANCE_CELL},
        Reach.JURISDICTION,
        _special_close,
        inputs.SpecialCloseInput,
        guard=_guard_special_close,
        description="Close outside the normal way, with a ground and a justification (U3).",
    ),
    Transition(
        "review_special_close",
        frozenset({Status.SPECIAL_CLOSED}),
        {"confirmed": None, "reverted": Status.REOPENED},
        frozenset({Role.CMO_GRIEVANCE_CELL, Role.ADMINISTRATIVE_SECRETARY}),
        Reach.JURISDICTION,
        _review_special_close,
        inputs.ReviewSpecialCloseInput,
        guard=_guard_review,
        description="The profile's reviewer confirms a special close or reverts it to its level.",
    ),
    Transition(
        "recall",
        frozenset({Status.ATR_SUBMITTED, Status.CLOSED}),
        {"done": Status.REOPENED},
        frozenset({Role.FIELD_VALIDATION_EXECUTIVE, Role.CMO_GRIEVANCE_CELL}),
        Reach.JURISDICTION,
        _recall,
        inputs.RecallInput,
        guard=_guard_recall,
        description="An ATR below the standard goes back to the HoD's level (W7).",
    ),
    Transition(
        "reopen",
        CLOSED_STATES,
        {"done": Status.REOPENED},
        frozenset({Role.CITIZEN, Role.TELE_CALLER, Role.CMO_GRIEVANCE_CELL}),
        Reach.OWNER,
        _reopen,
        inputs.ReasonInput,
        guard=_guard_reopen,
        description="The citizen reopens within the window; back at its level.",
    ),
    Transition(
        "escalate",
        ACTIVE,
        {"done": None},
        SYSTEM,
        Reach.SYSTEM,
        _escalate,
        inputs.NoInput,
        guard=_guard_due,
        description="The deadline passed: up one level (X1).",
    ),
    Transition(
        "flag_overdue",
        ACTIVE,
        {"done": None},
        SYSTEM,
        Reach.SYSTEM,
        _flag_overdue,
        inputs.NoInput,
        guard=_guard_overdue,
        description="The deadline passed at L4: flag it overdue.",
    ),
)
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
STATES: tuple[str, ...] = tuple(Status.values)
TERMINAL = frozenset(s for s in STATES if not any(s in t.sources for t in TRANSITIONS))

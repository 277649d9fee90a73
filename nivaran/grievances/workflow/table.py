"""The grievance lifecycle as a table: state, action, next state, roles, reach, guard."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rest_framework import serializers

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, STATEWIDE_ROLES, Role
from nivaran.core.calendar import BusinessCalendar
from nivaran.core.errors import InvalidInput
from nivaran.grievances import inputs, notify
from nivaran.grievances.deadlines import deadlines_for, due_at
from nivaran.grievances.models import Grievance, Status
from nivaran.notifications.services import Outgoing
from nivaran.org.models import Post
from nivaran.org.selectors import LevelResolver
from nivaran.profiles.loader import Profile

ACTIVE = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.REOPENED})
TOP_LEVEL = 4


class Reach:
    """How an actor must relate to the grievance to take an action."""

    JURISDICTION = "jurisdiction"  # a post of theirs covers its department x area
    STATEWIDE = "statewide"  # staff whose role spans the state
    SYSTEM = "system"  # the platform itself (SLA sweep)


@dataclass
class Context:
    grievance: Grievance
    actor: User
    data: dict[str, Any]
    at: datetime
    profile: Profile
    calendar: BusinessCalendar
    _resolver: LevelResolver | None = None

    @property
    def resolver(self) -> LevelResolver:
        if self._resolver is None:
            self._resolver = LevelResolver(department_id=self.grievance.department_id)
        return self._resolver


KEEP: Any = object()


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


def _interim_reply(ctx: Context) -> Change:
    expected = ctx.data.get("expected_by")
    return Change(
        note=ctx.data["message"],
        data={"expected_by": expected.isoformat() if expected else None},
    )


def _submit_atr(ctx: Context) -> Change:
    summary = ctx.data["summary"]
    return Change(
        note=summary,
        data={"resolution_type": ctx.data["resolution_type"]},
        messages=[notify.to_citizen(ctx.grievance, "atr", summary=summary[:120].rstrip(". "))],
    )


def _record_feedback(ctx: Context) -> Change:
    g = ctx.grievance
    remarks = ctx.data.get("remarks", "")
    if ctx.data["satisfied"]:
        return Change(
            outcome="satisfied",
            closed_at=ctx.at,
            note=remarks,
            data={"satisfied": True},
            messages=[notify.to_citizen(g, "closed")],
        )
    post, due = _assignment(ctx, g.level)
    return Change(
        outcome="not_satisfied", post=post, due_at=due, note=remarks, data={"satisfied": False}
    )


def _reject(ctx: Context) -> Change:
    reason = ctx.data["reason"]
    return Change(
        closed_at=ctx.at,
        note=reason,
        messages=[notify.to_citizen(ctx.grievance, "rejected", reason=reason[:120])],
    )


def _special_close(ctx: Context) -> Change:
    return Change(
        closed_at=ctx.at,
        note=ctx.data["reason"],
        data={"reason_code": ctx.data.get("reason_code", "")},
    )


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
            f"Unknown special-close reason {code!r}.",
            fields={"reason_code": [f"Use one of: {', '.join(sorted(codes))}"]},
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
        return f"Only officers at levels {allowed} may special-close this grievance"
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


OFFICERS = frozenset(POST_ROLES)
FEEDBACK_TAKERS = frozenset({Role.FEEDBACK_AGENT, Role.CMO_GRIEVANCE_CELL})
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
        description="Action Taken Report: the department says it has acted.",
    ),
    Transition(
        "record_feedback",
        frozenset({Status.ATR_SUBMITTED}),
        {"satisfied": Status.CLOSED, "not_satisfied": Status.REOPENED},
        FEEDBACK_TAKERS,
        Reach.STATEWIDE,
        _record_feedback,
        inputs.RecordFeedbackInput,
        description="The citizen's word on the ATR; only satisfaction closes (U1).",
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
        description="Close outside the normal way, with a reason (U3).",
    ),
    Transition(
        "reopen",
        frozenset({Status.REJECTED, Status.SPECIAL_CLOSED}),
        {"done": Status.REOPENED},
        frozenset({Role.CMO_GRIEVANCE_CELL}),
        Reach.STATEWIDE,
        _reopen,
        inputs.ReasonInput,
        description="Undo a rejection or special close; back at its level.",
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

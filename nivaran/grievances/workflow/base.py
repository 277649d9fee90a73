"""What the table is made of: a transition, the context a handler gets, the change it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rest_framework import serializers

from nivaran.accounts.models import User
from nivaran.core.calendar import BusinessCalendar
from nivaran.grievances.deadlines import deadlines_for, due_at
from nivaran.grievances.models import Grievance, Status
from nivaran.notifications.services import Outgoing
from nivaran.org.models import Post
from nivaran.org.selectors import LevelResolver
from nivaran.profiles.loader import Profile

ACTIVE = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.REOPENED})
# What waits on an officer: the active states, and a conflict waiting on the secretary.
WAITING = ACTIVE | {Status.CONFLICT}
# Still pending: waiting on an officer, on the secretary (conflict) or on the citizen's word
# about the ATR. What a split or merge of its complaint type moves (`recategorise`).
PENDING = WAITING | {Status.ATR_SUBMITTED}
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
    # What the transition's `prepare` proved before the transaction (the merge's OTP):
    # set by the door only, never from a request's data.
    proofs: dict[str, Any] = field(default_factory=dict)

    @property
    def resolver(self) -> LevelResolver:
        if self._resolver is None:
            self._resolver = LevelResolver(department_id=self.grievance.department_id)
            category = self.grievance._state.fields_cache.get("category")
            if category is not None:  # loaded (with its parent, from master data): no walk
                self._resolver.knows(category)
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
    category: Any = KEEP  # Category: a new complaint type (change_type, transfer)
    department: Any = KEEP  # Department: routed to another department
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    messages: list[Outgoing] = field(default_factory=list)
    # Rows written beside the grievance in the same transaction; what they return is
    # added to the history event's data.
    writes: list[Write] = field(default_factory=list)


Handler = Callable[[Context], Change]
# Runs before the door's transaction, with the actor, the grievance and the raw input: a
# check whose effect must stay even when the action is refused (a wrong OTP counts).
# Returns proofs.
Prepare = Callable[[User, Grievance, Mapping[str, Any]], dict[str, Any]]
Guard = Callable[[Context], str | None]  # a reason when the action may not be taken


@dataclass(frozen=True)
class Transition:
    """One row of the table. What the action does is its handler; what it is for, the
    handler's docstring (shown in the API's description and in docs/)."""

    action: str
    sources: frozenset[str]
    targets: Mapping[str, str | None]  # outcome -> next status (None: unchanged)
    roles: frozenset[str]
    reach: str
    handler: Handler
    inputs: type[serializers.Serializer[Any]]
    guard: Guard | None = None
    # The SMS purpose (notify.to_officer) for the officer the action assigns it to.
    tells_officer: str = "reopened"
    # False: taken only by its own service (the WhatsApp share), so neither the pages'
    # buttons nor the API's action paths offer it.
    offered: bool = True
    prepare: Prepare | None = None

    @property
    def description(self) -> str:
        return " ".join((self.handler.__doc__ or "").split())


def assignment(ctx: Context, level: int) -> tuple[Post | None, datetime]:
    """The post at `level` for the grievance and a fresh deadline for that level from now."""
    g = ctx.grievance
    post = ctx.resolver.post_for(
        department_id=g.department_id,
        area_path=g.area_path,
        category_id=g.category_id,
        level=level,
    )
    deadlines = deadlines_for(category=g.category, emergency=g.emergency, profile=ctx.profile)
    return post, due_at(deadlines=deadlines, level=level, start=ctx.at, calendar=ctx.calendar)

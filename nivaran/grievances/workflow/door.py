"""The one door: every change of a grievance's state goes through `grievance_act`.

It locks the row, checks the table and the actor, runs the action's handler,
writes the new state and an append-only history event, and queues the
notifications, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, STATEWIDE_ROLES, Role
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from nivaran.grievances import notify
from nivaran.grievances.deadlines import business_calendar
from nivaran.grievances.models import Grievance, GrievanceEvent, Status
from nivaran.grievances.workflow.base import ACTIVE, KEEP, Change, Context, Reach, Transition
from nivaran.grievances.workflow.table import BY_ACTION, TRANSITIONS
from nivaran.notifications.services import messages_queue
from nivaran.notifications.webhooks import webhooks_queue
from nivaran.org.selectors import (
    Jurisdiction,
    field_paths,
    jurisdiction_covers,
    user_jurisdictions,
)
from nivaran.profiles.loader import active_profile

# --- who may act ------------------------------------------------------------------


def actor_reaches(
    actor: User,
    grievance: Grievance,
    reach: str,
    jurisdictions: list[Jurisdiction] | None = None,
) -> bool:
    if actor.role == Role.SYSTEM:
        return True
    if reach == Reach.SYSTEM:
        return False
    if actor.role in STATEWIDE_ROLES:
        return True
    if actor.role == Role.CITIZEN:
        return reach == Reach.OWNER and _owns(actor, grievance)
    if reach in {Reach.STATEWIDE, Reach.OWNER}:
        return False
    if actor.role in POST_ROLES:
        return jurisdiction_covers(
            user_jurisdictions(user=actor) if jurisdictions is None else jurisdictions,
            department_id=grievance.department_id,
            area_path=grievance.area_path,
        )
    if actor.role == Role.FIELD_VALIDATION_EXECUTIVE:
        return any(grievance.area_path.startswith(path) for path in field_paths(actor))
    return False


def _owns(actor: User, grievance: Grievance) -> bool:
    """The citizen who lodged it: by their account, or by the mobile they proved."""
    citizen = grievance.citizen
    if citizen.user_id is not None:
        return citizen.user_id == actor.pk
    return bool(actor.mobile) and actor.mobile == citizen.mobile


def _may(
    actor: User,
    grievance: Grievance,
    t: Transition,
    jurisdictions: list[Jurisdiction] | None = None,
) -> bool:
    # The system actor cannot sign in (inactive) but acts for the platform.
    active = actor.is_active or actor.role == Role.SYSTEM
    return (
        active and actor.role in t.roles and actor_reaches(actor, grievance, t.reach, jurisdictions)
    )


def allowed_actions(
    *, actor: User, grievance: Grievance, jurisdictions: list[Jurisdiction] | None = None
) -> list[str]:
    """What the actor may do now: the buttons a page shows, `allowed_actions` in the API.

    Guards are asked too, with no input yet; a guard that can only judge the input
    (an unknown reason code, say) leaves the action offered. `jurisdictions`: the actor's,
    when the caller has read them already.
    """
    if jurisdictions is None:
        jurisdictions = user_jurisdictions(user=actor) if actor.role in POST_ROLES else []
    profile = active_profile()
    ctx = Context(grievance, actor, {}, timezone.now(), profile, profile.calendar)
    allowed = []
    for t in TRANSITIONS:
        if grievance.status not in t.sources or t.reach == Reach.SYSTEM or not t.offered:
            continue
        if not _may(actor, grievance, t, jurisdictions):
            continue
        if t.guard is not None:
            try:
                if t.guard(ctx):
                    continue
            except InvalidInput:
                pass
        allowed.append(t.action)
    return allowed


# --- the door ---------------------------------------------------------------------


def _validated(t: Transition, data: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(data, Mapping):  # the API's parser refuses these; any other caller too
        raise InvalidInput(f"The input for {t.action} must be an object.")
    # A multipart body (QueryDict) is passed as it is, so list fields read every value.
    serializer = t.inputs(data=data if hasattr(data, "getlist") else dict(data))
    if not serializer.is_valid():
        raise InvalidInput(f"Invalid input for {t.action}.", fields=serializer.errors)
    return dict(serializer.validated_data)


def _apply(ctx: Context, t: Transition, change: Change) -> Grievance:
    g = ctx.grievance
    from_status = g.status
    target = t.targets[change.outcome]
    if target is not None:
        g.status = target
    if change.level is not None:
        g.level = change.level
    if change.post is not KEEP:
        g.assigned_post = change.post
        g.assigned_to = change.post.holder if change.post else None
    if change.due_at is not KEEP:
        g.due_at = change.due_at
        g.is_overdue = False
    if change.is_overdue is not None:
        g.is_overdue = change.is_overdue
    if change.closed_at is not KEEP:
        g.closed_at = change.closed_at
    if change.category is not KEEP:
        g.category = change.category
    if change.department is not KEEP:
        g.department = change.department
    g.updated_at = ctx.at
    g.save()
    data = dict(change.data)
    for write in change.writes:
        data.update(write(g) or {})
    GrievanceEvent.objects.create(
        grievance=g,
        at=ctx.at,
        **GrievanceEvent.by(ctx.actor),
        action=t.action,
        from_status=from_status,
        to_status=g.status,
        level=g.level,
        assigned_to=g.assigned_to,
        due_at=g.due_at,
        note=change.note,
        data=data,
    )
    messages = list(change.messages)
    if change.post is not KEEP and g.status == Status.CONFLICT:
        messages += notify.to_officer(g.assigned_to, g, "conflict")  # with its new deadline
    elif change.post is not KEEP and g.status in ACTIVE:
        messages += notify.to_officer(g.assigned_to, g, t.tells_officer)
    messages_queue(messages=messages, at=ctx.at)
    if g.status != from_status:  # pushed to the grievance's subscribers (partner webhooks)
        webhooks_queue(grievance=g, action=t.action, previous_status=from_status, at=ctx.at)
    return g


def grievance_act(
    *,
    grievance_id: int,
    actor: User,
    action: str,
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Grievance:
    """Take `action` on a grievance as `actor`: the only way a grievance changes state."""
    t = BY_ACTION.get(action)
    if t is None:
        raise NotFound(f"There is no action {action!r}.", code="unknown_action")
    at = at or timezone.now()
    stored_files: list[str] = []
    # Outside the transaction, so that what it records (a wrong OTP) is kept.
    proofs: dict[str, Any] = {}
    if t.prepare is not None and actor.role in t.roles:
        # The refusals that need no lock come first, so that a one-time proof (an OTP)
        # is not used up on an action that could not be taken anyway.
        proofs = t.prepare(actor, _refusal(grievance_id, actor, t), data or {})
    try:
        return _act(grievance_id, actor, t, data, at, stored_files, proofs)
    except BaseException:
        for name in stored_files:  # the rows that named them are rolled back
            default_storage.delete(name)
        raise


def _refusal(grievance_id: int, actor: User, t: Transition) -> Grievance:
    """The grievance, read without a lock, once the refusals that need none have passed."""
    grievance = Grievance.objects.select_related("citizen").filter(pk=grievance_id).first()
    if grievance is None:
        raise NotFound("No such grievance.")
    _check(actor, grievance, t)
    return grievance


def _check(actor: User, grievance: Grievance, t: Transition) -> None:
    action = t.action
    if actor.role == Role.CITIZEN and not _owns(actor, grievance):
        # As if there were none, in the API's words: see selectors.grievance_get.
        raise NotFound(f"No grievance {grievance.number}.")
    if not _may(actor, grievance, t):
        raise PermissionDenied(
            f"Your role or jurisdiction does not allow {action} on {grievance.number}."
        )
    if grievance.status not in t.sources:
        raise TransitionNotAllowed(
            f"{action} is not allowed while the grievance is {grievance.status}."
        )


def _act(
    grievance_id: int,
    actor: User,
    t: Transition,
    data: Mapping[str, Any] | None,
    at: datetime,
    stored_files: list[str],
    proofs: dict[str, Any],
) -> Grievance:
    with transaction.atomic():
        try:
            grievance = (
                Grievance.objects.select_for_update()
                .select_related("category", "citizen")
                .get(pk=grievance_id)
            )
        except Grievance.DoesNotExist:
            raise NotFound("No such grievance.") from None
        _check(actor, grievance, t)
        profile = active_profile()
        ctx = Context(
            grievance,
            actor,
            _validated(t, data or {}),
            at,
            profile,
            business_calendar(profile),
            stored_files=stored_files,
            proofs=proofs,
        )
        if t.guard and (reason := t.guard(ctx)):
            raise TransitionNotAllowed(reason)
        return _apply(ctx, t, t.handler(ctx))

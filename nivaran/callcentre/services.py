"""Writes of the call centre: IVRS keys, reported calls, and callback attempts (W2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.callcentre.models import (
    REACHED_OUTCOMES,
    UNREACHABLE_OUTCOMES,
    Callback,
    CallbackAttempt,
    CallbackStatus,
    IvrsCall,
    IvrsSystem,
    Outcome,
)
from nivaran.callcentre.selectors import callbacks_of
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from nivaran.core.keys import api_key_hash, api_key_new
from nivaran.grievances.models import Channel, Grievance
from nivaran.grievances.workflow import grievance_register
from nivaran.profiles.loader import active_profile

# Who rings callers back; the CMO cell only watches the queue.
CALLBACK_AGENTS = frozenset({Role.TELE_CALLER})
RETRY_WORKING_HOURS = 2.0
MOBILE = re.compile(r"^[6-9]\d{9}$")


def ivrs_key_issue(*, name: str) -> tuple[IvrsSystem, str]:
    """Create the IVRS system or rotate its key; returns the raw key, shown only once."""
    if not name.strip():
        raise InvalidInput(_("Give the IVRS system's name."), fields={"name": [_("Required.")]})
    key, hashed = api_key_new()
    with transaction.atomic():
        system, _created = IvrsSystem.objects.update_or_create(
            name=name.strip(), defaults={"key_hash": hashed, "is_active": True}
        )
        ivrs_system_user(system=system)
    return system, key


def ivrs_system_user(*, system: IvrsSystem) -> User:
    """The system's service user, the actor of its attempts and registrations (role
    system, no password, inactive: it cannot sign in). Made once, under the row's lock."""
    if system.user_id is not None:
        assert system.user is not None
        return system.user
    with transaction.atomic():
        locked = (
            IvrsSystem.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=system.pk)
        )
        if locked.user is None:
            user = User(
                username=f"ivrs:{slugify(locked.name) or api_key_hash(locked.name)[:12]}"[:150],
                role=Role.SYSTEM,
                is_active=False,
                first_name=locked.name[:150],
            )
            user.set_unusable_password()
            user.save()
            locked.user = user
            locked.save(update_fields=["user"])
    system.user = locked.user
    return locked.user


def ivrs_call_receive(
    *, system: IvrsSystem, call_id: str, caller: str, called_at: datetime, recording_ref: str = ""
) -> IvrsCall:
    """Record a call the IVRS took. Out of call-centre hours it queues (or joins) the
    caller's callback; within hours it was a live call and queues nothing. A call_id
    seen before returns the call as first recorded."""
    if existing := IvrsCall.objects.filter(system=system, call_id=call_id).first():
        return existing
    calendar = active_profile().call_centre
    try:
        with transaction.atomic():
            if calendar.is_open(called_at):
                return IvrsCall.objects.create(
                    system=system,
                    call_id=call_id,
                    caller=caller,
                    called_at=called_at,
                    recording_ref=recording_ref,
                    result=IvrsCall.Result.LIVE,
                )
            callback = (
                Callback.objects.select_for_update()
                .filter(caller=caller, status=CallbackStatus.PENDING)
                .first()
            )
            if callback is None:
                callback = Callback.objects.create(
                    caller=caller,
                    called_at=called_at,
                    last_called_at=called_at,
                    recording_ref=recording_ref,
                    next_attempt_at=calendar.next_opening(called_at),
                )
                result = IvrsCall.Result.QUEUED
            else:
                callback.missed_calls += 1
                callback.last_called_at = max(callback.last_called_at, called_at)
                if called_at < callback.called_at:
                    callback.called_at = called_at
                if recording_ref and not callback.recording_ref:
                    callback.recording_ref = recording_ref
                callback.save(
                    update_fields=["missed_calls", "last_called_at", "called_at", "recording_ref"]
                )
                result = IvrsCall.Result.ATTACHED
            return IvrsCall.objects.create(
                system=system,
                call_id=call_id,
                caller=caller,
                called_at=called_at,
                recording_ref=recording_ref,
                result=result,
                callback=callback,
            )
    except IntegrityError:
        # A concurrent report of the same call, or of the same caller, won the race.
        if existing := IvrsCall.objects.filter(system=system, call_id=call_id).first():
            return existing
        return ivrs_call_receive(
            system=system,
            call_id=call_id,
            caller=caller,
            called_at=called_at,
            recording_ref=recording_ref,
        )


@dataclass(frozen=True)
class Registration:
    """The grievance the caller lodged when reached (outcome reached_registered)."""

    citizen_name: str
    mobile: str
    category_code: str
    area_code: str
    description: str
    emergency: bool = False
    kind: str | None = None


def callback_retry_at(*, at: datetime, wanted: datetime | None = None) -> datetime:
    """When to try again: `wanted`, or two working hours on; never outside call-centre hours."""
    calendar = active_profile().call_centre
    if wanted is None:
        wanted = calendar.add_working_hours(at, RETRY_WORKING_HOURS)
    elif wanted <= at:
        raise InvalidInput(
            _("The next attempt must be later than now."),
            fields={"next_attempt_at": [_("Choose a later time.")]},
        )
    return calendar.next_opening(wanted)


def callback_attempt_record(
    *,
    callback_id: int,
    actor: User,
    outcome: str,
    notes: str = "",
    next_attempt_at: datetime | None = None,
    registration: Registration | None = None,
    at: datetime | None = None,
    system: IvrsSystem | None = None,
    number: int | None = None,
) -> CallbackAttempt:
    """Log one call to the caller, and register their grievance in the same transaction
    when the outcome is reached_registered. The callback row is locked while worked.

    `system`: a dialer acting with its IVRS key; the actor is then its service user and
    only the callbacks its calls queued or joined are found. `number`: the attempt's
    number as the caller counts them (1 for the first); a retry of the last attempt
    returns it and records nothing, any other number is refused as stale."""
    _agent_check(actor=actor, system=system)
    if outcome not in Outcome.values:
        raise InvalidInput(_("Unknown outcome."), fields={"outcome": [", ".join(Outcome.values)]})
    if outcome == Outcome.REACHED_REGISTERED and registration is None:
        raise InvalidInput(
            _("Give the grievance to register."),
            fields={"registration": [_("Required for this outcome.")]},
        )
    at = at or timezone.now()
    with transaction.atomic():
        callback = _locked_callback(callback_id=callback_id, system=system)
        if number is not None and (replay := _replayed(callback, number, outcome)):
            return replay
        if callback.status != CallbackStatus.PENDING:
            raise TransitionNotAllowed(
                _("This callback is closed (%(status)s); no more attempts are taken.")
                % {"status": callback.get_status_display()}
            )
        if number is not None and number != callback.attempts + 1:
            raise TransitionNotAllowed(
                _("Attempt %(number)s is not the next one: %(done)s attempts are recorded.")
                % {"number": number, "done": callback.attempts},
                code="stale_attempt",
            )
        grievance = None
        if outcome == Outcome.REACHED_REGISTERED:
            assert registration is not None
            grievance, _created = grievance_register(
                actor=actor,
                citizen_name=registration.citizen_name,
                mobile=registration.mobile,
                category_code=registration.category_code,
                area_code=registration.area_code,
                description=registration.description,
                emergency=registration.emergency,
                kind=registration.kind or None,
                channel=Channel.IVRS,
                source="IVRS callback",
                intake_key=f"callcentre:callback:{callback.pk}",
                at=at,
            )
        retry_at = None
        callback.attempts += 1
        if outcome in UNREACHABLE_OUTCOMES:
            unreachable = 1 + callback.attempt_log.filter(outcome__in=UNREACHABLE_OUTCOMES).count()
            if unreachable >= int(active_profile().rule("callback_max_attempts")):
                callback.status = CallbackStatus.UNREACHABLE
            else:
                retry_at = callback_retry_at(at=at, wanted=next_attempt_at)
        elif outcome in REACHED_OUTCOMES:
            callback.status = CallbackStatus.REACHED
        else:
            callback.status = CallbackStatus.WRONG_NUMBER
        callback.next_attempt_at = retry_at
        if callback.status != CallbackStatus.PENDING:
            callback.closed_at = at
        if grievance is not None:
            callback.grievance = grievance
        callback.save(
            update_fields=["attempts", "status", "next_attempt_at", "closed_at", "grievance"]
        )
        return CallbackAttempt.objects.create(
            callback=callback,
            at=at,
            agent=actor,
            outcome=outcome,
            notes=notes.strip(),
            next_attempt_at=retry_at,
            grievance=grievance,
        )


def _agent_check(*, actor: User, system: IvrsSystem | None) -> None:
    if system is None:
        if actor.role not in CALLBACK_AGENTS:
            raise PermissionDenied(_("Only tele-callers ring callers back."))
    elif not system.is_active or system.user_id is None or actor.pk != system.user_id:
        raise PermissionDenied(_("Only the IVRS system itself acts with its key."))


def _locked_callback(*, callback_id: int, system: IvrsSystem | None) -> Callback:
    qs = Callback.objects.all() if system is None else callbacks_of(system=system)
    callback = qs.select_for_update().filter(pk=callback_id).first()
    if callback is None:
        raise NotFound(_("No callback %(id)s.") % {"id": callback_id})
    return callback


def _replayed(callback: Callback, number: int, outcome: str) -> CallbackAttempt | None:
    """The attempt `number` when it is already recorded with the same outcome (a retry)."""
    if number != callback.attempts or number < 1:
        return None
    last = callback.attempt_log.order_by("-at", "-pk").first()
    if last is None or last.outcome != outcome:
        return None
    return last


def callback_register(
    *,
    callback_id: int,
    actor: User,
    registration: Registration,
    notes: str = "",
    system: IvrsSystem | None = None,
    at: datetime | None = None,
) -> tuple[Callback, Grievance, bool]:
    """The caller was reached and lodged a grievance: one attempt, reached_registered,
    through `callback_attempt_record`. Registering a callback that already has its
    grievance returns that grievance and records nothing (created is False)."""
    _agent_check(actor=actor, system=system)
    with transaction.atomic():
        callback = _locked_callback(callback_id=callback_id, system=system)
        if callback.status == CallbackStatus.REACHED and callback.grievance is not None:
            return callback, callback.grievance, False
        attempt = callback_attempt_record(
            callback_id=callback.pk,
            actor=actor,
            outcome=Outcome.REACHED_REGISTERED,
            notes=notes,
            registration=registration,
            at=at,
            system=system,
        )
        assert attempt.grievance is not None
        return attempt.callback, attempt.grievance, True

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nivaran.callcentre.models import Callback
from nivaran.callcentre.services import (
    Registration,
    callback_attempt_record,
    ivrs_call_receive,
    ivrs_key_issue,
)
from nivaran.core.errors import PermissionDenied, TransitionNotAllowed

IST = ZoneInfo("Asia/Kolkata")
SUNDAY_11 = datetime(2026, 11, 15, 11, 0, tzinfo=IST)
MONDAY_17 = datetime(2026, 11, 16, 17, 0, tzinfo=IST)


@pytest.fixture
def callback(world) -> Callback:
    system, _key = ivrs_key_issue(name="ivrs")
    call = ivrs_call_receive(system=system, call_id="c1", caller="9876543210", called_at=SUNDAY_11)
    assert call.callback is not None
    return call.callback


def test_an_unanswered_call_is_retried_two_working_hours_on(world, callback):
    attempt = callback_attempt_record(
        callback_id=callback.pk, actor=world["telecaller"], outcome="no_answer", at=MONDAY_17
    )
    callback.refresh_from_db()
    # 17:00 + 2 working hours: one hour on Monday, one on Tuesday (the 17th) from 09:00.
    assert attempt.next_attempt_at == callback.next_attempt_at
    assert callback.next_attempt_at == datetime(2026, 11, 17, 10, 0, tzinfo=IST)
    assert (callback.status, callback.attempts) == ("pending", 1)


def test_a_retry_never_falls_outside_hours(world, callback):
    callback_attempt_record(
        callback_id=callback.pk,
        actor=world["telecaller"],
        outcome="busy",
        next_attempt_at=datetime(2026, 11, 16, 21, 0, tzinfo=IST),
        at=MONDAY_17,
    )
    callback.refresh_from_db()
    assert callback.next_attempt_at == datetime(2026, 11, 17, 9, 0, tzinfo=IST)


def test_three_unreachable_attempts_close_it_as_unreachable(world, callback):
    for outcome in ("no_answer", "busy", "switched_off"):
        callback_attempt_record(
            callback_id=callback.pk, actor=world["telecaller"], outcome=outcome, at=MONDAY_17
        )
    callback.refresh_from_db()
    assert (callback.status, callback.attempts, callback.next_attempt_at) == (
        "unreachable",
        3,
        None,
    )
    with pytest.raises(TransitionNotAllowed):
        callback_attempt_record(
            callback_id=callback.pk, actor=world["telecaller"], outcome="no_answer"
        )


def test_reached_registered_registers_the_grievance_in_one_step(world, callback):
    attempt = callback_attempt_record(
        callback_id=callback.pk,
        actor=world["telecaller"],
        outcome="reached_registered",
        notes="Called back; lodged.",
        registration=Registration(
            citizen_name="Sunita Devi",
            mobile=callback.caller,
            category_code="REV-LAND-MUT",
            area_code="TS-ONE-B1",
            description="इंतकाल तीन महीने से लंबित है।",
        ),
        at=MONDAY_17,
    )
    callback.refresh_from_db()
    grievance = attempt.grievance
    assert grievance is not None
    assert callback.grievance == grievance
    assert callback.status == "reached"
    assert grievance.channel == "ivrs"
    assert grievance.source == "IVRS callback"
    assert grievance.level == 1
    assert grievance.assigned_to == world["officer_l1"]
    assert grievance.registered_by == world["telecaller"]
    with pytest.raises(TransitionNotAllowed):
        callback_attempt_record(
            callback_id=callback.pk, actor=world["telecaller"], outcome="no_answer"
        )


def test_a_bad_registration_leaves_no_attempt(world, callback):
    from nivaran.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        callback_attempt_record(
            callback_id=callback.pk,
            actor=world["telecaller"],
            outcome="reached_registered",
            registration=Registration(
                citizen_name="",
                mobile=callback.caller,
                category_code="NOPE",
                area_code="TS-ONE-B1",
                description="short",
            ),
        )
    callback.refresh_from_db()
    assert (callback.status, callback.attempts) == ("pending", 0)
    assert not callback.attempt_log.exists()


def test_only_tele_callers_work_callbacks(world, callback):
    for user in ("cmo", "officer_l1"):
        with pytest.raises(PermissionDenied):
            callback_attempt_record(callback_id=callback.pk, actor=world[user], outcome="busy")


def test_a_new_missed_call_after_closing_queues_afresh(world, callback):
    callback_attempt_record(
        callback_id=callback.pk, actor=world["telecaller"], outcome="reached_no_grievance"
    )
    system, _key = ivrs_key_issue(name="ivrs")
    again = ivrs_call_receive(system=system, call_id="c9", caller="9876543210", called_at=SUNDAY_11)
    assert again.callback is not None and again.callback.pk != callback.pk

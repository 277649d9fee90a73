from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from nivaran.grievances.deadlines import business_calendar
from nivaran.grievances.models import Grievance, GrievanceEvent, Status
from nivaran.grievances.workflow import grievance_act, grievance_register
from nivaran.notifications.models import Message
from nivaran.profiles.loader import active_profile

IST = ZoneInfo("Asia/Kolkata")
MONDAY_MORNING = datetime(2026, 3, 16, 10, 0, tzinfo=IST)

pytestmark = pytest.mark.django_db


def act(world, grievance, actor, action, **data):
    return grievance_act(
        grievance_id=grievance.pk,
        actor=world[actor],
        action=action,
        data=data,
        at=MONDAY_MORNING + timedelta(hours=2),
    )


def test_registration_routes_to_l1_with_a_business_calendar_deadline(world):
    g = world.register(at=MONDAY_MORNING)
    profile = active_profile()
    assert g.status == Status.OPEN
    assert g.level == 1
    assert g.assigned_to == world["officer_l1"]
    assert g.number == f"{profile.state_code}26{g.pk:08d}"
    assert profile.deadlines.unit == "working_days"
    expected = business_calendar().add_working_days(MONDAY_MORNING, profile.deadlines.for_level(1))
    assert g.due_at == expected
    event = g.events.get()
    assert (event.action, event.from_status, event.to_status) == ("register", "", "open")
    assert event.actor == world["telecaller"]
    purposes = set(Message.objects.values_list("purpose", flat=True))
    assert purposes == {"citizen_registered", "officer_assigned"}


def test_registration_in_another_district_goes_to_that_districts_l1(world):
    g = world.register(area=world.other_district)
    assert g.assigned_to == world["other_l1"]


def test_working_hours_type_gets_an_hours_deadline(world):
    g = world.register(at=MONDAY_MORNING, category=world.hours_category)
    assert g.due_at == business_calendar().add_working_hours(MONDAY_MORNING, 8)


def test_emergency_runs_on_clock_hours(world):
    g = world.register(at=MONDAY_MORNING, emergency=True)
    hours = active_profile().emergency_deadlines
    assert hours.unit == "clock_hours"
    assert g.due_at == MONDAY_MORNING + timedelta(hours=hours.for_level(1))


def test_bad_registration_names_each_bad_field_and_stores_nothing(world):
    with pytest.raises(InvalidInput) as exc:
        grievance_register(
            actor=world["telecaller"],
            citizen_name="",
            mobile="12345",
            category_code="NOPE",
            area_code="NOWHERE",
            description="short",
            channel="pigeon",
        )
    assert set(exc.value.fields) == {
        "citizen.name",
        "citizen.mobile",
        "category",
        "area",
        "description",
        "channel",
    }
    assert not Grievance.objects.exists()


def test_an_officer_cannot_register(world):
    with pytest.raises(PermissionDenied):
        world.register(actor="officer_l1")


def test_same_intake_key_registers_once(world):
    first = world.register(intake_key="partner-1:abc")
    second = world.register(intake_key="partner-1:abc")
    assert first.pk == second.pk
    assert Grievance.objects.count() == 1


def test_atr_then_satisfied_feedback_closes(world):
    g = world.register(at=MONDAY_MORNING)
    act(world, g, "officer_l1", "submit_atr", summary="Mutation entered in the register.")
    g = act(world, g, "feedback", "record_feedback", outcome="satisfied", comments="Happy")
    assert g.status == Status.CLOSED
    assert g.closed_at is not None
    assert list(g.events.values_list("action", "to_status")) == [
        ("register", "open"),
        ("submit_atr", "atr_submitted"),
        ("record_feedback", "closed"),
    ]
    assert Message.objects.filter(purpose="citizen_closed", to=g.citizen.mobile).exists()


def test_atr_then_unsatisfied_feedback_reopens_at_its_level_with_a_fresh_deadline(world, settings):
    settings.NIVARAN_PROFILE = "west_bengal"  # no clarification rule: not satisfied reopens
    g = world.register(at=MONDAY_MORNING)
    old_due = g.due_at
    act(world, g, "officer_l1", "submit_atr", summary="Done")
    g = act(
        world, g, "feedback", "record_feedback", outcome="not_satisfied", reason="Not done at all"
    )
    assert g.status == Status.REOPENED
    assert g.level == 1
    assert g.assigned_to == world["officer_l1"]
    assert g.due_at > old_due - timedelta(days=30)
    assert g.events.last().note == "Not done at all"


@pytest.mark.parametrize(
    "action,data",
    [
        ("submit_atr", {"summary": "x"}),
        ("interim_reply", {"message": "x"}),
        ("reject", {"reason": "x"}),
        ("record_feedback", {"outcome": "satisfied"}),
        ("special_close", {"reason": "x", "reason_code": "duplicate"}),
        ("clarify_conflict", {"clarification": "x"}),
        ("review_special_close", {"decision": "confirm"}),
    ],
)
def test_a_closed_grievance_takes_only_a_reopen_or_a_recall(world, action, data):
    g = world.register(at=MONDAY_MORNING)
    act(world, g, "officer_l1", "submit_atr", summary="Done")
    act(world, g, "feedback", "record_feedback", outcome="satisfied")
    actor = {
        "record_feedback": "feedback",
        "special_close": "cmo",
        "clarify_conflict": "secretary",
        "review_special_close": "secretary",
    }.get(action, "officer_l1")
    with pytest.raises(TransitionNotAllowed):
        act(world, g, actor, action, **data)
    assert Grievance.objects.get(pk=g.pk).status == Status.CLOSED
    assert GrievanceEvent.objects.filter(grievance=g).count() == 3


def test_feedback_before_an_atr_is_a_conflict_with_the_state(world):
    g = world.register()
    with pytest.raises(TransitionNotAllowed):
        act(world, g, "feedback", "record_feedback", outcome="satisfied")


def test_outside_jurisdiction_is_denied_and_changes_nothing(world):
    g = world.register()
    for outsider in ("other_l1", "power_je"):
        with pytest.raises(PermissionDenied):
            act(world, g, outsider, "submit_atr", summary="Done")
    assert Grievance.objects.get(pk=g.pk).status == Status.OPEN


def test_reject_needs_a_reason(world):
    g = world.register()
    with pytest.raises(InvalidInput) as exc:
        act(world, g, "officer_l1", "reject")
    assert "reason" in exc.value.fields


def test_unknown_action_is_not_found(world):
    g = world.register()
    with pytest.raises(NotFound):
        act(world, g, "officer_l1", "teleport")


def test_special_close_only_from_allowed_levels(world):
    g = world.register()
    profile = active_profile()
    assert 1 not in profile.special_close_levels
    with pytest.raises(TransitionNotAllowed):
        act(
            world, g, "officer_l1", "special_close", reason="Court matter", reason_code="sub_judice"
        )
    allowed_level = min(profile.special_close_levels)
    actor = {3: "hod", 4: "secretary"}[allowed_level]
    g = act(
        world,
        g,
        actor,
        "special_close",
        reason="Court matter",
        reason_code=profile.special_close_reasons[0].code,
    )
    assert g.status == Status.SPECIAL_CLOSED


def test_special_close_with_an_unknown_reason_code_is_invalid(world):
    g = world.register()
    with pytest.raises(InvalidInput):
        act(world, g, "hod", "special_close", reason="x", reason_code="no-such-reason")


def test_history_is_append_only(world):
    g = world.register()
    event = g.events.get()
    event.note = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_people_cannot_take_system_actions(world):
    g = world.register(at=MONDAY_MORNING)
    for person in ("cmo", "admin", "secretary"):
        with pytest.raises(PermissionDenied):
            act(world, g, person, "escalate")


def test_an_emergency_alerts_the_departments_nodal_officer_by_sms_and_whatsapp(world):
    g = world.register(at=MONDAY_MORNING, emergency=True)
    alerts = Message.objects.filter(purpose="nodal_emergency", grievance=g)
    assert set(alerts.values_list("channel", "to")) == {
        ("sms", world["nodal"].mobile),
        ("whatsapp", world["nodal"].mobile),
    }
    assert g.number in alerts.first().body
    world.register(at=MONDAY_MORNING)  # an ordinary one alerts nobody
    assert Message.objects.filter(purpose="nodal_emergency").count() == 2


def test_west_bengal_emergency_is_due_24_clock_hours_later_nights_and_holidays_included(
    world, settings
):
    settings.NIVARAN_PROFILE = "west_bengal"
    saturday_night = datetime(2026, 10, 17, 23, 30, tzinfo=IST)  # in the Puja holidays
    g = world.register(at=saturday_night, emergency=True)
    assert g.due_at == saturday_night + timedelta(hours=24)
    ordinary = world.register(at=saturday_night)
    assert ordinary.due_at > saturday_night + timedelta(days=2)

"""M1 type change and M2 transfer / out of jurisdiction, with the no-bounce-back rule."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from nivaran.accounts.services import system_user
from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput, TransitionNotAllowed
from nivaran.grievances import selectors
from nivaran.grievances.models import Grievance, Status
from nivaran.grievances.tests.test_api import client_for
from nivaran.grievances.workflow import grievance_act, grievances_sweep
from nivaran.notifications.models import Message
from nivaran.org.models import Department, LevelMapping, Post
from nivaran.profiles.loader import active_profile

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def rules():
    """Madhya Pradesh's routing rules on the test state (the profile is reloaded after)."""
    r = active_profile().rules
    r.update(
        type_change_window_days=3,
        type_change_window_calendar="calendar",
        out_of_jurisdiction_at_l4=True,
        department_transfer=True,
    )
    return r


def act(g, who, action, at=None, **data):
    """Take `action` now, or just after the sweep's last move if that lies ahead."""
    last = g.events.order_by("at").last().at
    at = at or max(timezone.now(), last + timedelta(seconds=1))
    return grievance_act(grievance_id=g.pk, actor=who, action=action, data=data, at=at)


def climb_to(g, level):
    """Let the SLA sweep escalate `g` until it is at `level`."""
    while Grievance.objects.get(pk=g.pk).level < level:
        grievances_sweep(at=Grievance.objects.get(pk=g.pk).due_at, actor=system_user())
    g.refresh_from_db()
    return g


# --- M1: type change ----------------------------------------------------------------


def test_a_type_change_on_day_2_moves_the_deadline_and_day_4_is_a_409(world, rules):
    now = timezone.now()
    g = world.register(at=now - timedelta(days=1, hours=2))  # day 2
    before = g.due_at
    client = client_for("officer_l1")
    url = f"/api/v1/grievances/{g.number}/actions/change_type/"
    response = client.post(url, {"category": "REV-FLOOD", "reason": "Flood damage"}, "json")
    assert response.status_code == 200, response.content
    g.refresh_from_db()
    assert g.category.code == "REV-FLOOD"
    assert g.due_at < before  # 8 working hours, not the profile's days
    event = g.events.last()
    assert event.action == "change_type"
    assert (event.data["from_category"], event.data["to_category"]) == ("REV-LAND-MUT", "REV-FLOOD")

    late = world.register(at=now - timedelta(days=3, hours=1), mobile="9876500001")  # day 4
    response = client.post(
        f"/api/v1/grievances/{late.number}/actions/change_type/",
        {"category": "REV-FLOOD", "reason": "Flood damage"},
        "json",
    )
    assert response.status_code == 409
    assert "within 3 days" in response.json()["detail"]
    late.refresh_from_db()
    assert late.category.code == "REV-LAND-MUT"


def test_a_type_of_another_department_moves_the_grievance_there(world, rules):
    g = world.register()
    act(g, world["officer_l1"], "change_type", category="PWR-SUP", reason="A power matter")
    g.refresh_from_db()
    assert (g.department.code, g.category.code, g.level) == ("PWR", "PWR-SUP", 1)
    assert g.assigned_to == world["power_je"]
    assert Message.objects.filter(to=world["power_je"].mobile, purpose="officer_transferred")
    assert Message.objects.filter(grievance=g, purpose="citizen_transferred").exists()


def test_only_the_l1_officer_changes_the_type_and_only_where_the_rule_is_on(world, rules):
    g = world.register()
    with pytest.raises(TransitionNotAllowed, match="Only the L1 officer"):
        act(g, world["officer_l2"], "change_type", category="REV-FLOOD", reason="r")
    rules["type_change_window_days"] = 0
    with pytest.raises(TransitionNotAllowed, match="cannot be changed in this state"):
        act(g, world["officer_l1"], "change_type", category="REV-FLOOD", reason="r")


def test_a_working_day_window_counts_the_calendar(world, rules):
    from nivaran.grievances.deadlines import business_calendar
    from nivaran.grievances.workflow.routing import type_change_until

    friday = datetime(2026, 3, 13, 10, 0, tzinfo=IST)
    g = world.register(at=friday)
    profile = active_profile()
    calendar = business_calendar(profile)
    by_days = type_change_until(g, profile, calendar)
    rules["type_change_window_calendar"] = "working"
    by_working_days = type_change_until(g, profile, calendar)
    assert by_days == friday + timedelta(days=3)
    assert by_working_days > by_days  # the weekend does not count
    between = by_days + timedelta(hours=1)
    act(g, world["officer_l1"], "change_type", at=between, category="REV-FLOOD", reason="r")
    assert Grievance.objects.get(pk=g.pk).category.code == "REV-FLOOD"
    rules["type_change_window_calendar"] = "calendar"
    with pytest.raises(TransitionNotAllowed, match="within 3 days"):
        act(g, world["officer_l1"], "change_type", at=between, category="REV-LAND-MUT", reason="r")


def test_a_second_type_change_counts_from_the_same_start(world, rules):
    g = world.register(at=timezone.now() - timedelta(days=1))
    first_due = g.due_at
    act(g, world["officer_l1"], "change_type", category="REV-FLOOD", reason="Flood")
    act(g, world["officer_l1"], "change_type", category="REV-LAND-MUT", reason="Mutation after all")
    # Back to the first type: back to the first deadline, not a fresh one from now.
    assert Grievance.objects.get(pk=g.pk).due_at == first_due


def test_once_escalated_the_l1_officer_neither_changes_the_type_nor_transfers_it(world, rules):
    g = climb_to(world.register(), 2)
    with pytest.raises(TransitionNotAllowed, match="while it is at L1"):
        act(g, world["officer_l1"], "change_type", category="REV-FLOOD", reason="r")
    with pytest.raises(TransitionNotAllowed, match="at L2 now"):
        act(g, world["officer_l1"], "transfer", department="PWR", category="PWR-SUP", reason="r")
    assert Grievance.objects.get(pk=g.pk).department == world.department


def test_a_type_change_refuses_the_same_type_an_unknown_one_and_another_kind(world, rules):
    g = world.register()
    Category.objects.create(
        department=world.department, code="REV-SUG", name="Suggestion", kind="suggestion"
    )
    for code in ("REV-LAND-MUT", "NOPE", "REV-SUG", "REV-LAND"):  # REV-LAND: not selectable
        with pytest.raises(InvalidInput):
            act(g, world["officer_l1"], "change_type", category=code, reason="r")
    assert g.events.count() == 1


# --- M2: transfer ----------------------------------------------------------------------


def test_a_transfer_goes_to_the_departments_l1_with_a_fresh_deadline(world, rules):
    g = world.register()
    with pytest.raises(InvalidInput) as refused:  # the power department has no "Others"
        act(g, world["officer_l1"], "transfer", department="PWR", reason="Power supply")
    assert "category" in refused.value.fields
    at = timezone.now() + timedelta(hours=1)
    act(g, world["officer_l1"], "transfer", at=at, department="PWR", category="PWR-SUP", reason="x")
    g.refresh_from_db()
    assert (g.status, g.department.code, g.level, g.assigned_to) == (
        Status.OPEN,
        "PWR",
        1,
        world["power_je"],
    )
    assert g.due_at > at
    with pytest.raises(InvalidInput):  # it is there already
        act(g, world["power_je"], "transfer", department="PWR", reason="x")


def test_a_transfer_through_the_api_names_bad_fields(world, rules):
    g = world.register()
    client = client_for("officer_l1")
    url = f"/api/v1/grievances/{g.number}/actions/transfer/"
    response = client.post(url, {"department": "NOPE", "reason": "x"}, "json")
    assert response.status_code == 400
    assert "department" in response.json()["fields"]
    body = {"department": "PWR", "category": "REV-FLOOD", "reason": "x"}
    response = client.post(url, body, "json")
    assert response.status_code == 400 and "category" in response.json()["fields"]
    assert Grievance.objects.get(pk=g.pk).department == world.department


# --- M2: out of jurisdiction -------------------------------------------------------------


def test_l4_marks_an_escalated_grievance_out_of_jurisdiction_for_the_cmo_cell(world, rules):
    g = climb_to(world.register(), 4)
    assert g.assigned_to == world["secretary"]
    client = client_for("secretary")
    response = client.post(
        f"/api/v1/grievances/{g.number}/actions/mark_out_of_jurisdiction/",
        {"reason": "Not a revenue matter"},
        "json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "out_of_jurisdiction"
    g.refresh_from_db()
    assert (g.status, g.assigned_to, g.due_at) == (Status.OUT_OF_JURISDICTION, None, None)
    # Nobody but the CMO grievance cell re-routes it.
    with pytest.raises(TransitionNotAllowed, match="CMO grievance cell"):
        act(g, world["secretary"], "transfer", department="PWR", category="PWR-SUP", reason="x")
    act(g, world["cmo"], "transfer", department="PWR", category="PWR-SUP", reason="Power")
    g.refresh_from_db()
    assert (g.status, g.department.code, g.level) == (Status.OPEN, "PWR", 1)


def test_l4_may_name_the_department_directly(world, rules):
    g = climb_to(world.register(), 4)
    act(g, world["secretary"], "mark_out_of_jurisdiction", department="PWR", category="PWR-SUP",
        reason="Power")  # fmt: skip
    g.refresh_from_db()
    assert (g.status, g.department.code, g.assigned_to) == (Status.OPEN, "PWR", world["power_je"])
    assert g.events.last().data["to_department"] == Department.objects.get(code="PWR").pk


def test_out_of_jurisdiction_needs_l4_reached_by_escalation_and_the_rule(world, rules):
    g = world.register()
    with pytest.raises(TransitionNotAllowed, match="Only the L4 officer"):
        act(g, world["secretary"], "mark_out_of_jurisdiction", reason="x")
    g = climb_to(g, 3)
    with pytest.raises(TransitionNotAllowed, match="Only the L4 officer"):
        act(g, world["hod"], "mark_out_of_jurisdiction", reason="x")
    g = climb_to(g, 4)
    rules["out_of_jurisdiction_at_l4"] = False
    with pytest.raises(TransitionNotAllowed, match="not used in this state"):
        act(g, world["secretary"], "mark_out_of_jurisdiction", reason="x")


def test_a_grievance_sent_to_l4_by_clarification_is_not_out_of_jurisdiction(world, rules):
    rules["conflict_needs_clarification"] = True
    g = world.register()
    act(g, world["officer_l1"], "submit_atr", summary="Done", resolution_type="resolved")
    act(g, world["feedback"], "record_feedback", outcome="not_satisfied", reason="Not done")
    act(g, world["secretary"], "clarify_conflict", clarification="Do it", send_to_level=4)
    g.refresh_from_db()
    assert g.level == 4
    with pytest.raises(TransitionNotAllowed, match="reached L4 by escalation"):
        act(g, world["secretary"], "mark_out_of_jurisdiction", reason="x")


# --- no bounce-back -------------------------------------------------------------------


@pytest.fixture
def water(world):
    """A water department whose L1 post in district One is held by the revenue L1 officer
    (one officer, two posts), and a clean sanitation department."""
    dept = Department.objects.create(code="WTR", name="Water")
    l1 = Post.objects.create(
        code="WTR-L1-ONE",
        title="Water L1",
        designation=world.posts["REV-L1-ONE"].designation,
        area=world.district,
        department=dept,
        holder=world["officer_l1"],
    )
    for level in (1, 2, 3, 4):
        LevelMapping.objects.create(department=dept, level=level, post=l1)
    Category.objects.create(department=dept, code="WTR-OTH", name="Others", is_others=True)
    return dept


@pytest.mark.parametrize(("level", "officer"), [(2, "officer_l2"), (3, "hod"), (4, "secretary")])
def test_no_level_sends_a_grievance_back_to_an_officer_it_escalated_from(
    world, rules, water, level, officer
):
    g = climb_to(world.register(), level)
    with pytest.raises(TransitionNotAllowed, match="escalated from"):
        act(g, world[officer], "transfer", department="WTR", reason="Water matter")
    if level == 4:
        with pytest.raises(TransitionNotAllowed, match="escalated from"):
            act(g, world[officer], "mark_out_of_jurisdiction", department="WTR", reason="x")
    assert Grievance.objects.get(pk=g.pk).department == world.department
    # Elsewhere it may go.
    act(g, world[officer], "transfer", department="PWR", category="PWR-SUP", reason="Power")
    assert Grievance.objects.get(pk=g.pk).assigned_to == world["power_je"]


def test_the_cmo_cell_cannot_bounce_it_back_either(world, rules):
    g = climb_to(world.register(), 4)
    act(g, world["secretary"], "mark_out_of_jurisdiction", reason="Not ours")
    with pytest.raises(TransitionNotAllowed, match="escalated from"):
        act(g, world["cmo"], "transfer", department="REV", reason="Back to the tehsil")


def test_a_grievance_never_escalated_may_be_transferred_to_any_l1(world, rules, water):
    g = world.register()
    act(g, world["officer_l1"], "transfer", department="WTR", reason="Water matter")
    assert Grievance.objects.get(pk=g.pk).department == water


def test_transfers_and_out_of_jurisdiction_are_counted_per_department_and_officer(world, rules):
    b = climb_to(world.register(mobile="9876500002"), 4)
    a = world.register()  # after the sweeps: still at L1
    act(a, world["officer_l1"], "transfer", department="PWR", category="PWR-SUP", reason="x")
    act(b, world["secretary"], "mark_out_of_jurisdiction", reason="Not ours")
    by_department = selectors.routing_counts(by="department")
    assert by_department == [
        {"key": world.department.pk, "transfer": 1, "mark_out_of_jurisdiction": 1}
    ]
    by_officer = {r["key"]: r for r in selectors.routing_counts(by="officer")}
    assert by_officer[world["officer_l1"].pk]["transfer"] == 1
    assert by_officer[world["secretary"].pk]["mark_out_of_jurisdiction"] == 1


def test_a_new_type_is_keyed_again_for_duplicates(world, rules):
    from nivaran.duplicates.models import DuplicateKey

    g = world.register()
    act(g, world["officer_l1"], "change_type", category="REV-FLOOD", reason="Flood")
    flood = Category.objects.get(code="REV-FLOOD")
    keys = DuplicateKey.objects.filter(grievance=g, key__startswith="p:")
    categories = {int(k.split(":")[2]) for k in keys.values_list("key", flat=True)}
    assert categories == {flood.pk}  # p:<area>:<category>:<month>

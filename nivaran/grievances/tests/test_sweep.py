from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from nivaran.accounts.services import system_user
from nivaran.grievances.models import Grievance, GrievanceEvent, Status
from nivaran.grievances.workflow import grievance_act, grievances_sweep
from nivaran.notifications.models import Message

IST = ZoneInfo("Asia/Kolkata")
START = datetime(2026, 3, 16, 10, 0, tzinfo=IST)

pytestmark = pytest.mark.django_db


def sweep(at):
    return grievances_sweep(at=at, actor=system_user())


def test_sweeps_at_each_deadline_climb_l1_to_l4_then_flag_overdue(world):
    g = world.register(at=START)
    expected_officers = {2: "officer_l2", 3: "hod", 4: "secretary"}
    for level in (2, 3, 4):
        due = Grievance.objects.get(pk=g.pk).due_at
        # a moment before the deadline nothing moves
        assert sweep(due - timedelta(seconds=1)).escalated == 0
        assert sweep(due).escalated == 1
        g.refresh_from_db()
        assert g.level == level
        assert g.assigned_to == world[expected_officers[level]]
        assert g.due_at > due
        event = g.events.last()
        assert (event.action, event.actor.username, event.level) == ("escalate", "system", level)
        assert event.at == due
        assert Message.objects.filter(
            to=world[expected_officers[level]].mobile, purpose="officer_escalated_digest"
        ).exists()
    result = sweep(g.due_at)
    assert (result.escalated, result.flagged_overdue) == (0, 1)
    g.refresh_from_db()
    assert g.is_overdue and g.level == 4 and g.status == Status.OPEN
    assert g.events.last().action == "flag_overdue"


def test_a_second_sweep_at_the_same_instant_changes_nothing(world):
    for _ in range(3):
        world.register(at=START)
    at = Grievance.objects.first().due_at + timedelta(minutes=1)
    assert sweep(at).escalated == 3
    before = (
        GrievanceEvent.objects.count(),
        Message.objects.count(),
        list(Grievance.objects.values_list("level", "due_at", "updated_at")),
    )
    result = sweep(at)
    assert (result.escalated, result.flagged_overdue) == (0, 0)
    after = (
        GrievanceEvent.objects.count(),
        Message.objects.count(),
        list(Grievance.objects.values_list("level", "due_at", "updated_at")),
    )
    assert before == after


def test_sweep_leaves_grievances_awaiting_feedback_and_closed_ones_alone(world):
    waiting = world.register(at=START)
    grievance_act(
        grievance_id=waiting.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Done"},
        at=START,
    )
    rejected = world.register(at=START)
    grievance_act(
        grievance_id=rejected.pk,
        actor=world["officer_l1"],
        action="reject",
        data={"reason": "Not a government matter"},
        at=START,
    )
    assert sweep(START + timedelta(days=60)).escalated == 0
    assert set(Grievance.objects.values_list("level", flat=True)) == {1}


def test_one_digest_sms_per_officer_per_sweep(world):
    for _ in range(5):
        world.register(at=START)
    Message.objects.all().delete()
    sweep(START + timedelta(days=30))
    digests = Message.objects.filter(purpose="officer_escalated_digest")
    assert digests.count() == 1
    assert digests.get().to == world["officer_l2"].mobile
    assert "5" in digests.get().body


def test_an_escalation_with_no_post_mapped_is_still_recorded(world):
    world.posts["REV-L2-ONE"].level_mappings.all().delete()
    g = world.register(at=START)
    sweep(g.due_at)
    g.refresh_from_db()
    assert g.level == 2 and g.assigned_to is None
    assert g.events.last().action == "escalate"


def test_the_single_door_escalation_matches_the_sweep(world):
    a = world.register(at=START)
    b = world.register(at=START)
    grievance_act(grievance_id=b.pk, actor=system_user(), action="escalate", at=b.due_at)
    assert sweep(a.due_at).escalated == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.level, a.assigned_to_id, a.due_at) == (b.level, b.assigned_to_id, b.due_at)


def test_sla_sweep_command_takes_an_instant(world):
    g = world.register(at=START)
    out = StringIO()
    call_command("sla_sweep", "--at", g.due_at.isoformat(), stdout=out)
    assert "escalated 1" in out.getvalue()
    out = StringIO()
    call_command("sla_sweep", "--at", g.due_at.isoformat(), stdout=out)
    assert "escalated 0" in out.getvalue()


def test_a_tick_with_sweep_parts_starts_that_many_sweeps_at_one_instant(world, settings):
    from nivaran.grievances import tasks

    g = world.register(at=START)
    settings.NIVARAN_SWEEP_PARTS = 2
    sent: list[str] = []
    with (
        mock.patch.object(tasks.sla_sweep_part, "delay", side_effect=sent.append),
        time_machine.travel(g.due_at + timedelta(minutes=1), tick=False),
    ):
        assert tasks.sla_sweep() == {"parts": 2}
    assert len(sent) == 2 and sent[0] == sent[1]
    results = [tasks.sla_sweep_part(at) for at in sent]
    assert sorted(r["escalated"] for r in results) == [0, 1]
    assert g.events.filter(action="escalate").count() == 1

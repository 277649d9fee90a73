from __future__ import annotations

from django.test import Client
from django.urls import reverse

from nivaran.grievances.models import Grievance
from nivaran.grievances.workflow import grievance_act
from nivaran.notifications.models import Message
from nivaran.portal.tests.helpers import last_otp
from nivaran.testing.world import World

OWNER = "9876543210"  # the world's default citizen
STRANGER = "9000000099"
NEUTRAL = "If this grievance number was lodged with this mobile number"


def ask(client: Client, number: str, mobile: str) -> str:
    response = client.post(reverse("portal:track"), {"number": number, "mobile": mobile})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def track(client: Client, grievance: Grievance, mobile: str = OWNER) -> str:
    ask(client, str(grievance.number), mobile)
    response = client.post(reverse("portal:track_otp"), {"code": last_otp(mobile)})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return client.get(response["Location"]).content.decode()


def test_tracking_needs_the_otp_of_the_grievances_mobile(client: Client, world: World):
    grievance = world.register()
    status_url = reverse("portal:track_status", args=[grievance.number])
    assert client.get(status_url).status_code == 302
    page = track(client, grievance)
    assert grievance.number in page
    assert "Received: with the officer" in page
    assert "Level 1" in page


def test_a_stranger_learns_nothing_and_gets_no_sms(client: Client, world: World):
    grievance = world.register()
    stranger = ask(client, str(grievance.number), STRANGER)
    unknown = ask(Client(), "HR2600009999", STRANGER)
    assert NEUTRAL in stranger and NEUTRAL in unknown
    assert not Message.objects.filter(to=STRANGER).exists()
    response = client.post(reverse("portal:track_otp"), {"code": "123456"})
    assert "wrong or has expired" in response.content.decode()
    assert client.get(reverse("portal:track_status", args=[grievance.number])).status_code == 302


def test_the_history_shows_the_atr_and_hides_internal_things(client: Client, world: World):
    grievance = world.register()
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="interim_reply",
        data={"message": "Field visit fixed for Monday.", "expected_by": "2030-01-15"},
    )
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Mutation entered in the revenue record."},
    )
    page = track(client, grievance)
    assert "Mutation entered in the revenue record." in page
    assert 'data-testid="atr"' in page
    assert "Field visit fixed for Monday." in page and "15-01-2030" in page
    assert "Resolved" in page
    assert "Action taken: awaiting your feedback" in page
    officer = world["officer_l1"]
    assert officer.username not in page and officer.get_full_name() not in page
    assert "telecaller" not in page.lower()


def test_an_escalation_reads_escalated_to_a_senior_officer(client: Client, world: World):
    from datetime import timedelta

    from django.utils import timezone

    from nivaran.accounts.services import system_user

    grievance = world.register(at=timezone.now() - timedelta(days=60))
    grievance_act(grievance_id=grievance.pk, actor=system_user(), action="escalate", data={})
    page = track(client, grievance)
    assert "Escalated to a senior officer" in page
    assert "escalated to L2" not in page
    assert world["officer_l2"].get_full_name() not in page

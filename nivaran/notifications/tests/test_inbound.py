"""SMS replies relayed by a gateway: YES / NO to an action taken report."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from nivaran.grievances.models import FeedbackCall, Grievance, Status
from nivaran.grievances.workflow import grievance_act
from nivaran.notifications.models import InboundSms, Message, SmsGateway
from nivaran.portal.sms_reply import sms_reply_parse
from nivaran.testing.world import World

URL = "/api/v1/sms/inbound/"
OWNER = "9876543210"  # the world's default citizen


@pytest.fixture
def key(db) -> str:
    out = StringIO()
    call_command("sms_inbound_key", "gateway-1", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def with_atr(world: World) -> Grievance:
    grievance = world.register()
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Pothole filled."},
    )
    grievance.refresh_from_db()
    return grievance


def relay(client: Client, key: str, id: str, sender: str, text: str) -> Any:
    return client.post(
        URL,
        {"id": id, "from": sender, "text": text},
        content_type="application/json",
        headers={"X-Api-Key": key},
    )


def replies(mobile: str) -> list[Message]:
    return list(Message.objects.filter(to=mobile, purpose__startswith="sms_reply").order_by("id"))


def test_yes_closes_the_grievance(client: Client, world: World, key: str):
    grievance = with_atr(world)
    response = relay(client, key, "m-1", "+91 98765 43210", f"yes {grievance.number.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "result": "accepted",
        "reason": "",
        "grievance": grievance.number,
        "status": "closed",
        "replay": False,
    }
    grievance.refresh_from_db()
    assert grievance.status == Status.CLOSED
    call = FeedbackCall.objects.get(grievance=grievance)
    assert call.channel == "sms" and call.outcome == "satisfied"
    assert call.taken_by.role == "citizen" and call.taken_by.mobile == OWNER
    # The workflow's own "closed with your consent" SMS tells the citizen.
    assert Message.objects.filter(to=OWNER, purpose="citizen_closed").exists()
    sms = InboundSms.objects.get(gateway_message_id="m-1")
    assert sms.result == "accepted" and sms.grievance == grievance


def test_no_with_a_reason_is_a_conflict_and_the_citizen_is_told(
    client: Client, world: World, key: str
):
    grievance = with_atr(world)
    response = relay(client, key, "m-2", OWNER, f"NO {grievance.number} pothole is back")
    assert response.json()["result"] == "accepted"
    grievance.refresh_from_db()
    assert grievance.status == Status.CONFLICT
    call = FeedbackCall.objects.get(grievance=grievance)
    assert call.channel == "sms" and call.reason == "pothole is back"
    [answer] = replies(OWNER)
    # The citizen's language: the grievance was lodged in Hindi.
    assert grievance.number in answer.body and "प्रशासनिक सचिव" in answer.body


def test_hindi_words_are_read(client: Client, world: World, key: str):
    assert sms_reply_parse("हाँ HR2600000001") is not None
    assert sms_reply_parse("हां hr2600000001").satisfied
    reply = sms_reply_parse("नहीं HR2600000001 सड़क अभी भी टूटी है")
    assert reply is not None and not reply.satisfied and reply.reason == "सड़क अभी भी टूटी है"
    grievance = with_atr(world)
    relay(client, key, "m-3", OWNER, f"हाँ {grievance.number}")
    grievance.refresh_from_db()
    assert grievance.status == Status.CLOSED


def test_no_without_a_reason_is_ignored_and_the_citizen_is_told_how(
    client: Client, world: World, key: str
):
    grievance = with_atr(world)
    body = relay(client, key, "m-4", OWNER, f"NO {grievance.number}").json()
    assert body["result"] == "ignored" and body["reason"] == "reason_missing"
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED
    [answer] = replies(OWNER)
    assert f"NO {grievance.number}" in answer.body


def test_a_malformed_text_is_ignored_with_200(client: Client, world: World, key: str):
    response = relay(client, key, "m-5", OWNER, "hello, is anyone there?")
    assert response.status_code == 200
    assert response.json()["reason"] == "not_understood"
    [answer] = replies(OWNER)
    assert "YES" in answer.body


def test_another_mobile_cannot_answer_for_the_citizen(client: Client, world: World, key: str):
    grievance = with_atr(world)
    body = relay(client, key, "m-6", "9000000099", f"YES {grievance.number}").json()
    assert body == {
        "result": "ignored",
        "reason": "unknown_grievance",
        "grievance": None,
        "status": None,
        "replay": False,
    }
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED
    assert not FeedbackCall.objects.exists()
    assert len(replies("9000000099")) == 1 and not replies(OWNER)


def test_an_unknown_number_is_ignored(client: Client, world: World, key: str):
    body = relay(client, key, "m-7", OWNER, "YES HR2699999999").json()
    assert body["result"] == "ignored" and body["reason"] == "unknown_grievance"


def test_a_grievance_not_awaiting_feedback_is_ignored(client: Client, world: World, key: str):
    grievance = world.register()
    body = relay(client, key, "m-8", OWNER, f"YES {grievance.number}").json()
    assert body["result"] == "ignored" and body["reason"] == "not_awaiting"
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN


def test_a_resent_id_is_a_no_op(client: Client, world: World, key: str):
    grievance = with_atr(world)
    first = relay(client, key, "m-9", OWNER, f"NO {grievance.number} not fixed").json()
    messages = Message.objects.count()
    again = relay(client, key, "m-9", OWNER, f"NO {grievance.number} not fixed").json()
    assert again == {**first, "replay": True}
    assert InboundSms.objects.filter(gateway_message_id="m-9").count() == 1
    assert FeedbackCall.objects.filter(grievance=grievance).count() == 1
    assert Message.objects.count() == messages


def test_a_bad_key_is_refused(client: Client, world: World, key: str):
    grievance = with_atr(world)
    assert relay(client, "wrong-key", "m-10", OWNER, f"YES {grievance.number}").status_code == 401
    no_key = client.post(
        URL, {"id": "m-11", "from": OWNER, "text": "YES"}, content_type="application/json"
    )
    assert no_key.status_code == 401
    SmsGateway.objects.update(is_active=False)
    assert relay(client, key, "m-12", OWNER, f"YES {grievance.number}").status_code == 403
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED
    assert not InboundSms.objects.exists()


def test_rotating_the_key_stops_the_old_one(client: Client, world: World, key: str):
    out = StringIO()
    call_command("sms_inbound_key", "gateway-1", stdout=out)
    new_key = out.getvalue().strip().splitlines()[-1]
    assert new_key != key and SmsGateway.objects.count() == 1
    assert relay(client, key, "m-13", OWNER, "YES X").status_code == 401
    assert relay(client, new_key, "m-13", OWNER, "YES X").status_code == 200


def test_a_missing_field_is_the_gateways_error(client: Client, world: World, key: str):
    response = client.post(
        URL,
        {"id": "m-14", "text": "YES"},
        content_type="application/json",
        headers={"X-Api-Key": key},
    )
    assert response.status_code == 400

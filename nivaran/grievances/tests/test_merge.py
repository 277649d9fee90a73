"""M5: merging a duplicate, confirmed by the officer's OTP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from nivaran.core.errors import InvalidInput, TransitionNotAllowed
from nivaran.grievances.models import Grievance, GrievanceEvent, Status
from nivaran.grievances.tests.test_api import client_for
from nivaran.grievances.workflow import grievance_act
from nivaran.notifications.models import Message

pytestmark = pytest.mark.django_db
TEXT = "मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है, तहसील में कोई सुनवाई नहीं।"


def otp_for(client, number: str, mobile: str) -> str:
    response = client.post(f"/api/v1/grievances/{number}/merge-otp/")
    assert response.status_code == 202, response.content
    message = Message.objects.filter(to=mobile, purpose="otp").latest("id")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.fixture
def pair(world):
    """The same woman's complaint twice: in Hindi, then in Latin letters, from her
    husband's phone, with a slip in her name."""
    now = timezone.now()
    first = world.register(
        citizen_name="सुनीता देवी", mobile="9812345678", description=TEXT, at=now - timedelta(days=2)
    )
    second = world.register(
        citizen_name="Sunita Dvi",
        mobile="9812399999",
        description="Meri jameen ka intkal chhah mahine se darj nahi hua, tehsil mein sunwai nahi.",
        at=now - timedelta(hours=1),
    )
    return first, second


def test_a_merge_with_the_officers_otp_joins_the_duplicate_to_the_survivor(world, pair):
    survivor, duplicate = pair
    client = client_for("officer_l1")
    code = otp_for(client, duplicate.number, world["officer_l1"].mobile)
    response = client.post(
        f"/api/v1/grievances/{duplicate.number}/actions/merge/",
        {"into": survivor.number, "otp": code, "reason": "Same mutation, lodged twice"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "merged"
    assert response.json()["merged_into"] == survivor.number
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, survivor)
    assert survivor.status == Status.OPEN
    assert survivor.due_at <= duplicate.due_at  # the earlier deadline stays
    event = duplicate.events.last()
    assert event.action == "merge" and event.data["into"] == survivor.number
    assert {"name_match", "text_similar"} <= set(event.data["reasons"])
    assert survivor.events.filter(action="absorb_duplicate").get().data["merged"] == (
        duplicate.number
    )
    # Both citizens are told (two mobiles).
    assert Message.objects.filter(to="9812399999", purpose="citizen_merged").exists()
    assert Message.objects.filter(to="9812345678", purpose="citizen_absorbed").exists()
    # Merged is the end: nothing more may be done to it.
    again = client.post(
        f"/api/v1/grievances/{duplicate.number}/actions/interim_reply/", {"message": "x"}, "json"
    )
    assert again.status_code == 409


def test_the_survivor_takes_the_earlier_deadline(world, pair):
    survivor, duplicate = pair
    # The survivor is the later one here: it takes the duplicate's earlier deadline.
    client = client_for("officer_l1")
    code = otp_for(client, survivor.number, world["officer_l1"].mobile)
    body = {"into": duplicate.number, "otp": code}
    response = client.post(f"/api/v1/grievances/{survivor.number}/actions/merge/", body, "json")
    assert response.status_code == 200, response.content
    kept = Grievance.objects.get(pk=duplicate.pk)
    assert kept.due_at == Grievance.objects.get(pk=survivor.pk).due_at
    assert kept.events.get(action="absorb_duplicate").data["deadline_from_merged"] is True


def test_a_merge_without_a_valid_otp_changes_nothing(world, pair):
    survivor, duplicate = pair
    client = client_for("officer_l1")
    url = f"/api/v1/grievances/{duplicate.number}/actions/merge/"
    before = GrievanceEvent.objects.count()
    assert client.post(url, {"into": survivor.number}, "json").status_code == 400
    assert client.post(url, {"into": survivor.number, "otp": "123456"}, "json").status_code == 400
    code = otp_for(client, duplicate.number, world["officer_l1"].mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(url, {"into": survivor.number, "otp": wrong}, "json")
    assert response.status_code == 400 and response.json()["code"] == "otp_refused"
    assert Grievance.objects.get(pk=duplicate.pk).status == Status.OPEN
    assert GrievanceEvent.objects.count() == before
    # Someone else's OTP is no good either.
    other = client_for("officer_l2")
    theirs = otp_for(other, duplicate.number, world["officer_l2"].mobile)
    response = client.post(url, {"into": survivor.number, "otp": theirs}, "json")
    assert response.status_code == 400
    assert Grievance.objects.get(pk=duplicate.pk).status == Status.OPEN


def test_the_code_is_used_up_by_a_refused_merge(world, pair):
    survivor, duplicate = pair
    unrelated = world.register(
        citizen_name="Ramesh Kumar", mobile="9811100000", description="Street light broken."
    )
    client = client_for("officer_l1")
    code = otp_for(client, duplicate.number, world["officer_l1"].mobile)
    url = f"/api/v1/grievances/{duplicate.number}/actions/merge/"
    response = client.post(url, {"into": unrelated.number, "otp": code}, "json")
    assert response.status_code == 409
    assert "not the same complainant" in response.json()["detail"]
    response = client.post(url, {"into": survivor.number, "otp": code}, "json")
    assert response.status_code == 400  # single use
    assert Grievance.objects.get(pk=duplicate.pk).status == Status.OPEN


def act_merge(world, g, into, who="officer_l1"):
    from nivaran.otp.models import OtpChallenge, OtpPurpose
    from nivaran.otp.services import otp_send_to_self

    OtpChallenge.objects.all().delete()  # a fresh budget for each try of this test
    otp_send_to_self(actor=world[who], purpose=OtpPurpose.MERGE, context=g.number)
    body = Message.objects.filter(to=world[who].mobile, purpose="otp").latest("id").body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    return grievance_act(
        grievance_id=g.pk, actor=world[who], action="merge", data={"into": into, "otp": code}
    )


def test_what_may_not_be_merged(world, pair):
    survivor, duplicate = pair
    with pytest.raises(InvalidInput):
        act_merge(world, duplicate, duplicate.number)  # itself
    with pytest.raises(InvalidInput):
        act_merge(world, duplicate, "HR2699999999")  # unknown
    elsewhere = world.register(
        citizen_name="सुनीता देवी", mobile="9812345678", description=TEXT, area=world.other_district
    )
    with pytest.raises(InvalidInput):  # out of the officer's reach
        act_merge(world, duplicate, elsewhere.number)
    grievance_act(
        grievance_id=survivor.pk, actor=world["officer_l1"], action="reject", data={"reason": "x"}
    )
    with pytest.raises(TransitionNotAllowed, match="still being dealt with"):
        act_merge(world, duplicate, survivor.number)
    assert Grievance.objects.get(pk=duplicate.pk).status == Status.OPEN


def test_five_wrong_otps_lock_the_merge(world, pair):
    survivor, duplicate = pair
    client = client_for("officer_l1")
    code = otp_for(client, duplicate.number, world["officer_l1"].mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    url = f"/api/v1/grievances/{duplicate.number}/actions/merge/"
    answers = [
        client.post(url, {"into": survivor.number, "otp": wrong}, "json").status_code
        for _ in range(5)
    ]
    assert answers[:4] == [400] * 4
    locked = client.post(url, {"into": survivor.number, "otp": code}, "json")
    assert locked.status_code == 429
    assert Grievance.objects.get(pk=duplicate.pk).status == Status.OPEN


def test_citizens_and_the_telecaller_cannot_merge(world, pair):
    survivor, duplicate = pair
    for username in ("citizen", "telecaller", "feedback"):
        client = client_for(username)
        response = client.post(
            f"/api/v1/grievances/{duplicate.number}/actions/merge/",
            {"into": survivor.number, "otp": "123456"},
            "json",
        )
        assert response.status_code in {403, 404}, username
        assert client.post(f"/api/v1/grievances/{duplicate.number}/merge-otp/").status_code in {
            403,
            404,
            409,
        }


def test_a_grievance_is_not_merged_down_a_level(world, pair):
    from nivaran.accounts.services import system_user
    from nivaran.grievances.workflow import grievances_sweep

    survivor, duplicate = pair
    # The earlier one's deadline passes first: it alone goes up to L2.
    grievances_sweep(at=Grievance.objects.get(pk=survivor.pk).due_at, actor=system_user())
    higher = Grievance.objects.get(pk=survivor.pk)
    lower = Grievance.objects.get(pk=duplicate.pk)
    assert (higher.level, lower.level) == (2, 1)
    with pytest.raises(TransitionNotAllowed, match="neither goes back down a level"):
        act_merge(world, higher, lower.number, who="officer_l2")
    assert Grievance.objects.get(pk=higher.pk).status == Status.OPEN


def test_an_otp_asked_for_one_grievance_does_not_merge_another(world, pair):
    survivor, duplicate = pair
    third = world.register(
        citizen_name="Sunita Devi",
        mobile="9812345678",
        description=TEXT,
        at=timezone.now() - timedelta(minutes=30),
    )
    client = client_for("officer_l1")
    code = otp_for(client, third.number, world["officer_l1"].mobile)  # asked for `third`
    response = client.post(
        f"/api/v1/grievances/{duplicate.number}/actions/merge/",
        {"into": survivor.number, "otp": code},
        "json",
    )
    assert response.status_code == 400 and response.json()["code"] == "otp_refused"
    assert Grievance.objects.get(pk=duplicate.pk).status == Status.OPEN

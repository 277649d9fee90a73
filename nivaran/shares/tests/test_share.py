"""M3: an officer shares a list of grievances over WhatsApp with a subordinate."""

from __future__ import annotations

import pytest

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.grievances.models import GrievanceEvent
from nivaran.grievances.tests.test_api import client_for
from nivaran.grievances.workflow import grievance_act
from nivaran.notifications.models import Message
from nivaran.org.models import Designation, Post
from nivaran.profiles.loader import active_profile
from nivaran.shares.models import Share

pytestmark = pytest.mark.django_db
URL = "/api/v1/shares/whatsapp/"


@pytest.fixture
def patwari(world):
    """A field officer of the revenue department in the L1 officer's block."""
    holder = User.objects.create(
        username="patwari", role=Role.OFFICER, mobile="9000000099", first_name="Mohan"
    )
    return Post.objects.create(
        code="REV-PATWARI-B1",
        title="Patwari, One Block",
        designation=Designation.objects.get(code="junior_engineer"),  # below a tehsildar
        area=world.block,
        department=world.department,
        holder=holder,
    )


@pytest.fixture
def rules():
    active_profile().rules["whatsapp_share"] = True


def shared_events():
    return GrievanceEvent.objects.filter(action="share_whatsapp")


def test_a_share_is_one_whatsapp_message_and_an_event_on_each_grievance(world, rules, patwari):
    a = world.register(description="सड़क पर तीन महीने से पानी भरा है, कोई सुनवाई नहीं।")
    b = world.register(mobile="9876500001", description="Mutation of my land is pending.")
    client = client_for("officer_l1")
    recipients = client.get(f"{URL}recipients/").json()
    assert "REV-PATWARI-B1" in [r["post"] for r in recipients]
    assert "REV-L1-TWO" not in [r["post"] for r in recipients]  # another district

    response = client.post(URL, {"grievances": [a.number, b.number], "recipient": patwari.code})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grievances"] == [a.number, b.number]
    assert body["click_to_chat"].startswith("https://wa.me/919000000099?text=")
    message = Message.objects.get(purpose="share_whatsapp")
    assert (message.channel, message.to) == ("whatsapp", "9000000099")
    for g in (a, b):
        assert g.number in message.body
        assert f"/grievances/{g.number}/" in message.body
    assert "One Block" in message.body and "सड़क पर तीन महीने" in message.body
    events = shared_events()
    assert sorted(e.grievance_id for e in events) == sorted([a.pk, b.pk])
    assert {e.data["recipient"] for e in events} == {"patwari"}
    assert {e.data["share"] for e in events} == {body["id"]}


def test_a_retry_with_the_same_key_shares_once(world, rules, patwari):
    g = world.register()
    client = client_for("officer_l1")
    body = {"grievances": [g.number], "recipient": patwari.code}
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="share-1")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="share-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.filter(purpose="share_whatsapp").count() == 1
    assert shared_events().count() == 1
    other = client.post(
        URL, {**body, "recipient": "REV-L2-ONE"}, format="json", HTTP_IDEMPOTENCY_KEY="share-1"
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reuse"


def test_all_or_nothing_a_grievance_out_of_reach_is_a_404(world, rules, patwari):
    mine = world.register()
    elsewhere = world.register(area=world.other_district, mobile="9876500002")
    response = client_for("officer_l1").post(
        URL, {"grievances": [mine.number, elsewhere.number], "recipient": patwari.code}
    )
    assert response.status_code == 404
    assert not shared_events().exists() and not Share.objects.exists()
    assert not Message.objects.filter(purpose="share_whatsapp").exists()


def test_a_grievance_no_longer_waiting_refuses_the_whole_share(world, rules, patwari):
    waiting, reported = world.register(), world.register(mobile="9876500003")
    grievance_act(
        grievance_id=reported.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Done"},
    )
    response = client_for("officer_l1").post(
        URL, {"grievances": [waiting.number, reported.number], "recipient": patwari.code}
    )
    assert response.status_code == 409
    assert not shared_events().exists() and not Share.objects.exists()


def test_who_may_share_and_with_whom(world, rules, patwari):
    g = world.register()
    body = {"grievances": [g.number], "recipient": patwari.code}
    # L4 is not among the sharers (M3 gives it to L1-L3).
    refused = client_for("secretary").post(URL, body)
    assert refused.status_code == 409 and "L1, L2 and L3" in refused.json()["detail"]
    for username in ("telecaller", "citizen", "cmo", "feedback"):
        assert client_for(username).post(URL, body).status_code == 403, username
    # Someone of another district, or a senior: refused with a reason.
    for post in ("REV-L1-TWO", "REV-L2-ONE"):
        response = client_for("officer_l1").post(URL, {**body, "recipient": post})
        assert response.status_code == 400 and "recipient" in response.json()["fields"], post
    assert not shared_events().exists()
    # The L2 officer may share with the L1 officer below them.
    response = client_for("officer_l2").post(URL, {**body, "recipient": "REV-L1-ONE"})
    assert response.status_code == 201, response.content
    assert shared_events().get().data["recipient"] == "officer_l1"


def test_an_l4_officer_may_not_share(world, rules):
    g = world.register()
    hod_post = Post.objects.create(
        code="REV-PS-OFFICE",
        title="Section officer",
        designation=Designation.objects.get(code="director"),
        area=world.state,
        department=world.department,
        holder=User.objects.create(username="so", role=Role.OFFICER, mobile="9000000098"),
    )
    response = client_for("secretary").post(
        URL, {"grievances": [g.number], "recipient": hod_post.code}
    )
    assert response.status_code == 409
    assert "L1, L2 and L3" in response.json()["detail"]


def test_sharing_is_off_where_the_profile_says_so(world, patwari):
    g = world.register()  # Haryana's profile: whatsapp_share false
    response = client_for("officer_l1").post(
        URL, {"grievances": [g.number], "recipient": patwari.code}
    )
    assert response.status_code == 409


def test_the_record_is_not_an_action_anyone_can_take_alone(world, rules, patwari):
    g = world.register()
    client = client_for("officer_l1")
    response = client.post(
        f"/api/v1/grievances/{g.number}/actions/share_whatsapp/",
        {"recipient": patwari.code, "share": 1},
        format="json",
    )
    assert response.status_code == 404 and response.json()["code"] == "unknown_action"
    assert (
        "share_whatsapp"
        not in client.get(f"/api/v1/grievances/{g.number}/").json()["allowed_actions"]
    )
    assert not shared_events().exists()


def test_the_recipient_must_cover_each_grievance(world, rules, patwari):
    in_block = world.register()
    district_wide = world.register(area=world.district, mobile="9876500004")
    response = client_for("officer_l1").post(
        URL, {"grievances": [in_block.number, district_wide.number], "recipient": patwari.code}
    )
    assert response.status_code == 400 and district_wide.number in response.json()["detail"]
    assert not shared_events().exists()

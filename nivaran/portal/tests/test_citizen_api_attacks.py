"""The attacks we fear on the Citizen API, each as a test."""

from __future__ import annotations

import hashlib

from django.test import Client
from rest_framework.test import APIClient

from nivaran.grievances.models import FeedbackCall, Grievance, Status
from nivaran.notifications.models import Message
from nivaran.portal.models import CitizenToken
from nivaran.portal.tests.citizen_api import BASE, as_citizen, as_staff, citizen_token, lodge_body
from nivaran.portal.tests.helpers import last_otp
from nivaran.portal.tests.test_feedback import with_atr
from nivaran.portal.tests.test_track import OWNER, STRANGER, track
from nivaran.testing.world import World


def test_mobile_b_cannot_read_or_act_on_mobile_as_grievance(world: World):
    mine = with_atr(world)  # OWNER's, awaiting feedback
    thief = as_citizen(citizen_token(STRANGER))
    absent = thief.get(f"{BASE}/grievances/HR2699999999/")
    assert absent.status_code == 404
    for method, path, body in [
        ("get", f"{BASE}/grievances/{mine.number}/", None),
        ("post", f"{BASE}/grievances/{mine.number}/feedback/", {"satisfied": True}),
        ("post", f"{BASE}/grievances/{mine.number}/reopen/", {"reason": "x"}),
    ]:
        answer = getattr(thief, method)(path, body, format="json")
        assert answer.status_code == 404, (path, answer.content)
        # The same words as for a number that does not exist: nothing leaks.
        assert answer.json() == absent.json()
    assert thief.get(f"{BASE}/grievances/").json()["count"] == 0
    mine.refresh_from_db()
    assert mine.status == Status.ATR_SUBMITTED
    assert not FeedbackCall.objects.exists()


def test_a_follow_up_cannot_be_linked_to_someone_elses_grievance(world: World):
    from nivaran.portal.tests.test_feedback import closed

    theirs = closed(world, days_ago=60)
    thief = as_citizen(citizen_token(STRANGER))
    answer = thief.post(
        f"{BASE}/grievances/", lodge_body(world, linked_to=theirs.number), format="json"
    )
    assert answer.status_code == 400 and "linked_to" in answer.json()["fields"]
    assert not Grievance.objects.filter(citizen__mobile=STRANGER).exists()


def test_guessing_codes_locks_the_otp_out(world: World):
    client = APIClient()
    client.post(f"{BASE}/otp/", {"mobile": OWNER}, format="json")
    right = last_otp(OWNER)
    wrong = "000000" if right != "000000" else "111111"
    answers = [
        client.post(f"{BASE}/token/", {"mobile": OWNER, "code": wrong}, format="json")
        for _ in range(5)
    ]
    assert {a.status_code for a in answers} == {400}
    assert {a.json()["code"] for a in answers} == {"otp_refused"}
    assert "Too many wrong tries" in answers[-1].json()["detail"]
    late = client.post(f"{BASE}/token/", {"mobile": OWNER, "code": right}, format="json")
    assert late.status_code == 400 and late.json()["code"] == "otp_refused"
    assert not CitizenToken.objects.exists()


def test_an_otp_works_once_and_only_for_the_app(world: World):
    client = APIClient()
    client.post(f"{BASE}/otp/", {"mobile": OWNER}, format="json")
    code = last_otp(OWNER)
    body = {"mobile": OWNER, "code": code}
    assert client.post(f"{BASE}/token/", body, format="json").status_code == 201
    assert client.post(f"{BASE}/token/", body, format="json").status_code == 400
    # A code the portal's tracking page sent does not open the API.
    grievance = world.register()
    track(Client(), grievance)  # uses up the track OTP it asked for
    Client().post("/citizen/track/", {"number": grievance.number, "mobile": OWNER})
    portal_code = last_otp(OWNER)
    refused = client.post(f"{BASE}/token/", {"mobile": OWNER, "code": portal_code}, format="json")
    assert refused.status_code == 400


def test_a_portal_session_and_a_token_of_one_mobile_see_the_same(world: World):
    mine = [world.register(), with_atr(world)]
    world.register(mobile=STRANGER)
    app = as_citizen(citizen_token(OWNER))
    listed = {g["number"] for g in app.get(f"{BASE}/grievances/").json()["results"]}
    assert listed == {g.number for g in mine}
    for grievance in mine:
        page = track(Client(), grievance)
        seen = app.get(f"{BASE}/grievances/{grievance.number}/").json()
        assert seen["status_text"] in page
        for line in seen["history"]:
            assert line["title"] in page


def test_a_citizen_token_opens_no_staff_endpoint(world: World):
    world.register()
    app = as_citizen(citizen_token(OWNER))
    for path in [
        "/api/v1/grievances/",
        f"/api/v1/grievances/{Grievance.objects.get().number}/history/",
        "/api/v1/feedback-queue/",
        "/api/v1/categories/",
    ]:
        answer = app.get(path)
        assert answer.status_code == 401, path
    staff_call = app.post(
        f"/api/v1/grievances/{Grievance.objects.get().number}/actions/reopen/",
        {"reason": "x"},
        format="json",
    )
    assert staff_call.status_code == 401


def test_a_staff_token_or_session_is_no_citizen_token(world: World):
    world.register()
    staff = as_staff("cmo")
    assert staff.get(f"{BASE}/grievances/").status_code == 401
    key = staff._credentials["HTTP_AUTHORIZATION"].split()[1]  # type: ignore[attr-defined]
    as_bearer = as_citizen(key)
    assert as_bearer.get(f"{BASE}/grievances/").status_code == 401
    # The citizen's own staff-style login (a demo citizen's password) does not either.
    citizen = as_staff("citizen")
    assert citizen.get(f"{BASE}/grievances/").status_code == 401
    browser = Client()
    browser.force_login(world["cmo"])
    assert browser.get(f"{BASE}/grievances/").status_code == 401
    assert as_citizen("nvc_made-up").get(f"{BASE}/grievances/").status_code == 401
    garbled = APIClient()
    garbled.credentials(HTTP_AUTHORIZATION="Bearer")
    assert garbled.get(f"{BASE}/grievances/").status_code == 401


def test_an_idempotency_key_of_another_mobile_returns_nothing_of_theirs(world: World):
    victim = as_citizen(citizen_token(OWNER))
    theirs = victim.post(
        f"{BASE}/grievances/", lodge_body(world), format="json", HTTP_IDEMPOTENCY_KEY="same"
    ).json()
    thief = as_citizen(citizen_token(STRANGER))
    mine = thief.post(
        f"{BASE}/grievances/",
        lodge_body(world, name="Someone Else"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="same",
    )
    assert mine.status_code == 201
    assert mine.json()["number"] != theirs["number"]
    assert Grievance.objects.get(number=mine.json()["number"]).citizen.mobile == STRANGER


def test_tokens_and_codes_are_not_stored_in_clear(world: World):
    token = citizen_token(OWNER)
    row = CitizenToken.objects.get()
    assert token.startswith("nvc_")
    assert token not in row.key_hash and token.removeprefix("nvc_") not in row.key_hash
    assert row.key_hash == hashlib.sha256(token.removeprefix("nvc_").encode()).hexdigest()
    for column in (row.key_hash, row.mobile, str(row.user_id)):
        assert token not in column


def test_a_revoked_token_is_dead_and_others_live_on(world: World):
    phone = as_citizen(citizen_token(OWNER))
    tablet = as_citizen(citizen_token(OWNER))
    assert phone.delete(f"{BASE}/token/").status_code == 204
    assert phone.get(f"{BASE}/grievances/").status_code == 401
    assert phone.delete(f"{BASE}/token/").status_code == 401
    assert tablet.get(f"{BASE}/grievances/").status_code == 200


def test_the_otp_sms_is_confidential(world: World):
    citizen_token(OWNER)
    message = Message.objects.filter(to=OWNER, purpose="otp").get()
    assert message.confidential

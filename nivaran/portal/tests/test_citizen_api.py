"""The Citizen API: OTP, token, lodging, the citizen's view, feedback and reopening."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from nivaran.accounts.models import User
from nivaran.grievances.models import FeedbackCall, Grievance
from nivaran.otp.models import OtpChallenge
from nivaran.portal.models import Attachment, CitizenToken
from nivaran.portal.tests.citizen_api import BASE, as_citizen, as_staff, citizen_token, lodge_body
from nivaran.portal.tests.helpers import PDF, PNG
from nivaran.portal.tests.test_feedback import closed, with_atr
from nivaran.portal.tests.test_track import OWNER
from nivaran.testing.world import World

NEW = "9123456780"


def test_the_documented_journey_through_the_json_api_alone(world: World):
    """docs/api.md, "Citizen API": OTP -> token -> lodge -> list -> the ATR answered."""
    app = as_citizen(citizen_token(NEW))
    lodged = app.post(
        f"{BASE}/grievances/", lodge_body(world), format="json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    assert lodged.status_code == 201, lodged.content
    number = lodged.json()["number"]
    assert lodged.json()["status"] == "open"
    assert lodged.json()["may"] == {"feedback": False, "reopen": False, "follow_up": False}

    listed = app.get(f"{BASE}/grievances/").json()
    assert listed["count"] == 1 and listed["results"][0]["number"] == number
    assert listed["results"][0]["status_text"] == "Received: with the officer"

    officer = as_staff("officer_l1")  # the department answers through the staff API
    atr = officer.post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Mutation entered in the revenue record."},
        format="json",
    )
    assert atr.status_code == 200, atr.content

    seen = app.get(f"{BASE}/grievances/{number}/").json()
    assert seen["status"] == "atr_submitted"
    assert seen["atr"]["summary"] == "Mutation entered in the revenue record."
    assert seen["atr"]["awaiting"] is True and seen["may"]["feedback"] is True

    answered = app.post(f"{BASE}/grievances/{number}/feedback/", {"satisfied": True}, format="json")
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["status"] == "closed" and body["status_text"] == "Resolved and closed"
    assert body["may"] == {"feedback": False, "reopen": True, "follow_up": False}
    assert [line["action"] for line in body["history"]] == [
        "register",
        "submit_atr",
        "record_feedback",
    ]
    call = FeedbackCall.objects.get(grievance__number=number)
    assert call.channel == "app" and call.taken_by.mobile == NEW
    grievance = Grievance.objects.get(number=number)
    assert grievance.channel == "app" and grievance.citizen.mobile == NEW

    assert app.delete(f"{BASE}/token/").status_code == 204
    assert app.get(f"{BASE}/grievances/").status_code == 401


def test_the_otp_answer_is_the_same_with_or_without_grievances(world: World):
    world.register()  # OWNER has one, NEW has none
    client = APIClient()
    with_one = client.post(f"{BASE}/otp/", {"mobile": OWNER}, format="json")
    without = client.post(f"{BASE}/otp/", {"mobile": NEW}, format="json")
    assert with_one.status_code == without.status_code == 202
    assert with_one.json()["valid_minutes"] == without.json()["valid_minutes"] == 10
    assert set(with_one.json()) == set(without.json()) == {"detail", "valid_minutes"}


def test_otp_requests_are_limited_as_on_the_portal(world: World):
    client = APIClient()
    answers = [client.post(f"{BASE}/otp/", {"mobile": NEW}, format="json") for _ in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert answers[-1].json()["code"] == "rate_limited"
    assert OtpChallenge.objects.filter(mobile=NEW, purpose="app").count() == 3


def test_bad_input_gets_a_json_error_naming_the_fields(world: World):
    client = APIClient()
    bad = client.post(f"{BASE}/otp/", {"mobile": "12345"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "mobile" in bad.json()["fields"]
    bad = client.post(f"{BASE}/token/", {"mobile": NEW, "code": "12"}, format="json")
    assert bad.status_code == 400 and "code" in bad.json()["fields"]
    bad = client.post(f"{BASE}/token/", "not json", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "parse_error"

    app = as_citizen(citizen_token(NEW))
    bad = app.post(
        f"{BASE}/grievances/",
        lodge_body(world, category="NOPE", description="short", latitude="12.5"),
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"description"}
    bad = app.post(f"{BASE}/grievances/", lodge_body(world, latitude="12.5"), format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"latitude"}
    bad = app.post(f"{BASE}/grievances/", lodge_body(world, category="NOPE"), format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"category"}
    assert not Grievance.objects.filter(citizen__mobile=NEW).exists()


def test_a_retried_lodge_lodges_nothing_twice(world: World):
    app = as_citizen(citizen_token(NEW))
    first = app.post(
        f"{BASE}/grievances/", lodge_body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = app.post(
        f"{BASE}/grievances/", lodge_body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Grievance.objects.filter(citizen__mobile=NEW).count() == 1
    too_long = app.post(
        f"{BASE}/grievances/", lodge_body(world), format="json", HTTP_IDEMPOTENCY_KEY="x" * 101
    )
    assert too_long.status_code == 400 and "Idempotency-Key" in too_long.json()["fields"]


def test_lodging_with_attachments_as_multipart(world: World):
    app = as_citizen(citizen_token(NEW))
    files = [
        SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    ]
    answer = app.post(
        f"{BASE}/grievances/",
        {
            **lodge_body(world),
            "latitude": "28.613900",
            "longitude": "77.209000",
            "attachments": files,
        },
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    grievance = Grievance.objects.get(number=answer.json()["number"])
    assert Attachment.objects.filter(grievance=grievance).count() == 2
    assert str(grievance.portal_location) == "28.613900,77.209000"

    four = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(4)]
    refused = app.post(
        f"{BASE}/grievances/", {**lodge_body(world), "attachments": four}, format="multipart"
    )
    assert refused.status_code == 400 and "attachments" in refused.json()["fields"]
    assert Grievance.objects.filter(citizen__mobile=NEW).count() == 1


def test_not_satisfied_needs_a_reason_and_reopens(world: World):
    grievance = with_atr(world)
    app = as_citizen(citizen_token(OWNER))
    url = f"{BASE}/grievances/{grievance.number}/feedback/"
    bad = app.post(url, {"satisfied": False}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]
    answer = app.post(url, {"satisfied": False, "reason": "Nothing changed."}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] in {"reopened", "conflict"}
    again = app.post(url, {"satisfied": True}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    assert again.json()["detail"]


def test_reopen_within_the_window_and_a_follow_up_after_it(world: World):
    grievance = closed(world)
    app = as_citizen(citizen_token(OWNER))
    url = f"{BASE}/grievances/{grievance.number}/reopen/"
    assert app.post(url, {}, format="json").status_code == 400
    answer = app.post(url, {"reason": "Still not entered."}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "reopened"

    old = closed(world, days_ago=60)
    seen = app.get(f"{BASE}/grievances/{old.number}/").json()
    assert seen["may"] == {"feedback": False, "reopen": False, "follow_up": True}
    late = app.post(f"{BASE}/grievances/{old.number}/reopen/", {"reason": "Again."}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "transition_not_allowed"
    follow = app.post(f"{BASE}/grievances/", lodge_body(world, linked_to=old.number), format="json")
    assert follow.status_code == 201, follow.content
    assert follow.json()["linked_to"] == old.number
    assert "About your earlier grievance" in follow.json()["history"][0]["detail"]


def test_the_list_is_newest_first_and_paginated(world: World):
    first = world.register(at=timezone.now() - timedelta(days=2))
    second = world.register(at=timezone.now() - timedelta(days=1), description="दूसरी शिकायत है यह।")
    app = as_citizen(citizen_token(OWNER))
    page = app.get(f"{BASE}/grievances/", {"page_size": 1}).json()
    assert page["count"] == 2 and page["next"]
    assert [g["number"] for g in page["results"]] == [second.number]
    rest = app.get(f"{BASE}/grievances/", {"page_size": 1, "page": 2}).json()
    assert [g["number"] for g in rest["results"]] == [first.number]


def test_texts_follow_the_requests_language(world: World):
    grievance = world.register()
    app = as_citizen(citizen_token(OWNER))
    seen = app.get(f"{BASE}/grievances/{grievance.number}/", HTTP_ACCEPT_LANGUAGE="hi").json()
    assert seen["category"] == {"code": world.category.code, "name": "इंतकाल लंबित"}
    assert seen["status_text"] != "Received: with the officer"
    english = app.get(f"{BASE}/grievances/{grievance.number}/").json()
    assert english["status_text"] == "Received: with the officer"


def test_the_token_expires_after_the_setting(world: World, settings):
    settings.NIVARAN_CITIZEN_TOKEN_MINUTES = 5
    token = citizen_token(NEW)
    app = as_citizen(token)
    assert app.get(f"{BASE}/grievances/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        expired = app.get(f"{BASE}/grievances/")
    assert expired.status_code == 401
    assert expired.json()["code"] == "authentication_failed"
    assert expired["WWW-Authenticate"].startswith("Bearer")


def test_expired_tokens_are_purged(world: World):
    from nivaran.portal.tasks import purge_citizen_tokens

    citizen_token(NEW)
    assert purge_citizen_tokens() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert purge_citizen_tokens() == 1
    assert not CitizenToken.objects.exists()


def test_the_token_acts_as_the_portals_citizen_account_of_the_mobile(world: World):
    citizen_token(NEW)
    token = CitizenToken.objects.get()
    assert token.user == User.objects.get(username=f"citizen:{NEW}")
    assert token.user.role == "citizen" and token.mobile == NEW


def test_a_deactivated_account_ends_its_tokens(world: World):
    app = as_citizen(citizen_token(NEW))
    User.objects.filter(username=f"citizen:{NEW}").update(is_active=False)
    assert app.get(f"{BASE}/grievances/").status_code == 401


def test_the_pickers_give_what_the_portals_lodge_form_offers(world: World):
    app = as_citizen(citizen_token(NEW))
    found = app.get(f"{BASE}/categories/", {"q": "इंतकाल"}).json()["results"]
    assert found == [{"code": world.category.code, "name": "Mutation pending"}]
    every = {c["code"] for c in app.get(f"{BASE}/categories/").json()["results"]}
    assert world.category.code in every and "REV-LAND" not in every  # only selectable types
    assert app.get(f"{BASE}/categories/", {"kind": "nope"}).status_code == 400

    districts = app.get(f"{BASE}/areas/").json()["results"]
    assert {d["code"] for d in districts} == {world.district.code, world.other_district.code}
    inside = app.get(f"{BASE}/areas/", {"district": world.district.code}).json()["results"]
    assert inside == [
        {"code": world.district.code, "name": "One", "type": "district", "depth": 0},
        {"code": world.block.code, "name": "One Block", "type": "block", "depth": 1},
    ]
    assert app.get(f"{BASE}/areas/", {"district": "NOPE"}).json()["results"] == []
    assert APIClient().get(f"{BASE}/categories/").status_code == 401

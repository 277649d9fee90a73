"""The staff profile through the API: name and language directly, the mobile only with
the OTP sent to the new number; citizens refused; every step audited."""

from __future__ import annotations

import re

from rest_framework.test import APIClient

from nivaran.accounts.models import ProfileChange, User
from nivaran.notifications.models import Message
from nivaran.testing.world import PASSWORD, World

NEW = "9123456780"


def client_for(username: str) -> APIClient:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def code_sent_to(mobile: str) -> str:
    message = Message.objects.filter(to=mobile, purpose="otp").order_by("-id").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found
    return found.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def mobile_of(username: str) -> str:
    return User.objects.get(username=username).mobile


def test_name_and_language_change_directly_and_are_audited(world: World):
    client = client_for("officer_l1")
    me = client.get("/api/v1/me/").json()
    assert me["mobile"] == "9000000001" and me["role"] == "officer"
    answer = client.patch(
        "/api/v1/me/",
        {"first_name": "Asha", "last_name": "Verma", "preferred_language": "hi"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["first_name"] == "Asha" and answer.json()["preferred_language"] == "hi"
    rows = {(c.field, c.old, c.new, c.via) for c in ProfileChange.objects.all()}
    assert rows == {("name", "Officer_L1", "Asha Verma", "api"), ("language", "en", "hi", "api")}
    assert {c.actor.username for c in ProfileChange.objects.all()} == {"officer_l1"}


def test_patch_refuses_the_mobile(world: World):
    client = client_for("officer_l1")
    answer = client.patch("/api/v1/me/", {"mobile": NEW, "first_name": "X"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid" and "mobile" in answer.json()["fields"]
    assert mobile_of("officer_l1") == "9000000001"
    assert User.objects.get(username="officer_l1").first_name == "Officer_L1"


def test_the_mobile_changes_with_the_otp_sent_to_the_new_number(world: World):
    client = client_for("officer_l1")
    sent = client.post(
        "/api/v1/me/mobile/otp/", {"mobile": NEW, "password": PASSWORD}, format="json"
    )
    assert sent.status_code == 202, sent.content
    assert sent.json()["mobile"] == "91xxxxxx80"
    assert mobile_of("officer_l1") == "9000000001"  # nothing changed yet
    done = client.post(
        "/api/v1/me/mobile/", {"mobile": NEW, "otp": code_sent_to(NEW)}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["mobile"] == NEW and mobile_of("officer_l1") == NEW
    notice = Message.objects.get(to="9000000001", purpose="profile_mobile_changed")
    assert "91xxxxxx80" in notice.body and NEW not in notice.body
    kinds = list(ProfileChange.objects.order_by("id").values_list("kind", "old", "new"))
    assert kinds == [("otp_sent", "9000000001", NEW), ("changed", "9000000001", NEW)]


def test_without_the_right_otp_nothing_changes_and_five_wrong_lock_out(world: World):
    client = client_for("officer_l1")
    client.post("/api/v1/me/mobile/otp/", {"mobile": NEW, "password": PASSWORD}, format="json")
    code = code_sent_to(NEW)
    for left in (4, 3, 2, 1):
        answer = client.post("/api/v1/me/mobile/", {"mobile": NEW, "otp": wrong(code)})
        assert answer.status_code == 400 and answer.json()["code"] == "otp_refused"
        assert f"{left} more time" in answer.json()["detail"]
    locked = client.post("/api/v1/me/mobile/", {"mobile": NEW, "otp": wrong(code)})
    assert locked.status_code == 429 and locked.json()["code"] == "otp_locked"
    assert int(locked["Retry-After"]) == 900
    right = client.post("/api/v1/me/mobile/", {"mobile": NEW, "otp": code})
    assert right.status_code == 429 and right.json()["code"] == "otp_locked"
    again = client.post(
        "/api/v1/me/mobile/otp/", {"mobile": NEW, "password": PASSWORD}, format="json"
    )
    assert again.status_code == 429 and again.json()["code"] == "otp_locked"
    assert mobile_of("officer_l1") == "9000000001"
    kinds = list(ProfileChange.objects.order_by("id").values_list("kind", "reason"))
    assert kinds == [
        ("otp_sent", ""),
        *[("refused", "otp_refused")] * 4,
        *[("locked", "otp_locked")] * 3,
    ]


def test_an_otp_for_one_number_or_officer_does_not_change_another(world: World):
    first, second = client_for("officer_l1"), client_for("officer_l2")
    first.post("/api/v1/me/mobile/otp/", {"mobile": NEW, "password": PASSWORD}, format="json")
    code = code_sent_to(NEW)
    stolen = second.post("/api/v1/me/mobile/", {"mobile": NEW, "otp": code})
    assert stolen.status_code == 400 and stolen.json()["code"] == "otp_refused"
    other_number = first.post("/api/v1/me/mobile/", {"mobile": "9123456781", "otp": code})
    assert other_number.status_code == 400
    assert (mobile_of("officer_l1"), mobile_of("officer_l2")) == ("9000000001", "9000000002")
    assert first.post("/api/v1/me/mobile/", {"mobile": NEW, "otp": code}).status_code == 200
    # Used once: the same code again changes nothing for anyone.
    assert second.post("/api/v1/me/mobile/", {"mobile": NEW, "otp": code}).status_code == 400


def test_a_number_of_another_staff_member_or_the_present_one_is_refused(world: World):
    client = client_for("officer_l1")
    for mobile in ("9000000002", "9000000001", "12345"):
        answer = client.post(
            "/api/v1/me/mobile/otp/", {"mobile": mobile, "password": PASSWORD}, format="json"
        )
        assert answer.status_code == 400 and "mobile" in answer.json()["fields"]
    assert not Message.objects.filter(purpose="otp").exists()


def test_citizens_have_no_staff_profile(world: World):
    client = client_for("citizen")
    assert client.get("/api/v1/me/").status_code == 403
    assert client.patch("/api/v1/me/", {"first_name": "X"}, format="json").status_code == 403
    sent = client.post(
        "/api/v1/me/mobile/otp/", {"mobile": NEW, "password": PASSWORD}, format="json"
    )
    assert sent.status_code == 403
    assert not Message.objects.exists() and not ProfileChange.objects.exists()
    assert APIClient().get("/api/v1/me/").status_code == 401


def test_a_session_alone_does_not_move_the_mobile(world: World):
    """The attack: someone holding a signed-in session (a stolen token, a phone left
    unlocked) points the officer's SMS, and every merge OTP, at their own phone."""
    client = client_for("officer_l1")
    before = world["officer_l1"].mobile
    for body in ({"mobile": NEW}, {"mobile": NEW, "password": "not-the-password"}):
        answer = client.post("/api/v1/me/mobile/otp/", body, format="json")
        assert answer.status_code == 400 and "password" in answer.json()["fields"], body
    assert not Message.objects.filter(to=NEW).exists()  # no OTP went to their phone
    assert User.objects.get(pk=world["officer_l1"].pk).mobile == before
    assert ProfileChange.objects.filter(user=world["officer_l1"], reason="wrong_password").exists()


def test_wrong_passwords_here_lock_the_sign_in_too(world: World, settings):
    settings.NIVARAN_SIGNIN_MAX_FAILURES = 3
    client = client_for("officer_l1")
    for _ in range(3):
        client.post("/api/v1/me/mobile/otp/", {"mobile": NEW, "password": "guess"}, format="json")
    locked = client.post("/api/v1/me/mobile/otp/", {"mobile": NEW, "password": PASSWORD}, "json")
    assert locked.status_code == 429
    refused = APIClient().post(
        "/api/v1/auth/token/", {"username": "officer_l1", "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 429

"""The profile page: name and language saved at once; the mobile in two steps with the
OTP to the new number; wrong codes told with the tries left, then the lockout; citizens
kept out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from nivaran.accounts.models import ProfileChange, User
from nivaran.notifications.models import Message
from nivaran.testing.world import PASSWORD, World

NEW = "9123456780"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def code_sent_to(mobile: str) -> str:
    message = Message.objects.filter(to=mobile, purpose="otp").order_by("-id").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found
    return found.group(1)


def test_the_staff_navigation_links_the_profile_page(world: World):
    page = signed_in("officer_l1").get("/").content.decode()
    assert 'href="/profile/"' in page


def test_name_and_language_save_directly(world: World):
    client = signed_in("officer_l1")
    response = client.post(
        "/profile/", {"first_name": "Asha", "last_name": "Verma", "preferred_language": "hi"}
    )
    assert response.status_code == 302
    user = User.objects.get(username="officer_l1")
    assert (user.get_full_name(), user.preferred_language) == ("Asha Verma", "hi")
    page = client.get("/profile/").content.decode()
    assert "Your profile is saved." in page and "Officer_L1 → Asha Verma" in page


def test_a_mobile_posted_with_the_details_changes_nothing(world: World):
    client = signed_in("officer_l1")
    client.post("/profile/", {"first_name": "A", "preferred_language": "en", "mobile": NEW})
    assert User.objects.get(username="officer_l1").mobile == "9000000001"


def test_the_mobile_changes_after_the_otp_sent_to_the_new_number(world: World):
    client = signed_in("officer_l1")
    response = client.post("/profile/mobile/", {"mobile": NEW, "password": PASSWORD})
    assert response["Location"] == "/profile/mobile/confirm/"
    page = client.get("/profile/mobile/confirm/").content.decode()
    assert "91xxxxxx80" in page and NEW not in page
    assert User.objects.get(username="officer_l1").mobile == "9000000001"
    response = client.post("/profile/mobile/confirm/", {"code": code_sent_to(NEW)})
    assert response["Location"] == "/profile/"
    assert User.objects.get(username="officer_l1").mobile == NEW
    page = client.get("/profile/").content.decode()
    assert "Your mobile number is now 91xxxxxx80." in page
    assert "90xxxxxx01 → 91xxxxxx80" in page and NEW not in page  # masked in the audit


def test_wrong_codes_tell_the_tries_left_then_lock_out(world: World):
    client = signed_in("officer_l1")
    client.post("/profile/mobile/", {"mobile": NEW, "password": PASSWORD})
    code = code_sent_to(NEW)
    bad = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in ("4 more times", "3 more times", "2 more times", "1 more time"):
        answer = client.post("/profile/mobile/confirm/", {"code": bad})
        assert answer.status_code == 400 and left in answer.content.decode()
    locked = client.post("/profile/mobile/confirm/", {"code": bad}).content.decode()
    assert "Too many wrong OTPs" in locked and "15 minutes" in locked
    right = client.post("/profile/mobile/confirm/", {"code": code}).content.decode()
    assert "Too many wrong OTPs" in right
    assert User.objects.get(username="officer_l1").mobile == "9000000001"
    assert ProfileChange.objects.filter(kind="locked").count() == 2


def test_an_expired_code_is_told_so(world: World):
    client = signed_in("officer_l1")
    client.post("/profile/mobile/", {"mobile": NEW, "password": PASSWORD})
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        page = client.post("/profile/mobile/confirm/", {"code": code_sent_to(NEW)})
    assert "expired" in page.content.decode()
    assert User.objects.get(username="officer_l1").mobile == "9000000001"


@pytest.mark.parametrize("path", ["/profile/", "/profile/mobile/confirm/"])
def test_citizens_do_not_reach_the_staff_profile(world: World, path: str):
    client = signed_in("citizen")
    assert client.get(path).status_code == 403
    assert client.post("/profile/mobile/", {"mobile": NEW, "password": PASSWORD}).status_code == 403
    assert 'href="/profile/"' not in client.get("/").content.decode()
    assert not Message.objects.exists()


def test_signed_out_the_page_asks_to_sign_in(db):
    response = Client().get("/profile/")
    assert response.status_code == 302 and "/login/" in response["Location"]

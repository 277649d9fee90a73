"""The OTP budget under attack: strangers, floods from one address, the whole platform,
and concurrent requests."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nivaran.notifications.models import Message
from nivaran.otp.models import OtpChallenge
from nivaran.otp.services import OtpRateLimited, otp_send
from nivaran.portal.tests.helpers import last_otp
from nivaran.testing.world import World

OWNER = "9876543210"  # the world's default citizen
FOR_MOBILE = "Too many OTPs were asked for this mobile"
FOR_CLIENT = "Too many OTPs were asked from this connection"
NEUTRAL = "If this grievance number was lodged with this mobile number"


def from_address(address: str, **headers: str) -> Client:
    return Client(REMOTE_ADDR=address, **headers)


def ask_track(client: Client, number: str, mobile: str) -> str:
    response = client.post(reverse("portal:track"), {"number": number, "mobile": mobile})
    if response.status_code == 302:
        return client.get(response["Location"]).content.decode()
    return response.content.decode()


def ask_lodge(client: Client, mobile: str) -> str:
    response = client.post(reverse("portal:lodge"), {"name": "Sita", "mobile": mobile})
    if response.status_code == 302:
        return client.get(response["Location"]).content.decode()
    return response.content.decode()


def test_a_stranger_tracking_with_the_owners_mobile_does_not_lock_the_owner_out(world: World):
    grievance = world.register()
    stranger = from_address("203.0.113.7")
    pages = [ask_track(stranger, "HR2600009999", OWNER) for _ in range(4)]
    assert all(NEUTRAL in page for page in pages[:3])
    assert FOR_MOBILE in pages[3]  # refused as a real one would be
    assert not Message.objects.filter(to=OWNER, purpose="otp").exists()

    owner = from_address("198.51.100.20")
    assert NEUTRAL in ask_track(owner, grievance.number, OWNER)
    response = owner.post(reverse("portal:track_otp"), {"code": last_otp(OWNER)})
    assert response["Location"].endswith(f"/track/{grievance.number}/")
    assert "Please try again" not in ask_lodge(owner, OWNER)
    assert Message.objects.filter(to=OWNER, purpose="otp").count() == 2


def test_the_stranger_cannot_tell_a_real_grievance_from_a_made_up_one(world: World):
    grievance = world.register()
    made_up = [ask_track(from_address("203.0.113.7"), "HR2600009999", OWNER) for _ in range(4)]
    real = [ask_track(from_address("203.0.113.8"), grievance.number, OWNER) for _ in range(4)]
    for fake_page, real_page in zip(made_up, real, strict=True):
        assert (NEUTRAL in fake_page) == (NEUTRAL in real_page)
        assert (FOR_MOBILE in fake_page) == (FOR_MOBILE in real_page)
    assert FOR_MOBILE in made_up[3]


def test_lodging_with_someone_elses_mobile_leaves_their_tracking_alone(world: World):
    grievance = world.register()
    stranger = from_address("203.0.113.7")
    for _ in range(3):
        ask_lodge(stranger, OWNER)  # three SMS reach the owner: that much cannot be helped
    assert FOR_MOBILE in ask_lodge(stranger, OWNER)
    owner = from_address("198.51.100.20")
    ask_track(owner, grievance.number, OWNER)
    response = owner.post(reverse("portal:track_otp"), {"code": last_otp(OWNER)})
    assert response["Location"].endswith(f"/track/{grievance.number}/")


def test_the_lodge_form_sends_no_more_than_ten_otps_from_one_address(db):
    flood = from_address("203.0.113.7")
    pages = [ask_lodge(flood, f"98000000{i:02d}") for i in range(15)]
    assert Message.objects.filter(purpose="otp").count() == 10
    assert all(FOR_CLIENT in page for page in pages[10:])
    assert FOR_CLIENT not in ask_lodge(from_address("198.51.100.20"), "9800000099")
    assert Message.objects.filter(purpose="otp").count() == 11


def test_a_forged_forwarded_for_header_does_not_buy_more_otps(db, settings):
    settings.NIVARAN_CLIENT_IP_HEADER = ""  # no proxy: the header is the client's to forge
    for i in range(12):
        ask_lodge(
            from_address("203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"), f"98000000{i:02d}"
        )
    assert Message.objects.filter(purpose="otp").count() == 10
    assert set(OtpChallenge.objects.values_list("client", flat=True)) == {"203.0.113.7"}


def test_behind_a_proxy_the_address_it_appended_counts(db, settings):
    settings.NIVARAN_CLIENT_IP_HEADER = "X-Forwarded-For"
    for i in range(12):  # the proxy appends the real address after whatever was sent
        proxied = from_address("127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7")
        ask_lodge(proxied, f"98000000{i:02d}")
    assert Message.objects.filter(purpose="otp").count() == 10
    other = from_address("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert FOR_CLIENT not in ask_lodge(other, "9800000099")
    assert set(OtpChallenge.objects.values_list("client", flat=True)) == {
        "203.0.113.7",
        "198.51.100.20",
    }


def test_the_platform_wide_limit_stops_a_distributed_flood(db, settings):
    settings.NIVARAN_OTP_GLOBAL_LIMIT = 4
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for i in range(4):
            otp_send(mobile=f"98000000{i:02d}", purpose="lodge", client=f"203.0.113.{i}")
        page = ask_lodge(from_address("203.0.113.50"), "9800000050")
        assert "OTPs cannot be sent just now" in page
        with pytest.raises(OtpRateLimited) as refused:
            otp_send(mobile="9800000051", purpose="lodge", client="203.0.113.51")
        assert refused.value.code == "otp_busy"
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        otp_send(mobile="9800000051", purpose="lodge", client="203.0.113.51")
    assert Message.objects.filter(purpose="otp").count() == 5


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write transaction"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_cannot_overrun_the_budget():
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        try:
            barrier.wait()
            otp_send(mobile=OWNER, purpose="lodge", client=f"203.0.113.{i}")
            outcome = "sent"
        except OtpRateLimited:
            outcome = "refused"
        except BaseException as error:  # reported below
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused"] * 5 + ["sent"] * 3
    assert Message.objects.filter(to=OWNER).count() == 3

"""Staff OTPs: bound to the user, mobile and purpose; a budget per user; a lockout that
holds for the right code; and a verify that refuses to run where a rollback would forget
a wrong try."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from nivaran.notifications.models import Message
from nivaran.otp.models import OtpChallenge, OtpPurpose
from nivaran.otp.services import (
    LOCKOUT,
    OtpLocked,
    OtpRateLimited,
    OtpRefused,
    otp_send,
    otp_send_to_self,
    otp_verify,
    otp_verify_self,
)
from nivaran.testing.world import World

NEW = "9123456780"
MERGE = OtpPurpose.MERGE
PROFILE = OtpPurpose.PROFILE_MOBILE


def code_sent_to(mobile: str) -> str:
    message = Message.objects.filter(to=mobile, purpose="otp").order_by("-id").first()
    assert message is not None, f"no OTP queued for {mobile}"
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found
    return found.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_merge_otp_goes_to_the_officers_own_mobile_and_works_once(world: World):
    officer = world["officer_l1"]
    otp_send_to_self(actor=officer, purpose=MERGE)
    code = code_sent_to(officer.mobile)
    challenge = otp_verify_self(actor=officer, purpose=MERGE, code=code)
    assert challenge.user == officer and challenge.used_at is not None
    with pytest.raises(OtpRefused):
        otp_verify_self(actor=officer, purpose=MERGE, code=code)


def test_an_otp_opens_nothing_for_another_user_mobile_or_purpose(world: World):
    officer, other = world["officer_l1"], world["officer_l2"]
    otp_send(mobile=NEW, purpose=PROFILE, user=officer)
    code = code_sent_to(NEW)
    with pytest.raises(OtpRefused):  # another user, same mobile and purpose
        otp_verify(mobile=NEW, purpose=PROFILE, code=code, user=other)
    with pytest.raises(OtpRefused):  # another mobile
        otp_verify(mobile="9123456781", purpose=PROFILE, code=code, user=officer)
    with pytest.raises(OtpRefused):  # another purpose
        otp_verify(mobile=NEW, purpose=MERGE, code=code, user=officer)
    with pytest.raises(OtpRefused):  # a citizen's door: no user
        otp_verify(mobile=NEW, purpose="track", code=code)
    assert OtpChallenge.objects.get().attempts == 0  # none of those reached the challenge
    otp_verify(mobile=NEW, purpose=PROFILE, code=code, user=officer)


def test_a_citizens_otp_does_not_open_a_staff_purpose(world: World):
    otp_send(mobile=NEW, purpose="track")
    with pytest.raises(OtpRefused):
        otp_verify(mobile=NEW, purpose=PROFILE, code=code_sent_to(NEW), user=world["hod"])


def test_staff_purposes_need_the_user_and_citizens_purposes_refuse_one(world: World):
    with pytest.raises(Exception, match="purpose"):
        otp_send(mobile=NEW, purpose=MERGE)
    with pytest.raises(Exception, match="purpose"):
        otp_send(mobile=NEW, purpose="lodge", user=world["hod"])
    assert not Message.objects.exists()


def test_wrong_codes_count_down_then_lock_the_user_out_even_for_the_right_code(world: World):
    officer = world["officer_l1"]
    now = timezone.now()
    otp_send(mobile=NEW, purpose=PROFILE, user=officer, now=now)
    earlier = code_sent_to(NEW)
    otp_send(mobile=NEW, purpose=PROFILE, user=officer, now=now)
    code = code_sent_to(NEW)
    lefts = []
    for _ in range(4):
        with pytest.raises(OtpRefused) as refused:
            otp_verify(mobile=NEW, purpose=PROFILE, code=wrong(code), user=officer, now=now)
        lefts.append(refused.value.attempts_left)
    assert lefts == [4, 3, 2, 1]
    assert "1 more time" in str(refused.value)
    with pytest.raises(OtpLocked) as locked:
        otp_verify(mobile=NEW, purpose=PROFILE, code=wrong(code), user=officer, now=now)
    assert locked.value.retry_after == LOCKOUT.total_seconds()
    # The lock holds: for the right code, for the earlier challenge's code, for a new send.
    for given in (code, earlier):
        with pytest.raises(OtpLocked):
            otp_verify(mobile=NEW, purpose=PROFILE, code=given, user=officer, now=now)
    with pytest.raises(OtpLocked):
        otp_send(mobile=NEW, purpose=PROFILE, user=officer, now=now + timedelta(minutes=1))
    # Another officer and another purpose are not locked; the lock ends after 15 minutes.
    otp_send_to_self(actor=officer, purpose=MERGE, now=now)
    later = now + LOCKOUT + timedelta(seconds=1)
    otp_send(mobile=NEW, purpose=PROFILE, user=officer, now=later)
    otp_verify(mobile=NEW, purpose=PROFILE, code=code_sent_to(NEW), user=officer, now=later)


def test_an_expired_staff_otp_is_refused(world: World):
    officer = world["officer_l1"]
    sent = timezone.now() - timedelta(minutes=11)
    otp_send_to_self(actor=officer, purpose=MERGE, now=sent)
    with pytest.raises(OtpRefused, match="expired"):
        otp_verify_self(actor=officer, purpose=MERGE, code=code_sent_to(officer.mobile))


def test_a_user_gets_three_otps_per_purpose_and_five_in_all_whatever_the_mobiles(world: World):
    officer = world["officer_l1"]
    now = timezone.now()
    for i in range(3):
        otp_send(mobile=f"912345670{i}", purpose=PROFILE, user=officer, now=now)
    with pytest.raises(OtpRateLimited) as refused:
        otp_send(mobile="9123456709", purpose=PROFILE, user=officer, now=now)
    assert refused.value.code == "rate_limited_user"
    otp_send_to_self(actor=officer, purpose=MERGE, now=now)
    otp_send_to_self(actor=officer, purpose=MERGE, now=now)
    with pytest.raises(OtpRateLimited):
        otp_send_to_self(actor=officer, purpose=MERGE, now=now)
    assert Message.objects.filter(purpose="otp").count() == 5
    otp_send(mobile="9123456709", purpose=PROFILE, user=world["hod"], now=now)  # another user


def test_a_mobiles_budget_counts_staff_and_citizen_sends_together(world: World):
    now = timezone.now()
    for purpose in ("lodge", "track", "app"):
        otp_send(mobile=NEW, purpose=purpose, now=now)
    otp_send(mobile=NEW, purpose=PROFILE, user=world["officer_l1"], now=now)
    otp_send(mobile=NEW, purpose=PROFILE, user=world["officer_l2"], now=now)
    with pytest.raises(OtpRateLimited, match="this mobile"):
        otp_send(mobile=NEW, purpose=PROFILE, user=world["hod"], now=now)


def test_verify_refuses_to_run_inside_a_callers_transaction(world: World):
    """A wrong try counted inside the caller's transaction would be rolled back with it:
    unlimited guesses. So verify commits its own, and will not run nested."""
    officer = world["officer_l1"]
    otp_send_to_self(actor=officer, purpose=MERGE)
    code = code_sent_to(officer.mobile)
    with pytest.raises(RuntimeError, match="transaction"), transaction.atomic():
        otp_verify_self(actor=officer, purpose=MERGE, code=wrong(code))
    otp_verify_self(actor=officer, purpose=MERGE, code=code)


def test_no_mobile_on_the_profile_no_merge_otp(world: World):
    with pytest.raises(Exception, match="no mobile"):
        otp_send_to_self(actor=world["cmo"], purpose=MERGE)


def _race(count: int, job: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            job()
            outcome = "ok"
        except (OtpRefused, OtpRateLimited) as error:
            outcome = error.code
        except BaseException as error:  # reported by the assertion
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write transaction"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["officer", "citizen"])
def test_concurrent_verifies_of_one_challenge_succeed_once(who: str):
    from nivaran.testing.world import build_world

    officer = build_world()["officer_l1"]
    if who == "officer":
        otp_send_to_self(actor=officer, purpose=MERGE)
        code = code_sent_to(officer.mobile)
        outcomes = _race(6, lambda: otp_verify_self(actor=officer, purpose=MERGE, code=code))
    else:
        otp_send(mobile=NEW, purpose="app")
        code = code_sent_to(NEW)
        outcomes = _race(6, lambda: otp_verify(mobile=NEW, purpose="app", code=code))
    assert outcomes == ["ok"] + ["otp_refused"] * 5
    assert OtpChallenge.objects.filter(used_at__isnull=False).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_cannot_overrun_a_users_budget():
    from nivaran.testing.world import build_world

    officer = build_world()["officer_l1"]
    mobiles = iter(f"91234567{i:02d}" for i in range(8))
    lock = threading.Lock()

    def send() -> None:
        with lock:
            mobile = next(mobiles)
        otp_send(mobile=mobile, purpose=PROFILE, user=officer)

    outcomes = _race(8, send)
    assert outcomes == ["ok"] * 3 + ["rate_limited_user"] * 5
    assert Message.objects.filter(purpose="otp").count() == 3

"""The callback queue as JSON for a dialer: key-scoped, same rules as the pages (W2)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from nivaran.callcentre.models import Callback, CallbackAttempt
from nivaran.callcentre.services import ivrs_key_issue
from nivaran.grievances.models import Grievance, GrievanceEvent
from nivaran.testing.world import PASSWORD

IST = ZoneInfo("Asia/Kolkata")
SUNDAY_11 = datetime(2026, 11, 15, 11, 0, tzinfo=IST)
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=IST)
CALLS = "/api/v1/ivrs/calls/"
CALLBACKS = "/api/v1/ivrs/callbacks/"
REGISTRATION = {
    "citizen": {"name": "Savitri Devi", "mobile": "9876543210"},
    "category": "REV-LAND-MUT",
    "area": "TS-ONE-B1",
    "description": "मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है।",
    "notes": "Caller reached on the first ring-back.",
}


def key_client(name: str) -> APIClient:
    _system, key = ivrs_key_issue(name=name)
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=key)
    return api


def token_client(username: str) -> APIClient:
    api = APIClient()
    response = api.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api


def report(api: APIClient, call_id: str, caller: str = "9876543210", at: datetime = SUNDAY_11):
    return api.post(
        CALLS,
        {"caller": caller, "called_at": at.isoformat(), "call_id": call_id},
        format="json",
    )


@pytest.fixture
def dialer(world) -> APIClient:
    return key_client("ivrs-1905")


def test_the_ivrs_answer_says_when_the_callback_is_tried(dialer):
    first = report(dialer, "c1")
    assert first.status_code == 201
    assert first.json()["callback"] == {
        "id": first.json()["id"],
        "next_attempt_at": "2026-11-16T09:00:00+05:30",
        "status": "pending",
    }
    again = report(dialer, "c2")  # the same caller again: joins the pending callback
    assert again.status_code == 200
    assert again.json()["callback"]["id"] == first.json()["id"]
    assert again.json()["missed_calls"] == 2


def test_a_dialer_registers_a_callbacks_grievance_through_json_alone(dialer):
    """The walk-through of docs/api.md, "A dialer works the callback queue"."""
    queued = report(dialer, "c1").json()["callback"]
    with time_machine.travel(MONDAY_10, tick=False):
        due = dialer.get(CALLBACKS, {"due": "now"})
        assert due.status_code == 200, due.json()
        assert [c["id"] for c in due.json()["results"]] == [queued["id"]]
        assert due.json()["results"][0]["attempts"] == 0
        url = f"{CALLBACKS}{queued['id']}/"

        busy = dialer.post(f"{url}attempts/", {"attempt": 1, "outcome": "busy"}, format="json")
        assert busy.status_code == 201, busy.json()
        # Two working hours on, on the call-centre calendar.
        assert busy.json()["callback"]["next_attempt_at"] == "2026-11-16T12:00:00+05:30"
        assert dialer.get(CALLBACKS).json()["count"] == 0
        later = dialer.get(CALLBACKS, {"due": "later"}).json()
        assert [c["id"] for c in later["results"]] == [queued["id"]]

    with time_machine.travel(datetime(2026, 11, 16, 12, 5, tzinfo=IST), tick=False):
        registered = dialer.post(f"{url}register/", REGISTRATION, format="json")
        assert registered.status_code == 201, registered.json()
        body = registered.json()
        assert body["created"] is True
        assert body["grievance"]["status"] == "open"
        assert body["grievance"]["channel"] == "ivrs"
        assert body["callback"]["status"] == "reached"
        assert body["callback"]["grievance_number"] == body["grievance"]["number"]

        again = dialer.post(f"{url}register/", REGISTRATION, format="json")
        assert again.status_code == 200
        assert again.json()["created"] is False
        assert again.json()["grievance"]["number"] == body["grievance"]["number"]

        detail = dialer.get(url).json()
        assert [a["outcome"] for a in detail["attempt_log"]] == ["busy", "reached_registered"]
    assert Grievance.objects.count() == 1
    assert CallbackAttempt.objects.count() == 2
    event = GrievanceEvent.objects.get(action="register")
    assert event.actor_role == "system"


def test_a_retried_attempt_records_nothing_twice(dialer):
    callback_id = report(dialer, "c1").json()["id"]
    url = f"{CALLBACKS}{callback_id}/attempts/"
    with time_machine.travel(MONDAY_10, tick=False):
        first = dialer.post(url, {"attempt": 1, "outcome": "no_answer"}, format="json")
        retry = dialer.post(url, {"attempt": 1, "outcome": "no_answer"}, format="json")
        assert (first.status_code, retry.status_code) == (201, 200)
        assert retry.json()["attempt"]["id"] == first.json()["attempt"]["id"]
        stale = dialer.post(url, {"attempt": 1, "outcome": "busy"}, format="json")
        assert stale.status_code == 409
        assert stale.json()["code"] == "stale_attempt"
        skipped = dialer.post(url, {"attempt": 5, "outcome": "busy"}, format="json")
        assert skipped.status_code == 409
    assert Callback.objects.get().attempts == 1


def test_unreachable_after_the_profiles_attempts(dialer):
    callback_id = report(dialer, "c1").json()["id"]
    url = f"{CALLBACKS}{callback_id}/attempts/"
    with time_machine.travel(MONDAY_10, tick=False):
        for number, outcome in enumerate(["no_answer", "busy", "switched_off"], start=1):
            answer = dialer.post(url, {"attempt": number, "outcome": outcome}, format="json")
            assert answer.status_code == 201, answer.json()
        assert answer.json()["callback"]["status"] == "unreachable"
        assert answer.json()["callback"]["next_attempt_at"] is None
        closed = dialer.post(url, {"attempt": 4, "outcome": "busy"}, format="json")
        assert closed.status_code == 409
        register = dialer.post(f"{CALLBACKS}{callback_id}/register/", REGISTRATION, format="json")
        assert register.status_code == 409
    assert not Grievance.objects.exists()


def test_bad_input_is_a_clear_error(dialer):
    callback_id = report(dialer, "c1").json()["id"]
    url = f"{CALLBACKS}{callback_id}/"
    assert dialer.get(CALLBACKS, {"due": "soon"}).json()["fields"] == {"due": ["now, later"]}
    bad = dialer.post(f"{url}attempts/", {"outcome": "reached_registered"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"attempt", "outcome"}
    wrong = dialer.post(
        f"{url}register/", {**REGISTRATION, "category": "NOPE", "area": "X"}, format="json"
    )
    assert wrong.status_code == 400
    assert set(wrong.json()["fields"]) == {"category", "area"}
    assert Callback.objects.get().status == "pending"
    assert dialer.get(f"{CALLBACKS}999999/").status_code == 404


def test_an_ivrs_key_cannot_touch_another_systems_callbacks(world, dialer):
    other = key_client("ivrs-backup")
    mine = report(dialer, "c1").json()["id"]
    theirs = report(other, "x1", caller="9811111111").json()["id"]
    with time_machine.travel(MONDAY_10, tick=False):
        assert [c["id"] for c in dialer.get(CALLBACKS).json()["results"]] == [mine]
        assert other.get(f"{CALLBACKS}{mine}/").status_code == 404
        attempt = other.post(
            f"{CALLBACKS}{mine}/attempts/", {"attempt": 1, "outcome": "busy"}, format="json"
        )
        assert attempt.status_code == 404
        register = other.post(f"{CALLBACKS}{mine}/register/", REGISTRATION, format="json")
        assert register.status_code == 404
        # A call of the same caller through the other system joins the callback: it may
        # then see and work it, as the caller rang it too.
        report(other, "x2")
        assert {c["id"] for c in other.get(CALLBACKS).json()["results"]} == {mine, theirs}
    assert CallbackAttempt.objects.count() == 0
    assert not Grievance.objects.exists()


def test_a_tele_caller_token_works_the_whole_queue(world, dialer):
    callback_id = report(dialer, "c1").json()["id"]
    telecaller = token_client("telecaller")
    with time_machine.travel(MONDAY_10, tick=False):
        assert telecaller.get(CALLBACKS).json()["count"] == 1
        answer = telecaller.post(f"{CALLBACKS}{callback_id}/register/", REGISTRATION, format="json")
        assert answer.status_code == 201, answer.json()
    event = GrievanceEvent.objects.get(action="register")
    assert (event.actor_username, event.actor_role) == ("telecaller", "tele_caller")


def test_credentials_open_only_their_own_doors(world, dialer):
    callback_id = report(dialer, "c1").json()["id"]
    telecaller = token_client("telecaller")
    # The call report is the IVRS's alone.
    assert report(telecaller, "t1").status_code == 401
    # An IVRS key is no sign-in for the rest of the API.
    assert dialer.get("/api/v1/grievances/").status_code == 401
    # The CMO cell may read the queue but rings no one; an officer sees nothing.
    cmo = token_client("cmo")
    assert cmo.get(f"{CALLBACKS}{callback_id}/").status_code == 200
    denied = cmo.post(
        f"{CALLBACKS}{callback_id}/attempts/", {"attempt": 1, "outcome": "busy"}, format="json"
    )
    assert denied.status_code == 403
    assert token_client("officer_l1").get(CALLBACKS).status_code == 403
    assert APIClient().get(CALLBACKS).status_code == 401
    bad_key = APIClient()
    bad_key.credentials(HTTP_X_API_KEY="not-a-key")
    assert bad_key.get(CALLBACKS).status_code == 401
    assert CallbackAttempt.objects.count() == 0

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from nivaran.callcentre.models import Callback, IvrsSystem
from nivaran.callcentre.services import ivrs_key_issue

IST = ZoneInfo("Asia/Kolkata")
URL = "/api/v1/ivrs/calls/"
SUNDAY_11 = datetime(2026, 11, 15, 11, 0, tzinfo=IST)
MONDAY_OPENS = datetime(2026, 11, 16, 9, 0, tzinfo=IST)


@pytest.fixture
def client(world) -> APIClient:
    _system, key = ivrs_key_issue(name="ivrs-1905")
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=key)
    return api


def call(api: APIClient, **body: str):
    data = {"caller": "+91 98765 43210", "called_at": SUNDAY_11.isoformat(), "call_id": "c1"}
    data.update(body)
    return api.post(URL, data, format="json")


def test_an_out_of_hours_call_is_queued_for_the_next_opening(client):
    response = call(client, recording_ref="rec/1.wav")
    assert response.status_code == 201, response.json()
    assert response.json()["queued"] is True
    callback = Callback.objects.get(pk=response.json()["id"])
    assert callback.caller == "9876543210"
    assert callback.status == "pending"
    assert callback.attempts == 0
    assert callback.recording_ref == "rec/1.wav"
    assert callback.next_attempt_at == MONDAY_OPENS


def test_a_weekday_evening_call_waits_for_next_morning(client):
    response = call(client, called_at="2026-11-18T20:00:00+05:30", caller="09876543210")
    assert response.status_code == 201
    callback = Callback.objects.get()
    assert callback.next_attempt_at == datetime(2026, 11, 19, 9, 0, tzinfo=IST)


def test_a_call_within_hours_queues_nothing(client):
    response = call(client, called_at="2026-11-19T11:00:00+05:30")
    assert response.status_code == 200
    assert response.json() == {
        "queued": False,
        "reason": "within call-centre hours",
        "callback": None,
    }
    assert not Callback.objects.exists()


def test_a_resent_call_id_is_a_no_op(client):
    first = call(client)
    again = call(client)
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert Callback.objects.get().missed_calls == 1


def test_a_second_missed_call_joins_the_pending_callback(client):
    first = call(client)
    second = call(client, call_id="c2", called_at="2026-11-15T19:30:00+05:30")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    callback = Callback.objects.get()
    assert callback.missed_calls == 2
    assert callback.called_at == SUNDAY_11


def test_a_bad_key_is_refused(world):
    api = APIClient()
    api.credentials(HTTP_X_API_KEY="nope")
    assert call(api).status_code in (401, 403)
    assert APIClient().post(URL, {}, format="json").status_code in (401, 403)


def test_an_inactive_system_is_refused(client):
    IvrsSystem.objects.update(is_active=False)
    assert call(client).status_code == 403


def test_a_bad_body_is_a_400_with_field_errors(client):
    response = client.post(URL, {"caller": "12345", "called_at": "yesterday"}, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"caller", "called_at", "call_id"} <= set(fields)
    naive = call(client, called_at="2026-11-15T11:00:00")
    assert naive.status_code == 400
    assert "called_at" in naive.json()["fields"]


def test_the_key_command_prints_a_working_key_last(world):
    out = StringIO()
    call_command("ivrs_key", "ivrs-test", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=key)
    assert call(api).status_code == 201

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from nivaran.callcentre.services import ivrs_call_receive, ivrs_key_issue
from nivaran.grievances.models import Grievance

IST = ZoneInfo("Asia/Kolkata")


def login(world, username: str) -> Client:
    client = Client()
    client.force_login(world[username])
    return client


def test_lookup_shows_earlier_grievances_and_the_likely_duplicate(world):
    recent = world.register(mobile="9876543210")
    other = world.register(mobile="9876543210", category=world.other_category)
    world.register(mobile="9000099999")
    client = login(world, "telecaller")
    page = client.post(
        "/callcentre/lookup/", {"mobile": "+919876543210", "category": "REV-LAND-MUT"}
    ).content.decode()
    assert f'data-earlier="{recent.number}"' in page
    assert f'data-earlier="{other.number}"' in page
    assert f'data-duplicate="{recent.number}"' in page
    assert f'data-duplicate="{other.number}"' not in page
    assert "9000099999" not in page


def test_the_lookup_takes_the_mobile_only_in_the_body(world):
    """A mobile in a URL lands in access logs: the lookup refuses a GET."""
    world.register(mobile="9876543210")
    client = login(world, "telecaller")
    response = client.get("/callcentre/lookup/", {"mobile": "9876543210"})
    assert response.status_code == 405
    assert "9876543210" not in response.content.decode()


def test_the_lookup_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["telecaller"])
    assert client.post("/callcentre/lookup/", {"mobile": "9876543210"}).status_code == 403
    page = client.get("/callcentre/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        "/callcentre/lookup/", {"mobile": "9876543210"}, headers={"X-CSRFToken": token.group(1)}
    )
    assert response.status_code == 200


def test_look_up_caller_without_javascript_posts_and_registers_nothing(world):
    earlier = world.register(mobile="9876543210")
    client = login(world, "telecaller")
    console = client.get("/callcentre/").content.decode()
    assert 'formmethod="get"' not in console
    assert re.search(r'<button[^>]*name="lookup"', console)
    page = client.post(
        "/callcentre/",
        {"mobile": "98765 43210", "citizen_name": "Ramesh", "description": "", "lookup": "1"},
    ).content.decode()
    assert f'data-earlier="{earlier.number}"' in page
    assert 'value="Ramesh"' in page  # the form comes back as typed
    assert Grievance.objects.count() == 1


def test_the_console_registers_a_call_centre_grievance(world):
    client = login(world, "telecaller")
    page = client.get("/callcentre/")
    assert page.status_code == 200
    assert 'data-testid="hours"' in page.content.decode()
    response = client.post(
        "/callcentre/",
        {
            "mobile": "098765 43210",
            "citizen_name": "Sunita Devi",
            "category": "REV-LAND-MUT",
            "district": "TS-ONE",
            "area": "TS-ONE-B1",
            "description": "Mutation of my land is pending for three months.",
            "kind": "",
        },
    )
    grievance = Grievance.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/callcentre/registered/{grievance.number}/"
    assert (grievance.channel, grievance.registered_by) == ("call_centre", world["telecaller"])
    assert grievance.citizen.mobile == "9876543210"
    ack = client.get(response["Location"]).content.decode()
    assert grievance.number in ack


def test_a_second_submit_of_one_console_form_registers_nothing_twice(world):
    client = login(world, "telecaller")
    page = client.get("/callcentre/").content.decode()
    key = re.search(r'name="intake_key" value="([0-9a-f]{32})"', page)
    assert key is not None
    form = {
        "mobile": "9876543210",
        "citizen_name": "Sunita Devi",
        "category": "REV-LAND-MUT",
        "district": "TS-ONE",
        "area": "TS-ONE-B1",
        "description": "Mutation of my land is pending for three months.",
        "intake_key": key.group(1),
    }
    first = client.post("/callcentre/", form)
    again = client.post("/callcentre/", form)  # Enter pressed twice, or a resend
    grievance = Grievance.objects.get()
    assert first["Location"] == again["Location"] == f"/callcentre/registered/{grievance.number}/"
    assert grievance.intake_key == f"console:{world['telecaller'].pk}:{key.group(1)}"
    # another tele-caller's form with the same key is another call
    other = login(world, "cmo").post("/callcentre/", form)
    assert other.status_code == 302 and Grievance.objects.count() == 2
    fresh = client.get("/callcentre/").content.decode()
    assert key.group(1) not in fresh


def test_the_console_shows_field_errors(world):
    client = login(world, "telecaller")
    response = client.post(
        "/callcentre/",
        {
            "mobile": "9876543210",
            "citizen_name": "X",
            "category": "NOPE",
            "area": "TS-ONE-B1",
            "description": "long enough text here",
        },
    )
    assert response.status_code == 200
    assert "NOPE" in response.content.decode()
    assert not Grievance.objects.exists()


@pytest.mark.parametrize("user", ["officer_l1", "citizen"])
def test_others_cannot_open_the_console(world, user):
    if user not in world.users:
        pytest.skip("no such user in the world")
    client = login(world, user)
    assert client.get("/callcentre/").status_code == 403
    assert client.post("/callcentre/lookup/", {"mobile": "9876543210"}).status_code == 403
    assert client.get("/callcentre/callbacks/").status_code == 403


def test_the_cmo_cell_sees_the_queue_but_does_not_work_it(world):
    system, _key = ivrs_key_issue(name="ivrs")
    call = ivrs_call_receive(
        system=system,
        call_id="c1",
        caller="9876543210",
        called_at=datetime(2026, 11, 15, 11, 0, tzinfo=IST),
        recording_ref="rec-77",
    )
    assert call.callback is not None
    client = login(world, "cmo")
    page = client.get("/callcentre/callbacks/").content.decode()
    assert "9876543210" in page and "rec-77" in page
    response = client.post(
        f"/callcentre/callbacks/{call.callback.pk}/attempt/", {"outcome": "busy"}
    )
    assert response.status_code == 302
    call.callback.refresh_from_db()
    assert call.callback.attempts == 0


def test_an_attempt_on_a_closed_callback_shows_a_message(world):
    system, _key = ivrs_key_issue(name="ivrs")
    call = ivrs_call_receive(
        system=system,
        call_id="c1",
        caller="9876543210",
        called_at=datetime(2026, 11, 15, 11, 0, tzinfo=IST),
    )
    assert call.callback is not None
    client = login(world, "telecaller")
    url = f"/callcentre/callbacks/{call.callback.pk}/attempt/"
    assert client.post(url, {"outcome": "wrong_number"}).status_code == 302
    response = client.post(url, {"outcome": "busy"}, follow=True)
    assert "closed" in response.content.decode()
    call.callback.refresh_from_db()
    assert call.callback.attempts == 1

"""Attacks on registration and on the history, performed: each must now fail to do harm.

- A citizen account lodging with another person's name and mobile, to take over that
  person's record and close their grievance.
- A retry key chosen on one door (the portal's hidden field) naming a registration made
  on another door (a tele-caller's Idempotency-Key).
- A rename in the admin rewriting who did what in a grievance's history.
- Parallel registrations for one person making several citizen rows.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from nivaran.accounts.models import User
from nivaran.accounts.services import system_user
from nivaran.grievances.models import Citizen, Grievance, GrievanceEvent, Status
from nivaran.grievances.workflow import grievance_act, grievances_sweep
from nivaran.portal.tests.test_lodge import form_data, verify
from nivaran.testing.world import CITIZEN_MOBILE, World, build_world

VICTIM = {"name": "Kamla Devi", "mobile": "9812345678"}


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(citizen: dict[str, str], world: World) -> dict[str, object]:
    return {
        "citizen": citizen,
        "category": world.category.code,
        "area": world.block.code,
        "description": "The hand pump near the school has been dry for a month.",
    }


def test_a_citizen_cannot_lodge_for_another_mobile_and_take_over_its_record(world: World):
    victims = world.register(citizen_name=VICTIM["name"], mobile=VICTIM["mobile"])
    grievance_act(
        grievance_id=victims.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Pump repaired on 3 March."},
    )
    attacker = api(world["citizen"])  # an account that proved CITIZEN_MOBILE, not the victim's

    response = attacker.post("/api/v1/grievances/", body(VICTIM, world), format="json")

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    assert "citizen.mobile" in response.json()["fields"]
    assert Grievance.objects.count() == 1
    record = Citizen.objects.get(mobile=VICTIM["mobile"])
    assert record.user_id is None
    # and so nothing of the victim's is within the attacker's reach
    assert attacker.get("/api/v1/grievances/").json()["count"] == 0
    assert attacker.get(f"/api/v1/grievances/{victims.number}/").status_code in {403, 404}
    closing = attacker.post(
        f"/api/v1/grievances/{victims.number}/actions/record_feedback/",
        {"outcome": "satisfied"},
        format="json",
    )
    assert closing.status_code in {403, 404}
    victims.refresh_from_db()
    assert victims.status == Status.ATR_SUBMITTED


def test_a_citizen_lodges_for_the_mobile_they_proved_and_links_no_record(world: World):
    earlier = world.register(citizen_name="Sita Devi", mobile=CITIZEN_MOBILE)
    citizen = api(world["citizen"])
    response = citizen.post(
        "/api/v1/grievances/",
        body({"name": "sita  DEVI", "mobile": CITIZEN_MOBILE}, world),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Citizen.objects.filter(mobile=CITIZEN_MOBILE).count() == 1
    assert Citizen.objects.get(mobile=CITIZEN_MOBILE).user_id is None
    listed = {row["number"] for row in citizen.get("/api/v1/grievances/").json()["results"]}
    assert listed == {earlier.number, response.json()["number"]}


def test_an_account_without_a_proved_mobile_lodges_nothing(world: World):
    world["citizen"].mobile = ""
    world["citizen"].save()
    response = api(world["citizen"]).post(
        "/api/v1/grievances/",
        body({"name": "Anyone", "mobile": "9800000000"}, world),
        format="json",
    )
    assert response.status_code == 403
    assert not Grievance.objects.exists()


def test_a_portal_retry_key_cannot_name_a_telecallers_registration(client: Client, world: World):
    telecaller = world["telecaller"]
    verify(client, mobile="9811100000", name="Sita Devi")
    crafted = f"api:{telecaller.pk}:call-0001"
    response = client.post(reverse("portal:lodge_form"), form_data(world, intake_key=crafted))
    assert response.status_code == 302, response.content.decode()[-2000:]

    caller = body({"name": "Mohan Lal", "mobile": "9822200000"}, world)
    registered = api(telecaller).post(
        "/api/v1/grievances/", caller, format="json", HTTP_IDEMPOTENCY_KEY="call-0001"
    )

    assert registered.status_code == 201, registered.content
    assert registered.json()["citizen"] == {"name": "Mohan Lal", "mobile": "9822200000"}
    assert Grievance.objects.count() == 2
    portal = Grievance.objects.get(citizen__mobile="9811100000")
    assert portal.intake_key == f"portal:9811100000:{crafted}"
    # the tele-caller's own retry still finds the tele-caller's grievance
    again = api(telecaller).post(
        "/api/v1/grievances/", caller, format="json", HTTP_IDEMPOTENCY_KEY="call-0001"
    )
    assert again.status_code == 200 and again.json()["number"] == registered.json()["number"]


def test_keys_of_two_api_users_never_meet(world: World):
    first = api(world["telecaller"]).post(
        "/api/v1/grievances/",
        body({"name": "Mohan Lal", "mobile": "9822200000"}, world),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    second = api(world["cmo"]).post(
        "/api/v1/grievances/",
        body({"name": "Geeta Rani", "mobile": "9833300000"}, world),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert first.status_code == 201 and second.status_code == 201
    assert second.json()["citizen"]["name"] == "Geeta Rani"
    assert first.json()["number"] != second.json()["number"]


def test_renaming_a_user_rewrites_nobody_s_history(world: World):
    grievance = world.register()
    officer = world["officer_l1"]
    officer.first_name, officer.last_name = "Anil", "Sharma"
    officer.save()
    grievance_act(
        grievance_id=grievance.pk,
        actor=officer,
        action="interim_reply",
        data={"message": "Survey fixed for Monday.", "expected_by": "2030-01-10"},
    )
    officer.username, officer.first_name, officer.last_name = "someone_else", "Other", "Person"
    officer.save()

    events = api(world["cmo"]).get(f"/api/v1/grievances/{grievance.number}/history/").json()

    assert [(e["actor"], e["actor_name"], e["actor_role"]) for e in events] == [
        ("telecaller", "Telecaller", "tele_caller"),
        ("officer_l1", "Anil Sharma", "officer"),
    ]
    page = Client()
    page.force_login(world["cmo"])
    html = page.get(reverse("web:grievance", args=[grievance.number])).content.decode()
    interim = html[html.index('data-event="interim_reply"') :]
    interim = interim[: interim.index("</li>")]
    assert "Anil Sharma" in interim.split("(Officer)")[0]


def test_the_sweep_s_events_carry_the_system_actor_s_name(world: World):
    grievance = world.register()
    assert grievance.due_at is not None
    grievances_sweep(at=grievance.due_at + timedelta(minutes=1), actor=system_user())
    escalation = GrievanceEvent.objects.get(grievance=grievance, action="escalate")
    assert escalation.actor_username == escalation.actor.username != ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a race needs a real server")
def test_parallel_registrations_for_one_person_make_one_citizen_row():
    world = build_world()
    threads, barrier = 20, threading.Barrier(20)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def lodge(i: int) -> None:
        try:
            barrier.wait()
            response = api(world["telecaller"]).post(
                "/api/v1/grievances/",
                body({"name": "Ramesh  Kumar", "mobile": "9876501234"}, world),
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"parallel-{i}",
            )
            statuses.append(response.status_code)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=lodge, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not failures, failures
    assert statuses == [201] * threads
    assert Grievance.objects.count() == threads
    assert Citizen.objects.filter(mobile="9876501234").count() == 1


def test_a_citizen_cannot_tell_another_s_grievance_from_none(world: World):
    """Numbers run in sequence: a 403 for someone else's grievance and a 404 for none would
    let a citizen count every grievance of the state."""
    stranger = world.register(citizen_name=VICTIM["name"], mobile=VICTIM["mobile"])
    missing = stranger.number[:-1] + ("9" if stranger.number[-1] != "9" else "8")
    citizen = api(world["citizen"])
    for suffix in ["", "history/", "atrs/", "feedback/"]:
        theirs = citizen.get(f"/api/v1/grievances/{stranger.number}/{suffix}")
        none = citizen.get(f"/api/v1/grievances/{missing}/{suffix}")
        assert theirs.status_code == none.status_code == 404, suffix
        assert theirs.json()["code"] == none.json()["code"] == "not_found"
    for action, body in [
        ("reopen", {"reason": "x"}),
        ("record_feedback", {"outcome": "satisfied"}),
    ]:
        theirs = citizen.post(
            f"/api/v1/grievances/{stranger.number}/actions/{action}/", body, format="json"
        )
        none = citizen.post(f"/api/v1/grievances/{missing}/actions/{action}/", body, format="json")
        assert theirs.status_code == none.status_code == 404, action
        assert theirs.json()["detail"].replace(stranger.number, "N") == none.json()[
            "detail"
        ].replace(missing, "N")
    # an officer out of jurisdiction is still told it exists (403): staff, not the public
    assert api(world["power_je"]).get(f"/api/v1/grievances/{stranger.number}/").status_code == 403


def test_a_citizen_reads_the_office_s_record_only_through_the_citizen_api(world: World):
    own = world.register(citizen_name="Sita Devi", mobile=CITIZEN_MOBILE)
    citizen = api(world["citizen"])
    assert citizen.get(f"/api/v1/grievances/{own.number}/").status_code == 200
    for suffix in ["history/", "atrs/", "feedback/"]:
        answer = citizen.get(f"/api/v1/grievances/{own.number}/{suffix}")
        assert answer.status_code == 403, suffix
        assert "/api/v1/citizen/grievances/" in answer.json()["detail"]

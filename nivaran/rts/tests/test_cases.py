"""H1, H2: a grievance registered about a notified service is an AAS case at once, in the
department's nodal officer's queue; the queue is scoped as every read is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from nivaran.grievances.models import Grievance, GrievanceEvent
from nivaran.rts.importing import import_notified_services
from nivaran.rts.models import RtsCase

HEADER = (
    "code,department,name,name_hi,time_limit_days,designated_officer,first_appellate,"
    "first_appeal_days,second_appellate,second_appeal_days\n"
)
SERVICES = (
    HEADER + "HR-REV-MUT,REV,Mutation of land,इंतकाल दर्ज करना,30,tehsildar,district_revenue_officer,"
    "30,district_magistrate,30\n"
    + "HR-PWR-NEW,PWR,New electricity connection,नया बिजली कनेक्शन,30,junior_engineer,"
    "tehsildar,30,district_magistrate,30\n"
)
CASES = "/api/v1/rts/cases/"


def client_for(world, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world[username])
    return client


def register(client: APIClient, headers: dict[str, str] | None = None, **overrides):
    body = {
        "citizen": {"name": "Savitri Devi", "mobile": "9811122233"},
        "category": "REV-LAND-MUT",
        "area": "TS-ONE-B1",
        "description": "मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है, तहसील में आवेदन दिया था।",
        "channel": "call_centre",
        **overrides,
    }
    return client.post("/api/v1/grievances/", body, format="json", headers=headers or {})


@pytest.fixture
def services(world):
    report = import_notified_services(SERVICES)
    assert report.ok, report.errors


def test_a_grievance_about_a_notified_service_is_in_the_nodal_queue_at_once(world, services):
    response = register(client_for(world, "telecaller"), notified_service="HR-REV-MUT")
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    case = RtsCase.objects.get(grievance__number=number)
    assert (case.service.code, case.stage, case.nodal_post.code) == (
        "HR-REV-MUT",
        "nodal",
        "REV-NODAL",
    )
    assert case.call_due_at - case.received_at == timedelta(days=30)
    assert case.received_at == case.grievance.registered_at
    event = GrievanceEvent.objects.get(grievance=case.grievance, action="register")
    assert event.data["notified_service"] == "HR-REV-MUT"  # the history says why
    queue = client_for(world, "nodal").get(CASES, {"mine": "true"}).json()
    assert [(c["grievance"], c["stage"], c["nodal_post"]) for c in queue["results"]] == [
        (number, "nodal", case.nodal_post.title)
    ]
    assert queue["results"][0]["service"]["code"] == "HR-REV-MUT"
    assert queue["results"][0]["call_due_at"] is not None


def test_a_registration_without_a_service_opens_no_case(world, services):
    assert register(client_for(world, "telecaller")).status_code == 201
    assert register(client_for(world, "telecaller"), notified_service="").status_code == 201
    assert not RtsCase.objects.exists()


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("HR-NOPE", "There is no notified service HR-NOPE."),
        ("HR-PWR-NEW", "another department's service"),  # a Power service, a Revenue type
        ("x" * 31, "no more than 30 characters"),
    ],
)
def test_a_wrong_service_is_a_400_and_nothing_is_registered(world, services, code, why):
    response = register(client_for(world, "telecaller"), notified_service=code)
    assert response.status_code == 400, response.content
    assert why in " ".join(response.json()["fields"]["notified_service"])
    assert not Grievance.objects.exists() and not RtsCase.objects.exists()


def test_a_withdrawn_service_is_refused(world, services):
    from nivaran.rts.models import NotifiedService

    NotifiedService.objects.filter(code="HR-REV-MUT").update(is_active=False)
    response = register(client_for(world, "telecaller"), notified_service="HR-REV-MUT")
    assert response.status_code == 400
    assert not Grievance.objects.exists()


def test_a_retried_registration_opens_one_case(world, services):
    client = client_for(world, "telecaller")
    key = {"Idempotency-Key": "call-4711"}
    first = register(client, key, notified_service="HR-REV-MUT")
    again = register(client, key, notified_service="HR-REV-MUT")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert RtsCase.objects.count() == 1
    other = register(client, key, notified_service="")  # the same key, another body
    assert other.status_code == 409


def test_the_queue_is_scoped_as_every_read_is(world, services):
    mine = register(client_for(world, "telecaller"), notified_service="HR-REV-MUT").json()
    theirs = register(
        client_for(world, "telecaller"),
        notified_service="HR-REV-MUT",
        area="TS-TWO-B1",
        citizen={"name": "Kamla", "mobile": "9822233344"},
    ).json()

    def seen(user: str, **params: str) -> set[str]:
        body = client_for(world, user).get(CASES, params).json()
        return {c["grievance"] for c in body["results"]}

    both = {mine["number"], theirs["number"]}
    assert seen("nodal") == both  # the department's, statewide
    assert seen("nodal", mine="true") == both
    assert seen("cmo") == both
    assert seen("officer_l1") == {mine["number"]}  # district One only
    assert seen("officer_l1", mine="true") == set()  # not in a queue of theirs
    assert seen("other_l1") == {theirs["number"]}
    assert seen("power_je") == set()  # another department
    assert seen("citizen") == {mine["number"]}  # the mobile they proved
    assert client_for(world, "nodal").get(CASES, {"stage": "appeal"}).status_code == 400
    assert APIClient().get(CASES).status_code in {401, 403}


def test_a_state_that_does_not_send_grievances_to_the_aas_refuses_the_link(
    world, services, monkeypatch
):
    from nivaran.profiles.loader import active_profile

    monkeypatch.setitem(active_profile().rules, "auto_appeal_rts", False)
    response = register(client_for(world, "telecaller"), notified_service="HR-REV-MUT")
    assert response.status_code == 400
    assert "Auto Appeal System" in response.json()["fields"]["notified_service"][0]
    assert not Grievance.objects.exists()


def test_without_a_nodal_officer_the_case_opens_and_the_cmo_sees_it(world, services):
    from nivaran.org.models import NodalAppointment

    NodalAppointment.objects.all().delete()
    number = register(client_for(world, "telecaller"), notified_service="HR-REV-MUT").json()[
        "number"
    ]
    cases = client_for(world, "cmo").get(CASES).json()["results"]
    assert [(c["grievance"], c["nodal_post"]) for c in cases] == [(number, None)]

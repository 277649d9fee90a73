from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from nivaran.grievances.models import Citizen
from nivaran.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def client_for(username: str) -> APIClient:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def register(client: APIClient, **overrides):
    body = {
        "citizen": {"name": "Savitri Devi", "mobile": "9812345678"},
        "category": "REV-LAND-MUT",
        "area": "TS-ONE-B1",
        "description": "मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है।",
        "kind": "grievance",
        "channel": "call_centre",
        "emergency": False,
        **overrides,
    }
    return client.post("/api/v1/grievances/", body, format="json")


def test_token_with_a_bad_password_is_refused(world):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "cmo", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_anonymous_calls_are_refused(world):
    response = APIClient().get("/api/v1/grievances/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail"}


def test_the_whole_journey_through_the_api(world):
    caller = client_for("telecaller")
    response = register(caller)
    assert response.status_code == 201, response.content
    body = response.json()
    number = body["number"]
    assert body["status"] == "open"
    assert body["level"] == 1
    assert body["assigned_to"]["username"] == "officer_l1"
    due = datetime.fromisoformat(body["due_at"])
    assert due.utcoffset() is not None
    assert body["due_at"].endswith("+05:30")

    # sweeps at each deadline climb the levels, by the system actor
    for level, username in ((2, "officer_l2"), (3, "hod"), (4, "secretary")):
        call_command("sla_sweep", "--at", due.isoformat())
        detail = caller.get(f"/api/v1/grievances/{number}/").json()
        assert (detail["level"], detail["assigned_to"]["username"]) == (level, username)
        call_command("sla_sweep", "--at", due.isoformat())  # the same instant again: no change
        again = caller.get(f"/api/v1/grievances/{number}/").json()
        assert again["level"] == level and again["due_at"] == detail["due_at"]
        due = datetime.fromisoformat(detail["due_at"])
    history = caller.get(f"/api/v1/grievances/{number}/history/").json()
    escalations = [e for e in history if e["action"] == "escalate"]
    assert [e["level"] for e in escalations] == [2, 3, 4]
    assert {e["actor"] for e in escalations} == {"system"}
    assert set(history[0]) >= {"at", "actor", "action", "from_status", "to_status", "level", "note"}

    # outside the jurisdiction: 403
    outsider = client_for("other_l1")
    response = outsider.post(
        f"/api/v1/grievances/{number}/actions/submit_atr/", {"summary": "Done"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert outsider.get(f"/api/v1/grievances/{number}/").status_code == 403

    # not allowed in this state: 409
    feedback = client_for("feedback")
    response = feedback.post(
        f"/api/v1/grievances/{number}/actions/record_feedback/",
        {"outcome": "satisfied"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"

    # ATR + unsatisfied feedback: under Haryana a conflict for the secretary (H7);
    # clarified, it is back at its level; ATR + satisfied closes
    secretary = client_for("secretary")
    detail = secretary.get(f"/api/v1/grievances/{number}/").json()
    assert "submit_atr" in detail["allowed_actions"]
    response = secretary.post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Mutation entered"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "atr_submitted"
    response = feedback.post(
        f"/api/v1/grievances/{number}/actions/record_feedback/",
        {"outcome": "not_satisfied", "reason": "Still pending", "recording_ref": "CALL-1"},
        format="json",
    )
    assert response.json()["status"] == "conflict"
    response = secretary.post(
        f"/api/v1/grievances/{number}/actions/clarify_conflict/",
        {"clarification": "Enter the mutation and hand over the copy"},
        format="json",
    )
    assert (response.json()["status"], response.json()["level"]) == ("reopened", 4)
    feedback_ids = [
        e["data"]["feedback"]
        for e in secretary.get(f"/api/v1/grievances/{number}/history/").json()
        if e["action"] == "record_feedback"
    ]
    secretary.post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Entered now, copy handed over", "acknowledged_feedback": feedback_ids},
        format="json",
    )
    response = feedback.post(
        f"/api/v1/grievances/{number}/actions/record_feedback/",
        {"outcome": "satisfied", "comments": "Thanks"},
        format="json",
    )
    assert response.json()["status"] == "closed"
    assert response.json()["allowed_actions"] == []

    # closed: only a reopen (within the window) or a recall moves it
    for client, action, data in (
        (secretary, "submit_atr", {"summary": "again"}),
        (feedback, "record_feedback", {"outcome": "not_satisfied", "reason": "x"}),
    ):
        response = client.post(
            f"/api/v1/grievances/{number}/actions/{action}/", data, format="json"
        )
        assert response.status_code == 409, (action, response.content)


def test_invalid_registration_is_a_400_with_field_errors(world):
    response = register(
        client_for("telecaller"), category="NOPE", citizen={"name": "A", "mobile": "123"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "category" in body["fields"] and "citizen.mobile" in body["fields"]


def test_missing_fields_are_a_400(world):
    response = client_for("telecaller").post("/api/v1/grievances/", {}, format="json")
    assert response.status_code == 400
    assert {"citizen", "category", "area", "description"} <= set(response.json()["fields"])


def test_action_with_invalid_input_is_a_400(world):
    caller = client_for("telecaller")
    number = register(caller).json()["number"]
    response = client_for("officer_l1").post(
        f"/api/v1/grievances/{number}/actions/reject/", {}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]


def test_unknown_grievance_and_unknown_action_are_404(world):
    officer = client_for("officer_l1")
    assert officer.get("/api/v1/grievances/XX0000/").status_code == 404
    number = register(client_for("telecaller")).json()["number"]
    response = officer.post(f"/api/v1/grievances/{number}/actions/teleport/", {}, format="json")
    assert response.status_code == 404


def test_idempotency_key_replays_the_first_result(world):
    caller = client_for("telecaller")
    first = caller.post(
        "/api/v1/grievances/", register_body(), format="json", HTTP_IDEMPOTENCY_KEY="call-42"
    )
    second = caller.post(
        "/api/v1/grievances/", register_body(), format="json", HTTP_IDEMPOTENCY_KEY="call-42"
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    assert caller.get("/api/v1/grievances/").json()["count"] == 1


def register_body():
    return {
        "citizen": {"name": "Savitri Devi", "mobile": "9812345678"},
        "category": "REV-LAND-MUT",
        "area": "TS-ONE-B1",
        "description": "Ration card not issued after six months.",
    }


def test_list_filters_and_scoping(world):
    caller = client_for("telecaller")
    register(caller)
    register(caller, area="TS-TWO")
    register(caller, category="PWR-SUP", description="No electricity for three days now.")
    assert caller.get("/api/v1/grievances/").json()["count"] == 3
    assert client_for("officer_l1").get("/api/v1/grievances/").json()["count"] == 1
    assert client_for("hod").get("/api/v1/grievances/").json()["count"] == 2
    assert client_for("district").get("/api/v1/grievances/").json()["count"] == 2
    assert client_for("fieldexec").get("/api/v1/grievances/").json()["count"] == 2
    assert client_for("citizen").get("/api/v1/grievances/").json()["count"] == 0
    cmo = client_for("cmo")
    assert cmo.get("/api/v1/grievances/?department=PWR").json()["count"] == 1
    assert cmo.get("/api/v1/grievances/?level=2").json()["count"] == 0
    assert cmo.get("/api/v1/grievances/?status=open").json()["count"] == 3
    assert cmo.get("/api/v1/grievances/?overdue=true").json()["count"] == 0
    assert cmo.get("/api/v1/grievances/?overdue=false").json()["count"] == 3
    assert cmo.get("/api/v1/grievances/?status=bogus").status_code == 400
    page = cmo.get("/api/v1/grievances/?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]


def test_overdue_filter_finds_past_deadlines(world):
    world.register(at=datetime(2025, 1, 6, 10, 0).astimezone())
    cmo = client_for("cmo")
    assert cmo.get("/api/v1/grievances/?overdue=true").json()["count"] == 1


def test_categories_and_areas(world):
    client = client_for("telecaller")
    categories = {c["code"]: c for c in client.get("/api/v1/categories/").json()["results"]}
    assert "REV-LAND" not in categories  # a group, not a complaint type
    flood = categories["REV-FLOOD"]
    assert flood["department"] == "REV" and flood["kind"] == "grievance"
    assert flood["deadlines"] == {"unit": "working_hours", "l1": 8, "l2": 8, "l3": 8, "l4": 8}
    assert categories["REV-LAND-MUT"]["deadlines"]["unit"] == "working_days"
    areas = {a["code"]: a for a in client.get("/api/v1/areas/?page_size=200").json()["results"]}
    assert areas["TS-ONE-B1"] == {
        "code": "TS-ONE-B1",
        "name": "One Block",
        "name_hi": "",
        "type": "block",
        "parent": "TS-ONE",
        "latitude": None,
        "longitude": None,
    }
    assert areas["TS"]["parent"] is None


def test_schema_and_docs_are_served(world):
    client = client_for("telecaller")
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/grievances/{number}/actions/{action}/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_a_citizen_files_and_then_follows_their_own_grievance(world):
    citizen = client_for("citizen")
    body = {**register_body(), "citizen": {"name": "Kamla Devi", "mobile": "9811122233"}}
    response = citizen.post("/api/v1/grievances/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "web"
    assert citizen.get("/api/v1/grievances/").json()["count"] == 1
    # when they call the call centre later, that grievance is theirs too ...
    register(client_for("telecaller"), citizen={"name": "kamla devi", "mobile": "9811122233"})
    assert citizen.get("/api/v1/grievances/").json()["count"] == 2
    # another member of the household on the same phone is another citizen record, and
    # the phone's holder, who proved the mobile, follows that grievance too
    register(client_for("telecaller"), citizen={"name": "Ram Lal", "mobile": "9811122233"})
    assert citizen.get("/api/v1/grievances/").json()["count"] == 3
    assert Citizen.objects.filter(mobile="9811122233").count() == 2


def test_allowed_actions_leave_out_what_a_guard_refuses(world):
    number = register(client_for("telecaller")).json()["number"]
    l1 = client_for("officer_l1").get(f"/api/v1/grievances/{number}/").json()
    # Haryana transfers and merges but has no type change or out of jurisdiction.
    assert sorted(l1["allowed_actions"]) == [
        "interim_reply",
        "merge",
        "reject",
        "submit_atr",
        "transfer",
    ]
    hod = client_for("hod").get(f"/api/v1/grievances/{number}/").json()
    assert "special_close" in hod["allowed_actions"]


def test_area_filter_takes_an_area_code_and_its_subtree(world):
    caller = client_for("telecaller")
    register(caller)  # TS-ONE-B1
    register(caller, area="TS-TWO")
    cmo = client_for("cmo")
    assert cmo.get("/api/v1/grievances/?area=TS-ONE").json()["count"] == 1
    assert cmo.get("/api/v1/grievances/?area=TS").json()["count"] == 2
    assert cmo.get("/api/v1/grievances/?area=ONE-B1").json()["count"] == 0


def test_an_overlong_idempotency_key_is_a_400(world):
    response = client_for("telecaller").post(
        "/api/v1/grievances/", register_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101
    )
    assert response.status_code == 400

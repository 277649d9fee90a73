"""API v1 as integrators built on it: the first form of record_feedback, dotted field
errors, and an Idempotency-Key that may not carry another complaint."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from nivaran.core.api_names import schema_read
from nivaran.grievances.api import ACTIONS
from nivaran.grievances.tests.test_api import client_for, register
from nivaran.grievances.workflow import BY_ACTION
from nivaran.partners.services import partner_key_issue
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db


def _awaiting_feedback(world: World):
    number = register(client_for("telecaller")).json()["number"]
    response = client_for("officer_l1").post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Mutation entered in the record."},
        format="json",
    )
    assert response.json()["status"] == "atr_submitted", response.content
    return number


def _feedback(number: str, body: dict[str, object]):
    return client_for("feedback").post(
        f"/api/v1/grievances/{number}/actions/record_feedback/", body, format="json"
    )


def _recorded(number: str):
    [call] = client_for("cmo").get(f"/api/v1/grievances/{number}/feedback/").json()
    return call


# --- record_feedback: the first form of v1 ------------------------------------------


def test_satisfied_true_closes_as_outcome_satisfied(world):
    number = _awaiting_feedback(world)
    response = _feedback(number, {"satisfied": True, "remarks": "Fard received."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    call = _recorded(number)
    assert (call["outcome"], call["comments"], call["reason"]) == (
        "satisfied",
        "Fard received.",
        "",
    )


def test_satisfied_false_is_not_satisfied_with_the_remarks_as_reason(world):
    number = _awaiting_feedback(world)
    response = _feedback(number, {"satisfied": False, "remarks": "Nothing changed."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] in {"conflict", "reopened"}
    call = _recorded(number)
    assert (call["outcome"], call["reason"]) == ("not_satisfied", "Nothing changed.")


def test_the_new_form_is_unchanged(world):
    number = _awaiting_feedback(world)
    response = _feedback(number, {"outcome": "not_satisfied", "reason": "Nobody came."})
    assert response.status_code == 200, response.content
    assert _recorded(number)["reason"] == "Nobody came."


def test_satisfied_false_without_remarks_names_remarks(world):
    number = _awaiting_feedback(world)
    response = _feedback(number, {"satisfied": False})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"remarks"}


def test_both_forms_at_once_must_agree(world):
    number = _awaiting_feedback(world)
    agreeing = {"satisfied": False, "outcome": "not_satisfied", "remarks": "No.", "reason": "No."}
    for body, field in (
        ({"satisfied": True, "outcome": "not_satisfied", "reason": "No."}, "satisfied"),
        ({"satisfied": False, "outcome": "unreachable"}, "satisfied"),
        ({"satisfied": False, "remarks": "No.", "reason": "Something else."}, "remarks"),
    ):
        response = _feedback(number, body)
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid"
        assert field in response.json()["fields"], (body, response.json())
    assert client_for("cmo").get(f"/api/v1/grievances/{number}/feedback/").json() == []
    assert _feedback(number, agreeing).status_code == 200


def test_neither_form_is_a_400_on_outcome(world):
    number = _awaiting_feedback(world)
    response = _feedback(number, {"remarks": "Hello"})
    assert response.status_code == 400
    assert "outcome" in response.json()["fields"]


def test_unreachable_needs_the_new_form(world):
    number = _awaiting_feedback(world)
    response = _feedback(number, {"outcome": "unreachable"})
    assert response.status_code == 200, response.content
    assert _recorded(number)["outcome"] == "unreachable"


# --- field errors are keyed by dotted paths --------------------------------------------


@pytest.mark.parametrize("mobile", ["98123456789", "98123"])
def test_a_bad_mobile_is_citizen_dot_mobile_whatever_refuses_it(world, mobile):
    # 11 digits: the serializer's max_length refuses it; 5 digits: the workflow does.
    response = register(client_for("telecaller"), citizen={"name": "A B", "mobile": mobile})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert list(fields) == ["citizen.mobile"], fields
    assert all(isinstance(m, str) for m in fields["citizen.mobile"])


def test_list_items_are_dotted_by_index(world):
    number = register(client_for("telecaller")).json()["number"]
    response = client_for("officer_l1").post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Done.", "acknowledged_feedback": [3, "x", 0]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "acknowledged_feedback.1",
        "acknowledged_feedback.2",
    }


def test_a_partners_batch_keeps_its_per_record_errors(world):
    _partner, key = partner_key_issue(code="p1", name="P1", source_flag="P1")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    response = client.post(
        "/api/v1/partner/records/batch/", {"records": [{"external_id": "A"}]}, format="json"
    )
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["status"] == "invalid" and "mobile" in result["errors"]
    too_many = client.post("/api/v1/partner/records/batch/", {"records": [{}] * 501}, format="json")
    assert too_many.status_code == 400 and list(too_many.json()["fields"]) == ["records"]


# --- Idempotency-Key with another body -------------------------------------------------


def _keyed(client: APIClient, key: str, **body: object):
    return client.post(
        "/api/v1/grievances/", {**BODY, **body}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


BODY = {
    "citizen": {"name": "Savitri Devi", "mobile": "9812345678"},
    "category": "REV-LAND-MUT",
    "area": "TS-ONE-B1",
    "description": "मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है।",
    "channel": "call_centre",
}


def test_the_same_key_with_another_body_is_a_409_and_the_first_is_kept(world):
    caller = client_for("telecaller")
    first = _keyed(caller, "call-7")
    again = _keyed(caller, "call-7")
    other = _keyed(
        caller, "call-7", description="The hand pump in our village has been broken for a month."
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert other.status_code == 409, other.content
    assert other.json()["code"] == "idempotency_key_reuse"
    [only] = caller.get("/api/v1/grievances/").json()["results"]
    assert only["description"] == BODY["description"]


def test_an_omitted_default_asks_for_the_same(world):
    caller = client_for("telecaller")
    first = _keyed(caller, "call-8")
    retry = _keyed(caller, "call-8", emergency=False)
    assert retry.status_code == 200, retry.content
    assert retry.json()["number"] == first.json()["number"]


def test_keys_of_other_users_still_do_not_meet(world):
    first = _keyed(client_for("telecaller"), "k-9")
    second = _keyed(client_for("cmo"), "k-9", description="Another complaint entirely.")
    assert (first.status_code, second.status_code) == (201, 201)


def test_a_blank_source_is_its_default(world):
    # A generated client sends every default: `source` defaults to blank, so blank is valid.
    response = register(client_for("telecaller"), source="")
    assert response.status_code == 201, response.content
    assert response.json()["source"] == ""


# --- one path per action -----------------------------------------------------------------


def test_each_action_has_its_own_path_served_like_the_generic_one(world):
    number = register(client_for("telecaller")).json()["number"]
    officer = client_for("officer_l1")
    refused = officer.post(f"/api/v1/grievances/{number}/actions/submit_atr/", {}, format="json")
    assert refused.status_code == 400 and "summary" in refused.json()["fields"]
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    done = officer.post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Mutation entered.", "documents": [pdf]},
        format="multipart",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "atr_submitted"
    [atr] = officer.get(f"/api/v1/grievances/{number}/atrs/").json()
    assert [d["name"] for d in atr["documents"]] == ["report.pdf"]
    closed = client_for("feedback").post(
        f"/api/v1/grievances/{number}/actions/record_feedback/", {"satisfied": True}, format="json"
    )
    assert closed.json()["status"] == "closed"
    unknown = officer.post(f"/api/v1/grievances/{number}/actions/teleport/", {}, format="json")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_action")


@pytest.mark.django_db(False)
def test_the_schema_types_each_actions_body():
    schema = schema_read()
    paths = schema["paths"]
    components = schema["components"]["schemas"]
    for action in ACTIONS:
        body = paths[f"/api/v1/grievances/{{number}}/actions/{action}/"]["post"]["requestBody"]
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        fields = set(BY_ACTION[action].inputs().fields) - {"documents"}
        assert set(components[ref]["properties"]) == fields, action
    atr = paths["/api/v1/grievances/{number}/actions/submit_atr/"]["post"]["requestBody"]
    multipart = atr["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "documents" in components[multipart]["properties"]
    generic = paths["/api/v1/grievances/{number}/actions/{action}/"]["post"]
    assert len(components["ActionInputRequest"]["anyOf"]) == len(
        {BY_ACTION[a].inputs for a in ACTIONS}
    )
    [action_param] = [p for p in generic["parameters"] if p["name"] == "action"]
    assert set(action_param["schema"]["enum"]) == set(ACTIONS)


def test_a_form_without_satisfied_is_the_new_form(world):
    # A form leaves out a boolean it does not send; that is not `satisfied: false`.
    number = _awaiting_feedback(world)
    response = client_for("feedback").post(
        f"/api/v1/grievances/{number}/actions/record_feedback/", {"outcome": "satisfied"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"

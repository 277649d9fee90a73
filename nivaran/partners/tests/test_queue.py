from __future__ import annotations

from nivaran.grievances.models import Grievance
from nivaran.grievances.tests.test_api import client_for
from nivaran.partners.models import PartnerRecord
from nivaran.partners.services import partner_key_issue
from nivaran.partners.tests.conftest import partner_client, record

RECORDS = "/api/v1/partner/records/"
QUEUE = "/api/v1/partner/queue/"


def send(client, external_id: str = "C-1", **overrides: object) -> int:
    response = client.post(RECORDS, record(external_id, **overrides), format="json")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def test_the_queue_lists_pending_records_oldest_first(client):
    first, second = send(client, "A"), send(client, "B")
    response = client_for("analyst").get(QUEUE)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [r["id"] for r in body["results"]] == [first, second]
    assert body["results"][0]["partner"]["source_flag"] == "SSM Call Centre Data"


def test_accept_registers_a_grievance_at_l1_with_the_source_flag(client, world):
    record_id = send(client)
    response = client_for("analyst").post(f"{QUEUE}{record_id}/accept/", {}, format="json")
    assert response.status_code == 200, response.content
    grievance = Grievance.objects.get()
    assert (grievance.level, grievance.status, grievance.channel, grievance.source) == (
        1,
        "open",
        "partner",
        "SSM Call Centre Data",
    )
    assert grievance.assigned_to == world["officer_l1"]
    assert grievance.registered_by == world["analyst"]
    assert grievance.intake_key == f"partner:{PartnerRecord.objects.get().partner_id}:C-1"
    assert response.json()["grievance_number"] == grievance.number
    read_back = client.get(f"{RECORDS}{record_id}/").json()
    assert (read_back["status"], read_back["grievance_number"]) == ("accepted", grievance.number)
    assert client.get(RECORDS, {"status": "accepted"}).json()["count"] == 1
    assert client.get(RECORDS, {"status": "pending"}).json()["count"] == 0
    assert client_for("analyst").get(QUEUE).json()["count"] == 0


def test_correct_and_accept(client):
    record_id = send(client, mobile="9812345678")
    response = client_for("cmo").post(
        f"{QUEUE}{record_id}/accept/",
        {"corrections": {"mobile": "9812300000", "citizen_name": "Savitri Devi Sharma"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    grievance = Grievance.objects.select_related("citizen").get()
    assert (grievance.citizen.mobile, grievance.citizen.name) == (
        "9812300000",
        "Savitri Devi Sharma",
    )
    stored = PartnerRecord.objects.get()
    assert stored.corrected_fields["mobile"] == {"from": "9812345678", "to": "9812300000"}
    assert stored.payload["mobile"] == "9812345678", "the payload stays as received"


def test_invalid_corrections_are_a_400_and_change_nothing(client):
    record_id = send(client)
    analyst = client_for("analyst")
    for corrections, field in (
        ({"mobile": "123"}, "corrections.mobile"),
        ({"category": "NOPE"}, "corrections.category"),
        ({"external_id": "X"}, "corrections.external_id"),
    ):
        response = analyst.post(
            f"{QUEUE}{record_id}/accept/", {"corrections": corrections}, format="json"
        )
        assert response.status_code == 400, corrections
        assert field in response.json()["fields"], response.json()
    assert PartnerRecord.objects.get().status == "pending"
    assert not Grievance.objects.exists()


def test_reject_with_a_reason_the_partner_reads_back(client):
    record_id = send(client)
    analyst = client_for("analyst")
    assert analyst.post(f"{QUEUE}{record_id}/reject/", {}, format="json").status_code == 400
    response = analyst.post(
        f"{QUEUE}{record_id}/reject/", {"reason": "Caller could not be reached."}, format="json"
    )
    assert response.status_code == 200
    read_back = client.get(f"{RECORDS}{record_id}/").json()
    assert (read_back["status"], read_back["reason"], read_back["grievance_number"]) == (
        "rejected",
        "Caller could not be reached.",
        None,
    )
    again = analyst.post(f"{QUEUE}{record_id}/accept/", {}, format="json")
    assert again.status_code == 409
    assert not Grievance.objects.exists()


def test_accepting_twice_is_a_409(client):
    record_id = send(client)
    analyst = client_for("analyst")
    assert analyst.post(f"{QUEUE}{record_id}/accept/", {}, format="json").status_code == 200
    again = analyst.post(f"{QUEUE}{record_id}/accept/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"
    assert Grievance.objects.count() == 1


def test_an_officer_cannot_validate(client):
    record_id = send(client)
    officer = client_for("officer_l1")
    assert officer.get(QUEUE).status_code == 403
    response = officer.post(f"{QUEUE}{record_id}/accept/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert (
        officer.post(f"{QUEUE}{record_id}/reject/", {"reason": "x"}, format="json").status_code
        == 403
    )
    assert PartnerRecord.objects.get().status == "pending"


def test_unknown_record_is_a_404(world):
    assert client_for("analyst").post(f"{QUEUE}999/accept/", {}, format="json").status_code == 404


def test_a_partner_cannot_see_another_partners_records(client):
    record_id = send(client)
    _other, other_key = partner_key_issue(code="other", name="Other", source_flag="Other Data")
    other = partner_client(other_key)
    assert other.get(f"{RECORDS}{record_id}/").status_code == 404
    assert other.get(RECORDS).json()["count"] == 0
    assert client.get(RECORDS).json()["count"] == 1


def test_the_partner_key_does_not_open_the_queue(client):
    assert client.get(QUEUE).status_code in {401, 403}

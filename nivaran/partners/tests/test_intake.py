from __future__ import annotations

from nivaran.partners.models import IdempotentRequest, PartnerRecord
from nivaran.partners.services import partner_key_issue
from nivaran.partners.tests.conftest import partner_client, record

RECORDS = "/api/v1/partner/records/"
BATCH = "/api/v1/partner/records/batch/"


def test_a_single_record_lands_in_the_queue(client):
    response = client.post(RECORDS, record(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued"
    stored = PartnerRecord.objects.get(pk=body["id"])
    assert (stored.status, stored.external_id, stored.category_code) == (
        "pending",
        "C-1",
        "REV-LAND-MUT",
    )
    assert stored.payload["citizen_name"] == "Savitri Devi"
    assert stored.called_at is not None


def test_a_resent_record_is_a_duplicate_not_a_second_record(client):
    first = client.post(RECORDS, record(), format="json").json()
    again = client.post(RECORDS, record(), format="json")
    assert again.status_code == 200
    assert again.json() == {"external_id": "C-1", "status": "duplicate", "id": first["id"]}
    assert PartnerRecord.objects.count() == 1


def test_a_malformed_record_gets_field_errors_and_is_not_stored(client):
    response = client.post(
        RECORDS,
        record(mobile="12345", category="NOPE", area="XX", description="short", external_id=""),
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"external_id", "mobile", "category", "area", "description"}
    assert not PartnerRecord.objects.exists()


def test_a_category_that_is_not_selectable_is_refused(client):
    response = client.post(RECORDS, record(category="REV-LAND"), format="json")
    assert response.status_code == 400
    assert "category" in response.json()["fields"]


def test_a_batch_queues_the_valid_and_reports_the_rest(client):
    client.post(RECORDS, record("OLD"), format="json")
    response = client.post(
        BATCH,
        {"records": [record("A"), record("B", mobile="55555"), record("OLD"), record("A"), "x"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["status"] for r in body["results"]] == [
        "queued",
        "invalid",
        "duplicate",
        "duplicate",
        "invalid",
    ]
    assert body["results"][1]["errors"] == {
        "mobile": ["Give a 10-digit Indian mobile number starting with 6-9."]
    }
    assert (body["queued"], body["invalid"], body["duplicate"]) == (1, 2, 2)
    assert sorted(PartnerRecord.objects.values_list("external_id", flat=True)) == ["A", "OLD"]


def test_a_batch_is_at_most_500_records(client):
    response = client.post(BATCH, {"records": [record(str(i)) for i in range(501)]}, format="json")
    assert response.status_code == 400
    assert "records" in response.json()["fields"]
    assert not PartnerRecord.objects.exists()


def test_a_retried_batch_replays_the_first_response(client):
    batch = {"records": [record("A"), record("B"), record("C", mobile="1")]}
    first = client.post(BATCH, batch, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(BATCH, batch, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert [r["status"] for r in second.json()["results"]] == ["queued", "queued", "invalid"]
    assert second["Idempotent-Replayed"] == "true"
    assert PartnerRecord.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1
    assert set(PartnerRecord.objects.values_list("idempotency_key", flat=True)) == {"k-1"}


def test_the_same_key_with_another_body_is_a_409(client):
    client.post(BATCH, {"records": [record("A")]}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = client.post(
        BATCH, {"records": [record("B")]}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reuse"
    assert list(PartnerRecord.objects.values_list("external_id", flat=True)) == ["A"]


def test_a_single_record_retry_replays_201(client):
    first = client.post(RECORDS, record(), format="json", HTTP_IDEMPOTENCY_KEY="one")
    second = client.post(RECORDS, record(), format="json", HTTP_IDEMPOTENCY_KEY="one")
    assert first.status_code == second.status_code == 201
    assert first.content == second.content


def test_keys_are_per_partner(client, partner):
    _other, other_key = partner_key_issue(code="other", name="Other", source_flag="Other Data")
    client.post(BATCH, {"records": [record("A")]}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = partner_client(other_key).post(
        BATCH, {"records": [record("A")]}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.json()["results"][0]["status"] == "queued"
    assert PartnerRecord.objects.count() == 2


def test_unknown_missing_and_inactive_keys_are_refused(world, partner):
    payload = record()
    assert partner_client("nope").post(RECORDS, payload, format="json").status_code == 401
    missing = partner_client("").post(RECORDS, payload, format="json")
    assert missing.status_code == 401
    assert set(missing.json()) == {"code", "detail"}
    partner[0].is_active = False
    partner[0].save()
    inactive = partner_client(partner[1]).post(RECORDS, payload, format="json")
    assert inactive.status_code == 403
    assert set(inactive.json()) == {"code", "detail"}
    assert not PartnerRecord.objects.exists()


def test_a_staff_token_does_not_open_the_partner_endpoints(world):
    from nivaran.grievances.tests.test_api import client_for

    assert client_for("analyst").post(RECORDS, record(), format="json").status_code == 401

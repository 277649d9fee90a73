from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from nivaran.grievances.models import Channel, Grievance
from nivaran.open311.models import Open311Request
from nivaran.open311.tests import schemas
from nivaran.testing.world import World

BASE = "/open311/v2"


def get_json(client: Client, path: str, schema: dict[str, Any], expect: int = 200, **params: str):
    response = client.get(f"{BASE}/{path}.json", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    jsonschema.validate(body, schema)
    return body


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (our own output)


def get_xml(client: Client, path: str, expect: int = 200, **params: str) -> ET.Element:
    response = client.get(f"{BASE}/{path}.xml", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"].startswith("text/xml")
    return parse_xml(response.content)


def post(client: Client, fmt: str, data: dict[str, str]):
    return client.post(f"{BASE}/requests.{fmt}", data)


# --- discovery, services, service definition ------------------------------------------------


def test_discovery_json_and_xml(client: Client, world: World):
    body = get_json(client, "discovery", schemas.DISCOVERY)
    endpoint = body["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]

    root = get_xml(client, "discovery")
    assert root.tag == "discovery"
    assert root.findtext("changeset") == body["changeset"]
    assert root.findtext("key_service")
    xml_endpoint = root.find("endpoints/endpoint")
    assert xml_endpoint is not None
    assert xml_endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in xml_endpoint.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_json_and_xml(client: Client, world: World):
    body = get_json(client, "services", schemas.SERVICES)
    by_code = {s["service_code"]: s for s in body}
    # Selectable, active complaint types only: the "Land" group is not one.
    assert set(by_code) == {"REV-LAND-MUT", "REV-FLOOD", "REV-OTH", "PWR-SUP"}
    mutation = by_code["REV-LAND-MUT"]
    assert mutation["service_name"] == "Mutation pending"
    assert "इंतकाल लंबित" in mutation["description"]
    assert mutation["group"] == "Revenue"
    assert mutation["metadata"] is True
    assert mutation["type"] == "realtime"

    root = get_xml(client, "services")
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 4
    first = services[0]
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert first.findtext("metadata") == "true"


def test_service_definition_json_and_xml(client: Client, world: World):
    body = get_json(client, "services/REV-LAND-MUT", schemas.SERVICE_DEFINITION)
    attributes = {a["code"]: a for a in body["attributes"]}
    area = attributes["area_code"]
    assert area["required"] is True
    assert area["datatype"] == "singlevaluelist"
    keys = {v["key"] for v in area["values"]}
    assert {"TS-ONE", "TS-TWO", "TS-ONE-B1", "TS-TWO-B1"} == keys  # not the state itself
    assert {v["key"] for v in attributes["emergency"]["values"]} == {"yes", "no"}
    assert attributes["emergency"]["required"] is False

    root = get_xml(client, "services/REV-LAND-MUT")
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "REV-LAND-MUT"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("code") == "area_code"
    assert attribute.findtext("required") == "true"
    values = attribute.findall("values/value")
    assert {v.findtext("key") for v in values} == keys
    assert all(v.findtext("name") for v in values)


def test_unknown_service_is_404_in_spec_format(client: Client, world: World):
    body = get_json(client, "services/NOPE", schemas.ERRORS, expect=404)
    assert body[0]["code"] == 404
    root = get_xml(client, "services/NOPE", expect=404)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"


# --- POST requests ------------------------------------------------------------------------------


def test_post_registers_a_grievance_routed_to_l1(client: Client, world: World, form):
    response = post(client, "json", form)
    assert response.status_code == 201, response.content
    body = response.json()
    jsonschema.validate(body, schemas.POST_RESPONSE)
    number = body[0]["service_request_id"]
    assert body[0]["account_id"] is None
    assert number in body[0]["service_notice"]

    grievance = Grievance.objects.select_related("citizen").get(number=number)
    assert grievance.channel == Channel.OPEN311
    assert grievance.source == "Open311: Test App"
    assert grievance.assigned_to == world["officer_l1"]
    assert grievance.level == 1
    assert grievance.citizen.mobile == "9876543210"  # +91 and spaces normalised
    assert grievance.citizen.name == "Ramesh Kumar"
    assert grievance.registered_by is not None
    assert grievance.registered_by.username == "open311:test-app"
    row = Open311Request.objects.get(grievance=grievance)
    assert (row.lat, row.long) == (30.3782, 76.7767)
    assert row.media_url == "https://example.org/photo.jpg"
    assert row.token == body[0]["token"]


def test_post_xml_response(client: Client, world: World, form):
    response = post(client, "xml", {**form, "phone": "09876543210", "attribute[emergency]": "yes"})
    assert response.status_code == 201, response.content
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert number
    assert root.findtext("request/service_notice")
    grievance = Grievance.objects.get(number=number)
    assert grievance.emergency is True
    assert grievance.citizen.mobile == "9876543210"


@pytest.mark.parametrize(
    ("change", "mentions"),
    [
        ({"attribute[area_code]": ""}, "attribute[area_code]"),
        ({"attribute[area_code]": "", "address_string": "", "lat": "", "long": ""}, "area_code"),
        ({"attribute[area_code]": "NOWHERE"}, "attribute[area_code]"),
        ({"service_code": "NOPE"}, "service_code"),
        ({"service_code": "REV-LAND"}, "service_code"),  # a group, not a complaint type
        ({"phone": ""}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"description": "short"}, "description"),
        ({"lat": "abc"}, "lat"),
        ({"lat": "95", "long": "76"}, "lat"),
        ({"long": ""}, "lat"),
        ({"attribute[emergency]": "maybe"}, "attribute[emergency]"),
        ({"email": "not-an-email"}, "email"),
        ({"media_url": "ftp://x/y"}, "media_url"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_400_and_stores_nothing(
    client: Client, world: World, form, change, mentions, fmt
):
    response = post(client, fmt, {**form, **change})
    assert response.status_code == 400, response.content
    if fmt == "json":
        body = response.json()
        jsonschema.validate(body, schemas.ERRORS)
        descriptions = [e["description"] for e in body]
        assert {e["code"] for e in body} == {400}
    else:
        root = parse_xml(response.content)
        assert root.tag == "errors"
        descriptions = [e.findtext("description") or "" for e in root.findall("error")]
        assert {e.findtext("code") for e in root.findall("error")} == {"400"}
    assert any(mentions in d for d in descriptions), descriptions
    assert not Grievance.objects.exists()
    assert not Open311Request.objects.exists()


def test_location_without_area_code_asks_for_it(client: Client, world: World, form):
    response = post(client, "json", {**form, "attribute[area_code]": ""})
    assert response.status_code == 400
    assert "attribute[area_code] is required" in response.json()[0]["description"]


@pytest.mark.parametrize("key", [None, "", "wrong-key"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_or_missing_api_key_is_403(client: Client, world: World, form, key, fmt):
    data = {k: v for k, v in form.items() if k != "api_key"}
    if key is not None:
        data["api_key"] = key
    response = post(client, fmt, data)
    assert response.status_code == 403
    if fmt == "json":
        body = response.json()
        jsonschema.validate(body, schemas.ERRORS)
        assert body[0]["code"] == 403
        assert "api_key" in body[0]["description"]
    else:
        root = parse_xml(response.content)
        assert root.findtext("error/code") == "403"
    assert not Grievance.objects.exists()


def test_inactive_client_is_403(client: Client, world: World, form, app_key):
    app_key.client.is_active = False
    app_key.client.save()
    assert post(client, "json", form).status_code == 403


def test_post_needs_no_csrf_token(world: World, form):
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "json", form).status_code == 201


# --- GET requests -------------------------------------------------------------------------------


def test_read_back_one_request_json_and_xml(client: Client, world: World, form):
    number = post(client, "json", form).json()[0]["service_request_id"]
    body = get_json(client, f"requests/{number}", schemas.REQUESTS)
    assert len(body) == 1
    item = body[0]
    assert item["service_request_id"] == number
    assert item["status"] == "open"
    assert item["status_notes"] == "Open"
    assert item["service_code"] == "REV-LAND-MUT"
    assert item["service_name"] == "Mutation pending"
    assert item["agency_responsible"] == "Revenue"
    assert item["address"] == form["address_string"]
    assert (item["lat"], item["long"]) == (30.3782, 76.7767)
    assert item["media_url"] == form["media_url"]
    assert item["requested_datetime"].endswith("+05:30")
    assert item["expected_datetime"] is not None

    root = get_xml(client, f"requests/{number}")
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert request.findtext("service_request_id") == number
    assert request.findtext("status") == "open"
    assert request.find("zipcode") is not None


def test_unknown_request_is_404(client: Client, world: World):
    body = get_json(client, "requests/HR2600000099", schemas.ERRORS, expect=404)
    assert body[0]["code"] == 404


def test_never_exposes_the_citizen_or_officer(client: Client, world: World, form):
    post(client, "json", form)
    for path in ["requests.json", "requests.xml"]:
        content = client.get(f"{BASE}/{path}").content.decode()
        for secret in ["9876543210", "Ramesh", "Kumar", "ramesh@example.org", "device-1"]:
            assert secret not in content
        assert "officer_l1" not in content
        assert "Officer_L1" not in content


def test_lists_only_open311_grievances(client: Client, world: World, form):
    world.register(channel="call_centre")
    number = post(client, "json", form).json()[0]["service_request_id"]
    body = get_json(client, "requests", schemas.REQUESTS)
    assert [r["service_request_id"] for r in body] == [number]
    # Not even by id.
    other = Grievance.objects.exclude(number=number).get()
    get_json(client, f"requests/{other.number}", schemas.ERRORS, expect=404)


def test_filters(client: Client, world: World, form):
    now = timezone.now()
    first = post(client, "json", form).json()[0]["service_request_id"]
    second = post(client, "json", {**form, "service_code": "REV-FLOOD"}).json()[0][
        "service_request_id"
    ]
    third = post(client, "json", {**form, "service_code": "PWR-SUP"}).json()[0][
        "service_request_id"
    ]

    def ids(**params: str) -> list[str]:
        return [
            r["service_request_id"]
            for r in get_json(client, "requests", schemas.REQUESTS, **params)
        ]

    assert ids() == [third, second, first]  # newest first
    assert ids(service_request_id=f"{first},{third}") == [third, first]
    assert ids(service_code="REV-FLOOD") == [second]
    assert ids(service_code="REV-FLOOD,PWR-SUP") == [third, second]
    assert ids(status="open") == [third, second, first]
    assert ids(status="closed") == []
    start = (now - timedelta(days=1)).isoformat()
    end = (now + timedelta(days=1)).isoformat()
    assert ids(start_date=start, end_date=end) == [third, second, first]
    assert ids(start_date=(now + timedelta(hours=1)).isoformat()) == []
    assert ids(end_date=(now - timedelta(hours=1)).isoformat()) == []
    assert ids(start_date="2020-01-01T00:00:00Z") == []  # a 90-day window from the start


def test_closed_statuses_read_as_closed(client: Client, world: World, form):
    number = post(client, "json", form).json()[0]["service_request_id"]
    # Status changes only through the workflow; reject is the shortest way to a closed one.
    from nivaran.grievances.workflow import grievance_act

    grievance = Grievance.objects.get(number=number)
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="reject",
        data={"reason": "Not a grievance of this department at all."},
    )
    grievance.refresh_from_db()
    assert grievance.status == "rejected"
    body = get_json(client, "requests", schemas.REQUESTS, status="closed")
    assert [r["service_request_id"] for r in body] == [number]
    assert body[0]["status"] == "closed"
    assert "department" not in body[0]["status_notes"]  # the officer's note is not shown


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"status": "pending"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
    ],
)
def test_bad_filters_are_400(client: Client, world: World, params):
    body = get_json(client, "requests", schemas.ERRORS, expect=400, **params)
    assert body[0]["code"] == 400


# --- tokens -------------------------------------------------------------------------------------


def test_token_gives_the_request_id(client: Client, world: World, form):
    created = post(client, "json", form).json()[0]
    body = get_json(client, f"tokens/{created['token']}", schemas.TOKENS)
    assert body == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]
    root = get_xml(client, f"tokens/{created['token']}")
    assert root.findtext("request/service_request_id") == created["service_request_id"]
    get_json(client, "tokens/unknown", schemas.ERRORS, expect=404)

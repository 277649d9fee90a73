"""An existing Open311 client library that can file, used unmodified, against a running server.

`civicbot` (PyPI) has a GeoReport v2 client whose `create_request` POSTs the form itself.
It is dry-run by default: filing needs `dry_run=False`, `confirm="SEND"` and an `api_key`,
and it insists on a location (lat/long, address_string or address_id), as the spec does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from civicbot import Endpoint, Open311Client  # type: ignore[import-untyped]

from nivaran.grievances.models import Channel, Grievance
from nivaran.open311.services import open311_client_issue_key
from nivaran.testing.world import World, build_world


@pytest.fixture
def live_world(transactional_db: None) -> Iterator[World]:
    yield build_world()


def test_civicbot_lists_files_and_reads_back(live_server, live_world: World):
    key = open311_client_issue_key(name="Civicbot").raw_key
    endpoint = Endpoint(
        id="nivaran",
        name="Nivaran",
        base_url=f"{live_server.url}/open311/v2",
        write=True,
    )
    client = Open311Client(endpoint)

    services = client.list_services()
    assert "REV-LAND-MUT" in {s["service_code"] for s in services}
    definition = client.get_service_definition("REV-LAND-MUT")
    assert definition["attributes"][0]["code"] == "area_code"

    prepared = client.create_request(
        "REV-LAND-MUT",
        dry_run=False,
        confirm="SEND",
        api_key=key,
        validate_remote=True,  # checks the payload against the live service definition
        attributes={"area_code": live_world.block.code},
        lat=30.37,
        lng=76.77,
        description="Mutation of my land is pending for six months.",
        first_name="Ramesh",
        last_name="Kumar",
        phone="9876543210",
    )
    assert prepared.dry_run is False
    assert prepared.form["attribute[area_code]"] == live_world.block.code
    assert prepared.warnings == []
    number = prepared.response[0]["service_request_id"]
    assert prepared.response[0]["token"]

    one = client.get_request(number)
    assert one is not None
    assert one["service_request_id"] == number
    assert one["service_code"] == "REV-LAND-MUT"
    assert one["status"] == "open"
    listed = client.list_requests(service_code="REV-LAND-MUT", status="open")
    assert [r["service_request_id"] for r in listed] == [number]

    grievance = Grievance.objects.select_related("citizen").get(number=number)
    assert grievance.channel == Channel.OPEN311
    assert grievance.source == "Open311: Civicbot"
    assert grievance.assigned_to == live_world["officer_l1"]
    assert grievance.citizen.name == "Ramesh Kumar"


def test_civicbot_files_with_only_a_location(live_server, live_world: World):
    # Once the state has an outline and its districts points, an app sending only
    # lat/lng (as most do) is routed to the nearest district.
    from nivaran.geo.models import Area

    Area.objects.filter(code="TS").update(boundary=[[29, 75], [32, 75], [32, 78], [29, 78]])
    Area.objects.filter(code="TS-ONE").update(latitude=30.38, longitude=76.78)
    Area.objects.filter(code="TS-TWO").update(latitude=29.69, longitude=76.99)
    key = open311_client_issue_key(name="Civicbot").raw_key
    endpoint = Endpoint(
        id="nivaran", name="Nivaran", base_url=f"{live_server.url}/open311/v2", write=True
    )
    prepared = Open311Client(endpoint).create_request(
        "REV-LAND-MUT",
        dry_run=False,
        confirm="SEND",
        api_key=key,
        validate_remote=True,  # area_code is now optional in the live service definition
        lat=30.36,
        lng=76.80,
        description="Mutation of my land is pending for six months.",
        first_name="Ramesh",
        phone="9876543210",
    )
    assert "attribute[area_code]" not in prepared.form
    number = prepared.response[0]["service_request_id"]
    grievance = Grievance.objects.select_related("area").get(number=number)
    assert grievance.area.code == "TS-ONE"
    assert grievance.assigned_to == live_world["officer_l1"]

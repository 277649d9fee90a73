"""An existing Open311 client library, used unmodified, against a running server.

`georeport` (PyPI) reads services, service definitions and requests in JSON and XML;
it has no call that files a request, so the request is POSTed with `requests`, form
encoded as GeoReport v2 prescribes, the way such apps do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from georeport import GeoReport

from nivaran.open311.services import open311_client_issue_key
from nivaran.testing.world import World, build_world


@pytest.fixture
def live_world(transactional_db: None) -> Iterator[World]:
    yield build_world()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_georeport_client_lists_files_and_reads_back(live_server, live_world: World, fmt):
    key = open311_client_issue_key(name="Live App").raw_key
    root = f"{live_server.url}/open311/v2/"
    client = GeoReport(root, api_key=key, output_format=fmt)

    services = client.get_service_list()
    assert "REV-LAND-MUT" in {s["service_code"] for s in services}
    definition = client.get_service_definition("REV-LAND-MUT")
    attributes = definition["attributes"]
    if fmt == "xml":  # xmltodict: one list level per element
        attributes = attributes["attribute"]
    assert attributes[0]["code"] == "area_code"

    response = requests.post(
        f"{client.root_address}/requests.{fmt}",
        data={
            "api_key": client.api_key,
            "service_code": "REV-LAND-MUT",
            "attribute[area_code]": live_world.block.code,
            "lat": "30.37",
            "long": "76.77",
            "first_name": "Ramesh",
            "phone": "9876543210",
            "description": "Mutation of my land is pending for six months.",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    if fmt == "json":
        number = response.json()[0]["service_request_id"]
    else:
        import xmltodict

        number = xmltodict.parse(response.content)["service_requests"]["request"][
            "service_request_id"
        ]

    one = client.get_service_request(number)
    assert one["service_request_id"] == number
    assert one["status"] == "open"
    assert one["service_code"] == "REV-LAND-MUT"
    listed = client.get_service_requests(service_code="REV-LAND-MUT", status="open")
    if fmt == "xml":  # xmltodict gives a dict for a single element
        listed = [listed] if isinstance(listed, dict) else listed
    assert [r["service_request_id"] for r in listed] == [number]

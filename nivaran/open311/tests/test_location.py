"""Open311 requests routed by location (B6): most apps send only lat/long or an address.

The Haryana profile is loaded as it ships: its state outline and district headquarters.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from django.test import Client

from nivaran.geo.models import Area
from nivaran.grievances.models import Grievance
from nivaran.open311.models import Open311Request
from nivaran.open311.services import open311_client_issue_key
from nivaran.open311.tests import schemas
from nivaran.profiles.loader import load_profile
from nivaran.profiles.services import profile_apply

BASE = "/open311/v2"
AMBALA_CITY = ("30.3610", "76.7960")  # the city, a few km from the headquarters point
GURUGRAM = ("28.4595", "77.0266")
SIRSA = ("29.5350", "75.0290")
DELHI = ("28.6139", "77.2090")  # Connaught Place: inside Haryana's bounding box, not the state
CHANDIGARH = ("30.7333", "76.7794")


@pytest.fixture
def haryana(db: None) -> None:
    profile_apply(load_profile("haryana"))


@pytest.fixture
def form(haryana: None) -> dict[str, str]:
    key = open311_client_issue_key(name="Street App").raw_key
    return {
        "api_key": key,
        "service_code": "REV-LAND-MUT",
        "phone": "9876543210",
        "first_name": "Ramesh",
        "description": "Mutation of my land is pending for six months.",
    }


def post(client: Client, data: dict[str, str], fmt: str = "json") -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data)


def filed(client: Client, data: dict[str, str]) -> Grievance:
    response = post(client, data)
    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    return Grievance.objects.select_related("area", "assigned_post").get(number=number)


def at(lat_long: tuple[str, str]) -> dict[str, str]:
    return {"lat": lat_long[0], "long": lat_long[1]}


@pytest.mark.parametrize(
    ("where", "district"),
    [(AMBALA_CITY, "HR-AMB"), (GURUGRAM, "HR-GGM"), (SIRSA, "HR-SRS")],
)
def test_lat_long_alone_is_routed_to_the_district(client: Client, form, where, district):
    grievance = filed(client, {**form, **at(where)})
    assert grievance.area.code == district
    # Routed as any grievance of that district: to the district's L1 post.
    assert grievance.assigned_post is not None
    assert grievance.assigned_post.area.code == district
    row = Open311Request.objects.get(grievance=grievance)
    assert (str(row.lat), str(row.long)) == (where[0].rstrip("0"), where[1].rstrip("0"))


@pytest.mark.parametrize(
    ("where", "fmt"),
    [(DELHI, "json"), (DELHI, "xml"), (CHANDIGARH, "json"), (("0", "0"), "json")],
)
def test_a_point_outside_the_state_is_400_in_the_spec_format(client: Client, form, where, fmt):
    response = post(client, {**form, **at(where)}, fmt)
    assert response.status_code == 400, response.content
    if fmt == "json":
        body = response.json()
        jsonschema.validate(body, schemas.ERRORS)
        assert [e["code"] for e in body] == [400]
        description = body[0]["description"]
    else:
        root = ET.fromstring(response.content)  # noqa: S314 (our own output)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "400"
        description = root.findtext("error/description") or ""
    assert "outside Haryana" in description
    assert not Grievance.objects.exists()
    assert not Open311Request.objects.exists()


def test_attribute_area_code_still_wins_over_the_location(client: Client, form):
    grievance = filed(client, {**form, **at(AMBALA_CITY), "attribute[area_code]": "HR-PKL-B01"})
    assert grievance.area.code == "HR-PKL-B01"


def test_an_explicit_area_code_is_taken_even_for_a_point_outside(client: Client, form):
    # The app knows better than its GPS fix (a citizen reporting from Delhi about home).
    grievance = filed(client, {**form, **at(DELHI), "attribute[area_code]": "HR-SRS"})
    assert grievance.area.code == "HR-SRS"


def test_the_smallest_area_with_a_boundary_wins(client: Client, form):
    # A block's boundary, where the geography has one, places the point below the district.
    Area.objects.filter(code="HR-AMB-B03").update(
        boundary=[[30.15, 77.00], [30.28, 77.00], [30.28, 77.12], [30.15, 77.12]]
    )
    inside_block = filed(client, {**form, "lat": "30.21", "long": "77.05"})
    assert inside_block.area.code == "HR-AMB-B03"
    # Elsewhere in Ambala, no block's boundary holds it and not every block has a point:
    # the district it is.
    assert filed(client, {**form, **at(AMBALA_CITY)}).area.code == "HR-AMB"


def test_within_a_district_whose_parts_all_have_points_the_nearest_part(client: Client, form):
    points = {
        "HR-PKL-C01": (30.69, 76.86),
        "HR-PKL-B01": (30.79, 76.92),
        "HR-PKL-B02": (30.59, 76.97),
        "HR-PKL-B03": (30.59, 77.04),
        "HR-PKL-B04": (30.70, 77.09),
    }
    for code, (lat, long) in points.items():
        Area.objects.filter(code=code).update(latitude=lat, longitude=long)
    grievance = filed(client, {**form, "lat": "30.81", "long": "76.93"})  # Pinjore
    assert grievance.area.code == "HR-PKL-B01"


@pytest.mark.parametrize(
    ("address", "area"),
    [
        ("Near the bus stand, Karnal", "HR-KNL"),
        ("house 12, sector 7, KARNAL city", "HR-KNL"),
        ("गांव मोहड़ा, अंबाला", "HR-AMB-B01-G03"),  # the GP, its district named too
        ("वार्ड 3, पंचकूला", "HR-PKL-C01-W03"),
        ("Block Ambala-I", "HR-AMB-B01"),  # the block, not the district it starts with
        ("Old Faridabad, NIT 3", "HR-FBD"),
    ],
)
def test_an_address_naming_an_area_is_routed_there(client: Client, form, address, area):
    grievance = filed(client, {**form, "address_string": address})
    assert grievance.area.code == area
    assert Open311Request.objects.get(grievance=grievance).address_string == address


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("Connaught Place, New Delhi", "names no district"),
        ("Karnalpur road", "names no district"),  # whole words only
        ("Between Karnal and Sirsa", "several areas"),
    ],
)
def test_an_address_naming_no_single_area_is_a_clear_400(client: Client, form, address, says):
    response = post(client, {**form, "address_string": address})
    assert response.status_code == 400, response.content
    body = response.json()
    jsonschema.validate(body, schemas.ERRORS)
    assert says in body[0]["description"]
    assert "address_string" in body[0]["description"]
    assert not Grievance.objects.exists()


def test_coordinates_win_over_the_address(client: Client, form):
    grievance = filed(client, {**form, **at(GURUGRAM), "address_string": "Karnal"})
    assert grievance.area.code == "HR-GGM"


def test_no_location_at_all_asks_for_one(client: Client, form):
    response = post(client, form)
    assert response.status_code == 400
    assert (
        "attribute[area_code], lat and long, or an address_string"
        in (response.json()[0]["description"])
    )


def test_the_service_definition_says_area_code_is_optional(client: Client, haryana):
    body = client.get(f"{BASE}/services/REV-LAND-MUT.json").json()
    jsonschema.validate(body, schemas.SERVICE_DEFINITION)
    area = next(a for a in body["attributes"] if a["code"] == "area_code")
    assert area["required"] is False
    assert "lat and long" in area["datatype_description"]


def test_without_a_state_boundary_the_area_code_stays_required(client: Client, haryana):
    Area.objects.filter(code="HR").update(boundary=None)
    key = open311_client_issue_key(name="Other App").raw_key
    response = post(
        client,
        {
            "api_key": key,
            "service_code": "REV-LAND-MUT",
            "phone": "9876543210",
            "description": "Mutation of my land is pending for six months.",
            **at(AMBALA_CITY),
        },
    )
    assert response.status_code == 400
    assert "attribute[area_code] is required" in response.json()[0]["description"]
    area = next(
        a
        for a in client.get(f"{BASE}/services/REV-LAND-MUT.json").json()["attributes"]
        if a["code"] == "area_code"
    )
    assert area["required"] is True

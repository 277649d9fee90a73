from __future__ import annotations

import pytest

from nivaran.open311.services import IssuedKey, open311_client_issue_key
from nivaran.testing.world import World


@pytest.fixture
def app_key(world: World) -> IssuedKey:
    return open311_client_issue_key(name="Test App")


@pytest.fixture
def form(world: World, app_key: IssuedKey) -> dict[str, str]:
    """A valid POST requests body."""
    return {
        "api_key": app_key.raw_key,
        "service_code": world.category.code,
        "attribute[area_code]": world.block.code,
        "lat": "30.3782",
        "long": "76.7767",
        "address_string": "Near the tehsil office, One Block",
        "email": "ramesh@example.org",
        "device_id": "device-1",
        "first_name": "Ramesh",
        "last_name": "Kumar",
        "phone": "+91 98765 43210",
        "description": "Mutation of my land is pending for six months.",
        "media_url": "https://example.org/photo.jpg",
    }

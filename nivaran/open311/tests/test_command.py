from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from nivaran.accounts.roles import Role
from nivaran.core.keys import api_key_hash as key_hash
from nivaran.open311.models import Open311Client
from nivaran.testing.world import World


def issue(name: str) -> list[str]:
    out = StringIO()
    call_command("open311_key", name, stdout=out)
    return out.getvalue().strip().splitlines()


def post(client: Client, world: World, key: str) -> int:
    data = {
        "api_key": key,
        "service_code": world.category.code,
        "attribute[area_code]": world.block.code,
        "phone": "9876543210",
        "first_name": "Sita",
        "description": "Mutation of my land is pending for six months.",
    }
    return client.post("/open311/v2/requests.json", data).status_code


def test_creates_a_client_whose_key_authenticates(client: Client, world: World):
    lines = issue("Haryana 311 App")
    key = lines[-1]
    assert "Created" in lines[0]
    app = Open311Client.objects.select_related("user").get(name="Haryana 311 App")
    assert app.key_hash == key_hash(key)
    assert key not in {app.key_hash, app.name}  # the raw key is not stored
    assert app.user.username == "open311:haryana-311-app"
    assert app.user.role == Role.SYSTEM
    assert not app.user.is_active
    assert not app.user.has_usable_password()
    assert post(client, world, key) == 201


def test_rerunning_rotates_the_key(client: Client, world: World):
    old = issue("Haryana 311 App")[-1]
    lines = issue("Haryana 311 App")
    new = lines[-1]
    assert "Rotated" in lines[0]
    assert new != old
    assert Open311Client.objects.count() == 1
    assert post(client, world, old) == 403
    assert post(client, world, new) == 201

"""Steps shared by the Citizen API tests: everything through the JSON API."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from nivaran.portal.tests.helpers import last_otp
from nivaran.testing.world import World

BASE = "/api/v1/citizen"


def citizen_token(mobile: str, client: APIClient | None = None) -> str:
    """OTP by SMS (read from the outbox, as the phone would), then the token."""
    client = client or APIClient()
    sent = client.post(f"{BASE}/otp/", {"mobile": mobile}, format="json")
    assert sent.status_code == 202, sent.content
    answer = client.post(
        f"{BASE}/token/", {"mobile": mobile, "code": last_otp(mobile)}, format="json"
    )
    assert answer.status_code == 201, answer.content
    token = answer.json()["token"]
    assert isinstance(token, str)
    return token


def as_citizen(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def as_staff(username: str) -> APIClient:
    from nivaran.testing.world import PASSWORD

    client = APIClient()
    answer = client.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 200, answer.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


def lodge_body(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Sunita Devi",
        "category": world.category.code,
        "area": world.block.code,
        "description": "The mutation of my land has been pending for four months.",
        **extra,
    }

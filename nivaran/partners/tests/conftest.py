from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from nivaran.partners.models import Partner
from nivaran.partners.services import partner_key_issue


def partner_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    return client


@pytest.fixture
def partner(world) -> tuple[Partner, str]:
    return partner_key_issue(code="ssm", name="SSM Call Centre", source_flag="SSM Call Centre Data")


@pytest.fixture
def client(partner) -> APIClient:
    return partner_client(partner[1])


def record(external_id: str = "C-1", **overrides: object) -> dict[str, object]:
    return {
        "external_id": external_id,
        "citizen_name": "Savitri Devi",
        "mobile": "9812345678",
        "category": "REV-LAND-MUT",
        "area": "TS-ONE-B1",
        "description": "मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है।",
        "kind": "grievance",
        "emergency": False,
        "called_at": "2025-03-03T10:15:00+05:30",
        **overrides,
    }

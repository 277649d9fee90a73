"""The citizen portal's lodge page: suggested types for the description being typed."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from nivaran.portal.tests.test_lodge import verify

pytestmark = pytest.mark.django_db


def ask(client: Client, body: object, url: str | None = None):
    return client.post(
        url or reverse("portal:lodge_suggest"),
        json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
    )


def test_the_lodge_page_offers_suggestions_to_the_proved_session(world, trained):
    client = Client()
    verify(client)
    page = client.get(reverse("portal:lodge_form")).content.decode()
    assert f'data-suggest-url="{reverse("portal:lodge_suggest")}"' in page
    assert 'data-suggest-target="id_category"' not in page  # filled as the citizen types
    answer = ask(client, {"description": "हमारे गांव में दो दिन से बिजली नहीं है", "kind": ""})
    assert answer.status_code == 200
    assert answer.json()["model_version"] == trained.version
    assert answer.json()["suggestions"][0]["code"] == "PWR-SUP"
    # On the Hindi page, Hindi names.
    hindi = ask(client, {"description": "मेरी जमीन का इंतकाल लंबित है"}, "/hi/citizen/lodge/suggest/")
    assert hindi.json()["suggestions"][0]["name"] == "इंतकाल लंबित"


def test_only_a_proved_session_may_ask(world, trained):
    assert ask(Client(), {"description": "बिजली नहीं है"}).status_code == 403
    proved = Client()
    verify(proved)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = proved.cookies  # the proved session, but no CSRF token
    assert ask(strict, {"description": "बिजली नहीं है"}).status_code == 403
    assert ask(proved, {"description": "बिजली नहीं है"}).status_code == 200


@pytest.mark.parametrize(
    "body", [{}, {"description": "ab"}, {"description": 5}, [1], "not json", "null"]
)
def test_bad_bodies_are_400(world, trained, body):
    client = Client()
    verify(client)
    answer = ask(client, body)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"

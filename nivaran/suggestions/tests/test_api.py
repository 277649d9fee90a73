"""POST /api/v1/categories/suggest/: who may ask, what it answers, what it refuses."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nivaran.catalog.models import Category
from nivaran.portal.tests.citizen_api import as_citizen, citizen_token
from nivaran.suggestions.models import SuggestionModel
from nivaran.suggestions.selectors import suggested_types
from nivaran.suggestions.services import suggestion_model_train
from nivaran.testing.world import CITIZEN_MOBILE, World

URL = "/api/v1/categories/suggest/"

pytestmark = pytest.mark.django_db


def staff(world: World, username: str = "telecaller") -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=world[username])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [s["code"] for s in response.json()["suggestions"]]


def test_without_a_model_the_answer_is_empty_not_an_error(world):
    response = staff(world).post(URL, {"description": "बिजली नहीं है"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"model_version": None, "suggestions": []}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("हमारे गांव में दो दिन से बिजली गायब है, कोई सुनवाई नहीं।", "PWR-SUP"),  # Hindi
        ("Gaon mein bijli 2 din se nahi aa rahi, light kab aayegi", "PWR-SUP"),  # Hinglish
        ("There has been no electricity supply in my colony since Sunday.", "PWR-SUP"),
        ("Zameen ka intkal abhi tak darj nahi hua, patwari sun nahi raha", "REV-LAND-MUT"),
        ("मेरी जमीन का इंतकाल चार महीने से लंबित है।", "REV-LAND-MUT"),
        ("The relief for my house damaged in the flood has not been paid.", "REV-FLOOD"),
        ("बाढ़ में घर टूट गया, मुआवजा नहीं मिला", "REV-FLOOD"),
    ],
)
def test_texts_in_each_language_land_on_the_right_type(world, trained, text, expected):
    found = codes(staff(world).post(URL, {"description": text}, format="json"))
    assert found[0] == expected


def test_best_first_at_most_five_with_the_version(world, trained):
    response = staff(world).post(URL, {"description": "बिजली नहीं है"}, format="json")
    body = response.json()
    assert body["model_version"] == trained.version
    scores = [s["score"] for s in body["suggestions"]]
    assert len(scores) == 5  # the model knows nine types
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


def test_others_and_retired_types_are_never_suggested(world, trained):
    text = "तहसील के कर्मचारी नकल देने के लिए पैसे मांग रहे हैं।"  # an "Others" text
    assert "REV-OTH" not in codes(staff(world).post(URL, {"description": text}, format="json"))
    Category.objects.filter(code="PWR-SUP").update(is_active=False)  # retired after training
    found = codes(staff(world).post(URL, {"description": "बिजली नहीं है"}, format="json"))
    assert "PWR-SUP" not in found
    assert found  # the others still come


def test_names_are_in_the_request_language(world, trained):
    text = {"description": "मेरी जमीन का इंतकाल लंबित है"}
    hindi = staff(world).post(URL, text, format="json", HTTP_ACCEPT_LANGUAGE="hi")
    assert hindi.json()["suggestions"][0]["name"] == "इंतकाल लंबित"
    english = staff(world).post(URL, text, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["suggestions"][0]["name"] == "Mutation pending"


def test_kind_narrows_the_types(world, trained):
    Category.objects.filter(code="PWR-SUP").update(kind="suggestion")
    body = {"description": "बिजली नहीं है", "kind": "suggestion"}
    assert codes(staff(world).post(URL, body, format="json")) == ["PWR-SUP"]


def test_who_may_ask(world, trained, client):
    body = {"description": "बिजली नहीं है"}
    assert APIClient().post(URL, body, format="json").status_code == 401
    for username in ("officer_l1", "cmo", "analyst"):
        assert staff(world, username).post(URL, body, format="json").status_code == 200
    # Staff signed in to the pages: the session, with its CSRF check.
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(world["officer_l1"])
    assert session.post(URL, body, format="json").status_code == 403  # no CSRF token
    session = APIClient()
    session.force_login(world["officer_l1"])
    assert session.post(URL, body, format="json").status_code == 200
    # A citizen: with the Citizen API's token yes; with a session or staff token, no.
    assert (
        as_citizen(citizen_token(CITIZEN_MOBILE)).post(URL, body, format="json").status_code == 200
    )
    assert staff(world, "citizen").post(URL, body, format="json").status_code == 403
    citizen_session = APIClient()
    citizen_session.force_login(world["citizen"])
    assert citizen_session.post(URL, body, format="json").status_code == 403
    garbled = APIClient()
    garbled.credentials(HTTP_AUTHORIZATION="Bearer nvc_not-a-token")
    assert garbled.post(URL, body, format="json").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "description"),
        ({"description": ""}, "description"),
        ({"description": "ab"}, "description"),
        ({"description": "x" * 8001}, "description"),
        ({"description": ["बिजली"]}, "description"),
        ({"description": {"a": 1}}, "description"),
        ({"description": "बिजली नहीं है", "area": "NOWHERE"}, "area"),
        ({"description": "बिजली नहीं है", "area": "x" * 41}, "area"),
        ({"description": "बिजली नहीं है", "kind": "wish"}, "kind"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(world, trained, body, field):
    response = staff(world).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]


@pytest.mark.parametrize("raw", ["[1, 2]", "not json", '"text"', "null", "{"])
def test_bodies_of_any_shape_are_400(world, trained, raw):
    response = staff(world).post(URL, raw, content_type="application/json")
    assert response.status_code == 400


def test_a_known_area_is_accepted(world, trained):
    body = {"description": "बिजली नहीं है", "area": world.block.code}
    assert codes(staff(world).post(URL, body, format="json"))[0] == "PWR-SUP"


def test_suggestions_are_throttled_per_user(world, trained, settings):
    settings.NIVARAN_SUGGEST_RATE = "2/min"
    client = staff(world)
    body = {"description": "बिजली नहीं है"}
    assert [client.post(URL, body, format="json").status_code for _ in range(3)] == [200, 200, 429]
    assert staff(world, "cmo").post(URL, body, format="json").status_code == 200


def test_a_warm_suggestion_costs_two_queries(world, trained, django_assert_num_queries):
    suggested_types(text="बिजली नहीं है")  # loads the model into this process
    with django_assert_num_queries(2):  # the serving version; the proposed types
        assert suggested_types(text="बिजली नहीं है").suggestions


def test_a_tampered_model_is_not_loaded(world, trained):
    blob = bytearray(bytes(trained.blob))
    blob[-1] ^= 0xFF
    SuggestionModel.objects.filter(pk=trained.pk).update(blob=bytes(blob))
    answer = staff(world).post(URL, {"description": "बिजली नहीं है"}, format="json")
    assert answer.json() == {"model_version": None, "suggestions": []}


def test_a_tampered_model_gives_way_to_the_one_before(world, trained):
    newer = suggestion_model_train()
    SuggestionModel.objects.filter(pk=newer.pk).update(signature="0" * 64)
    answer = staff(world).post(URL, {"description": "बिजली नहीं है"}, format="json")
    assert answer.json()["model_version"] == trained.version
    assert answer.json()["suggestions"][0]["code"] == "PWR-SUP"

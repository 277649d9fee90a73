"""POST /api/v1/grievances/search/: the list's filters in the body, so a mobile searched
for stays out of URLs and access logs; GET /api/v1/grievances/?q= stays for API v1."""

from __future__ import annotations

from rest_framework.test import APIClient

SEARCH = "/api/v1/grievances/search/"


def api(world, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world[username])
    return client


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["results"]]


def test_a_mobile_search_in_the_body_finds_what_the_query_string_finds(world):
    mine = world.register(mobile="9811122233")
    world.register(mobile="9000099999")
    client = api(world, "telecaller")
    by_body = numbers(client.post(SEARCH, {"q": "9811122233"}, format="json"))
    assert by_body == [mine.number]
    assert numbers(client.get("/api/v1/grievances/", {"q": "9811122233"})) == by_body
    assert numbers(client.post(SEARCH, {"q": mine.number.lower()}, format="json")) == by_body
    assert numbers(client.post(SEARCH, {}, format="json")) != by_body  # no filter: all


def test_the_search_is_scoped_to_the_caller(world):
    found = world.register(mobile="9811122233")
    assert numbers(api(world, "officer_l1").post(SEARCH, {"q": "9811122233"})) == [found.number]
    assert numbers(api(world, "other_l1").post(SEARCH, {"q": "9811122233"})) == []


def test_the_other_filters_and_pages_work_as_in_the_list(world):
    for _ in range(3):
        world.register(mobile="9811122233")
    client = api(world, "cmo")
    first = client.post(f"{SEARCH}?page_size=2", {"q": "9811122233", "level": 1}, format="json")
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "9811122233" not in body["next"]  # the next page's link carries no filter
    second = client.post(body["next"], {"q": "9811122233", "level": 1}, format="json")
    assert len(second.json()["results"]) == 1
    assert numbers(client.post(SEARCH, {"q": "9811122233", "level": 2}, format="json")) == []


def test_bad_input_is_a_clear_400(world):
    client = api(world, "cmo")
    response = client.post(SEARCH, {"level": 9, "status": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == {"level", "status"}
    response = client.post(SEARCH, "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_only_post_and_only_signed_in(world):
    assert api(world, "cmo").get(SEARCH, {"q": "9811122233"}).status_code == 405
    assert APIClient().post(SEARCH, {"q": "9811122233"}, format="json").status_code == 401


def test_a_session_caller_needs_the_csrf_token(world):
    """A page elsewhere cannot make a signed-in officer's browser search for it."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world["cmo"])
    response = client.post(SEARCH, {"q": "9811122233"}, format="json")
    assert response.status_code == 403

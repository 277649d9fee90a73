"""The API's edges: what its parser refuses, its JSON 404s, its query validation, and
that the live schema documents the shape each list really answers with."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from nivaran.core.parsers import MAX_DEPTH
from nivaran.partners.services import partner_key_issue
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db


def api(world: World, username: str = "cmo") -> Client:
    token, _ = Token.objects.get_or_create(user=world[username])
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", raise_request_exception=False)


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def post(client: Client, url: str, body: str | bytes):
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (nested(MAX_DEPTH + 1), "parse_error"),
        (nested(100_000), "parse_error"),
        ("[" * 100 + "]" * 100, "parse_error"),
        ('{"citizen": "a\\u0000b"}', "parse_error"),
        ('{"a\\u0000": 1}', "parse_error"),
        ('{"description": "\\ud800"}', "parse_error"),
        ('{"n": NaN}', "parse_error"),
        (b'{"n": "\xff"}', "parse_error"),
        ("{", "parse_error"),
        ("[]", "invalid"),
        ('"text"', "invalid"),
        ("null", "invalid"),
    ],
)
def test_the_parser_refuses_with_a_400_and_a_code(world, body, code):
    response = post(api(world), "/api/v1/grievances/", body)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code and data["detail"]


def test_an_object_as_deep_as_allowed_reaches_the_serializer(world):
    response = post(api(world), "/api/v1/grievances/", nested(MAX_DEPTH))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "citizen" in response.json()["fields"]


def test_a_body_past_django_s_limit_is_a_json_400(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(api(world), "/api/v1/grievances/", json.dumps({"description": "x" * 2000}))
    assert response.status_code == 400
    assert response.json() == {"code": "too_large", "detail": "The request body is too large."}


HUGE = str(10**30)


@pytest.mark.parametrize(
    ("method", "url", "who"),
    [
        ("post", "/api/v1/field-visits/abc/record/", "fieldexec"),
        ("post", "/api/v1/field-visits/999999/record/", "fieldexec"),
        ("post", f"/api/v1/field-visits/{HUGE}/record/", "fieldexec"),
        ("get", "/api/v1/partner/records/abc/", "partner"),
        ("get", f"/api/v1/partner/records/{HUGE}/", "partner"),
        ("post", "/api/v1/partner/queue/-1/accept/", "analyst"),
        ("post", f"/api/v1/partner/queue/{HUGE}/reject/", "analyst"),
        ("get", "/api/v1/grievances/NOPE-1/", "cmo"),
        ("get", "/api/v1/grievances/a%00b/", "cmo"),
        ("get", "/api/v1/no-such-thing/", "cmo"),
        ("get", "/api/v1/no-such-thing/", "anonymous"),
    ],
)
def test_unknown_and_non_numeric_ids_are_json_404s(world, method, url, who):
    if who == "partner":
        _partner, key = partner_key_issue(code="p1", name="P1", source_flag="P1")
        client = Client(HTTP_X_API_KEY=key, raise_request_exception=False)
    elif who == "anonymous":
        client = Client(raise_request_exception=False)
    else:
        client = api(world, who)
    body = {"rating": 3, "remarks": "Seen.", "reason": "Duplicate."}
    response = client.post(url, body) if method == "post" else client.get(url)
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/json"
    assert {"code", "detail"} <= set(response.json())


def test_pages_still_answer_django_s_404_page(world):
    response = Client(raise_request_exception=False).get("/grievances/x/attachments/abc/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_nul_in_the_query_is_a_400(world):
    response = api(world).get("/api/v1/quality/officers/?department=a%00b")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/grievances/?status=bogus",
        "/api/v1/grievances/?level=9",
        "/api/v1/categories/?kind=bogus",
        "/api/v1/areas/?type=bogus",
        "/api/v1/feedback-queue/?all=maybe",
        "/api/v1/field-visits/?pending=maybe",
        "/api/v1/quality/departments/?since=yesterday",
    ],
)
def test_an_unknown_query_value_is_a_400(world, url):
    response = api(world).get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["fields"]


def test_blank_filters_still_mean_no_filter(world):
    client = api(world)
    for url in ["/api/v1/categories/?kind=&department=", "/api/v1/areas/?type=&parent="]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        assert response.json()["count"] > 0


def _schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema: dict[str, Any] = json.loads(response.content)
    return schema


def _deref(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: dict[str, Any] = schema
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_every_list_that_pages_is_documented_as_paged_with_its_404(world):
    """Each GET without path parameters is called; one answering a page must say so."""
    world.register()
    client = api(world)
    schema = _schema(client)
    paged = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "{" in path or path.endswith(("/schema/", "/docs/")):
            continue
        schemes = {name for requirement in get.get("security", [{}]) for name in requirement}
        if schemes and "tokenAuth" not in schemes:
            continue  # a partner's or a system's key, a citizen's token: not an officer's
        response = client.get(path)
        assert response.status_code in {200, 403}, (path, response.content)
        if response.status_code != 200:
            continue
        body = response.json()
        content = get["responses"]["200"]["content"]["application/json"]
        documented = _deref(schema, content["schema"])
        if isinstance(body, dict) and {"count", "next", "previous", "results"} <= set(body):
            assert set(body) == {"count", "count_capped", "next", "previous", "results"}, path
            paged.append(path)
            assert documented.get("type") == "object", path
            assert set(body) <= set(documented["properties"]), path
            assert "404" in get["responses"], f"{path}: the 404 of a page past the last"
            assert {p["name"] for p in get.get("parameters", [])} >= {"page", "page_size"}, path
        else:
            assert documented.get("type") != "object" or "results" not in documented.get(
                "properties", {}
            ), path
    assert len(paged) >= 6, paged
    partner_list = schema["paths"]["/api/v1/partner/records/"]["get"]
    assert "404" in partner_list["responses"]


def test_the_token_endpoint_documents_its_400(world):
    schema = _schema(api(world))
    assert "400" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]

"""Bodies that are not what an endpoint wants are a 4xx, never a 5xx: every endpoint.

The endpoints are read from the URLconf at test time, so a new one is covered without
a change here. Each is sent a JSON array, string, number, boolean and null, and JSON
nested 1,000 deep (arrays and objects), anonymously, as a citizen, as officers and, where
its view takes a machine's key (partner, IVRS, SMS gateway), with that key. Where the
body reaches the API's JSON parser the answer is a 400 JSON with `code` (`invalid` for
a body that is not an object, `parse_error` for one nested too deep) and `detail`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.authtoken.models import Token
from rest_framework.views import APIView

from nivaran.callcentre.authentication import IvrsKeyAuthentication
from nivaran.callcentre.services import ivrs_key_issue
from nivaran.core import parsers
from nivaran.grievances.workflow import BY_ACTION
from nivaran.notifications.inbound import sms_gateway_key_issue
from nivaran.notifications.inbound_api import SmsGatewayKeyAuthentication
from nivaran.partners.authentication import PartnerKeyAuthentication
from nivaran.partners.services import partner_key_issue
from nivaran.portal.tests.citizen_api import citizen_token
from nivaran.portal.tokens import CitizenTokenAuthentication
from nivaran.testing.world import CITIZEN_MOBILE, World

pytestmark = pytest.mark.django_db

DEPTH = 1000
BODIES: dict[str, tuple[str, str]] = {
    # name: (body, the code when it reaches the parser)
    "array": ('[{"note": "x"}]', "invalid"),
    "string": ('"add_remark"', "invalid"),
    "number": ("42", "invalid"),
    "boolean": ("true", "invalid"),
    "null": ("null", "invalid"),
    "deep-array": ("[" * DEPTH + "]" * DEPTH, "parse_error"),
    "deep-object": ('{"a":' * DEPTH + "1" + "}" * DEPTH, "parse_error"),
}
BODY_METHODS = ("post", "put", "patch")
# Django's own admin is staff-only and not the platform's API; everything else is tested.
SKIPPED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespaced URL name, for reverse()
    route: str
    params: dict[str, str]  # path parameter -> converter name ("regex" for re_path)
    view: Any  # the DRF APIView class, or the Django view callable

    @property
    def is_drf(self) -> bool:
        return isinstance(self.view, type) and issubclass(self.view, APIView)

    @property
    def methods(self) -> list[str]:
        if self.is_drf:
            return [m for m in BODY_METHODS if hasattr(self.view, m)]
        # A plain Django view says what it accepts only by answering: POST to all of them.
        return ["post"]


def _walk(
    patterns: list[URLPattern | URLResolver], namespace: str = "", prefix: str = ""
) -> Iterator[Endpoint]:
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in SKIPPED_NAMESPACES:
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns, prefix + str(p.pattern))
            continue
        assert p.name, f"name the URL pattern {prefix}{p.pattern} so it can be tested"
        if isinstance(p.pattern, RoutePattern):
            params = {k: type(c).__name__ for k, c in p.pattern.converters.items()}
        else:
            assert isinstance(p.pattern, RegexPattern)
            params = dict.fromkeys(p.pattern.regex.groupindex, "regex")
        callback = p.callback
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
        yield Endpoint(f"{namespace}{p.name}", prefix + str(p.pattern), params, view)


ENDPOINTS = list(_walk(get_resolver().url_patterns))
BODY_ENDPOINTS = [e for e in ENDPOINTS if e.methods]


def test_every_drf_view_parses_bodies_with_the_projects_parsers():
    drf = [e for e in ENDPOINTS if e.is_drf]
    assert len(drf) > 20
    ours = (parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser)
    for endpoint in drf:
        for parser in endpoint.view().get_parsers():
            assert isinstance(parser, ours), (endpoint.route, parser)


@pytest.fixture
def keys(world: World) -> dict[type, str]:
    return {
        PartnerKeyAuthentication: partner_key_issue(code="p1", name="P1", source_flag="P1")[1],
        IvrsKeyAuthentication: ivrs_key_issue(name="ivrs-1")[1],
        SmsGatewayKeyAuthentication: sms_gateway_key_issue(name="sms-1")[1],
    }


def _samples(world: World, number: str) -> dict[str, list[str]]:
    """Path parameter values by name: real ones where the world has them."""
    return {
        "number": [number],
        "service_request_id": [number],
        "action": [a for a, t in BY_ACTION.items() if t.reach != "system"],
        "fmt": ["json", "xml"],
        "service_code": [world.category.code],
    }


def _urls(endpoint: Endpoint, samples: dict[str, list[str]]) -> Iterator[str]:
    kwargs_list: list[dict[str, str]] = [{}]
    for name, converter in endpoint.params.items():
        values = samples.get(name) or (["1"] if converter == "IntConverter" else ["x"])
        kwargs_list = [{**kw, name: v} for kw in kwargs_list for v in values]
    for kwargs in kwargs_list:
        yield reverse(endpoint.name, kwargs=kwargs)


def _identities(world: World, endpoint: Endpoint, keys: dict[type, str]) -> dict[str, Client]:
    clients = {"anonymous": Client(raise_request_exception=False)}
    for username in ("citizen", "officer_l1", "cmo"):
        user = world[username]
        client = Client(raise_request_exception=False)
        client.force_login(user)  # pages
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"  # the API
        clients[username] = client
    if endpoint.is_drf:
        for auth in endpoint.view.authentication_classes:
            if auth in keys:
                client = Client(raise_request_exception=False)
                client.defaults["HTTP_X_API_KEY"] = keys[auth]
                clients[auth.__name__] = client
            if auth is CitizenTokenAuthentication:
                client = Client(raise_request_exception=False)
                client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {citizen_token(CITIZEN_MOBILE)}"
                clients[auth.__name__] = client
    return clients


@pytest.fixture
def parsed(monkeypatch) -> list[int]:
    """Counts the calls into the API's JSON parser: the body reached a view."""
    calls: list[int] = []
    original = parsers.JSONParser.parse

    def spy(self: parsers.JSONParser, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(parsers.JSONParser, "parse", spy)
    return calls


def _json(response: Any) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS, ids=lambda e: e.route)
def test_a_body_that_is_not_an_object_is_never_a_5xx(
    endpoint: Endpoint, world: World, keys: dict[type, str], parsed: list[int]
):
    number = world.register(mobile=CITIZEN_MOBILE).number or ""  # the citizen's own
    samples = _samples(world, number)
    problems: list[str] = []
    reached = 0
    for url in _urls(endpoint, samples):
        for who, client in _identities(world, endpoint, keys).items():
            for method in endpoint.methods:
                for name, (body, code) in BODIES.items():
                    before = len(parsed)
                    response = getattr(client, method)(
                        url, body, content_type="application/json", HTTP_ACCEPT="application/json"
                    )
                    where = f"{method.upper()} {url} as {who} with {name}: {response.status_code}"
                    if response.status_code >= 500:
                        problems.append(f"{where} {response.content[:200]!r}")
                        continue
                    data = _json(response)
                    if len(parsed) > before:
                        reached += 1
                        if response.status_code != 400 or not data or data.get("code") != code:
                            problems.append(f"{where}, wanted 400 {code}: {data}")
                        elif not data.get("detail"):
                            problems.append(f"{where}: no detail")
                    elif (
                        url.startswith("/api/")
                        and response.status_code >= 400
                        and not (isinstance(data, dict) and {"code", "detail"} <= set(data))
                    ):
                        problems.append(f"{where}: not a JSON error {response.content[:200]!r}")
                # The browsable API reads the body again to draw its forms.
                response = getattr(client, method)(
                    url,
                    BODIES["deep-object"][0],
                    content_type="application/json",
                    HTTP_ACCEPT="text/html",
                )
                if response.status_code >= 500:
                    problems.append(f"{method.upper()} {url} as {who}, deep, as HTML: 500")
    assert not problems, "\n".join(problems)
    if endpoint.is_drf:
        assert reached, f"no identity got a body through to {endpoint.route}: add one"

"""The Content-Security-Policy: on every response, with no inline scripts or styles allowed,
and no page that needs them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

# Pages whose every route is walked; the admin has hundreds, so only its doors.
ADMIN_PAGES = ["/admin/", "/admin/login/"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def _routes(patterns: list[object], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)  # type: ignore[attr-defined]


def _concrete(route: str, values: dict[str, str]) -> str:
    """A URL for a route: path converters and Open311's regex groups filled in."""
    if "^" in route:  # Open311's regex patterns
        route = route.replace("^", "").replace("$", "").replace("\\.", ".")
        route = re.sub(r"\(\?P<fmt>[^)]*\)", "json", route)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)
        route = route.replace("[^/]+?", "")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)


def policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def every_page(world) -> list[str]:
    grievance = world.register()
    values = {
        "number": grievance.number,
        "action": "submit_atr",
        "token": "nope",
        "service_code": world.category.code,
        "service_request_id": grievance.number,
        "code": world.department.code,  # /org/levels/<code>/
        "category_code": "REV-OTH",  # /categories/<code>/types/<category_code>/ (+ assistant)
        "kind": "department",  # /analytics/weekly/<kind>/<code>/ and its downloads
    }
    urls = [
        _concrete(route, {**values, **dict.fromkeys(_ids(route), "1")})
        for route in _routes(get_resolver().url_patterns)
        if not route.startswith("admin/")
    ]
    return [*urls, *ADMIN_PAGES, "/hi/", "/hi/citizen/", "/hi/callcentre/", "/no/such/page/"]


def _ids(route: str) -> list[str]:
    return re.findall(r"<int:(\w+)>", route)


def test_every_response_carries_a_policy_without_inline_script_or_style(world, every_page):
    users = ["officer_l1", "telecaller", "cmo", "feedback", "fieldexec", "citizen", "admin"]
    clients = [Client(), *(_signed_in(world, user) for user in users)]
    html_pages = 0
    for client in clients:
        for url in every_page:
            response = client.get(url)
            header = response.get("Content-Security-Policy")
            assert header, f"{url}: no Content-Security-Policy ({response.status_code})"
            rules = policy(header)
            assert rules["default-src"] == ["'self'"], url
            for directive in ("script-src", "style-src"):
                assert rules[directive] == ["'self'"], (url, header)
            assert rules["object-src"] == ["'none'"]
            assert rules["frame-ancestors"] == ["'none'"]
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                html_pages += 1
                page = response.content.decode()
                assert not INLINE_SCRIPT.search(page), (url, INLINE_SCRIPT.search(page))
                assert not HANDLER.search(page), (url, HANDLER.search(page))
                if not url.startswith("/api/"):  # DRF's browsable API: see architecture.md
                    assert not STYLE_ATTRIBUTE.search(page), (url, STYLE_ATTRIBUTE.search(page))
    # The walk really rendered the pages (console, inbox, portal, docs, desk, field...).
    assert html_pages >= 40, html_pages


def test_the_api_docs_load_their_start_up_script_from_a_url(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert "<style" not in html
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html)
    assert script is not None
    code = client.get(script.group(1).replace("&amp;", "&"))
    assert code.status_code == 200
    assert code["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in code.content.decode()


def _signed_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world[username])
    return client

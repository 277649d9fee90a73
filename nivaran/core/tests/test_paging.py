"""Lists count up to a cap and still page past it: the API's `count_capped`, the inbox's
"N+" and "of more than", and a count that stops scanning at the cap."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nivaran.core.paging import CappedPaginator, capped_count
from nivaran.grievances.models import Grievance
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db


def five(world: World) -> list[str]:
    return [
        world.register(mobile=f"98765000{i:02d}", description=f"The pump is dry, day {i}.").number
        or ""
        for i in range(5)
    ]


def pages(client: APIClient, **query: object) -> list[dict[str, Any]]:
    out, url = [], "/api/v1/grievances/"
    response = client.get(url, query)
    while True:
        assert response.status_code == 200, response.content
        out.append(response.json())
        if not out[-1]["next"]:
            return out
        response = client.get(out[-1]["next"])


def test_below_the_cap_the_count_is_exact(world: World, settings):
    settings.NIVARAN_LIST_COUNT_CAP = 10
    numbers = five(world)
    client = APIClient()
    client.force_authenticate(world["cmo"])

    got = pages(client, page_size=2)

    assert [(p["count"], p["count_capped"]) for p in got] == [(5, False)] * 3
    assert sorted(g["number"] for p in got for g in p["results"]) == sorted(numbers)


def test_past_the_cap_the_count_says_at_least_and_every_page_is_still_served(
    world: World, settings
):
    settings.NIVARAN_LIST_COUNT_CAP = 3
    numbers = five(world)
    client = APIClient()
    client.force_authenticate(world["cmo"])

    got = pages(client, page_size=2)

    assert [(p["count"], p["count_capped"]) for p in got] == [(3, True)] * 3
    assert sorted(g["number"] for p in got for g in p["results"]) == sorted(numbers)
    assert client.get("/api/v1/grievances/", {"page_size": 2, "page": 4}).status_code == 404
    assert client.get("/api/v1/grievances/", {"page_size": 2, "page": 0}).status_code == 404


def test_the_count_stops_scanning_at_the_cap(world: World):
    five(world)
    with CaptureQueriesContext(connection) as queries:
        assert capped_count(Grievance.objects.all(), cap=2) == (2, True)
        assert capped_count(Grievance.objects.all(), cap=5) == (5, False)
    assert len(queries) == 2
    assert all("LIMIT 3" in q["sql"] or "LIMIT 6" in q["sql"] for q in queries.captured_queries)


def test_a_page_past_the_end_of_a_capped_list_is_empty_not_the_last():
    paginator = CappedPaginator(list(range(7)), 2)
    assert paginator.count == 7 and not paginator.capped
    assert list(paginator.page(4)) == [6] and not paginator.page(4).has_next()


def test_the_inbox_says_more_than_the_cap(world: World, settings):
    settings.NIVARAN_LIST_COUNT_CAP = 3
    five(world)
    client = Client()
    client.force_login(world["cmo"])

    html = client.get("/", {"tab": "all"}).content.decode()

    assert 'data-count="all">3+</span>' in html
    client.force_login(world["officer_l1"])
    settings.NIVARAN_LIST_COUNT_CAP = 10
    assert 'data-count="mine">5</span>' in client.get("/").content.decode()


def test_a_page_far_past_a_capped_list_is_a_page_or_a_404_never_a_500(world: World, settings):
    settings.NIVARAN_LIST_COUNT_CAP = 3
    five(world)
    web = Client()
    web.force_login(world["cmo"])
    assert web.get("/", {"tab": "all", "page": 1000}).status_code == 200
    assert web.get("/", {"tab": "all", "page": 10**15}).status_code == 200
    client = APIClient()
    client.force_authenticate(world["cmo"])
    for page in (1000, 10**15, 4 * 10**18):
        response = client.get("/api/v1/grievances/", {"page": page, "page_size": 2})
        assert response.status_code == 404, (page, response.content)


def test_the_next_page_is_known_from_the_page_read_not_from_the_count():
    rows = list(range(5))
    paginator = CappedPaginator(rows, 2)
    assert paginator.count == 5
    rows.extend([5, 6])  # arrived between the count and the page
    page = paginator.page(3)
    assert page.has_next() and page.next_page_number() == 4
    assert list(CappedPaginator(rows, 2).page(4)) == [6]  # the next request counts again

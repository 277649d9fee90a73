"""The directory API (W4): departments for anyone signed in; posts and holders for staff."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from nivaran.grievances.tests.test_api import client_for
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db


def test_anonymous_callers_get_401(world: World):
    for path in ["/api/v1/departments/", "/api/v1/posts/"]:
        response = APIClient().get(path)
        assert response.status_code == 401
        assert set(response.json()) == {"code", "detail"}


def test_departments_for_any_signed_in_caller_citizens_included(world: World):
    for username in ["citizen", "telecaller", "officer_l1"]:
        response = client_for(username).get("/api/v1/departments/")
        assert response.status_code == 200
        assert response.json()["results"] == [
            {"code": "PWR", "name": "Power", "name_hi": "बिजली"},
            {"code": "REV", "name": "Revenue", "name_hi": "राजस्व"},
        ]


def test_a_citizen_sees_no_post_and_no_holder(world: World):
    response = client_for("citizen").get("/api/v1/posts/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    content = response.content.decode()
    for secret in ["officer_l1", "Officer_L1", "9000000001", "REV-L1-ONE"]:
        assert secret not in content


def test_staff_see_posts_with_levels_and_holders_never_mobiles(world: World):
    response = client_for("telecaller").get("/api/v1/posts/?page_size=100")
    assert response.status_code == 200
    posts = {p["code"]: p for p in response.json()["results"]}
    l1 = posts["REV-L1-ONE"]
    assert l1["designation"]["code"] == "tehsildar"
    assert l1["department"] == "REV"
    assert l1["area"] == {"code": "TS-ONE", "name": "One", "type": "district"}
    assert l1["levels"] == [{"level": 1, "department": "REV", "area": "TS-ONE", "category": None}]
    assert l1["holder"] == {"username": "officer_l1", "name": "Officer_L1"}
    assert posts["REV-L3"]["is_head_of_department"] is True
    assert posts["REV-L3"]["levels"][0]["area"] is None  # the whole state
    assert [m["level"] for m in posts["PWR-L1-ONE"]["levels"]] == [1, 2, 3, 4]
    assert posts["DM-ONE"]["department"] is None and posts["DM-ONE"]["levels"] == []
    for mobile in ["9000000001", "9000000002", "9000000003"]:
        assert mobile not in response.content.decode()


def test_post_filters(world: World):
    staff = client_for("cmo")

    def codes(query: str) -> set[str]:
        response = staff.get(f"/api/v1/posts/?{query}")
        assert response.status_code == 200, response.content
        return {p["code"] for p in response.json()["results"]}

    assert codes("department=PWR") == {"PWR-L1-ONE"}
    assert codes("area=TS-TWO") == {"REV-L1-TWO", "REV-L2-TWO"}
    assert codes("level=3") == {"REV-L3", "PWR-L1-ONE"}
    assert codes("department=REV&level=2") == {"REV-L2-ONE", "REV-L2-TWO"}
    assert codes("area=NOWHERE") == set()
    world.posts["REV-L2-TWO"].holder = None
    world.posts["REV-L2-TWO"].save()
    assert codes("vacant=true") == {"REV-L2-TWO"}
    assert "REV-L2-TWO" not in codes("vacant=false")


@pytest.mark.parametrize("query", ["level=5", "level=x", "vacant=perhaps"])
def test_bad_post_filters_are_400(world: World, query):
    response = client_for("cmo").get(f"/api/v1/posts/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert query.split("=")[0] in body["fields"]


def test_the_post_list_costs_a_fixed_number_of_queries(world: World, django_assert_max_num_queries):
    staff = client_for("cmo")
    with django_assert_max_num_queries(6):
        response = staff.get("/api/v1/posts/?page_size=100")
    assert response.json()["count"] == len(world.posts)

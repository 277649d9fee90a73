"""The category pages (H8, H9) through HTTP: who opens and who edits, each form, a bad
form said on the page (never a 500), split and merge listing what moves, both languages."""

from __future__ import annotations

import pytest
from django.test import Client

from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category, CategoryChange
from nivaran.grievances.models import Grievance, GrievanceEvent
from nivaran.org.models import Designation, Post
from nivaran.testing.world import PASSWORD, World, _user

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _pwr_secretary(world: World) -> None:
    user = _user("pwr_secretary", Role.ADMINISTRATIVE_SECRETARY, "9000000099")
    Post.objects.create(
        code="PWR-SEC",
        title="PWR-SEC",
        designation=Designation.objects.get(code="principal_secretary"),
        area=world.state,
        department=world.other_department,
        holder=user,
    )


CREATE = {
    "code": "REV-LAND-BND",
    "name": "Boundary dispute",
    "name_hi": "सीमा विवाद",
    "kind": "grievance",
    "parent": "REV-LAND",
    "deadline_unit": "working_days",
    "l1": "7",
    "l2": "5",
    "l3": "3",
    "l4": "2",
    "reason": "New complaints",
}


@pytest.mark.parametrize(
    ("username", "read", "write"),
    [
        ("secretary", 200, 302),
        ("admin", 200, 302),
        ("hod", 200, 403),
        ("cmo", 200, 403),
        ("pwr_secretary", 403, 403),
        ("officer_l1", 403, 403),
        ("nodal", 403, 403),
        ("analyst", 403, 403),
        ("telecaller", 403, 403),
        ("citizen", 403, 403),
    ],
)
def test_who_reads_and_who_edits_the_revenue_tree(world: World, username, read, write):
    if username == "pwr_secretary":
        _pwr_secretary(world)
    client = signed_in(username)
    assert client.get("/categories/REV/").status_code == read
    assert client.get("/categories/REV/types/REV-LAND-MUT/").status_code == read
    assert client.post("/categories/REV/", CREATE).status_code == write
    rename = {"op": "rename", "rename-name": "X", "rename-name_hi": "एक्स", "rename-reason": "x"}
    assert client.post("/categories/REV/types/REV-FLOOD/", rename).status_code == write
    merge = client.get("/categories/REV/types/REV-FLOOD/merge/").status_code
    assert merge == (200 if write == 302 else 403)
    split = client.post("/categories/REV/types/REV-FLOOD/split/", {"reason": "x"}).status_code
    assert split == (400 if write == 302 else 403)
    assert CategoryChange.objects.count() == (2 if write == 302 else 0)


def test_the_nav_link_and_the_index(world: World):
    assert Client().get("/categories/").status_code == 302  # to the sign-in
    secretary = signed_in("secretary")
    assert secretary.get("/categories/")["Location"] == "/categories/REV/"
    assert 'data-testid="categories-link"' in secretary.get("/").text
    assert 'data-testid="categories-link"' not in signed_in("officer_l1").get("/").text
    page = signed_in("admin").get("/categories/")
    assert page.status_code == 200
    assert page.text.count('data-testid="others-share"') == 2  # REV and PWR
    assert signed_in("officer_l1").get("/categories/").status_code == 403
    assert signed_in("admin").get("/categories/NOPE/").status_code == 404
    assert signed_in("admin").get("/categories/REV/types/PWR-SUP/").status_code == 404


def test_create_on_the_page_and_the_tree_shows_it(world: World):
    client = signed_in("secretary")
    world.register()
    response = client.post("/categories/REV/", CREATE, follow=True)
    assert "REV-LAND-BND is created." in response.text
    c = Category.objects.get(code="REV-LAND-BND")
    assert (c.deadline_unit, c.deadline_l1, c.parent.code) == ("working_days", 7, "REV-LAND")
    page = client.get("/categories/REV/").text
    assert 'data-code="REV-LAND-BND"' in page
    assert 'data-code="REV-LAND-MUT" data-pending="1" data-active="yes"' in page
    assert "7 / 5 / 3 / 2 (Working days)" in page
    assert 'data-change="create"' in page


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"code": "PWR-X"}, "Not a valid code."),
        ({"code": "REV-LAND-MUT"}, "The code REV-LAND-MUT is taken."),
        ({"l4": ""}, "Give all four level deadlines with a unit."),
        ({"l1": "abc"}, "Enter a whole number."),
        ({"kind": "poem"}, "Select a valid choice."),
        ({"parent": "PWR-SUP"}, "Select a valid choice."),
        ({"reason": ""}, "This field is required."),
    ],
)
def test_a_bad_create_form_says_why(world: World, change, says):
    response = signed_in("secretary").post("/categories/REV/", {**CREATE, **change})
    assert response.status_code == 400
    assert says in response.text
    assert not Category.objects.filter(code="REV-LAND-BND").exists()


def test_rename_deadlines_and_retire_on_the_type_page(world: World):
    client = signed_in("secretary")
    url = "/categories/REV/types/REV-FLOOD/"
    r = client.post(
        url,
        {"op": "rename", "rename-name": "Flood", "rename-name_hi": "बाढ़", "rename-reason": "x"},
    )
    assert r.status_code == 302
    r = client.post(
        url,
        {
            "op": "deadlines",
            "dl-deadline_unit": "",
            "dl-l1": "",
            "dl-l2": "",
            "dl-l3": "",
            "dl-l4": "",
            "dl-reason": "Profile's",
        },
    )
    assert r.status_code == 302
    assert Category.objects.get(code="REV-FLOOD").deadline_unit == ""
    assert client.post(url, {"op": "retire", "retire-reason": ""}).status_code == 400
    assert client.post(url, {"op": "nonsense"}).status_code == 400
    assert client.post(url, {"op": "retire", "retire-reason": "Gone"}).status_code == 302
    assert not Category.objects.get(code="REV-FLOOD").is_active
    # The Others type stays, said on the page.
    r = client.post("/categories/REV/types/REV-OTH/", {"op": "retire", "retire-reason": "x"})
    assert r.status_code == 400 and "only &#x27;Others&#x27; type" in r.text
    ops = list(CategoryChange.objects.order_by("id").values_list("operation", flat=True))
    assert ops == ["rename", "deadlines", "retire"]
    # A retired type's merge and split pages are gone.
    assert client.get(url + "merge/").status_code == 404


def test_merge_page_lists_what_moves_and_moves_it(world: World):
    a = world.register()
    b = world.register(mobile="9876500001")
    client = signed_in("secretary")
    page = client.get("/categories/REV/types/REV-LAND-MUT/merge/")
    assert "2 pending grievances will move" in page.text
    assert f'data-number="{a.number}"' in page.text and f'data-number="{b.number}"' in page.text
    bad = client.post("/categories/REV/types/REV-LAND-MUT/merge/", {"into": "", "reason": "x"})
    assert bad.status_code == 400
    done = client.post(
        "/categories/REV/types/REV-LAND-MUT/merge/",
        {"into": "REV-FLOOD", "reason": "Same thing"},
        follow=True,
    )
    assert "REV-LAND-MUT is merged into REV-FLOOD and retired." in done.text
    assert set(Grievance.objects.values_list("category__code", flat=True)) == {"REV-FLOOD"}
    assert (
        GrievanceEvent.objects.filter(action="recategorise", actor__username="secretary").count()
        == 2
    )
    assert "2 grievances moved" in done.text


def test_split_page_moves_the_chosen_and_the_rest(world: World):
    a = world.register()
    b = world.register(mobile="9876500001")
    client = signed_in("secretary")
    url = "/categories/REV/types/REV-LAND-MUT/split/"
    page = client.get(url)
    assert 'data-testid="split-count">2<' in page.text
    assert f'name="move_{a.number}"' in page.text
    body = {
        "code_1": "REV-LAND-MUTS",
        "name_1": "After sale",
        "name_hi_1": "बिक्री के बाद",
        "code_2": "REV-LAND-MUTI",
        "name_2": "Inheritance",
        "name_hi_2": "विरासत",
        f"move_{a.number}": "1",
        "rest": "2",
        "retire": "on",
        "reason": "Two backlogs",
    }
    # A grievance sent to a row without a code is refused on the page.
    refused = client.post(url, {**body, f"move_{a.number}": "3"})
    assert refused.status_code == 400
    assert "only to a new type with a code given" in refused.text
    missing = client.post(url, {**body, "name_hi_2": ""})
    assert missing.status_code == 400 and "Give the Hindi name." in missing.text
    assert not Category.objects.filter(code="REV-LAND-MUTS").exists()
    done = client.post(url, body, follow=True)
    assert "REV-LAND-MUT is split into REV-LAND-MUTS, REV-LAND-MUTI." in done.text
    assert Grievance.objects.get(pk=a.pk).category.code == "REV-LAND-MUTS"
    assert Grievance.objects.get(pk=b.pk).category.code == "REV-LAND-MUTI"
    assert not Category.objects.get(code="REV-LAND-MUT").is_active


def test_the_pages_in_hindi(world: World):
    client = signed_in("secretary")
    page = client.get("/hi/categories/REV/")
    assert page.status_code == 200
    assert "राजस्व" in page.text  # the department's Hindi name


def test_the_grievance_pages_show_the_move_and_a_retired_type(world: World):
    from nivaran.grievances.workflow import grievance_act

    moved = world.register()
    closed = world.register(mobile="9876500001")
    grievance_act(
        grievance_id=closed.pk, actor=world["officer_l1"], action="reject", data={"reason": "x"}
    )
    client = signed_in("secretary")
    client.post(
        "/categories/REV/types/REV-LAND-MUT/merge/", {"into": "REV-FLOOD", "reason": "Same"}
    )
    page = signed_in("officer_l1").get(f"/grievances/{moved.number}/")
    assert page.status_code == 200
    assert "Moved to another complaint type of the department" in page.text
    assert "Flood relief" in page.text
    old = signed_in("officer_l1").get(f"/grievances/{closed.number}/")
    assert old.status_code == 200 and "Mutation pending" in old.text  # retired, still readable


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/categories/REV/", {}),
        ("/categories/REV/", {**CREATE, "l1": "-5"}),
        ("/categories/REV/", {**CREATE, "group": "on", "is_others": "on"}),
        ("/categories/REV/", {**CREATE, "code": "REV-" + "X" * 60}),
        ("/categories/REV/types/REV-FLOOD/", {}),
        ("/categories/REV/types/REV-FLOOD/", {"op": "deadlines", "dl-l1": "100000"}),
        ("/categories/REV/types/REV-FLOOD/merge/", {"into": "REV-FLOOD", "reason": "x"}),
        ("/categories/REV/types/REV-FLOOD/split/", {"rest": "9", "reason": "x"}),
        (
            "/categories/REV/types/REV-FLOOD/split/",
            {
                "code_1": "REV-A",
                "name_1": "A",
                "name_hi_1": "ए",
                "move_X": ["1", "2"],
                "reason": "x",
            },
        ),
        ("/categories/REV/types/REV-OTH/assistant/", {"numbers": ["NOPE"], "reason": "x"}),
        (
            "/categories/REV/types/REV-OTH/assistant/",
            {"code": "REV-N", "name": "N", "name_hi": "न", "numbers": ["NOPE"], "reason": "x"},
        ),
    ],
)
def test_no_bad_body_is_a_500(world: World, url, body):
    response = signed_in("secretary").post(url, body)
    assert response.status_code == 400, response.content[:300]
    assert CategoryChange.objects.count() == 0

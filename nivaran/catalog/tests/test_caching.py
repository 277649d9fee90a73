"""What the category pages keep in the cache (docs/categories.md, "Cost per page view"):
the tree's pending counts and the assistant's groups are computed once, made fresh by a
catalog write, bounded in age, never shown to a user of another department or reach, and
accepting a proposal still moves only what is pending under the type, through the door."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nivaran.accounts.roles import Role
from nivaran.catalog import assistant, services
from nivaran.catalog.models import Category
from nivaran.catalog.tests.test_assistant import GARBAGE, LIGHTS
from nivaran.grievances.models import Grievance
from nivaran.grievances.workflow import grievance_act
from nivaran.org.models import Designation, Post
from nivaran.profiles.loader import active_profile
from nivaran.testing.world import PASSWORD, World, _user

pytestmark = pytest.mark.django_db

TREE = "/categories/REV/"
ASSISTANT = "/categories/REV/types/REV-OTH/assistant/"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def pending_shown(page_text: str) -> dict[str, int]:
    return {
        code: int(n)
        for code, n in re.findall(r'data-code="([A-Z0-9-]+)" data-pending="(\d+)"', page_text)
    }


def counts_statements(captured: CaptureQueriesContext) -> list[str]:
    """The statements that count the department's pending grievances per type."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if "grievances_grievance" in q["sql"] and "GROUP BY" in q["sql"]
    ]


def _secretary(username: str, world: World, *, department, area) -> None:
    user = _user(username, Role.ADMINISTRATIVE_SECRETARY, f"90000001{len(username):02d}")
    Post.objects.create(
        code=f"SEC-{username}",
        title=username,
        designation=Designation.objects.get(code="principal_secretary"),
        area=area,
        department=department,
        holder=user,
    )


def _pile(world: World, *, area=None) -> dict[str, list[Grievance]]:
    others = Category.objects.get(code="REV-OTH")
    made: dict[str, list[Grievance]] = {"lights": [], "garbage": []}
    for i, text in enumerate(LIGHTS):
        made["lights"].append(
            world.register(category=others, description=text, mobile=f"98765001{i:02d}", area=area)
        )
    for i, text in enumerate(GARBAGE):
        made["garbage"].append(
            world.register(category=others, description=text, mobile=f"98765002{i:02d}", area=area)
        )
    return made


@pytest.fixture
def groupings(monkeypatch) -> list[int]:
    """How many times the assistant grouped a pile (the costly part)."""
    calls: list[int] = []
    real = assistant._grouped

    def counted(pile, min_size):
        calls.append(len(pile))
        return real(pile, min_size)

    monkeypatch.setattr(assistant, "_grouped", counted)
    return calls


# --- the tree's pending counts -----------------------------------------------------


def test_the_second_view_of_the_tree_does_not_count_again(world: World):
    world.register()
    client = signed_in("secretary")
    with CaptureQueriesContext(connection) as first:
        page = client.get(TREE)
    assert pending_shown(page.text)["REV-LAND-MUT"] == 1
    assert len(counts_statements(first)) == 1
    assert re.search(r'data-testid="counted-at">as of \d\d:\d\d<', page.text)
    with CaptureQueriesContext(connection) as second:
        again = client.get(TREE)
    assert counts_statements(second) == []
    assert len(second.captured_queries) == len(first.captured_queries) - 1
    # Another reader of the tree (the head of department) is served the same counts.
    with CaptureQueriesContext(connection) as hod:
        assert pending_shown(signed_in("hod").get(TREE).text) == pending_shown(again.text)
    assert counts_statements(hod) == []


def test_intake_drifts_until_a_catalog_write_or_the_time_limit(world: World, settings):
    world.register()
    client = signed_in("secretary")
    assert pending_shown(client.get(TREE).text)["REV-LAND-MUT"] == 1
    world.register(mobile="9876500002")  # intake is not a tree write: the counts may lag
    assert pending_shown(client.get(TREE).text)["REV-LAND-MUT"] == 1
    services.category_rename(
        actor=world["secretary"], code="REV-FLOOD", name="Floods", name_hi="बाढ़", reason="x"
    )
    assert pending_shown(client.get(TREE).text)["REV-LAND-MUT"] == 2  # fresh after a write

    world.register(mobile="9876500003")
    assert pending_shown(client.get(TREE).text)["REV-LAND-MUT"] == 2
    # At most NIVARAN_CATALOG_COUNTS_SECONDS (10 minutes) old.
    with time_machine.travel(timezone.now() + timedelta(minutes=9)):
        assert pending_shown(client.get(TREE).text)["REV-LAND-MUT"] == 2
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        page = client.get(TREE)
        assert pending_shown(page.text)["REV-LAND-MUT"] == 3
        assert timezone.localtime(timezone.now()).strftime("%H:%M") in page.text
    settings.NIVARAN_CATALOG_COUNTS_SECONDS = 0  # no cache at all: live on every view
    world.register(mobile="9876500004")
    assert pending_shown(client.get(TREE).text)["REV-LAND-MUT"] == 4


def test_a_merge_on_the_page_shows_the_moved_counts_next(world: World):
    for n in range(3):
        world.register(category=Category.objects.get(code="REV-FLOOD"), mobile=f"98765100{n:02d}")
    client = signed_in("secretary")
    before = pending_shown(client.get(TREE).text)
    assert (before["REV-FLOOD"], before["REV-LAND-MUT"]) == (3, 0)
    done = client.post(
        "/categories/REV/types/REV-FLOOD/merge/",
        {"into": "REV-LAND-MUT", "reason": "One type"},
        follow=True,
    )
    assert done.status_code == 200
    after = pending_shown(done.text)
    assert (after["REV-FLOOD"], after["REV-LAND-MUT"]) == (0, 3)


def test_the_recategorise_moves_of_a_carve_make_the_counts_fresh(world: World):
    pile = _pile(world)
    client = signed_in("secretary")
    assert pending_shown(client.get(TREE).text)["REV-OTH"] == 9
    services.category_carve(
        actor=world["secretary"],
        code="REV-OTH",
        into=services.NewType("REV-LIGHT", "Street lights", "स्ट्रीट लाइट"),
        numbers=[str(g.number) for g in pile["lights"]],
        reason="Carved",
    )
    after = pending_shown(client.get(TREE).text)
    assert (after["REV-OTH"], after["REV-LIGHT"]) == (4, 5)


def test_no_department_reads_another_departments_counts(world: World):
    """The attack: the key is the department's; a secretary of Power never sees Revenue's
    counts, whether Revenue's are cached or not, and Revenue's write leaves Power's alone."""
    _secretary("pwr_secretary", world, department=world.other_department, area=world.state)
    world.register()
    world.register(category=world.other_category, mobile="9876500077")
    revenue = signed_in("secretary")
    power = signed_in("pwr_secretary")
    assert pending_shown(revenue.get(TREE).text)["REV-LAND-MUT"] == 1
    assert power.get(TREE).status_code == 403  # cached or not: not theirs
    theirs = pending_shown(power.get("/categories/PWR/").text)
    assert theirs == {"PWR-SUP": 1}
    with CaptureQueriesContext(connection) as captured:
        assert pending_shown(power.get("/categories/PWR/").text) == {"PWR-SUP": 1}
    assert counts_statements(captured) == []
    services.category_rename(
        actor=world["secretary"], code="REV-FLOOD", name="Floods", name_hi="बाढ़", reason="x"
    )
    with CaptureQueriesContext(connection) as captured:
        power.get("/categories/PWR/")
    assert counts_statements(captured) == []  # Power's counts were not Revenue's to drop


# --- the assistant's groups --------------------------------------------------------


def test_the_second_view_of_the_assistant_does_not_group_again(world: World, groupings):
    _pile(world)
    client = signed_in("secretary")
    first = client.get(ASSISTANT)
    assert first.text.count('data-testid="proposal"') == 2 and groupings == [9]
    assert 'data-testid="grouped-at"' in first.text
    again = client.get(ASSISTANT)
    assert again.text.count('data-testid="proposal"') == 2 and groupings == [9]
    # "Group again" makes them afresh.
    assert client.post(ASSISTANT, {"op": "regroup"}).status_code == 302
    assert groupings == [9, 9]
    assert client.get(ASSISTANT).status_code == 200 and groupings == [9, 9]


def test_the_groups_are_made_again_when_the_pile_changes_materially(world: World, groupings):
    _pile(world)
    client = signed_in("secretary")
    others = Category.objects.get(code="REV-OTH")
    client.get(ASSISTANT)
    world.register(category=others, description="Street light broken again", mobile="9876509901")
    page = client.get(ASSISTANT)
    assert groupings == [9]  # one more is not material (fewer than a group)
    assert "1 grievance arrived or left since." in page.text
    assert "9 pending grievances" not in page.text and "10 pending grievances" in page.text
    for n in range(2):
        world.register(
            category=others, description="street light kharab", mobile=f"987650990{n + 2}"
        )
    page = client.get(ASSISTANT)
    assert groupings == [9, 12]  # three arrived: enough for a new group, so grouped again
    assert "arrived or left since" not in page.text
    assert client.get(ASSISTANT).status_code == 200 and groupings == [9, 12]


def test_the_groups_are_at_most_an_hour_old(world: World, groupings, settings):
    _pile(world)
    client = signed_in("secretary")
    client.get(ASSISTANT)
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        client.get(ASSISTANT)
    assert groupings == [9]
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        client.get(ASSISTANT)
    assert groupings == [9, 9]
    settings.NIVARAN_CATALOG_GROUPS_SECONDS = 0
    client.get(ASSISTANT)
    client.get(ASSISTANT)
    assert groupings == [9, 9, 9, 9]


def test_no_user_sees_groups_of_a_pile_they_may_not_see(world: World, groupings):
    """The attack: the groups are cached per pile as the user sees it. A secretary of Power
    gets 403 on Revenue's assistant (cached or not) and nothing of it on Power's own; a
    keeper of Revenue whose post covers only the other district sees none of district one's
    grievances, though the state's secretary's groups are cached."""
    _secretary("pwr_secretary", world, department=world.other_department, area=world.state)
    _secretary("rev_two", world, department=world.department, area=world.other_district)
    Category.objects.create(
        department=world.other_department, code="PWR-OTH", name="Others", is_others=True
    )
    pile = _pile(world)
    assert signed_in("secretary").get(ASSISTANT).text.count('data-testid="proposal"') == 2
    power = signed_in("pwr_secretary")
    assert power.get(ASSISTANT).status_code == 403
    assert power.post(ASSISTANT, {"op": "regroup"}).status_code == 403
    assert signed_in("hod").post(ASSISTANT, {"op": "regroup"}).status_code == 403
    theirs = power.get("/categories/PWR/types/PWR-OTH/assistant/")
    assert theirs.status_code == 200 and 'data-testid="proposal"' not in theirs.text
    narrow = signed_in("rev_two").get(ASSISTANT)
    assert narrow.status_code == 200
    assert 'data-testid="proposal"' not in narrow.text
    assert not any(str(g.number) in narrow.text for g in pile["lights"] + pile["garbage"])
    assert "0 pending grievances" in narrow.text
    assert groupings == [9, 0, 0]  # each pile grouped apart (empty ones included)


def test_accepting_after_the_pile_changed_moves_only_what_is_still_pending(world: World):
    pile = _pile(world)
    client = signed_in("secretary")
    page = client.get(ASSISTANT)
    stale = [str(g.number) for g in pile["lights"]]
    assert all(n in page.text for n in stale)
    # New grievances arrive and one proposed grievance leaves the pile (its officer gives it
    # a type on day one), neither a tree write: the cached groups stay.
    others = Category.objects.get(code="REV-OTH")
    world.register(category=others, description="Street light broken again", mobile="9876509901")
    gone = pile["lights"][0]
    # The profile's window for the L1 officer's type change (the test profile has none;
    # the profile is loaded afresh after each test).
    active_profile().rules.update(type_change_window_days=3, type_change_window_calendar="calendar")
    grievance_act(
        grievance_id=gone.pk,
        actor=world["officer_l1"],
        action="change_type",
        data={"category": "REV-FLOOD", "reason": "It is a flood"},
    )
    page = client.get(ASSISTANT)
    assert page.text.count('data-testid="proposal"') == 2
    assert str(gone.number) not in page.text  # read afresh: no longer under the type
    body = {
        "code": "REV-LIGHT",
        "name": "Street lights",
        "name_hi": "स्ट्रीट लाइट",
        "reason": "Carved out of Others",
    }
    # The stale list (as a page opened before would post it) is refused whole, as today.
    refused = client.post(ASSISTANT, {**body, "numbers": stale})
    assert refused.status_code == 400
    assert not Category.objects.filter(code="REV-LIGHT").exists()
    assert Grievance.objects.get(pk=gone.pk).category.code == "REV-FLOOD"
    shown = stale[1:]
    done = client.post(ASSISTANT, {**body, "numbers": shown}, follow=True)
    assert "REV-LIGHT is created; 4 grievances moved to it." in done.text
    moved = Grievance.objects.filter(category__code="REV-LIGHT")
    assert sorted(str(n) for n in moved.values_list("number", flat=True)) == sorted(shown)
    assert all(g.events.filter(action="recategorise").exists() for g in moved)
    # The carve is a tree write: the page after it is grouped afresh, without the moved.
    assert done.text.count('data-testid="proposal"') == 1
    assert not any(n in done.text for n in shown)

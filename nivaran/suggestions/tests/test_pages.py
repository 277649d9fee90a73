"""Suggested types where people choose one: the officer's type change and the console."""

from __future__ import annotations

import pytest
from django.test import Client

from nivaran.profiles.loader import active_profile
from nivaran.suggestions.services import suggestion_model_train
from nivaran.suggestions.tests.conftest import lodge_texts
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db


def login(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world[username])
    return client


@pytest.fixture
def type_changes():
    active_profile().rules.update(type_change_window_days=3, type_change_window_calendar="calendar")


def test_the_officer_who_may_change_the_type_sees_suggested_types(world, type_changes):
    lodge_texts(world)
    suggestion_model_train()
    # Lodged under flood relief, but it is about a mutation.
    g = world.register(
        category=world.hours_category,
        description="मेरी जमीन का इंतकाल पांच महीने से दर्ज नहीं हुआ, पटवारी टाल रहा है।",
        mobile="9600000001",
    )
    page = login(world, "officer_l1").get(f"/grievances/{g.number}/").content.decode()
    assert 'data-testid="suggested-types"' in page
    assert 'data-suggest-pick="REV-LAND-MUT"' in page
    assert 'data-suggest-target="id_change_type_category"' in page
    assert 'data-suggest-pick="REV-FLOOD"' not in page  # its own type is not proposed
    assert "Mutation pending (REV-LAND-MUT)" in page
    # In Hindi, by the type's Hindi name.
    page = login(world, "officer_l1").get(f"/hi/grievances/{g.number}/").content.decode()
    assert "इंतकाल लंबित (REV-LAND-MUT)" in page
    # Who may not change the type sees no suggestions.
    page = login(world, "analyst").get(f"/grievances/{g.number}/").content.decode()
    assert 'data-testid="suggested-types"' not in page


def test_without_a_model_the_officer_page_says_so(world, type_changes):
    g = world.register()
    page = login(world, "officer_l1").get(f"/grievances/{g.number}/").content.decode()
    assert 'data-testid="no-suggestions"' in page


def test_the_console_asks_for_suggestions_as_the_description_is_typed(world):
    page = login(world, "telecaller").get("/callcentre/").content.decode()
    assert 'data-suggest-source="id_description"' in page
    assert 'data-suggest-url="/api/v1/categories/suggest/"' in page
    assert "suggestions/suggest.js" in page

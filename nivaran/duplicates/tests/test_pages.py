"""The candidates on the tele-caller's console and on the officer's grievance page."""

from __future__ import annotations

import pytest
from django.test import Client

from nivaran.duplicates.tests.test_api import WATER_EN, WATER_HI
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db


def login(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world[username])
    return client


def test_the_console_lookup_shows_candidates_with_reasons_before_registering(world: World):
    g = world.register(citizen_name="सुनीता देवी", mobile="9812345678", description=WATER_HI)
    body = {
        "mobile": "9898989898",
        "citizen_name": "Sunita Dvi",
        "category": "REV-LAND-MUT",
        "area": "TS-ONE-B1",
        "description": WATER_EN,
    }
    page = login(world, "telecaller").post("/callcentre/lookup/", body).content.decode()
    assert f'data-candidate="{g.number}"' in page
    assert 'data-reason="name_match"' in page
    assert 'data-reason="text_similar"' in page
    assert "Same name" in page
    # Half a draft (no description yet): the mobile's history only, no candidates.
    page = (
        login(world, "telecaller")
        .post("/callcentre/lookup/", {**body, "description": ""})
        .content.decode()
    )
    assert "data-candidate=" not in page
    # The console without JavaScript: "Look up caller" shows the same.
    page = login(world, "telecaller").post("/callcentre/", {**body, "lookup": "1"}).content.decode()
    assert f'data-candidate="{g.number}"' in page


def test_the_officers_page_lists_candidates_with_links_and_not_other_districts(world: World):
    first = world.register(citizen_name="Sunita Devi", mobile="9812345678", description=WATER_EN)
    elsewhere = world.register(
        citizen_name="Sunita Devi",
        mobile="9812345678",
        description=WATER_EN,
        area=world.other_district,
    )
    second = world.register(citizen_name="सुनीता देवी", mobile="9898989898", description=WATER_HI)
    page = login(world, "officer_l1").get(f"/grievances/{second.number}/").content.decode()
    assert f'data-candidate="{first.number}"' in page
    assert f'href="/grievances/{first.number}/"' in page
    assert elsewhere.number not in page
    # The statewide CMO cell sees the other district's one (same mobile as `first`).
    page = login(world, "cmo").get(f"/grievances/{first.number}/").content.decode()
    assert f'data-candidate="{elsewhere.number}"' in page
    page = login(world, "officer_l1").get(f"/grievances/{first.number}/").content.decode()
    assert f'data-candidate="{second.number}"' in page
    assert elsewhere.number not in page
    lone = world.register(
        citizen_name="Mahesh Saini",
        mobile="9800000002",
        description=WATER_EN,
        category=world.hours_category,
    )
    page = login(world, "officer_l1").get(f"/grievances/{lone.number}/").content.decode()
    assert 'data-testid="duplicates"' in page

"""The re-categorisation assistant (B3, H9): an "Others" pile of two topics written in
Hindi, English and Hinglish is proposed as two new types; accepting one creates it and
moves the chosen grievances through the workflow's door."""

from __future__ import annotations

import pytest
from django.test import Client

from nivaran.catalog import services
from nivaran.catalog.assistant import others_proposals
from nivaran.catalog.models import Category, CategoryChange
from nivaran.catalog.services import NewType
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.grievances.models import Grievance, GrievanceEvent
from nivaran.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db

LIGHTS = [
    "Street light not working in our gali for a month",
    "हमारी गली की स्ट्रीट लाइट एक महीने से खराब है",
    "street light kharab hai, raat ko andhera rehta hai",
    "स्ट्रीट लाइट खराब है, गली में अंधेरा",
    "The street light of our lane is not working",
]
GARBAGE = [
    "Garbage not collected for two weeks, smell everywhere",
    "कूड़ा दो हफ्ते से नहीं उठाया गया, बदबू आ रही है",
    "kooda nahi uthaya ja raha mohalle mein",
    "कचरा गाड़ी नहीं आती, कूड़ा सड़क पर पड़ा है",
]


def _pile(world: World) -> dict[str, list[Grievance]]:
    others = Category.objects.get(code="REV-OTH")
    made: dict[str, list[Grievance]] = {"lights": [], "garbage": []}
    for i, text in enumerate(LIGHTS):
        made["lights"].append(
            world.register(category=others, description=text, mobile=f"98765001{i:02d}")
        )
    for i, text in enumerate(GARBAGE):
        made["garbage"].append(
            world.register(category=others, description=text, mobile=f"98765002{i:02d}")
        )
    return made


def test_two_topics_in_three_scripts_are_two_proposals(world: World):
    pile = _pile(world)
    proposals = others_proposals(
        actor=world["secretary"], category=Category.objects.get(code="REV-OTH")
    )
    assert len(proposals) == 2
    groups = [{g.pk for g in p.grievances} for p in proposals]
    assert groups == [{g.pk for g in pile["lights"]}, {g.pk for g in pile["garbage"]}]
    assert "streetlight" in proposals[0].terms and "garbage" in proposals[1].terms
    assert len(proposals[0].samples) == 5 and 0 < proposals[0].cohesion <= 1
    # The same pile, the same proposals.
    again = others_proposals(
        actor=world["secretary"], category=Category.objects.get(code="REV-OTH")
    )
    assert [[g.pk for g in p.grievances] for p in again] == [
        [g.pk for g in p.grievances] for p in proposals
    ]


def test_a_small_pile_proposes_nothing_and_others_may_not_look(world: World):
    others = Category.objects.get(code="REV-OTH")
    world.register(category=others, description="Street light not working in our gali")
    assert others_proposals(actor=world["secretary"], category=others) == []
    with pytest.raises(PermissionDenied):
        others_proposals(actor=world["officer_l1"], category=others)


def test_carving_creates_the_type_and_moves_the_chosen_through_the_door(world: World):
    pile = _pile(world)
    chosen = [str(g.number) for g in pile["lights"][:4]]
    new = services.category_carve(
        actor=world["secretary"],
        code="REV-OTH",
        into=NewType("REV-LIGHT", "Street lights", "स्ट्रीट लाइट"),
        numbers=chosen,
        reason="Carved out of Others",
    )
    assert (new.kind, new.parent_id, new.is_others, new.deadline_unit) == (
        "grievance",
        None,
        False,
        "",
    )
    moved = Grievance.objects.filter(category=new)
    assert sorted(str(n) for n in moved.values_list("number", flat=True)) == sorted(chosen)
    assert Grievance.objects.get(pk=pile["lights"][4].pk).category.code == "REV-OTH"
    events = GrievanceEvent.objects.filter(action="recategorise")
    assert events.count() == 4 and {e.data["to_category"] for e in events} == {"REV-LIGHT"}
    change = CategoryChange.objects.get()
    assert change.new["carved_from"] == "REV-OTH" and set(change.new["moved"]) == set(chosen)
    assert Category.objects.get(code="REV-OTH").is_active
    with pytest.raises(InvalidInput):  # moved already: not pending under Others any more
        services.category_carve(
            actor=world["secretary"],
            code="REV-OTH",
            into=NewType("REV-LIGHT2", "Lights", "लाइट"),
            numbers=chosen[:1],
            reason="x",
        )


def test_the_assistant_page_proposes_and_accepts(world: World):
    pile = _pile(world)
    client = Client()
    assert client.login(username="secretary", password=PASSWORD)
    url = "/categories/REV/types/REV-OTH/assistant/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.text.count('data-testid="proposal"') == 2
    assert 'data-testid="assistant-link"' in client.get("/categories/REV/types/REV-OTH/").text
    numbers = [g.number for g in pile["garbage"]]
    body = {
        "code": "REV-GARB",
        "name": "Garbage not lifted",
        "name_hi": "कूड़ा नहीं उठाया गया",
        "reason": "A quarter of Others",
        "numbers": numbers,
    }
    assert client.post(url, {**body, "numbers": []}).status_code == 400
    assert client.post(url, {**body, "code": "PWR-GARB"}).status_code == 400
    done = client.post(url, body, follow=True)
    assert "REV-GARB is created; 4 grievances moved to it." in done.text
    assert Grievance.objects.filter(category__code="REV-GARB").count() == 4
    assert done.text.count('data-testid="proposal"') <= 1
    assert client.get("/categories/REV/types/REV-FLOOD/assistant/").status_code == 404
    hod = Client()
    assert hod.login(username="hod", password=PASSWORD)
    assert hod.get(url).status_code == 403

"""The grievance serializers' written-out representation is DRF's generic one, byte for byte.

`GrievanceSerializer.to_representation` builds each row by hand (DRF's field-by-field
walk was half the CPU of a list page); the declarations stay as they were, for the
schema. Here every variant of a row is rendered both ways, as JSON, and compared.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from nivaran.catalog.models import Category, Kind
from nivaran.geo.models import Area
from nivaran.grievances import selectors
from nivaran.grievances.api import GrievanceDetailSerializer, GrievanceSerializer
from nivaran.grievances.models import Channel, Grievance, Status
from nivaran.org.models import Post
from nivaran.testing.world import World

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
LONG_AGO = datetime(2026, 3, 16, 10, 0, tzinfo=IST)  # whole seconds: isoformat drops the .000000


def generic(serializer: GrievanceSerializer, grievance: Grievance) -> Any:
    """What DRF's ModelSerializer makes of the declarations, field by field."""
    return serializers.ModelSerializer.to_representation(serializer, grievance)


def as_json(data: Any) -> bytes:
    """As the API sends it: key order, types and formats all show."""
    rendered: bytes = JSONRenderer().render(data)
    return rendered


def every_variant(world: World) -> list[Grievance]:
    """One grievance per channel, and one per way a row can differ."""
    for channel in Channel.values:
        world.register(channel=channel, mobile="9800000001")
    for kind in (Kind.SUGGESTION, Kind.ENQUIRY):
        category = Category.objects.create(
            department=world.department, code=f"REV-{kind.upper()}", name=str(kind.label), kind=kind
        )
        world.register(
            category=category,
            kind=kind,
            description="More buses on the Ambala route, please.",
            language="en",
            source="camp-2026",
        )
    world.register(emergency=True, citizen_name="सावित्री देवी", mobile="9800000002")
    world.register(category=world.other_category)  # the other department, its own officer
    world.register(area=Area.objects.get(code="TS-TWO-B1"))  # routed to the other district
    world.register(category=world.hours_category, area=world.district)
    world.register(at=LONG_AGO)  # still open, past its deadline
    by_flag = world.register()
    closed = world.register(at=LONG_AGO)
    vacant = world.register()
    no_post = world.register()
    no_deadline = world.register()
    merged = world.register()
    follow_up = world.register(linked_to=closed)
    Grievance.objects.filter(pk=by_flag.pk).update(is_overdue=True, level=4)
    Grievance.objects.filter(pk=closed.pk).update(
        status=Status.CLOSED, closed_at=timezone.now().replace(microsecond=0)
    )
    Grievance.objects.filter(pk=vacant.pk).update(assigned_to=None)
    Grievance.objects.filter(pk=no_post.pk).update(
        assigned_to=None, assigned_post=None, status=Status.OUT_OF_JURISDICTION
    )
    Grievance.objects.filter(pk=no_deadline.pk).update(due_at=None, status=Status.IN_PROGRESS)
    Grievance.objects.filter(pk=merged.pk).update(status=Status.MERGED, merged_into=follow_up)
    # A post's title apart from its code; an officer with a full name.
    Post.objects.filter(code="REV-L1-ONE").update(title="तहसीलदार, One")
    world["officer_l1"].last_name = "Singh"
    world["officer_l1"].save()
    rows = list(page_of(world))
    assert len(rows) == len(Channel.values) + 14
    assert {g.channel for g in rows} == set(Channel.values)
    assert any(g.assigned_to is None and g.assigned_post is not None for g in rows)
    assert any(g.assigned_post is None for g in rows)
    assert any(g.closed_at is not None for g in rows)
    assert any(g.due_at is None for g in rows)
    assert any(g.is_overdue for g in rows)
    assert any(
        g.status == Status.OPEN and g.due_at and g.due_at < timezone.now() and not g.is_overdue
        for g in rows
    )
    return rows


def page_of(world: World) -> list[Grievance]:
    """The rows as the list reads them (its select_related and master data)."""
    return list(selectors.grievance_list(actor=world["cmo"], filters=selectors.GrievanceFilters()))


def test_the_list_rows_are_the_generic_rows(world):
    rows = every_variant(world)
    serializer = GrievanceSerializer(rows, many=True)
    fast = serializer.data
    assert [as_json(row) for row in fast] == [
        as_json(generic(GrievanceSerializer(), g)) for g in rows
    ]
    assert [row["overdue"] for row in fast].count(True) >= 2  # by the flag, and by time


def test_a_single_grievance_is_the_generic_row(world):
    for g in every_variant(world):
        serializer = GrievanceSerializer(g)
        assert as_json(serializer.data) == as_json(generic(serializer, g))


def test_the_detail_rows_are_the_generic_rows(world):
    for g in every_variant(world):
        for actor in ("cmo", "officer_l1"):
            serializer = GrievanceDetailSerializer(g, context={"actor": world[actor]})
            fast = serializer.data
            assert list(fast)[-3:] == ["linked_to", "merged_into", "allowed_actions"]
            assert as_json(fast) == as_json(generic(serializer, g))
    # As registered, not read back (what POST /api/v1/grievances/ may answer with).
    registered = world.register(emergency=True)
    serializer = GrievanceDetailSerializer(registered, context={"actor": world["cmo"]})
    assert as_json(serializer.data) == as_json(generic(serializer, registered))
    follow_up = Grievance.objects.get(linked_to__isnull=False)
    data = GrievanceDetailSerializer(follow_up, context={"actor": world["cmo"]}).data
    assert data["linked_to"] == follow_up.linked_to.number


def test_in_another_time_zone_too(world):
    """The instants are in the current time zone, as DRF gives them (UTC ends in Z)."""
    rows = every_variant(world)
    with timezone.override("UTC"):
        serializer = GrievanceSerializer(rows, many=True)
        fast = serializer.data
        assert fast[0]["registered_at"].endswith("Z")
        assert [as_json(row) for row in fast] == [
            as_json(generic(GrievanceSerializer(), g)) for g in rows
        ]


def test_under_another_datetime_format_too(world, settings):
    """The instants follow DRF's DATETIME_FORMAT, as its field renders them."""
    rows = every_variant(world)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DATETIME_FORMAT": "%d/%m/%Y %H:%M"}
    fast = GrievanceSerializer(rows, many=True).data
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", fast[0]["registered_at"])
    assert [as_json(row) for row in fast] == [
        as_json(generic(GrievanceSerializer(), g)) for g in rows
    ]


def test_the_api_list_sends_the_generic_rows(world):
    rows = every_variant(world)
    client = APIClient()
    client.force_authenticate(world["cmo"])
    response = client.get("/api/v1/grievances/", {"page_size": 100})
    assert response.status_code == 200, response.content
    sent = response.json()["results"]
    expected = [generic(GrievanceSerializer(), g) for g in rows]
    assert as_json(sent) == as_json(expected)
    # The search sends the same rows.
    found = client.post("/api/v1/grievances/search/?page_size=100", {}, format="json")
    assert found.status_code == 200, found.content
    assert as_json(found.json()["results"]) == as_json(expected)


def test_the_api_detail_sends_the_generic_row(world):
    every_variant(world)
    client = APIClient()
    client.force_authenticate(world["cmo"])
    g = Grievance.objects.get(status=Status.MERGED)
    response = client.get(f"/api/v1/grievances/{g.number}/")
    assert response.status_code == 200, response.content
    row = selectors.grievance_get(actor=world["cmo"], number=g.number or "")
    expected = generic(GrievanceDetailSerializer(context={"actor": world["cmo"]}), row)
    assert as_json(response.json()) == as_json(expected)
    assert response.json()["merged_into"] is not None


def queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_serialising_costs_no_more_queries_than_the_generic_way(world):
    every_variant(world)
    # A list page: everything it shows was read with the rows, both ways.
    rows, fresh = page_of(world), page_of(world)
    assert queries(lambda: GrievanceSerializer(rows, many=True).data) == 0
    child = GrievanceSerializer()
    assert queries(lambda: [generic(child, g) for g in fresh]) == 0
    # A detail reads what the list does not show (linked_to, merged_into, its actions),
    # as much as the generic way does, each from rows of its own (no relation cached).
    rows, fresh = page_of(world), page_of(world)
    context = {"actor": world["officer_l1"]}
    fast = queries(lambda: [GrievanceDetailSerializer(g, context=context).data for g in rows])
    detail = GrievanceDetailSerializer(context=context)
    assert fast == queries(lambda: [generic(detail, g) for g in fresh])
    assert fast > 0  # the follow-up's earlier grievance, the merged one's target

"""Migrations 0005-0006 on data written before it: one citizen row per person, takeovers undone,
and the actors' names kept on the events."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("grievances", "0004_backfill_open_atrs_and_special_closes")]
AFTER = [("grievances", "0006_citizen_one_per_person")]


@pytest.fixture(autouse=True)
def _latest_after():
    """Leave the database at the latest migrations, as the tests after this one expect
    (stopping at AFTER would leave out every later migration's columns)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_0005_merges_people_unlinks_takeovers_and_names_actors():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("accounts", "User")
    Citizen = apps.get_model("grievances", "Citizen")
    Grievance = apps.get_model("grievances", "Grievance")
    Event = apps.get_model("grievances", "GrievanceEvent")
    Area = apps.get_model("geo", "Area")
    Department = apps.get_model("org", "Department")
    Category = apps.get_model("catalog", "Category")

    officer = User.objects.create(username="tc", first_name="Asha", last_name="Rani", role="x")
    thief = User.objects.create(username="citizen:9800000001", mobile="9800000001", role="citizen")
    area = Area.objects.create(code="A", name="A", type="state", path="A/")
    dept = Department.objects.create(code="D", name="D")
    category = Category.objects.create(code="C", name="C", department=dept)
    first = Citizen.objects.create(name="Kamla Devi", mobile="9812345678")
    twin = Citizen.objects.create(name="kamla  devi", mobile="9812345678", user=thief)
    other = Citizen.objects.create(name="Ram Lal", mobile="9812345678")

    def grievance(citizen, n):
        g = Grievance.objects.create(
            number=f"G{n}",
            citizen=citizen,
            category=category,
            department=dept,
            area=area,
            area_path=area.path,
            description="x" * 20,
            status="open",
            level=1,
            registered_at="2026-01-01T00:00:00Z",
            updated_at="2026-01-01T00:00:00Z",
            registered_by=officer,
        )
        Event.objects.create(
            grievance=g,
            at=g.registered_at,
            actor=officer,
            actor_role="tele_caller",
            action="register",
            to_status="open",
            level=1,
        )
        return g

    kept, moved, separate = grievance(first, 1), grievance(twin, 2), grievance(other, 3)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Citizen = apps.get_model("grievances", "Citizen")
    Grievance = apps.get_model("grievances", "Grievance")
    Event = apps.get_model("grievances", "GrievanceEvent")

    people = {c.name_key: c for c in Citizen.objects.filter(mobile="9812345678")}
    assert set(people) == {"kamla devi", "ram lal"}
    assert people["kamla devi"].user_id is None  # the takeover's link is undone
    assert Grievance.objects.get(pk=moved.pk).citizen_id == people["kamla devi"].pk
    assert Grievance.objects.get(pk=kept.pk).citizen_id == people["kamla devi"].pk
    assert Grievance.objects.get(pk=separate.pk).citizen_id == people["ram lal"].pk
    assert set(Event.objects.values_list("actor_username", "actor_name")) == {("tc", "Asha Rani")}

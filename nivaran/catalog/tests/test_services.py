"""The departments' own category edits (H8) through the services: each operation, the log,
the "Others" rule, retired types refused at intake, and split/merge moving pending
grievances through the workflow's door."""

from __future__ import annotations

import pytest

from nivaran.accounts.roles import Role
from nivaran.catalog import services
from nivaran.catalog.models import Category, CategoryChange
from nivaran.catalog.selectors import categories_for_intake, category_tree, grievances_to_move
from nivaran.catalog.services import Deadlines, NewType
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied
from nivaran.grievances.models import Grievance, GrievanceEvent, Status
from nivaran.grievances.tests.test_api import client_for, register
from nivaran.grievances.workflow import grievance_act
from nivaran.org.models import Designation, Post
from nivaran.testing.world import World, _user

pytestmark = pytest.mark.django_db


def _pwr_secretary(world: World):
    user = _user("pwr_secretary", Role.ADMINISTRATIVE_SECRETARY, "9000000099")
    Post.objects.create(
        code="PWR-SEC",
        title="PWR-SEC",
        designation=Designation.objects.get(code="principal_secretary"),
        area=world.state,
        department=world.other_department,
        holder=user,
    )
    return user


def _create(world: World, **over):
    args = {
        "actor": world["secretary"],
        "department": "REV",
        "code": "REV-LAND-BND",
        "name": "Boundary dispute",
        "name_hi": "सीमा विवाद",
        "parent": "REV-LAND",
        "reason": "New complaints about boundaries",
        **over,
    }
    return services.category_create(**args)


def test_create_under_a_parent_of_the_department_with_deadlines_and_the_log(world: World):
    c = _create(world, deadlines=Deadlines("working_days", (7, 5, 3, 2)))
    assert c.parent == Category.objects.get(code="REV-LAND")
    assert (c.deadline_unit, c.deadline_l1, c.deadline_l4) == ("working_days", 7, 2)
    assert c in categories_for_intake(department="REV")
    change = CategoryChange.objects.get()
    assert (change.operation, change.actor, change.category) == ("create", world["secretary"], c)
    assert change.old == {} and change.new["deadlines"]["levels"] == [7, 5, 3, 2]
    assert change.reason == "New complaints about boundaries"
    with pytest.raises(RuntimeError):
        change.save()
    with pytest.raises(RuntimeError):
        change.delete()


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"code": "PWR-X"}, "code"),  # another department's prefix
        ({"code": "rev land"}, "code"),
        ({"code": "REV-LAND-MUT"}, "code"),  # taken
        ({"name": " "}, "name"),
        ({"name_hi": ""}, "name_hi"),
        ({"parent": "PWR-SUP"}, "parent"),  # another department's parent
        ({"reason": ""}, "reason"),
        ({"kind": "poem"}, "kind"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(world: World, over, field):
    with pytest.raises(InvalidInput) as exc:
        _create(world, **over)
    assert field in exc.value.fields
    assert CategoryChange.objects.count() == 0


def test_bad_deadlines_are_refused(world: World):
    with pytest.raises(InvalidInput):
        _create(world, deadlines=Deadlines("weeks", (1, 1, 1, 1)))
    with pytest.raises(InvalidInput):
        _create(world, deadlines=Deadlines("working_days", (0, 1, 1, 1)))


def test_rename_keeps_the_code_and_logs_both_names(world: World):
    g = world.register()
    services.category_rename(
        actor=world["secretary"],
        code="REV-LAND-MUT",
        name="Mutation not entered",
        name_hi="इंतकाल दर्ज नहीं",
        reason="Clearer",
    )
    g.refresh_from_db()
    assert g.category.code == "REV-LAND-MUT" and g.category.name == "Mutation not entered"
    change = CategoryChange.objects.get()
    assert change.old["name"] == "Mutation pending" and change.new["name_hi"] == "इंतकाल दर्ज नहीं"


def test_deadlines_change_and_back_to_the_profile_default(world: World):
    g = world.register()
    due = g.due_at
    c = services.category_deadlines_set(
        actor=world["secretary"],
        code="REV-LAND-MUT",
        deadlines=Deadlines("working_hours", (4, 4, 4, 4)),
        reason="Faster",
    )
    assert (c.deadline_unit, c.deadline_l2) == ("working_hours", 4)
    g.refresh_from_db()
    assert g.due_at == due  # a running deadline stays
    c = services.category_deadlines_set(
        actor=world["admin"], code="REV-LAND-MUT", deadlines=None, reason="Profile's"
    )
    assert c.deadline_unit == "" and c.deadline_l1 is None
    assert [ch.operation for ch in CategoryChange.objects.order_by("id")] == [
        "deadlines",
        "deadlines",
    ]


def test_retire_refuses_new_grievances_through_the_api_and_keeps_old_ones(world: World):
    closed = world.register()
    grievance_act(
        grievance_id=closed.pk, actor=world["officer_l1"], action="reject", data={"reason": "x"}
    )
    services.category_retire(actor=world["secretary"], code="REV-LAND-MUT", reason="Obsolete")
    assert not Category.objects.get(code="REV-LAND-MUT").is_active
    assert "REV-LAND-MUT" not in [c.code for c in categories_for_intake()]
    response = register(client_for("telecaller"))
    assert response.status_code == 400
    assert "category" in response.json()["fields"]
    listed = client_for("telecaller").get("/api/v1/categories/?department=REV").json()
    assert "REV-LAND-MUT" not in [c["code"] for c in listed["results"]]
    # The old grievance keeps its type, readable in its page and history.
    closed.refresh_from_db()
    assert closed.category.code == "REV-LAND-MUT"
    detail = client_for("officer_l1").get(f"/api/v1/grievances/{closed.number}/").json()
    assert detail["category"]["code"] == "REV-LAND-MUT"
    with pytest.raises(InvalidInput):
        services.category_retire(actor=world["secretary"], code="REV-LAND-MUT", reason="again")


def test_the_last_others_type_cannot_be_retired_merged_or_split_away(world: World):
    s = world["secretary"]
    with pytest.raises(InvalidInput, match="only 'Others' type"):
        services.category_retire(actor=s, code="REV-OTH", reason="x")
    with pytest.raises(InvalidInput, match="only 'Others' type"):
        services.category_merge(actor=s, code="REV-OTH", into="REV-FLOOD", reason="x")
    with pytest.raises(InvalidInput, match="only 'Others' type"):
        services.category_split(
            actor=s,
            code="REV-OTH",
            into=[NewType("REV-OTH-A", "A", "ए"), NewType("REV-OTH-B", "B", "बी")],
            moves={},
            retire=True,
            reason="x",
        )
    assert Category.objects.get(code="REV-OTH").is_active
    # With a second "Others" type, the first may go.
    _create(world, code="REV-OTH2", parent=None, is_others=True, name="Other matters")
    services.category_retire(actor=s, code="REV-OTH", reason="One is enough")
    assert not Category.objects.get(code="REV-OTH").is_active


def test_a_group_with_active_types_under_it_is_not_retired(world: World):
    with pytest.raises(InvalidInput, match="active categories under it"):
        services.category_retire(actor=world["secretary"], code="REV-LAND", reason="x")


def test_merge_moves_the_pending_grievances_through_the_door_and_retires(world: World):
    others = Category.objects.get(code="REV-OTH")
    pending = world.register(category=others)
    grievance_act(
        grievance_id=pending.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Done"},
    )
    conflict_free = world.register(category=others, mobile="9876500001")
    closed = world.register(category=others, mobile="9876500002")
    grievance_act(
        grievance_id=closed.pk, actor=world["officer_l1"], action="reject", data={"reason": "x"}
    )
    before = {g.pk: (g.level, g.assigned_post_id, g.due_at) for g in [conflict_free]}
    _create(world, code="REV-OTH2", parent=None, is_others=True, name="Other matters")
    target = services.category_merge(
        actor=world["secretary"], code="REV-OTH", into="REV-FLOOD", reason="All were floods"
    )
    assert target.code == "REV-FLOOD"
    for g in (pending, conflict_free):
        g.refresh_from_db()
        assert g.category.code == "REV-FLOOD"
        event = GrievanceEvent.objects.filter(grievance=g).latest("id")
        assert (event.action, event.actor, event.note) == (
            "recategorise",
            world["secretary"],
            "All were floods",
        )
        assert event.data["from_category"] == "REV-OTH"
        assert event.data["to_category"] == "REV-FLOOD"
    assert pending.status == Status.ATR_SUBMITTED
    conflict_free.refresh_from_db()
    assert (conflict_free.level, conflict_free.assigned_post_id, conflict_free.due_at) == before[
        conflict_free.pk
    ]
    closed.refresh_from_db()
    assert closed.category.code == "REV-OTH"  # a closed grievance keeps its retired type
    assert not Category.objects.get(code="REV-OTH").is_active
    change = CategoryChange.objects.get(operation="merge")
    assert change.new["into"] == "REV-FLOOD"
    assert set(change.new["moved"]) == {pending.number, conflict_free.number}


def test_merge_refuses_another_department_itself_and_a_retired_type(world: World):
    s = world["secretary"]
    for into in ("PWR-SUP", "REV-FLOOD-NONE", "REV-LAND-MUT"):
        with pytest.raises(InvalidInput):
            services.category_merge(actor=s, code="REV-LAND-MUT", into=into, reason="x")
    services.category_retire(actor=s, code="REV-FLOOD", reason="x")
    with pytest.raises(InvalidInput):
        services.category_merge(actor=s, code="REV-LAND-MUT", into="REV-FLOOD", reason="x")


def _split(world: World, **over):
    args = {
        "actor": world["secretary"],
        "code": "REV-LAND-MUT",
        "into": [
            NewType("REV-LAND-MUTS", "Mutation after sale", "बिक्री के बाद इंतकाल"),
            NewType("REV-LAND-MUTI", "Mutation after inheritance", "विरासत का इंतकाल"),
        ],
        "moves": {},
        "reason": "Two different backlogs",
        **over,
    }
    return services.category_split(**args)


def test_split_moves_the_chosen_grievances_and_the_rest(world: World):
    a = world.register()
    b = world.register(mobile="9876500001")
    c = world.register(mobile="9876500002")
    assert [g.pk for g in grievances_to_move(actor=world["secretary"], category=a.category)] == [
        a.pk,
        b.pk,
        c.pk,
    ]
    made = _split(world, moves={a.number: "REV-LAND-MUTS"}, rest="REV-LAND-MUTI", retire=True)
    assert [m.code for m in made] == ["REV-LAND-MUTS", "REV-LAND-MUTI"]
    assert made[0].parent.code == "REV-LAND" and made[0].kind == "grievance"
    assert made[0].deadline_unit == "working_days" or made[0].deadline_unit == ""
    codes = {g.number: Grievance.objects.get(pk=g.pk).category.code for g in (a, b, c)}
    assert codes == {
        a.number: "REV-LAND-MUTS",
        b.number: "REV-LAND-MUTI",
        c.number: "REV-LAND-MUTI",
    }
    assert GrievanceEvent.objects.filter(action="recategorise").count() == 3
    assert not Category.objects.get(code="REV-LAND-MUT").is_active
    ops = list(CategoryChange.objects.order_by("id").values_list("operation", flat=True))
    assert ops == ["create", "create", "split"]


def test_split_without_retire_may_leave_some_and_with_retire_may_not(world: World):
    a = world.register()
    world.register(mobile="9876500001")
    with pytest.raises(InvalidInput, match="would stay under the retired type"):
        _split(world, moves={a.number: "REV-LAND-MUTS"}, retire=True)
    assert not Category.objects.filter(code="REV-LAND-MUTS").exists()  # all rolled back
    _split(world, moves={a.number: "REV-LAND-MUTS"})
    assert Category.objects.get(code="REV-LAND-MUT").is_active
    assert Grievance.objects.filter(category__code="REV-LAND-MUT").count() == 1


def test_split_refuses_one_type_unknown_grievances_and_other_targets(world: World):
    g = world.register()
    with pytest.raises(InvalidInput):
        _split(world, into=[NewType("REV-LAND-ONE", "One", "एक")])
    with pytest.raises(InvalidInput, match="Not pending"):
        _split(world, moves={"HR2600009999": "REV-LAND-MUTS"})
    with pytest.raises(InvalidInput):
        _split(world, moves={g.number: "REV-FLOOD"})
    with pytest.raises(InvalidInput):
        _split(
            world,
            into=[NewType("REV-LAND-A", "A", "ए"), NewType("REV-LAND-A", "B", "बी")],
        )
    assert CategoryChange.objects.count() == 0


def test_a_failed_move_refuses_the_whole_merge(world: World):
    g = world.register()
    g2 = world.register(mobile="9876500001")
    # A secretary whose post covers only district Two cannot move a grievance of One.
    Post.objects.filter(code="REV-L4").update(area=world.other_district)
    with pytest.raises(PermissionDenied):
        services.category_merge(
            actor=world["secretary"], code="REV-LAND-MUT", into="REV-FLOOD", reason="x"
        )
    assert Category.objects.get(code="REV-LAND-MUT").is_active
    assert {x.category.code for x in Grievance.objects.filter(pk__in=[g.pk, g2.pk])} == {
        "REV-LAND-MUT"
    }
    assert not GrievanceEvent.objects.filter(action="recategorise").exists()
    assert CategoryChange.objects.count() == 0


@pytest.mark.parametrize("username", ["pwr_secretary", "hod", "officer_l1", "analyst", "cmo"])
def test_only_the_departments_secretary_and_the_admin_edit(world: World, username):
    actor = _pwr_secretary(world) if username == "pwr_secretary" else world[username]
    calls = [
        lambda: _create(world, actor=actor),
        lambda: services.category_rename(
            actor=actor, code="REV-LAND-MUT", name="X", name_hi="एक्स", reason="x"
        ),
        lambda: services.category_deadlines_set(
            actor=actor, code="REV-LAND-MUT", deadlines=None, reason="x"
        ),
        lambda: services.category_retire(actor=actor, code="REV-FLOOD", reason="x"),
        lambda: services.category_merge(
            actor=actor, code="REV-FLOOD", into="REV-LAND-MUT", reason="x"
        ),
        lambda: _split(world, actor=actor),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert CategoryChange.objects.count() == 0
    assert Category.objects.get(code="REV-FLOOD").is_active


def test_the_power_secretary_keeps_power_and_unknown_codes_are_404(world: World):
    pwr = _pwr_secretary(world)
    services.category_rename(
        actor=pwr, code="PWR-SUP", name="No supply at all", name_hi="बिजली नहीं", reason="x"
    )
    with pytest.raises(NotFound):
        services.category_retire(actor=pwr, code="PWR-NOPE", reason="x")
    with pytest.raises(NotFound):
        _create(world, actor=pwr, department="NOPE")


def test_the_recategorise_door_refuses_another_department_and_a_citizen(world: World):
    g = world.register()
    with pytest.raises(InvalidInput, match="transfer"):
        grievance_act(
            grievance_id=g.pk,
            actor=world["secretary"],
            action="recategorise",
            data={"category": "PWR-SUP", "reason": "x"},
        )
    for who in ("citizen", "officer_l1", "hod", "cmo"):
        with pytest.raises((PermissionDenied, NotFound)):
            grievance_act(
                grievance_id=g.pk,
                actor=world[who],
                action="recategorise",
                data={"category": "REV-FLOOD", "reason": "x"},
            )


def test_the_tree_shows_depth_pending_and_retired(world: World):
    world.register()
    services.category_retire(actor=world["secretary"], code="REV-FLOOD", reason="x")
    tree = category_tree(actor=world["hod"], department=world.department)
    rows = [(n.category.code, n.depth, n.pending, n.category.is_active) for n in tree]
    assert rows == [
        ("REV-FLOOD", 0, 0, False),
        ("REV-LAND", 0, 0, True),
        ("REV-LAND-MUT", 1, 1, True),
        ("REV-OTH", 0, 0, True),
    ]
    with pytest.raises(PermissionDenied):
        category_tree(actor=world["officer_l1"], department=world.department)


def test_the_admin_shows_the_log_read_only(world: World):
    from django.test import Client

    from nivaran.testing.world import PASSWORD

    world["admin"].is_staff = world["admin"].is_superuser = True
    world["admin"].save()
    services.category_retire(actor=world["secretary"], code="REV-FLOOD", reason="Gone")
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    assert client.get("/admin/catalog/categorychange/").status_code == 200
    change = CategoryChange.objects.get()
    assert client.get(f"/admin/catalog/categorychange/{change.pk}/change/").status_code == 200
    assert client.get("/admin/catalog/categorychange/add/").status_code == 403


def test_a_move_larger_than_the_limit_is_refused_and_nothing_changes(world, monkeypatch):
    from nivaran.catalog import services as catalog_services
    from nivaran.catalog.models import Category
    from nivaran.core.errors import InvalidInput

    monkeypatch.setattr(catalog_services, "MAX_MOVE", 1)
    world.register(mobile="9876500031")
    world.register(mobile="9876500032")
    into = Category.objects.create(department=world.department, code="REV-LAND-NEW", name="New")
    with pytest.raises(InvalidInput):
        catalog_services.category_merge(
            actor=world["secretary"], code=world.category.code, into=into.code, reason="Same"
        )
    assert Category.objects.get(pk=world.category.pk).is_active
